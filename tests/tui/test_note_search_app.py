"""The note search screen: from the dashboard (/) and the palette, results open the case on
that note, and what is shown is escaped."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from ips_field.domain.records import Case, Note
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.dashboard import DashboardScreen
from ips_field.tui.screens.note_search import NoteSearchScreen
from tests.tui.test_session import _until


def _case(repo, ref: str = "DEMO-008") -> Case:  # type: ignore[no-untyped-def]
    return next(c for c in repo.all(Case) if c.reference == ref)


async def test_slash_on_the_dashboard_searches_and_enter_opens_the_case_on_the_note(
    repo,
) -> None:
    case = _case(repo)
    note = repo.add_note(Note(case_id=case.id, text="Asked the LA about the Zebrafinch bus"))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("slash")
        await _until(pilot, lambda: isinstance(app.screen, NoteSearchScreen))
        await pilot.press(*"zebraf")  # typing at once goes into the search box
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#query", Input).value == "zebraf"
        table = screen.query_one("#results", DataTable)
        assert table.row_count == 1
        assert "1 note found" in str(screen.query_one("#found").content)
        await pilot.press("enter", "enter")  # to the results, then open the first
        await _until(pilot, lambda: isinstance(app.screen, CaseScreen))
        opened = app.screen
        assert opened.case_id == case.id
        assert opened.query_one("#tabs").active == "notes-tab"
        notes = opened.query_one("#notes", DataTable)
        key = notes.coordinate_to_cell_key(notes.cursor_coordinate).row_key.value
        assert key == note.id


async def test_search_is_in_the_palette_and_shows_hostile_text_escaped(repo) -> None:
    case = _case(repo)
    repo.add_note(Note(case_id=case.id, text="Quokka \x1b[2J\u202e said no"))
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Search" in titles  # the dashboard's own key, once
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Search notes" in titles  # from any other screen, through the palette
        app.pop_screen()
        await pilot.pause()
        app.push_screen(NoteSearchScreen("quokka"))
        await pilot.pause()
        table = app.screen.query_one("#results", DataTable)
        assert table.row_count == 1
        cell = str(table.get_cell_at((0, 3)))
        assert "Quokka" in cell and "\x1b" not in cell and "\u202e" not in cell
