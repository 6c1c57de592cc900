"""Retention on the laptop (DESIGN.md §5): closed cases leave once the office holds them.

The purge runs after every import that applied a bundle from the office
(:func:`import_and_purge`, which ``ips-field sync import`` and the sync screen both call)
and when the volunteer app is unlocked (:func:`purge_at_unlock`). A case leaves when:

- it is closed, and the office's acknowledgement set ``office_confirmed_on`` (the field's
  clock names the office: a value set on this laptop is not an acknowledgement);
- the office has acknowledged every change this laptop made to it (no operation of the
  case is waiting to go), so nothing the volunteer wrote is lost;
- the service's retention period (``retention_days_after_confirmation`` in the profile)
  has passed since the acknowledgement.

The removal, the scrub of older copies it owes and an entry in the laptop's retention log
are one write; the scrub (a compaction that also rewrites ``.prev``, leaving no journal)
follows at once, and if the computer stops first the next open finishes it, as for an
erasure (``sync.erasure``). Each run that removed something gives one line (counts and
case references, never names) and leaves an entry in the log the app shows.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ips_field.domain.records import KINDS, Case
from ips_field.domain.shown import shown
from ips_field.domain.words import count
from ips_field.errors import IpsError
from ips_field.store.drafts import DRAFTS
from ips_field.store.repository import OUTBOX, Repository
from ips_field.templates import Templates
from sync.erasure import finish_scrub, owe_scrub
from sync.inbox import InboxReport, import_paths
from sync.merge import CONFLICTS
from sync.node import SyncNode

LOG = "retention_log"  # one entry per run that removed something; never synced


@dataclass(frozen=True)
class PurgeRun:
    """One run that removed cases from this laptop."""

    at: str
    trigger: str  # "import" | "unlock"
    references: list[str]
    records: int
    days: int
    case_ids: list[str]  # so that a late change to a case that left is removed too
    late: int = 0  # records the office sent later for cases that had already left

    def line(self) -> str:
        parts = []
        if self.references:
            refs = ", ".join(shown(r) for r in self.references)
            parts.append(
                f"{count(len(self.references), 'closed case')} left this laptop ({refs}): "
                f"acknowledged by the office at least {count(self.days, 'day')} ago; "
                f"{count(self.records, 'record')} removed"
            )
        if self.late:
            parts.append(
                f"{count(self.late, 'record')} that arrived later for cases that had "
                "already left removed"
            )
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "trigger": self.trigger,
            "references": list(self.references),
            "records": self.records,
            "days": self.days,
            "case_ids": list(self.case_ids),
            "late": self.late,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PurgeRun:
        return cls(
            str(d.get("at", "")),
            str(d.get("trigger", "")),
            [str(r) for r in d.get("references", [])],
            int(d.get("records", 0)),
            int(d.get("days", 0)),
            [str(c) for c in d.get("case_ids", [])],
            int(d.get("late", 0)),
        )


def retention_days(repo: Repository, templates: Templates) -> int:
    """The service's retention period on laptops, from this volunteer's profile."""
    me = repo.profile()
    return templates.profile(me.service if me else "generic").retention_days_after_confirmation


def due_here(node: SyncNode, today: dt.date, days: int) -> list[str]:
    """The closed cases that may leave this laptop now (see the module's rules)."""
    office = node.office_public
    if node.role != "volunteer" or office is None:
        return []
    acked = int(node.peer(office.node_id)["their_ack"])
    waiting = {op.get("case_id") for op in node.repo.table(OUTBOX).all() if int(op["seq"]) > acked}
    out = []
    for case_id in purge_due(node.repo, today, days):
        case = node.repo.raw(Case.KIND, case_id) or {}
        stamp = (case.get("clocks") or {}).get("office_confirmed_on") or []
        if len(stamp) == 3 and stamp[2] == office.node_id and case_id not in waiting:
            out.append(case_id)
    return out


def purge_laptop(node: SyncNode, days: int, *, trigger: str) -> PurgeRun | None:
    """Remove the cases that are due, log the run; None when nothing was due.

    Records that arrived later for a case that has already left (the office returned an
    evaluation on it, say) go too, unless the case itself came back (reassigned here)."""
    repo, store = node.repo, node.store
    due = due_here(node, repo.time.today(), days)
    left_before = {c for d in store.table(LOG).all() for c in d.get("case_ids", [])}
    returned = {c for c in left_before if repo.raw(Case.KIND, c) is not None}
    late = _case_records(repo, left_before - returned - set(due))
    if not due and not late:
        return None
    refs = sorted(
        (repo.raw(Case.KIND, c) or {}).get("reference", "") or "(no reference)" for c in due
    )
    records = _case_records(repo, set(due))
    at = repo.now().isoformat(timespec="seconds")
    run = PurgeRun(at, trigger, refs, len(records), days, sorted(due), len(late))
    wanted = sorted(set(due) | (left_before - returned))

    def in_write() -> None:  # the removal, the owed scrub and the log entry: one write
        gone = records | late | set(due)
        conflicts = store.table(CONFLICTS)  # the losing values of merges: record text
        conflicts.delete_ids([c["id"] for c in conflicts.all() if c.get("record_id") in gone])
        drafts = store.table(DRAFTS)  # keyed "<screen>:<record id>"
        drafts.delete_ids(
            [d["id"] for d in drafts.all() if str(d["id"]).rpartition(":")[2] in gone]
        )
        owe_scrub(store)
        store.table(LOG).put({"id": str(uuid.uuid4()), **run.to_dict()})

    purge_cases(repo, store, wanted, in_write=in_write, scrub=lambda: finish_scrub(store))
    return run


def _case_records(repo: Repository, case_ids: set[str]) -> set[str]:
    """The ids of every record of ``case_ids`` (the cases themselves included)."""
    out: set[str] = set()
    for cls in KINDS.values():
        if cls.CASE_FIELD is not None:
            field = cls.CASE_FIELD
            out.update(d["id"] for d in repo.table(cls.KIND).all() if d.get(field) in case_ids)
    return out


def import_and_purge(
    node: SyncNode, paths: Iterable[Path], *, days: int, quarantine: Path | None = None
) -> InboxReport:
    """THE volunteer's import: :func:`sync.inbox.import_paths`, then the retention purge
    when a bundle from the office was applied (its acknowledgements are now known)."""
    report = import_paths(node, paths, quarantine=quarantine)
    if report.imported and not report.wiped:
        try:
            run = purge_laptop(node, days, trigger="import")
        except (IpsError, OSError) as err:  # the import stands; the purge is tried again
            report.lines.append(
                f"the retention purge did not finish ({shown(err)}); "
                "it is finished at the next open, import or unlock"
            )
            return report
        if run is not None:
            report.lines.append(run.line())
    return report


def purge_at_unlock(node: SyncNode, days: int) -> PurgeRun | None:
    return purge_laptop(node, days, trigger="unlock")


def purge_log(store: Any) -> list[PurgeRun]:
    """Every run that removed something, newest first."""
    runs = [PurgeRun.from_dict(d) for d in store.table(LOG).all()]
    return sorted(runs, key=lambda r: r.at, reverse=True)


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    case_ids: list[str]
    records: int
    operations: int


def purge_due(repo: Repository, today: dt.date, retention_days: int) -> list[str]:
    """Closed cases confirmed by the office at least ``retention_days`` ago."""
    due = []
    for case in repo.all(Case, include_deleted=True):
        if case.status != "closed" or not case.office_confirmed_on:
            continue
        confirmed = dt.date.fromisoformat(case.office_confirmed_on)
        if confirmed + dt.timedelta(days=retention_days) <= today:
            due.append(case.id)
    return due


def purge_cases(
    repo: Repository,
    store: object,
    case_ids: list[str],
    *,
    in_write: Callable[[], None] | None = None,
    scrub: Callable[[], object] | None = None,
) -> PurgeReport:
    """Remove every trace of ``case_ids`` (records, their operations, old generations).

    ``in_write`` runs inside the removing write (to record the scrub as owed and a log
    entry in the same write); ``scrub`` then replaces the plain scrubbing compaction (to
    finish an owed scrub and clear it)."""
    wanted = set(case_ids)
    removed_ids: set[str] = set()
    records = 0
    with repo.transaction():
        for kind, cls in KINDS.items():
            field = cls.CASE_FIELD
            if field is None:
                continue
            table = repo.table(kind)
            ids = [d["id"] for d in table.all() if d.get(field) in wanted]
            if ids:
                table.delete_ids(ids)
                removed_ids.update(ids)
                records += len(ids)
        outbox = repo.table(OUTBOX)
        ops = [
            op["id"]
            for op in outbox.all()
            if op.get("case_id") in wanted or op.get("record_id") in removed_ids
        ]
        outbox.delete_ids(ops)
        if in_write is not None:
            in_write()
    compact = getattr(store, "compact", None)
    if scrub is not None:
        scrub()
    elif compact is not None:
        compact(scrub_previous=True)
    log.info("purged cases %s: %d records, %d operations", sorted(wanted), records, len(ops))
    return PurgeReport(sorted(wanted), records, len(ops))
