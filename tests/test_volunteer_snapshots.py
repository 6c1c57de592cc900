"""SVG snapshots of the volunteer screens the meeting evening also uses: the cases list, the
consent dialog, a case's notes, the note search (80x24 and 120x40 each)."""

from __future__ import annotations

import pytest

from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.cases import CasesScreen
from ips_field.tui.screens.note_search import NoteSearchScreen
from tests.test_snapshots import case_id, demo_app, no_blink

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
def test_cases_list(snap_compare, size) -> None:
    app, _ = demo_app()

    async def open_cases(pilot) -> None:
        pilot.app.push_screen(CasesScreen())
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_cases)


@SIZES
def test_consent_dialog(snap_compare, size) -> None:
    app, repo = demo_app()

    async def open_consent(pilot) -> None:
        pilot.app.push_screen(CaseScreen(case_id(repo, "DEMO-008")))
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_consent)


@SIZES
def test_case_notes(snap_compare, size) -> None:
    app, repo = demo_app()

    async def open_notes(pilot) -> None:
        pilot.app.push_screen(CaseScreen(case_id(repo, "DEMO-008")))
        await pilot.pause()
        pilot.app.screen.query_one("#tabs").active = "notes-tab"
        await pilot.pause()
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_notes)


@SIZES
def test_note_search(snap_compare, size) -> None:
    app, _ = demo_app()

    async def open_search(pilot) -> None:
        pilot.app.push_screen(NoteSearchScreen("school"))
        await pilot.pause()
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_search)
