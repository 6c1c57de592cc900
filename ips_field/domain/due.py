"""What is due: the dashboard's list, worked out from records and a date. No I/O.

Each function takes lists of records and ``today`` and returns :class:`DueItem`s; the
dashboard calls :func:`due_items` for all of them at once. The rules come from the two
policies (consent before representing, evaluation at close or midway, CPD, supervision
and coaching after concerns, accurate up-to-date information) and from DESIGN.md 7.

Severity: ``overdue`` when the date has passed, ``due`` on the day, ``soon`` before it.
Titles make sense without the family's name: the UI puts the case's name beside them.
Records that are deleted (tombstones) are ignored everywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from ips_field.domain import notes as notes_rules
from ips_field.domain import statutory
from ips_field.domain.records import (
    Case,
    Consent,
    CpdEntry,
    Evaluation,
    KeyDate,
    Meeting,
    Note,
    SupervisionEntry,
    parse_date,
)
from ips_field.domain.timelines import TimelineKind
from ips_field.domain.vocabulary import CONSENT_PURPOSES

Severity = Literal["overdue", "due", "soon"]
MEETING_WINDOW_DAYS = 14
CONSENT_WINDOW_DAYS = 30
REFRESHER_WINDOW_DAYS = 30
SUPERVISION_WINDOW_DAYS = 14
_SEVERITY_ORDER = {"overdue": 0, "due": 1, "soon": 2}


@dataclass(frozen=True)
class DueItem:
    """One line on the dashboard."""

    kind: str
    title: str
    due_on: dt.date
    case_id: str | None
    severity: Severity


class DueSettings(Protocol):
    """The parts of a service profile the due rules read (``ServiceProfile`` has them)."""

    supervision_interval_days: int
    midway_evaluation_days: int
    cpd_refreshers: Mapping[str, int]
    stale_information_days: int


class ReviewedSource(Protocol):
    id: str
    name: str
    last_reviewed: dt.date


class ChecklistSource(Protocol):
    """A meeting type as far as preparation is concerned (``MeetingType`` fits)."""

    name: str

    def item_ids(self) -> list[str]: ...


def severity(due_on: dt.date, today: dt.date) -> Severity:
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "due"
    return "soon"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_date(value[:10])
    except ValueError:
        return None


_R = TypeVar("_R")


def _live(records: Iterable[_R]) -> list[_R]:
    return [r for r in records if not getattr(r, "deleted", False)]


def _open_case_ids(cases: Iterable[Case]) -> set[str]:
    return {c.id for c in _live(cases) if c.status == "open"}


def _item(kind: str, title: str, due_on: dt.date, case_id: str | None, today: dt.date) -> DueItem:
    return DueItem(kind, title, due_on, case_id, severity(due_on, today))


def _short(text: str, most: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "\u2026"


def _meeting_label(meeting: Meeting, meeting_types: Mapping[str, ChecklistSource]) -> str:
    known = meeting_types.get(meeting.meeting_type)
    if known is not None:
        return known.name
    return meeting.meeting_type.replace("_", " ").capitalize() or "Meeting"


def _upcoming(
    meetings: Iterable[Meeting], today: dt.date, open_cases: set[str] | None
) -> list[tuple[Meeting, dt.date]]:
    end = today + dt.timedelta(days=MEETING_WINDOW_DAYS)
    out = []
    for m in _live(meetings):
        day = _date(m.starts_at)
        if m.status != "planned" or day is None or not today <= day <= end:
            continue
        if open_cases is not None and m.case_id not in open_cases:
            continue
        out.append((m, day))
    return out


def meetings_soon(
    meetings: Iterable[Meeting],
    today: dt.date,
    *,
    meeting_types: Mapping[str, ChecklistSource] | None = None,
    open_cases: set[str] | None = None,
) -> list[DueItem]:
    """Planned meetings from today to 14 days ahead (inclusive); when the parent approved
    their views, the title says when and how."""
    from ips_field.domain.approval import approval_text

    types = meeting_types or {}

    def title(m: Meeting) -> str:
        text = f"Meeting: {_meeting_label(m, types)}"
        if not m.parent_approved_how:
            return text
        said = approval_text(m)
        return f"{text} · {said[0].lower()}{said[1:]}"

    return [
        _item("meeting", title(m), day, m.case_id, today)
        for m, day in _upcoming(meetings, today, open_cases)
    ]


def preparation_incomplete(
    meetings: Iterable[Meeting],
    today: dt.date,
    *,
    meeting_types: Mapping[str, ChecklistSource] | None = None,
    open_cases: set[str] | None = None,
) -> list[DueItem]:
    """Meetings within 14 days whose checklist has open items or whose parent's views
    are not yet approved by the parent. The checklist items are the meeting type's; for
    an unknown type, the items already on the meeting."""
    types = meeting_types or {}
    out = []
    for m, day in _upcoming(meetings, today, open_cases):
        known = types.get(m.meeting_type)
        ids = known.item_ids() if known is not None else list(m.checklist)
        open_items = [i for i in ids if not m.checklist.get(i)]
        problems = []
        if open_items:
            n = len(open_items)
            problems.append(f"{n} checklist item{'s' if n != 1 else ''} open")
        if not m.parent_approved:
            problems.append("parent's views not approved")
        if problems:
            label = _meeting_label(m, types)
            out.append(
                _item(
                    "preparation", f"Prepare {label}: {'; '.join(problems)}", day, m.case_id, today
                )
            )
    return out


def actions_due(
    notes: Iterable[Note], today: dt.date, *, open_cases: set[str] | None = None
) -> list[DueItem]:
    """Agreed actions with a due date that is today or past, not superseded by a correction."""
    live = _live(notes)
    superseded = notes_rules.superseded_ids(live)
    out = []
    for n in live:
        due = _date(n.due_on)
        if n.voice != "agreed_action" or due is None or n.id in superseded or due > today:
            continue
        if open_cases is not None and n.case_id not in open_cases:
            continue
        who = f" ({_short(n.owner, 30)})" if n.owner else ""
        out.append(_item("action", f"Action{who}: {_short(n.text)}", due, n.case_id, today))
    return out


def _latest_consents(consents: Iterable[Consent]) -> dict[tuple[str, str, str], Consent]:
    """The newest consent per (case, purpose, named party): a renewal replaces the old one."""
    latest: dict[tuple[str, str, str], Consent] = {}
    for c in _live(consents):
        key = (c.case_id, c.purpose, c.named_party.strip().lower())
        old = latest.get(key)
        if old is None or (c.given_on, c.created_at) >= (old.given_on, old.created_at):
            latest[key] = c
    return latest


def consents_due(
    cases: Iterable[Case], consents: Iterable[Consent], today: dt.date
) -> list[DueItem]:
    """For open cases: consents expiring within 30 days, expired, withdrawn, and a missing
    current consent to keep a record.

    An expired or withdrawn consent to keep a record stays on the list until it is
    renewed (the case cannot go on without it); for other purposes the item shows for
    30 days after the date, then the purpose is simply not available any more.
    """
    open_cases = _open_case_ids(cases)
    opened = {c.id: _date(c.opened_on) or today for c in _live(cases)}
    window = dt.timedelta(days=CONSENT_WINDOW_DAYS)
    out = []
    record_seen: set[str] = set()
    for (case_id, purpose, _), c in _latest_consents(consents).items():
        if case_id not in open_cases:
            continue
        if purpose == "record":
            record_seen.add(case_id)
        label = CONSENT_PURPOSES.get(purpose, purpose)
        if c.named_party:
            label = f"{label} ({_short(c.named_party, 30)})"
        state = c.state_on(today)
        if state in ("withdrawn", "expired"):
            when = _date(c.withdrawn_on if state == "withdrawn" else c.expires_on) or today
            if purpose == "record" or today - when <= window:
                out.append(_item("consent", f"Consent {state}: {label}", when, case_id, today))
        elif state == "current" and c.expires_on:
            expires = _date(c.expires_on)
            if expires is not None and expires <= today + window:
                out.append(_item("consent", f"Consent expires: {label}", expires, case_id, today))
    for case_id in sorted(open_cases - record_seen):
        title = "No current consent to keep a record of the case"
        out.append(_item("consent", title, opened.get(case_id, today), case_id, today))
    return out


def evaluations_due(
    cases: Iterable[Case],
    consents: Iterable[Consent],
    evaluations: Iterable[Evaluation],
    today: dt.date,
    *,
    midway_evaluation_days: int,
) -> list[DueItem]:
    """Closing evaluations for closed cases whose parent agreed to be contacted, and
    midway evaluations for open cases older than the profile's midway interval."""
    sent: set[tuple[str, str]] = {
        (e.case_id, e.stage) for e in _live(evaluations) if e.sent_on and e.respondent == "parent"
    }
    live_consents = _live(consents)
    out = []
    for case in _live(cases):
        may_contact = any(
            c.case_id == case.id and c.purpose == "contact_evaluation" and c.current_on(today)
            for c in live_consents
        )
        if case.status == "closed":
            closed = _date(case.closed_on)
            if closed and may_contact and (case.id, "closing") not in sent:
                out.append(_item("evaluation", "Send closing evaluation", closed, case.id, today))
        elif case.status == "open":
            opened = _date(case.opened_on)
            if opened is None or (case.id, "midway") in sent:
                continue
            due = opened + dt.timedelta(days=midway_evaluation_days)
            if due <= today:
                title = "Send midway evaluation"
                if not may_contact:
                    title += " (ask consent to contact for evaluation first)"
                out.append(_item("evaluation", title, due, case.id, today))
    return out


