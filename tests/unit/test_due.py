"""Dashboard due rules, including the day-by-day boundaries."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import dataclass, field

import pytest

from ips_field.domain.due import (
    DueItem,
    actions_due,
    add_months,
    coaching_follow_ups,
    consents_due,
    cpd_refreshers_due,
    due_items,
    evaluations_due,
    meetings_soon,
    preparation_incomplete,
    severity,
    stale_sources,
    supervision_due,
)
from ips_field.domain.records import (
    Case,
    Consent,
    CpdEntry,
    Evaluation,
    Meeting,
    Note,
    SupervisionEntry,
)

TODAY = dt.date(2026, 6, 15)


def d(days: int) -> str:
    """An ISO date ``days`` from TODAY."""
    return (TODAY + dt.timedelta(days=days)).isoformat()


def case(cid: str = "c1", **kw) -> Case:
    kw.setdefault("opened_on", d(-10))
    return Case(id=cid, reference="R1", school="Oakfield Primary", **kw)


def consent(purpose: str = "record", case_id: str = "c1", **kw) -> Consent:
    kw.setdefault("given_on", d(-10))
    return Consent(case_id=case_id, purpose=purpose, given_by="parent", **kw)


def meeting(days: int, **kw) -> Meeting:
    kw.setdefault("case_id", "c1")
    kw.setdefault("meeting_type", "ehc_annual_review")
    return Meeting(starts_at=f"{d(days)}T10:00", **kw)


@dataclass
class FakeType:
    name: str
    ids: list[str] = field(default_factory=list)

    def item_ids(self) -> list[str]:
        return list(self.ids)


@dataclass
class Profile:
    supervision_interval_days: int = 90
    midway_evaluation_days: int = 180
    cpd_refreshers: dict[str, int] = field(
        default_factory=lambda: {"impartiality": 12, "safeguarding": 36}
    )
    stale_information_days: int = 365


@dataclass
class Src:
    id: str
    name: str
    last_reviewed: dt.date


def test_severity_and_add_months() -> None:
    assert severity(TODAY - dt.timedelta(days=1), TODAY) == "overdue"
    assert severity(TODAY, TODAY) == "due"
    assert severity(TODAY + dt.timedelta(days=1), TODAY) == "soon"
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 14) == dt.date(2028, 1, 30)
    assert add_months(dt.date(2025, 6, 15), 12) == dt.date(2026, 6, 15)


# --- meetings --------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "shown"), [(-1, False), (0, True), (14, True), (15, False)])
def test_meetings_window_is_today_to_14_days(days: int, shown: bool) -> None:
    items = meetings_soon([meeting(days)], TODAY)
    assert bool(items) is shown
    if shown:
        assert items[0].due_on == TODAY + dt.timedelta(days=days)
        assert items[0].case_id == "c1"


def test_meeting_title_uses_type_name_and_skips_cancelled_and_closed_cases() -> None:
    types = {"ehc_annual_review": FakeType("EHC plan annual review")}
    items = meetings_soon([meeting(3)], TODAY, meeting_types=types)
    assert items[0].title == "Meeting: EHC plan annual review"
    assert items[0].severity == "soon"
    assert meetings_soon([meeting(3, status="cancelled")], TODAY) == []
    assert meetings_soon([meeting(3, deleted=True)], TODAY) == []
    assert meetings_soon([meeting(3)], TODAY, open_cases={"other"}) == []


def test_preparation_counts_open_checklist_items_and_parent_approval() -> None:
    types = {"ehc_annual_review": FakeType("EHC plan annual review", ["a", "b", "c"])}
    m = meeting(5, checklist={"a": True, "b": False}, parent_approved=False)
    (item,) = preparation_incomplete([m], TODAY, meeting_types=types)
    assert item.kind == "preparation"
    assert "2 checklist items open" in item.title
    assert "parent's views not approved" in item.title
    done = meeting(5, checklist={"a": True, "b": True, "c": True}, parent_approved=True)
    assert preparation_incomplete([done], TODAY, meeting_types=types) == []
    one_left = meeting(5, checklist={"a": True, "b": True}, parent_approved=True)
    (item,) = preparation_incomplete([one_left], TODAY, meeting_types=types)
    assert "1 checklist item open" in item.title
    assert preparation_incomplete([meeting(15, parent_approved=False)], TODAY) == []


def test_preparation_for_unknown_type_uses_meeting_items() -> None:
    m = meeting(1, meeting_type="custom", checklist={"x": False}, parent_approved=True)
    (item,) = preparation_incomplete([m], TODAY)
    assert "1 checklist item open" in item.title


# --- actions ---------------------------------------------------------------------------


def action(due: int | None, **kw) -> Note:
    return Note(
        case_id=kw.pop("case_id", "c1"),
        voice=kw.pop("voice", "agreed_action"),
        text=kw.pop("text", "School to send the provision map"),
        owner="SENCO",
        due_on=d(due) if due is not None else None,
        **kw,
    )


@pytest.mark.parametrize(("days", "sev"), [(-3, "overdue"), (0, "due"), (1, None)])
def test_actions_due_today_or_overdue(days: int, sev: str | None) -> None:
    items = actions_due([action(days)], TODAY)
    assert [i.severity for i in items] == ([sev] if sev else [])


def test_actions_skip_superseded_other_voices_and_no_date() -> None:
    old = action(-2)
    correction = action(-1, supersedes=old.id, reason="date changed", text="New date agreed")
    items = actions_due([old, correction, action(None), action(-1, voice="procedure")], TODAY)
    assert [i.title for i in items] == ["Action (SENCO): New date agreed"]
    assert actions_due([action(-1, deleted=True)], TODAY) == []
    assert actions_due([action(-1)], TODAY, open_cases=set()) == []


def test_action_title_is_shortened() -> None:
    (item,) = actions_due([action(0, text="word " * 40)], TODAY)
    assert len(item.title) < 90 and item.title.endswith("\u2026")


# --- consents --------------------------------------------------------------------------


def test_missing_record_consent_for_open_case_only() -> None:
    items = consents_due([case("c1"), case("c2", status="closed", closed_on=d(-1))], [], TODAY)
    assert [(i.case_id, i.severity) for i in items] == [("c1", "overdue")]
    assert "No current consent to keep a record" in items[0].title
    assert consents_due([case("c1")], [consent()], TODAY) == []


@pytest.mark.parametrize(
    ("days", "expected"),
    [(31, None), (30, "soon"), (1, "soon"), (0, "due"), (-1, "overdue")],
)
def test_consent_expiry_boundaries(days: int, expected: str | None) -> None:
    items = consents_due([case()], [consent(expires_on=d(days))], TODAY)
    assert [i.severity for i in items] == ([expected] if expected else [])
    if expected:
        word = "expired" if days < 0 else "expires"
        assert f"Consent {word}: Keep a record of the case" == items[0].title


def test_withdrawn_record_consent_stays_other_purposes_fade_after_30_days() -> None:
    items = consents_due([case()], [consent(withdrawn_on=d(-100))], TODAY)
    assert [i.title for i in items] == ["Consent withdrawn: Keep a record of the case"]
    recent = consent("represent_views", withdrawn_on=d(-30))
    old = consent("share_office", withdrawn_on=d(-31))
    items = consents_due([case()], [consent(), recent, old], TODAY)
    assert [i.title for i in items] == ["Consent withdrawn: Represent the parent's views"]


def test_renewed_consent_replaces_expired_one() -> None:
    expired = consent(given_on=d(-400), expires_on=d(-20))
    renewed = consent(given_on=d(-19))
    assert consents_due([case()], [expired, renewed], TODAY) == []


def test_named_party_consents_are_tracked_separately() -> None:
    a = consent("share_named_party", named_party="Health visitor", expires_on=d(5))
    b = consent("share_named_party", named_party="Class teacher")
    items = consents_due([case()], [consent(), a, b], TODAY)
    assert [i.title for i in items] == [
        "Consent expires: Share with a named party (Health visitor)"
    ]


# --- evaluations -----------------------------------------------------------------------


def closed_case(**kw) -> Case:
    return case(status="closed", closed_on=d(-2), outcome="Resolved", **kw)


def test_closing_evaluation_needs_consent_and_stops_once_sent() -> None:
    c = closed_case()
    ok = consent("contact_evaluation")
    assert evaluations_due([c], [], [], TODAY, midway_evaluation_days=180) == []
    (item,) = evaluations_due([c], [ok], [], TODAY, midway_evaluation_days=180)
    assert (item.kind, item.due_on, item.severity) == (
        "evaluation",
        TODAY - dt.timedelta(days=2),
        "overdue",
    )
    sent = Evaluation(case_id="c1", stage="closing", sent_on=d(-1))
    assert evaluations_due([c], [ok], [sent], TODAY, midway_evaluation_days=180) == []
    unsent = Evaluation(case_id="c1", stage="closing")
    assert len(evaluations_due([c], [ok], [unsent], TODAY, midway_evaluation_days=180)) == 1


@pytest.mark.parametrize(("age", "shown"), [(179, False), (180, True), (181, True)])
def test_midway_evaluation_boundary(age: int, shown: bool) -> None:
    c = case(opened_on=d(-age))
    items = evaluations_due(
        [c], [consent("contact_evaluation")], [], TODAY, midway_evaluation_days=180
    )
    assert bool(items) is shown
    if shown:
        assert items[0].title == "Send midway evaluation"


def test_midway_without_consent_says_to_ask_and_sent_midway_stops_it() -> None:
    c = case(opened_on=d(-200))
    (item,) = evaluations_due([c], [], [], TODAY, midway_evaluation_days=180)
    assert "ask consent" in item.title
    sent = Evaluation(case_id="c1", stage="midway", sent_on=d(-5))
    assert evaluations_due([c], [], [sent], TODAY, midway_evaluation_days=180) == []


# --- CPD, supervision, coaching, sources -----------------------------------------------


def cpd(on: str, *topics: str) -> CpdEntry:
    return CpdEntry(on=on, title="Course", hours=2.0, topics=list(topics))


def test_cpd_never_done_is_overdue_per_topic() -> None:
    items = cpd_refreshers_due([], TODAY, refreshers={"impartiality": 12, "safeguarding": 36})
    assert sorted(i.title for i in items) == [
        "CPD refresher: impartiality (none recorded)",
        "CPD refresher: safeguarding (none recorded)",
    ]
    assert {i.severity for i in items} == {"overdue"}


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (dt.date(2025, 6, 14), "overdue"),
        (dt.date(2025, 6, 15), "due"),
        (dt.date(2025, 7, 15), "soon"),  # due 2026-07-15, 30 days ahead
        (dt.date(2025, 7, 16), None),  # 31 days ahead: not yet shown
    ],
)
def test_cpd_refresher_boundaries(last: dt.date, expected: str | None) -> None:
    entries = [cpd(last.isoformat(), "impartiality"), cpd("2020-01-01", "impartiality")]
    items = cpd_refreshers_due(entries, TODAY, refreshers={"impartiality": 12})
    assert [i.severity for i in items] == ([expected] if expected else [])


def test_cpd_other_topics_do_not_count() -> None:
    items = cpd_refreshers_due([cpd(d(-1), "safeguarding")], TODAY, refreshers={"impartiality": 12})
    assert items[0].title.endswith("(none recorded)")


@pytest.mark.parametrize(
    ("last", "expected"),
    [(-91, "overdue"), (-90, "due"), (-76, "soon"), (-75, None)],
)
def test_supervision_boundaries(last: int, expected: str | None) -> None:
    entries = [
        SupervisionEntry(on=d(last), supervisor="A"),
        SupervisionEntry(on=d(-300), supervisor="A"),
    ]
    items = supervision_due(entries, TODAY, interval_days=90)
    assert [i.severity for i in items] == ([expected] if expected else [])


def test_never_supervised_is_overdue() -> None:
    (item,) = supervision_due([], TODAY, interval_days=90)
    assert (item.kind, item.severity) == ("supervision", "overdue")


def test_coaching_follow_up_reached_and_not_done() -> None:
    def s(follow: int, done: str | None = None, concern: bool = True) -> SupervisionEntry:
        return SupervisionEntry(
            on=d(-30),
            supervisor="A",
            impartiality_concern=concern,
            coaching="Role play",
            follow_up_on=d(follow),
            followed_up_on=done,
        )

    items = coaching_follow_ups([s(0), s(-5), s(1), s(-5, done=d(-1)), s(-5, concern=False)], TODAY)
    assert [i.severity for i in items] == ["due", "overdue"]
    assert all("impartiality concern" in i.title for i in items)


@pytest.mark.parametrize(("age", "shown"), [(364, False), (365, True), (400, True)])
def test_stale_sources(age: int, shown: bool) -> None:
    src = Src("ace", "ACE", TODAY - dt.timedelta(days=age))
    items = stale_sources([src], TODAY, stale_days=365)
    assert bool(items) is shown
    if shown:
        assert items[0].title == "Check information is up to date: ACE"


# --- everything together ---------------------------------------------------------------


def test_due_items_sorted_and_only_open_cases() -> None:
    cases = [case("c1"), closed_case(cid="c2")]
    items = due_items(
        today=TODAY,
        profile=Profile(),
        cases=cases,
        meetings=[meeting(10), meeting(2, case_id="c2")],
        notes=[action(-4)],
        consents=[consent(expires_on=d(20))],
        cpd=[cpd(d(-100), "impartiality", "safeguarding")],
        supervision=[SupervisionEntry(on=d(-95), supervisor="A")],
        sources=[Src("ace", "ACE", TODAY - dt.timedelta(days=366))],
    )
    assert all(isinstance(i, DueItem) for i in items)
    assert [i.due_on for i in items] == sorted(i.due_on for i in items)
    kinds = [i.kind for i in items]
    assert kinds.count("meeting") == 1  # the closed case's meeting is left out
    assert {"action", "consent", "supervision", "source", "preparation"} <= set(kinds)
    assert "cpd" not in kinds
    assert items[0].severity == "overdue"


def test_domain_rules_import_no_io_or_ui_modules() -> None:
    code = (
        "import sys, ips_field.domain.due, ips_field.domain.conflicts, ips_field.domain.language;"
        "bad = {'yaml', 'tinydb', 'textual', 'rich', 'ips_field.store', 'ips_field.templates'};"
        "print(sorted(bad & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_new_volunteer_starts_without_a_wall_of_red() -> None:
    from ips_field.domain.due import cpd_refreshers_due, supervision_due

    today = dt.date(2026, 11, 22)
    refreshers = {"impartiality": 12, "data_protection": 12}
    never = cpd_refreshers_due([], today, refreshers=refreshers)
    assert [i.severity for i in never] == ["overdue", "overdue"]  # no start day known
    fresh = cpd_refreshers_due([], today, refreshers=refreshers, started_on=today)
    assert fresh == []  # a year away: not shown yet
    year_on = cpd_refreshers_due(
        [], today, refreshers=refreshers, started_on=today - dt.timedelta(days=380)
    )
    assert [i.severity for i in year_on] == ["overdue", "overdue"]  # and then it comes
    assert supervision_due([], today, interval_days=42, started_on=today) == []
    late = supervision_due([], today, interval_days=42, started_on=today - dt.timedelta(days=50))
    assert [i.severity for i in late] == ["overdue"]
