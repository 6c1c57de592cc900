"""Pilot tests: a volunteer records key dates and sees the statutory dates worked out."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, SelectionList, Static

from ips_field.domain.records import Case, KeyDate, Meeting
from ips_field.store.repository import Repository
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.meeting_prep import MeetingPrepScreen


def case_by_ref(repo: Repository, ref: str) -> Case:
    return next(c for c in repo.all(Case) if c.reference == ref)


def rows(table: DataTable) -> list[str]:
    return [" | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_key_date_form_saves_and_the_late_la_is_named(repo) -> None:
    case = case_by_ref(repo, "DEMO-002")
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("d")  # key date
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#f-which", Select).value = "review_meeting_held"
        dialog.query_one("#f-on", Input).value = "31/02/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # a bad date is refused in the form, nothing saved
        assert "2026-03-31" in str(dialog.query_one("#e-on", Static).content)
        assert repo.for_case(KeyDate, case.id) == []
        dialog.query_one("#f-on", Input).value = "20/10/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = repo.for_case(KeyDate, case.id)
        assert [(k.which, k.on) for k in saved] == [("review_meeting_held", "2026-10-20")]
        screen = app.screen
        assert screen.query_one("#tabs").active == "timelines-tab"
        table = screen.query_one("#timeline-table", DataTable)
        lines = rows(table)
        assert any(
            r.startswith("17 Nov 2026 | MISSED: LA late | LA decision after the review")
            for r in lines
        )
        row = next(i for i, r in enumerate(lines) if "LA decision" in r)
        table.move_cursor(row=row)
        await pilot.pause()
        detail = str(screen.query_one("#timeline-detail", Static).content)
        assert "The local authority is late: this was due by Tue 17 Nov 2026." in detail
        assert "SEND Regulations 2014 reg. 20(10)" in detail


async def test_dashboard_and_checklist_show_computed_dates(repo) -> None:
    case = case_by_ref(repo, "DEMO-001")
    repo.save(KeyDate(case_id=case.id, which="assessment_requested", on="2026-10-20"))
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        due = rows(app.screen.query_one("#due", DataTable))
        # 20 Oct + 6 weeks = 1 Dec, 9 days ahead: on the dashboard as "soon".
        assert any(
            r.startswith("01 Dec | soon | DEMO-001")
            and r.endswith("| EHC needs assessment: Decision whether to assess")
            for r in due
        ), due
        meeting = Meeting(
            case_id=case.id, meeting_type="ehc_needs_assessment", starts_at="2026-11-25T10:00"
        )
        meeting = repo.save(meeting)
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        checklist = app.screen.query_one("#checklist", SelectionList)
        texts = [
            str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)
        ]
        assert any(
            "within 6 weeks of the request (by Tue 01 Dec 2026: soon)" in t for t in texts
        ), texts


async def test_a_key_date_typed_by_mistake_can_be_removed(repo) -> None:
    case = case_by_ref(repo, "DEMO-003")
    repo.save(KeyDate(case_id=case.id, which="decision_letter", on="2026-01-05"))
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        screen = app.screen
        screen.query_one("#tabs").active = "timelines-tab"
        await pilot.pause()
        timeline = screen.query_one("#timeline-table", DataTable)
        assert any("Appeal to reach the tribunal" in r for r in rows(timeline))
        recorded = screen.query_one("#key-dates", DataTable)
        assert rows(recorded) == ["05 Jan 2026 | Decision letter dated"]
        recorded.focus()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("escape")  # the question: no
        await pilot.pause()
        assert len(repo.for_case(KeyDate, case.id)) == 1
        recorded.focus()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert repo.for_case(KeyDate, case.id) == []  # a tombstone: hidden, and synced
        assert timeline.row_count == 0 and recorded.row_count == 0
