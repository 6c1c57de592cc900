"""THE import and export actions, for both command lines and both apps (no UI here).

``ips-field sync import``, ``ips-office import``, the office inbox screen and the volunteer's
sync screen all call :func:`import_paths`, so they behave the same (DESIGN.md §5 "Files"):

- only regular files named ``*.ipsb`` / ``*.ipsr`` / ``*.ipsi`` whose first bytes are a
  bundle's or an enrolment file's magic are considered; links, FIFOs, devices and folders
  (even one called ``x.ipsb``) are never opened or walked into, and a file named on the
  command line that is not one of ours is left alone with a one-line message;
- each bundle has one outcome (imported, replay, quarantined, for someone else) and the
  run always goes on; a bundle sealed to another computer, an invitation, and (on a
  volunteer's laptop) an enrolment reply are left where they are, untouched;
- an imported bundle (and a replay of one) is overwritten and deleted: only its SHA-256
  stays, in the store; a refused one moves to ``quarantine/`` with ``.reason.txt``;
- on read-only media the import still happens and the report says files could not be
  moved;
- at the office every outcome is written to the audit log.

File names in the report are escaped (:func:`ips_field.domain.shown.shown`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ips_field.domain.shown import shown
from ips_field.domain.words import count
from ips_field.errors import IpsError, SyncError
from sync import audit
from sync.enrol import read_enrolment_reply
from sync.exchange import (
    ImportResult,
    export_bundle,
    export_for,
    export_targets,
    import_bundle,
    pending_count,
    wipe_store,
)
from sync.keys import PublicIdentity
from sync.node import SyncNode, volunteer_name
from sync.safefile import Candidate, move_into, read_checked, remove_read_file, sniff

__all__ = ["SUFFIXES", "InboxReport", "candidates", "export_files", "import_paths"]

SUFFIXES = {".ipsb": "bundle", ".ipsr": "reply", ".ipsi": "invitation"}
MAX_ENROL_FILE = 64 * 1024

#: Called with a reply's volunteer identity at the office; returns one line, or raises
#: IpsError to leave the reply where it is (e.g. a fingerprint that does not match).
OnReply = Callable[[PublicIdentity], str]


@dataclass
class InboxReport:
    """What one run did: a line per file, and the counts behind the closing line."""

    lines: list[str] = field(default_factory=list)
    results: list[ImportResult] = field(default_factory=list)
    imported: int = 0
    replays: int = 0
    quarantined: int = 0
    others: int = 0
    skipped: int = 0
    not_moved: int = 0
    enrolled: int = 0
    unconfirmed: int = 0
    erased: int = 0
    wiped: bool = False

    @property
    def failed(self) -> bool:
        return self.quarantined > 0 or self.unconfirmed > 0

    def closing(self) -> str:
        parts = []
        if self.imported or self.replays or self.quarantined or not (self.others or self.skipped):
            parts.append(f"{count(self.imported, 'bundle')} imported")
        if self.replays:
            parts.append(f"{self.replays} already imported")
        if self.quarantined:
            parts.append(f"{self.quarantined} quarantined")
        if self.others:
            parts.append(f"{self.others} for others, left alone")
        if self.skipped:
            parts.append(f"{self.skipped} not ours, left alone")
        line = ", ".join(parts)
        if self.not_moved:
            line += f"; could not move or remove {count(self.not_moved, 'file')} (read-only?)"
        return line

    def all_lines(self) -> list[str]:
        return [*self.lines, self.closing()]


def candidates(
    paths: Iterable[Path], kinds: tuple[str, ...] = ("bundle", "reply", "invitation")
) -> tuple[list[Candidate], list[str]]:
    """Our files among ``paths`` (files, or the direct entries of folders), oldest first.

    Returns (candidates, lines about named files left alone). A folder's entries that are
    not ours are skipped silently; a *named* file that is not ours gets one line.
    """
    found: dict[tuple[int, int], Candidate] = {}
    lines: list[str] = []
    for p in paths:
        p = Path(p)
        if p.is_dir() and not p.is_symlink():
            try:
                entries = sorted(os.scandir(p), key=lambda e: e.name)
            except OSError:
                lines.append(f"{shown(p.name)}: cannot read that folder")
                continue
            for entry in entries:
                c = _ours(Path(entry.path), kinds)
                if c is not None:
                    found.setdefault(c.identity, c)
            continue
        c = _ours(p, kinds)
        if c is None:
            lines.append(f"{shown(p.name)}: not a sync bundle or enrolment file: left alone")
        else:
            found.setdefault(c.identity, c)
    ordered = sorted(found.values(), key=_age)
    return ordered, lines


def _ours(path: Path, kinds: tuple[str, ...]) -> Candidate | None:
    want = SUFFIXES.get(path.suffix.lower())
    if want is None or want not in kinds:
        return None
    c = sniff(path)
    return c if c is not None and c.kind == want else None


def _age(c: Candidate) -> tuple[float, str]:
    try:
        return (os.lstat(c.path).st_mtime, c.path.name)
    except OSError:
        return (0.0, c.path.name)


def import_paths(
    node: SyncNode,
    paths: Iterable[Path],
    *,
    quarantine: Path | None = None,
    on_reply: OnReply | None = None,
) -> InboxReport:
    """Import every bundle (and, at the office, enrolment reply) among ``paths``."""
    report = InboxReport()
    found, report.lines = candidates(paths)
    report.skipped = len(report.lines)
    for c in found:
        qdir = quarantine or c.path.parent / "quarantine"
        try:
            if c.kind == "bundle":
                _one_bundle(node, c, qdir, report)
            elif c.kind == "reply" and node.role == "office" and on_reply is not None:
                _one_reply(node, c, qdir, on_reply, report)
            else:
                report.others += 1
                report.lines.append(f"{shown(c.path.name)}: an enrolment file: left alone")
        except Exception as err:
            report.quarantined += 1
            report.lines.append(
                f"{shown(c.path.name)}: could not be handled (unexpected {type(err).__name__})"
            )
        if report.wiped:
            break
    return report


def _one_bundle(node: SyncNode, c: Candidate, qdir: Path, report: InboxReport) -> None:
    def audited(sender: str) -> None:  # inside the import's own write
        who = f" from {shown(volunteer_name(node, sender))}" if sender else ""
        audit.append(node, "import", f"{shown(c.path.name)}: imported{who}")

    in_write = audited if node.role == "office" else None
    result = import_bundle(node, c.path, qdir, identity=c.identity, in_write=in_write)
    report.results.append(result)
    who = ""
    if node.role == "office" and result.sender:
        who = f" from {shown(volunteer_name(node, result.sender))}"
    report.lines.append(f"{shown(c.path.name)}: {shown(result.summary)}{who}")
    status = result.status
    if status == "imported":
        report.imported += 1
    elif status == "replay":
        report.replays += 1
    elif status == "quarantined":
        report.quarantined += 1
    elif status == "others":
        report.others += 1
    elif status == "skipped":
        report.skipped += 1
    if status in ("imported", "replay", "quarantined") and not result.moved:
        report.not_moved += 1
    if node.role == "office" and status not in ("others", "imported"):
        audit.append(node, "import", f"{shown(c.path.name)}: {status}{who}")
    if result.erased and node.role == "volunteer":  # no trace left in either generation
        report.erased += result.erased
        node.store.compact(scrub_previous=True)
    if status == "wiped":
        report.imported += 1
        wipe_store(node.store)
        report.wiped = True
        report.lines.append("This computer's store was erased at the office's request.")


def _one_reply(
    node: SyncNode, c: Candidate, qdir: Path, on_reply: OnReply, report: InboxReport
) -> None:

    name = shown(c.path.name)
    try:
        data, seen_as = read_checked(c.path, MAX_ENROL_FILE)
        public = read_enrolment_reply(node, data)
    except SyncError as err:  # stale, unknown, damaged: quarantined, the run goes on
        moved = move_into(c.path, qdir, str(err), c.identity)
        report.quarantined += 1
        report.not_moved += not moved
        report.lines.append(f"{name}: quarantined: {err}")
        audit.append(node, "import", f"{name}: enrolment reply refused")
        return
    try:
        line = on_reply(public)
    except IpsError as err:
        report.unconfirmed += 1
        report.lines.append(f"{name}: {shown(err)} (the reply was left where it is)")
        return
    report.enrolled += 1
    report.lines.append(f"{name}: {shown(line, multiline=True)}")
    report.not_moved += not remove_read_file(c.path, seen_as)


def export_files(node: SyncNode, out_dir: Path, only: str | None = None) -> list[str]:
    """Seal and write bundles into ``out_dir``: the office's, or the volunteer's one."""
    out_dir = Path(out_dir)
    if node.role == "volunteer":
        office = node.office_public
        if office is None:
            raise SyncError("this store is not enrolled with an office yet (use ips-field enrol)")
        n = pending_count(node, office.node_id)
        path = export_bundle(node, office.node_id, out_dir)
        return [f"{path.name}: {count(n, 'change')} sealed for the office"]

    lines = []
    targets = export_targets(node, only)
    for vid in targets:
        path = export_for(node, vid, out_dir)
        lines.append(f"{path.name}: bundle written for {shown(volunteer_name(node, vid))}")
    audit.append(node, "export", f"{len(targets)} bundles")
    if not targets:
        lines.append("no bundles written: no volunteer is enrolled yet")
    return lines
