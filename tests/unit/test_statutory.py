"""Statutory dates across cases: dashboard items, the office's missed list, report counts."""

from __future__ import annotations

import datetime as dt

import pytest

from ips_field.domain import due, statutory
from ips_field.domain.records import Case, KeyDate
from ips_field.errors import ValidationError
from ips_field.templates import load_templates

D = dt.date
TODAY = D(2026, 11, 22)


@pytest.fixture(scope="module")
def templates():
    return load_templates()[0]


def case(ref: str, status: str = "open") -> Case:
    return Case(
        id=ref,
        reference=ref,
        school="S",
        opened_on="2026-01-01",
        status=status,
        closed_on="2026-11-01" if status == "closed" else None,
        outcome="done" if status == "closed" else "",
    )


def kd(case_id: str, which: str, on: str) -> KeyDate:
    return KeyDate(case_id=case_id, which=which, on=on)


CASES = [case("A"), case("B"), case("C", "closed")]
KEYS = [
    kd("A", "assessment_requested", "2026-06-01"),  # 6 wk 13 Jul, 16 wk 21 Sep, 20 wk 19 Oct
    kd("A", "decision_to_assess", "2026-07-10"),
    kd("B", "decision_letter", "2026-09-28"),  # 28 Nov is a Saturday -> Mon 30 Nov: soon
    kd("B", "review_meeting_held", "2026-10-20"),  # report 3 Nov, LA decision 17 Nov
    kd("B", "review_report_sent", "2026-10-30"),
    kd("C", "assessment_requested", "2026-01-05"),  # closed case: not on the dashboard
]


def test_dashboard_lists_soon_and_missed_for_open_cases_only(templates) -> None:
    items = due.statutory_due(CASES, KEYS, templates.timelines, TODAY)
    got = sorted((i.case_id, i.due_on, i.severity) for i in items)
    assert got == [
        ("A", D(2026, 9, 21), "overdue"),  # no decision on a plan
        ("A", D(2026, 10, 19), "overdue"),  # no final plan
        ("B", D(2026, 11, 17), "overdue"),  # no LA decision after the review
        ("B", D(2026, 11, 30), "soon"),  # the appeal deadline, 8 days away
    ]
    missed = [i.title for i in items if i.severity == "overdue"]
    assert all(t.startswith("The local authority is late: ") for t in missed), missed
    assert not any(i.case_id == "C" for i in items)


def test_due_items_include_statutory_dates(templates) -> None:
    profile = templates.profile("generic")
    items = due.due_items(
        today=TODAY, profile=profile, cases=CASES, key_dates=KEYS, timelines=templates.timelines
    )
    assert sum(1 for i in items if i.kind == "statutory") == 4
    without = due.due_items(today=TODAY, profile=profile, cases=CASES)
    assert not any(i.kind == "statutory" for i in without)


def test_a_date_becomes_soon_fourteen_days_ahead(templates, clock) -> None:
    keys = [kd("A", "assessment_requested", "2026-12-01")]  # decision by Tue 12 Jan 2027

    def on(day: D) -> list:
        return [i.due_on for i in due.statutory_due(CASES[:1], keys, templates.timelines, day)]

    assert on(D(2026, 12, 28)) == []  # 15 days before
    assert on(D(2026, 12, 29)) == [D(2027, 1, 12)]  # 14 days before
    assert on(D(2027, 1, 13)) == [D(2027, 1, 12)]  # the day after: missed


def test_office_missed_list_and_report_count(templates) -> None:
    missed = statutory.missed(CASES, KEYS, templates.timelines, TODAY)
    assert sorted((m.case_id, m.item.milestone.id) for m in missed) == [
        ("A", "decision_not_to_issue"),
        ("A", "final_plan"),
        ("B", "la_decision"),
    ]
    # The report year counts every case, closed ones too, and late-but-met dates.
    late = [*KEYS, kd("A", "final_plan_issued", "2026-11-02")]  # 14 days after 19 Oct
    year = statutory.missed_in_period(
        CASES, late, templates.timelines, D(2026, 4, 1), D(2027, 3, 31), TODAY
    )
    got = sorted((m.case_id, m.item.milestone.id, m.item.status) for m in year)
    assert ("A", "final_plan", "late") in got
    assert ("B", "la_decision", "missed") in got
    assert any(m.case_id == "C" for m in year)  # the closed case's missed dates count too
    before = statutory.missed_in_period(
        CASES, late, templates.timelines, D(2025, 4, 1), D(2026, 3, 31), TODAY
    )
    assert all(m.item.milestone.date <= D(2026, 3, 31) for m in before)


def test_every_checklist_link_names_a_real_checklist_item(templates) -> None:
    items = {i.id for t in templates.meeting_types.values() for i in t.checklist}
    linked = {c for k in templates.timelines.values() for m in k.milestones for c in m.checklist}
    assert linked and linked <= items, linked - items


def test_checklist_dates(templates) -> None:
    found = statutory.for_case(KEYS[:2], templates.timelines, TODAY)
    dates = statutory.checklist_dates(found, templates.timelines)
    assert statutory.checklist_suffix(dates["ehcna.deadlines.six_weeks"]) == (
        " (by Mon 13 Jul 2026: met)"
    )
    assert statutory.checklist_suffix(dates["ehcna.deadlines.twenty_weeks"]) == (
        " (by Mon 19 Oct 2026: MISSED)"
    )
    assert "ehcna.deadlines.draft_comments" not in dates  # no draft yet


@pytest.mark.parametrize(
    ("which", "on", "year", "field"),
    [
        ("decision_letter", "31/02/2026", "", "on"),
        ("decision_letter", "", "", "on"),
        ("phase_transfer_year", "", "27", "year"),
        ("phase_transfer_year", "", "3000", "year"),
        ("made_up", "2026-01-01", "", "which"),
    ],
)
def test_build_key_date_refuses_bad_input(which, on, year, field) -> None:
    with pytest.raises(ValidationError) as exc:
        statutory.build_key_date("A", which, on, year, False)
    assert field in exc.value.errors


def test_build_key_date_accepts_both_date_forms() -> None:
    a = statutory.build_key_date("A", "decision_letter", "01/10/2026", "", False)
    b = statutory.build_key_date("A", "decision_letter", "2026-10-01", "", False)
    assert a.on == b.on == "2026-10-01"
    p = statutory.build_key_date("A", "phase_transfer_year", "", "2027", True)
    assert (p.year, p.post_16, p.as_date()) == (2027, True, D(2027, 1, 1))
