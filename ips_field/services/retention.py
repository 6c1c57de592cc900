"""Retention: closed cases leave the laptop once the office has confirmed it holds them.

The office's acknowledgement (arriving with sync) sets ``Case.office_confirmed_on``. After the
service's retention period, :func:`purge_cases` removes every trace of those cases from the
store: the records, the outbox operations that carried their data, and, by a scrubbing
compaction, the previous generation (``.prev``) too. The log carries ids only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ips_field.domain.records import KINDS, Case
from ips_field.store.repository import OUTBOX, Repository

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
