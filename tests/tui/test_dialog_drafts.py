"""Every dialog that takes typing keeps it: Esc asks (Keep editing is focused), a lock comes
back to the dialog with the text, ctrl+q asks instead of quitting, and the text is kept
encrypted in the store as a draft. Tables keep the cursor on the row acted upon."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from ips_field.domain.records import Case, Consent, Note
from ips_field.store.drafts import Drafts
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.consent import ConsentDialog
from ips_field.tui.screens.summary import CorrectNoteDialog, NoteHistoryScreen, SummaryScreen
from ips_field.tui.screens.unlock import UnlockScreen
from ips_field.tui.widgets.dialogs import AskDialog, ConfirmDialog
from ips_field.tui.widgets.form_dialog import FormDialog
from tests.tui.test_session import _unlock, _until, locking_repo  # noqa: F401 - fixture


def _case(repo, ref: str = "DEMO-007") -> Case:  # type: ignore[no-untyped-def]
    return next(c for c in repo.all(Case) if c.reference == ref)


# dialog -> (key pressed on the case screen, the dialog's class, the text box typed in)
DIALOGS = {
    "note form": ("t", FormDialog, "f-text"),
    "contact form": ("a", FormDialog, "f-summary"),
    "consent": ("k", ConsentDialog, "named_party"),
    "withdraw consent": ("w", AskDialog, "answer"),
    "close case": ("x", AskDialog, "answer"),
}


async def _open(pilot, app, key: str, kind: type) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await _until(pilot, lambda: isinstance(app.screen, kind))
    await pilot.pause()


@pytest.mark.parametrize("name", list(DIALOGS))
async def test_escape_with_typed_text_asks_and_keep_editing_is_the_default(repo, name) -> None:
    key, kind, field = DIALOGS[name]
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(_case(repo).id))
        await pilot.pause()
        await _open(pilot, app, key, kind)
        dialog = app.screen
        dialog.query_one(f"#{field}", Input).value = "Mrs Kestrel rang back"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "not saved" in app.screen.question
        await pilot.press("enter")  # the focused answer is Keep editing
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one(f"#{field}", Input).value == "Mrs Kestrel rang back"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#yes")  # Leave without saving: gone, and so is the draft
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert Drafts(repo.store).get(dialog.draft_key) is None


async def test_escape_on_an_untouched_dialog_leaves_at_once(repo) -> None:
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(_case(repo).id))
        await pilot.pause()
        await _open(pilot, app, "a", FormDialog)  # the contact form has values filled in
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)


@pytest.mark.parametrize("name", list(DIALOGS))
async def test_text_typed_in_a_dialog_survives_a_lock(locking_repo, name) -> None:  # noqa: F811
    key, kind, field = DIALOGS[name]
    app = make_app(repository=locking_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(_case(locking_repo).id))
        await pilot.pause()
        await _open(pilot, app, key, kind)
        dialog = app.screen
        dialog.query_one(f"#{field}", Input).value = "Still typing when the lock came"
        await pilot.press("ctrl+l")
        await pilot.pause(0.2)
        assert isinstance(app.screen, UnlockScreen) and locking_repo.store.locked
        await _unlock(pilot, app)
        assert app.screen is dialog
        assert dialog.query_one(f"#{field}", Input).value == "Still typing when the lock came"
        kept = Drafts(locking_repo.store).get(dialog.draft_key)
        assert kept is not None and kept["fields"][field] == "Still typing when the lock came"


async def test_ctrl_q_from_a_dialog_with_typing_asks_and_the_draft_comes_back(repo) -> None:
    case = _case(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await _open(pilot, app, "t", FormDialog)
        app.screen.query_one("#f-text", Input).value = "Phoned the SENCO about the review"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # not quit silently
        assert "kept as a draft" in app.screen.question
        await pilot.press("enter")  # Stay is focused
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
    assert app.return_code in (None, 0)
    again = make_app(repository=repo)
    async with again.run_test(size=(80, 24)) as pilot:
        again.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("t")
        await _until(pilot, lambda: isinstance(again.screen, ConfirmDialog))  # Put it back?
        await pilot.press("enter")
        await pilot.pause()
        form = again.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-text", Input).value == "Phoned the SENCO about the review"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(again.screen, FormDialog)
        assert Drafts(repo.store).get(form.draft_key) is None  # saved: the draft is gone
    assert "Phoned the SENCO about the review" in [n.text for n in repo.for_case(Note, case.id)]


async def _correct_row(pilot, app, table: DataTable, row: int) -> str:  # type: ignore[no-untyped-def]
    table.focus()
    table.move_cursor(row=row)
    await pilot.pause()
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


async def test_after_a_correction_the_case_notes_cursor_stays_on_the_corrected_note(
    repo,
) -> None:
    case = _case(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        screen = app.screen
        screen.query_one("#tabs").active = "notes-tab"
        await pilot.pause()
        table = screen.query_one("#notes", DataTable)
        old = await _correct_row(pilot, app, table, 3)
        await pilot.press("enter")  # the note's history
        await _until(pilot, lambda: isinstance(app.screen, NoteHistoryScreen))
        await pilot.press("c")
        await _until(pilot, lambda: isinstance(app.screen, CorrectNoteDialog))
        app.screen.query_one("#text", Input).value = "Corrected wording of the fourth note"
        app.screen.query_one("#reason", Input).value = "typo"
        await pilot.press("enter")
        await _until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        new = next(n for n in repo.current_notes(case.id) if n.supersedes == old)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key == new.id  # it is listed where its time puts it; the cursor follows it


async def test_after_a_correction_the_summary_cursor_stays_on_the_corrected_note(repo) -> None:
    case = _case(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(SummaryScreen(case.id))
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#notes", DataTable)
        old = await _correct_row(pilot, app, table, 2)
        await pilot.press("c")
        await _until(pilot, lambda: isinstance(app.screen, CorrectNoteDialog))
        app.screen.query_one("#text", Input).value = "Corrected wording"
        app.screen.query_one("#reason", Input).value = "misheard"
        await pilot.press("enter")
        await _until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        new = next(n for n in repo.current_notes(case.id) if n.supersedes == old)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key == new.id
        await pilot.press("h")  # History acts on the corrected note, not the first one
        await _until(pilot, lambda: isinstance(app.screen, NoteHistoryScreen))
        assert app.screen.note_id == new.id


async def test_withdraw_acts_on_the_highlighted_row_and_names_it(repo) -> None:
    case = _case(repo, "DEMO-001")
    consents = sorted(repo.for_case(Consent, case.id), key=lambda c: c.given_on)
    target = next(c for c in consents if c.purpose == "represent_views")
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        screen = app.screen
        screen.query_one("#tabs").active = "consent-tab"
        await pilot.pause()
        table = screen.query_one("#consents", DataTable)
        table.move_cursor(row=table.get_row_index(target.id))
        await pilot.press("w")
        await _until(pilot, lambda: isinstance(app.screen, AskDialog))
        assert screen.focused is table  # the cursor is shown on the row acted upon
        assert "represent" in app.screen.question.lower()
        app.screen.query_one("#answer", Input).value = "will speak for herself"
        await pilot.press("enter")
        await _until(pilot, lambda: app.screen is screen)
    withdrawn = [c.purpose for c in repo.for_case(Consent, case.id) if c.withdrawn_on]
    assert withdrawn == ["represent_views"]


async def test_withdraw_skips_a_withdrawn_row_to_a_current_one(repo) -> None:
    case = _case(repo, "DEMO-005")  # its evaluation consent is already withdrawn
    gone = next(c for c in repo.for_case(Consent, case.id) if c.withdrawn_on)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#consents", DataTable)
        table.move_cursor(row=table.get_row_index(gone.id))
        await pilot.press("w")
        await _until(pilot, lambda: isinstance(app.screen, AskDialog))
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key != gone.id
        named = repo.get(Consent, str(key))
        assert named is not None and not named.withdrawn_on
