"""Oversight per volunteer: cases, supervision and CPD due, for the supervisor's screens."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ips_field.domain import due
from ips_field.domain.records import Case, CpdEntry, SupervisionEntry
from sync import reviews
from sync.node import SyncNode, volunteer_name


@dataclass
class VolunteerOversight:
    volunteer_id: str
    name: str
    cpd_hours_this_year: float
    hours_by_topic: dict[str, float]
    refreshers_due: list[str]
    last_supervision: str
    supervision_overdue: bool
    open_follow_ups: int
    open_cases: int


def oversight(
    node: SyncNode,
    today: dt.date,
    *,
    supervision_interval_days: int,
    refreshers: dict[str, int],
) -> list[VolunteerOversight]:
    """Per active volunteer on the roster: CPD this year by topic, refreshers, supervision,
    and coaching follow-ups (their own supervision records' and the office's, policy 8.2).
    Revoked volunteers are not counted: nobody supervises a volunteer who has left."""
    roster = node.roster
    ids = [v for v, e in roster.volunteers.items() if e.active] if roster else []
    cpd: dict[str, list[CpdEntry]] = {v: [] for v in ids}
    sup: dict[str, list[SupervisionEntry]] = {v: [] for v in ids}
    for e in node.repo.all(CpdEntry):
        cpd.setdefault(e.origin, []).append(e)
    for s in node.repo.all(SupervisionEntry):
        sup.setdefault(s.origin, []).append(s)
    open_cases = Counter(c.assigned_to for c in node.repo.all(Case) if c.status == "open")
    out = []
    year = str(today.year)
    for vid in ids:
        topics: dict[str, float] = {}
        hours = 0.0
        for e in cpd[vid]:
            if e.on[:4] == year:
                hours += e.hours
                for t in e.topics or ["general"]:
                    topics[t] = topics.get(t, 0) + e.hours
        sessions = sorted(s.on for s in sup[vid])
        overdue = due.supervision_due(sup[vid], today, interval_days=supervision_interval_days)
        out.append(
            VolunteerOversight(
                vid,
                volunteer_name(node, vid),
                hours,
                dict(topics),
                [
                    i.title.removeprefix("CPD refresher: ")
                    for i in due.cpd_refreshers_due(cpd[vid], today, refreshers=refreshers)
                    if i.severity in ("overdue", "due")
                ],
                sessions[-1] if sessions else "",
                any(i.severity in ("overdue", "due") for i in overdue),
                len(due.coaching_follow_ups(sup[vid], today))
                + len(office_follow_ups_due(node, vid, today)),
                open_cases.get(vid, 0),
            )
        )
    return out


def office_follow_ups_due(
    node: SyncNode, volunteer_id: str, today: dt.date
) -> list[dict[str, Any]]:
    """Coaching follow-ups the office recorded for this volunteer, due and not yet done."""
    return [
        c
        for c in reviews.coaching(node.store, volunteer_id)
        if c.get("follow_up_on")
        and c["follow_up_on"] <= today.isoformat()
        and not c.get("followed_up_on")
    ]