def cpd_refreshers_due(
    cpd: Iterable[CpdEntry],
    today: dt.date,
    *,
    refreshers: Mapping[str, int],
    started_on: dt.date | None = None,
) -> list[DueItem]:
    """Per topic: last CPD on that topic plus the profile's months; never done is overdue,
    unless the volunteer started recently (``started_on``): their initial training counts
    as done on that day, so a new volunteer does not start with a wall of red.
    Shown from 30 days before the due date."""
    out = []
    entries = _live(cpd)
    for topic, months in refreshers.items():
        days = [d for e in entries if topic in e.topics and (d := _date(e.on)) is not None]
        label = topic.replace("_", " ")
        if not days and started_on is not None:
            days = [started_on]
        if not days:
            out.append(
                DueItem("cpd", f"CPD refresher: {label} (none recorded)", today, None, "overdue")
            )
            continue
        due = add_months(max(days), months)
        if due <= today + dt.timedelta(days=REFRESHER_WINDOW_DAYS):
            out.append(_item("cpd", f"CPD refresher: {label}", due, None, today))
    return out


def supervision_due(
    supervision: Iterable[SupervisionEntry],
    today: dt.date,
    *,
    interval_days: int,
    started_on: dt.date | None = None,
) -> list[DueItem]:
    """Last supervision plus the interval; never supervised is overdue (counted from
    ``started_on`` for a volunteer who has just started). Shown 14 days ahead."""
    days = [d for s in _live(supervision) if (d := _date(s.on)) is not None]
    if not days and started_on is not None:
        days = [started_on]
    if not days:
        return [DueItem("supervision", "Supervision (none recorded)", today, None, "overdue")]
    due = max(days) + dt.timedelta(days=interval_days)
    if due <= today + dt.timedelta(days=SUPERVISION_WINDOW_DAYS):
        return [_item("supervision", "Supervision", due, None, today)]
    return []


