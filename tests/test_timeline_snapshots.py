"""SVG snapshots of the statutory timelines: the case's Timelines tab and the dashboard,
at 80x24 and 120x40 (frozen day, demo data plus the demo key dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import TabbedContent

from ips_field.demo.timelines import add_demo_key_dates
from ips_field.domain.records import Case
from ips_field.store.repository import Repository
from ips_field.tui.app import IpsApp, make_app
from ips_field.tui.screens.case_view import CaseScreen
from tests.demo_world import demo_repo

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.UTC)
SIZES = [(80, 24), (120, 40)]


def timeline_app() -> tuple[IpsApp, Repository]:
    repo = demo_repo(start=NOW, today=TODAY, extra=add_demo_key_dates)  # built once, copied
    return make_app(repository=repo), repo


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_dashboard_with_statutory_dates(snap_compare, size) -> None:
    app, _ = timeline_app()
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_case_timelines_tab(snap_compare, size) -> None:
    app, repo = timeline_app()
    case_id = next(c.id for c in repo.all(Case) if c.reference == "DEMO-001")

    async def open_timelines(pilot) -> None:
        pilot.app.push_screen(CaseScreen(case_id))
        await pilot.pause()
        pilot.app.screen.query_one("#tabs", TabbedContent).active = "timelines-tab"
        pilot.app.screen.query_one("#timeline-table").focus()
        await pilot.pause()
        await pilot.press("down", "down", "down")  # the missed final plan: who is late
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_timelines)


def test_meeting_checklist_shows_computed_dates(snap_compare) -> None:
    from ips_field.domain.records import Meeting
    from ips_field.tui.screens.meeting_prep import MeetingPrepScreen

    app, repo = timeline_app()
    case_id = next(c.id for c in repo.all(Case) if c.reference == "DEMO-001")
    meeting = repo.save(
        Meeting(case_id=case_id, meeting_type="ehc_needs_assessment", starts_at="2026-11-25T10:00")
    )

    async def open_prep(pilot) -> None:
        pilot.app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_prep)
