"""What importing a bundle would do, read without applying anything, and what the inbox
and its quarantine hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ips_field.domain.words import count
from ips_field.errors import SyncError
from sync.bundle import AddressedElsewhere, open_bundle_file
from sync.inbox import candidates
from sync.node import SyncNode, volunteer_name
from sync.safefile import read_regular

# What a supervisor calls each kind of record, one and many.
NOUNS = {
    "volunteer": ("volunteer profile", "volunteer profiles"),
    "interest": ("declared interest", "declared interests"),
    "case": ("case", "cases"),
    "family": ("family", "families"),
    "child": ("child", "children"),
    "consent": ("consent", "consents"),
    "meeting": ("meeting", "meetings"),
    "note": ("note", "notes"),
    "contact": ("contact", "contacts"),
    "signposting": ("signposting record", "signposting records"),
    "cpd": ("CPD entry", "CPD entries"),
    "supervision": ("supervision record", "supervision records"),
    "evaluation": ("evaluation", "evaluations"),
    "outreach": ("outreach record", "outreach records"),
    "conflict_check": ("conflict check", "conflict checks"),
    "key_date": ("key date", "key dates"),
}

KIND_ORDER = {kind: i for i, kind in enumerate(NOUNS)}


@dataclass
class Preview:
    """What importing a bundle would do, read without applying anything."""

    path: Path
    ok: bool
    sender: str = ""
    sender_name: str = ""
    new_ops: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # records added or changed
    cases: int = 0
    problem: str = ""  # one line when not ok (or "already imported")
    elsewhere: bool = False  # sealed for another computer: left alone, not counted

    @property
    def summary(self) -> str:
        if not self.ok:
            return self.problem
        ordered = sorted(self.by_kind.items(), key=lambda kn: KIND_ORDER.get(kn[0], len(NOUNS)))
        kinds = ", ".join(count(n, *NOUNS.get(k, (k,))) for k, n in ordered) or "nothing new"
        return f"from {self.sender_name}: {kinds} ({count(self.cases, 'case')})"


def preview_bundle(node: SyncNode, path: Path) -> Preview:
    """Decrypt and verify a bundle (signature, recipient, roster) and count its new ops.

    Never raises: anything unexpected is a one-line problem (run it in a worker: it
    decrypts the file). A bundle for another computer says so and is not counted.
    """
    roster = node.roster
    if roster is None:
        return Preview(path, False, problem="this office has no roster")
    try:
        return _preview(node, path, open_bundle_file(path, node.identity, roster))
    except AddressedElsewhere as err:
        return Preview(path, False, problem=str(err), elsewhere=True)
    except SyncError as err:
        return Preview(path, False, problem=str(err))
    except Exception as err:
        return Preview(path, False, problem=f"cannot be previewed ({type(err).__name__})")


def _preview(node: SyncNode, path: Path, payload: dict[str, Any]) -> Preview:
    sender = payload["sender"]
    peer = node.peer(sender)
    name = volunteer_name(node, sender)
    if payload["seq"] <= peer["seen_seq"]:
        return Preview(path, False, sender, name, problem="already imported (a replay)")
    records: dict[str, set[str]] = {}  # kind -> records added or changed
    cases: set[str] = set()
    new_ops = 0
    for op in payload.get("ops", []):
        if not isinstance(op, dict):
            continue
        n = op.get("n", op.get("seq", 0))
        if type(n) is int and n <= peer["received_n"]:
            continue
        new_ops += 1
        records.setdefault(str(op.get("kind", "?"))[:40], set()).add(str(op.get("record_id")))
        if op.get("case_id"):
            cases.add(str(op["case_id"]))
    by_kind = {kind: len(ids) for kind, ids in records.items()}
    return Preview(path, True, sender, name, new_ops, by_kind, len(cases))


def inbox_files(folder: Path | None) -> list[Path]:
    """Bundle files in the inbox folder (ours by name and magic, regular), oldest first."""
    if folder is None or not Path(folder).is_dir():
        return []
    return [c.path for c in candidates([Path(folder)], kinds=("bundle",))[0]]


def quarantined(folder: Path | None) -> list[tuple[str, str]]:
    """(file name, reason) for each bundle refused from this inbox (names not escaped)."""
    q = Path(folder) / "quarantine" if folder is not None else None
    if q is None or not q.is_dir() or q.is_symlink():
        return []
    out = []
    for p in sorted(q.iterdir()):
        if p.suffix not in (".ipsb", ".ipsr") or p.is_symlink() or not p.is_file():
            continue
        reason = p.with_name(p.name + ".reason.txt")
        try:
            text = read_regular(reason, 4096).decode("utf-8", "replace").strip()
        except SyncError:
            text = "(no reason)"
        out.append((p.name, text.splitlines()[0] if text else "(no reason)"))
    return out
