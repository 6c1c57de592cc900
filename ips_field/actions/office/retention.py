"""How long the office keeps closed cases, and which are due to go."""

from __future__ import annotations

import contextlib
import datetime as dt

from ips_field.domain.records import Case
from sync.node import SyncNode

DEFAULT_RETENTION_DAYS = 6 * 365  # six years after closure, until the office sets its own


def retention_schedule(node: SyncNode, today: dt.date) -> list[tuple[Case, dt.date]]:
    """Closed cases whose retention period has passed: (case, date it passed), for review."""
    days = int(node.state.get("retention_days", DEFAULT_RETENTION_DAYS))
    out = []
    for case in node.repo.all(Case):
        if case.status != "closed" or not case.closed_on:
            continue
        with contextlib.suppress(ValueError):
            passed = dt.date.fromisoformat(case.closed_on[:10]) + dt.timedelta(days=days)
            if passed <= today:
                out.append((case, passed))
    return sorted(out, key=lambda x: x[1])
