"""Signposting to independent sources, and when a source's details are stale."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ips_field.domain.records import Signposting
from ips_field.store.repository import Repository

if TYPE_CHECKING:
    from ips_field.templates.schema import Source


def record_signposting(
    repo: Repository, case_id: str, source: Source, on: dt.date, note: str = ""
) -> Signposting:
    return repo.save(
        Signposting(
            case_id=case_id,
            source_id=source.id,
            source_name=source.name,
            on=on.isoformat(),
            note=note,
        )
    )


def is_stale(source: Source, today: dt.date, stale_days: int) -> bool:
    return (today - source.last_reviewed).days > stale_days