def coaching_follow_ups(supervision: Iterable[SupervisionEntry], today: dt.date) -> list[DueItem]:
    """Impartiality concerns whose follow-up date has come and that are not followed up."""
    out = []
    for s in _live(supervision):
        due = _date(s.follow_up_on)
        if s.impartiality_concern and due is not None and due <= today and not s.followed_up_on:
            out.append(
                _item(
                    "coaching", "Follow up coaching after an impartiality concern", due, None, today
                )
            )
    return out


def stale_sources(
    sources: Iterable[ReviewedSource], today: dt.date, *, stale_days: int
) -> list[DueItem]:
    """Signposting sources whose last review is ``stale_days`` or more ago."""
    out = []
    for s in sources:
        due = s.last_reviewed + dt.timedelta(days=stale_days)
        if due <= today:
            out.append(
                _item("source", f"Check information is up to date: {s.name}", due, None, today)
            )
    return out


def statutory_due(
    cases: Iterable[Case],
    key_dates: Iterable[KeyDate],
    timelines: Mapping[str, TimelineKind],
    today: dt.date,
) -> list[DueItem]:
    """Statutory dates on open cases due in the next 14 days, and those missed."""
    return [
        _item(
            "statutory",
            statutory.title(ci.item, timelines),
            ci.item.milestone.date,
            ci.case_id,
            today,
        )
        for ci in statutory.dashboard(cases, key_dates, timelines, today)
    ]


