"""Statutory milestones across cases: for one case's screen, the dashboard, the office and
the annual report. No I/O; the rules come in as ``Templates.timelines``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ips_field.domain.records import Case, KeyDate
from ips_field.domain.timelines import (
    SOON_DAYS,
    WHO,
    CaseMilestone,
    TimelineKind,
    case_milestones,
    inputs_from,
)


@dataclass(frozen=True)
class CaseItem:
    """A milestone with the case it belongs to."""

    case_id: str
    item: CaseMilestone


def by_case(key_dates: Iterable[KeyDate]) -> dict[str, list[KeyDate]]:
    out: dict[str, list[KeyDate]] = defaultdict(list)
    for kd in key_dates:
        if not kd.deleted:
            out[kd.case_id].append(kd)
    return out


def for_case(
    key_dates: Iterable[KeyDate], timelines: Mapping[str, TimelineKind], today: dt.date
) -> list[CaseMilestone]:
    """One case's milestones with their status, by date."""
    return case_milestones(timelines, inputs_from(key_dates), today)


def across_cases(
    cases: Iterable[Case],
    key_dates: Iterable[KeyDate],
    timelines: Mapping[str, TimelineKind],
    today: dt.date,
    *,
    open_only: bool = True,
) -> list[CaseItem]:
    """Every milestone on every (open) case that is not deleted."""
    grouped = by_case(key_dates)
    out = []
    for case in cases:
        mine = grouped.get(case.id)
        if not mine or case.deleted or (open_only and case.status != "open"):
            continue
        for cm in for_case(mine, timelines, today):
            out.append(CaseItem(case.id, cm))
    return out


def dashboard(
    cases: Iterable[Case],
    key_dates: Iterable[KeyDate],
    timelines: Mapping[str, TimelineKind],
    today: dt.date,
) -> list[CaseItem]:
    """Open cases' milestones due in the next 14 days, and those missed (someone is late)."""
    return [
        ci
        for ci in across_cases(cases, key_dates, timelines, today)
        if ci.item.status in ("soon", "missed")
    ]


def missed(
    cases: Iterable[Case],
    key_dates: Iterable[KeyDate],
    timelines: Mapping[str, TimelineKind],
    today: dt.date,
) -> list[CaseItem]:
    """Open cases' statutory dates that have passed with nothing to show they were met."""
    return [
        ci for ci in across_cases(cases, key_dates, timelines, today) if ci.item.status == "missed"
    ]


def missed_in_period(
    cases: Iterable[Case],
    key_dates: Iterable[KeyDate],
    timelines: Mapping[str, TimelineKind],
    start: dt.date,
    end: dt.date,
    today: dt.date,
) -> list[CaseItem]:
    """Statutory dates from ``start`` to ``end`` (inclusive) not met on time, on any case:
    met late, or passed and still not met (as of ``today``)."""
    return [
        ci
        for ci in across_cases(cases, key_dates, timelines, today, open_only=False)
        if ci.item.overdue and start <= ci.item.milestone.date <= end
    ]


def title(cm: CaseMilestone, timelines: Mapping[str, TimelineKind]) -> str:
    """A short line without the family's name: "EHC needs assessment: Final EHC plan", or
    "The local authority is late: Final EHC plan (EHC needs assessment)" once missed."""
    m = cm.milestone
    kind = timelines.get(m.kind)
    name, what = kind.name if kind else m.kind, m.title or m.id.replace("_", " ")
    if cm.status == "missed":
        who = WHO.get(m.who, m.who).capitalize()
        return f"{who} is late: {what} ({name})"
    return f"{name}: {what}"


__all__ = [
    "SOON_DAYS",
    "CaseItem",
    "across_cases",
    "by_case",
    "checklist_dates",
    "checklist_suffix",
    "dashboard",
    "for_case",
    "missed",
    "missed_in_period",
    "title",
]


def checklist_dates(
    items: Iterable[CaseMilestone], timelines: Mapping[str, TimelineKind]
) -> dict[str, CaseMilestone]:
    """Meeting checklist item id -> the milestone whose computed date it should show."""
    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind in timelines.values():
        for rule in kind.milestones:
            wanted[(kind.id, rule.id)].update(rule.checklist)
    out: dict[str, CaseMilestone] = {}
    for cm in items:
        for item_id in wanted.get((cm.milestone.kind, cm.milestone.id), ()):
            out[item_id] = cm
    return out


def checklist_suffix(cm: CaseMilestone | None) -> str:
    """ " (by Tue 12 Jan 2027, MISSED)" for a checklist line, or nothing."""
    if cm is None:
        return ""
    status = {"missed": "MISSED", "late": "met late"}.get(cm.status, cm.status)
    return f" (by {cm.milestone.date:%a %d %b %Y}: {status})"


def build_key_date(case_id: str, which: str, on: str, year: str, post_16: bool) -> KeyDate:
    """A KeyDate from what was typed in the form (dates as YYYY-MM-DD or DD/MM/YYYY).

    Raises :class:`~ips_field.errors.ValidationError` with one message per bad field.
    """
    from ips_field.domain.calendar import parse_user_date
    from ips_field.errors import ValidationError

    if which == "phase_transfer_year":
        text = year.strip()
        if not (text.isdigit() and len(text) == 4):
            raise ValidationError({"year": "Year of transfer must be a year like 2027"})
        record = KeyDate(case_id=case_id, which=which, year=int(text), post_16=bool(post_16))
    else:
        try:
            day = parse_user_date(on)
        except ValueError:
            raise ValidationError({"on": "Date must be like 2026-03-31 or 31/03/2026"}) from None
        record = KeyDate(case_id=case_id, which=which, on=day.isoformat())
    record.validate()
    return record