def sort_items(items: Iterable[DueItem]) -> list[DueItem]:
    return sorted(items, key=lambda i: (i.due_on, _SEVERITY_ORDER[i.severity], i.kind, i.title))


def _warn_refused(
    items: list[DueItem], cases: Sequence[Case], consents: Sequence[Consent], today: dt.date
) -> list[DueItem]:
    """A meeting that cannot go ahead says so first on its line, and why (domain/rules.py)."""
    from ips_field.domain import rules

    by_id = {c.id: c for c in cases}
    out = []
    for item in items:
        case = by_id.get(item.case_id or "")
        why = (
            rules.refusal_in_brief(case, [c for c in consents if c.case_id == case.id], today)
            if case is not None
            else ""
        )
        if why:
            title = f"BLOCKED: {item.title} ({why})"  # short first: 80 columns cut the rest
            item = DueItem(item.kind, title, item.due_on, item.case_id, item.severity)
        out.append(item)
    return out


def due_items(
    *,
    today: dt.date,
    profile: DueSettings,
    cases: Sequence[Case] = (),
    meetings: Sequence[Meeting] = (),
    notes: Sequence[Note] = (),
    consents: Sequence[Consent] = (),
    evaluations: Sequence[Evaluation] = (),
    cpd: Sequence[CpdEntry] = (),
    supervision: Sequence[SupervisionEntry] = (),
    sources: Sequence[ReviewedSource] = (),
    meeting_types: Mapping[str, ChecklistSource] | None = None,
    started_on: dt.date | None = None,
    key_dates: Sequence[KeyDate] = (),
    timelines: Mapping[str, TimelineKind] | None = None,
) -> list[DueItem]:
    """Everything due for the dashboard, sorted by date (then overdue first).

    ``started_on`` (the day the volunteer set up the app) starts the CPD and supervision
    clocks for a volunteer who has recorded none yet.

    Meetings, actions and consents are shown for open cases only.
    """
    open_cases = _open_case_ids(cases)
    items: list[DueItem] = []
    items += meetings_soon(meetings, today, meeting_types=meeting_types, open_cases=open_cases)
    items += preparation_incomplete(
        meetings, today, meeting_types=meeting_types, open_cases=open_cases
    )
    items = _warn_refused(items, cases, consents, today)
    items += actions_due(notes, today, open_cases=open_cases)
    items += consents_due(cases, consents, today)
    items += evaluations_due(
        cases, consents, evaluations, today, midway_evaluation_days=profile.midway_evaluation_days
    )
    items += cpd_refreshers_due(
        cpd, today, refreshers=profile.cpd_refreshers, started_on=started_on
    )
    items += supervision_due(
        supervision,
        today,
        interval_days=profile.supervision_interval_days,
        started_on=started_on,
    )
    items += coaching_follow_ups(supervision, today)
    items += stale_sources(sources, today, stale_days=profile.stale_information_days)
    items += statutory_due(cases, key_dates, timelines or {}, today)
    return sort_items(items)
