"""A form opens where a person starts typing: what they type at once is never lost."""

from __future__ import annotations

from textual.widgets import Input

from ips_field.domain.records import Case
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.widgets.form_dialog import FormDialog
from tests.tui.test_volunteer_app import settle


async def test_typing_the_moment_the_note_form_opens_goes_into_the_note(repo) -> None:
    case = next(c for c in repo.all(Case) if c.reference == "DEMO-001")
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"rang mum")
        assert app.screen.query_one("#f-text", Input).value == "rang mum"
        await pilot.press("escape")  # and counted as typed: Esc asks, ctrl+q would too
        await pilot.pause()
        from ips_field.tui.widgets.dialogs import ConfirmDialog

        assert isinstance(app.screen, ConfirmDialog)


async def test_a_note_typed_in_the_form_is_saved_with_ctrl_s(repo) -> None:
    from ips_field.domain.records import Note

    case = next(c for c in repo.all(Case) if c.reference == "DEMO-001")
    before = len(repo.for_case(Note, case.id))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#f-text", Input).value = "Phoned about transport"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormDialog)
    texts = [n.text for n in repo.for_case(Note, case.id)]
    assert len(texts) == before + 1 and "Phoned about transport" in texts


async def test_typing_the_moment_the_new_case_form_opens_goes_into_the_first_empty_box(
    repo,
) -> None:
    from ips_field.tui.screens.case_form import CaseFormScreen
    from ips_field.tui.screens.dashboard import DashboardScreen

    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CaseFormScreen)
        await pilot.press(*"oak")
        assert app.screen.query_one("#school", Input).value == "oak"  # reference has a value
        await pilot.press("escape")  # typed: asks first instead of dropping it
        await pilot.pause()
        from ips_field.tui.widgets.dialogs import ConfirmDialog

        assert isinstance(app.screen, ConfirmDialog)


async def test_typing_the_moment_the_new_meeting_dialog_opens_goes_into_the_place(repo) -> None:
    from ips_field.tui.screens.meeting_prep import NewMeetingDialog

    case = next(c for c in repo.all(Case) if c.reference == "DEMO-001")
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, NewMeetingDialog)
        await pilot.press(*"school")
        assert app.screen.query_one("#place", Input).value == "school"


async def test_keys_typed_before_the_note_form_has_mounted_are_not_lost(repo) -> None:
    """A quick typist (or tmux, or a paste) sends the first letters while the form is still
    being built: they reach the form's screen before its box has the focus, and go in it."""
    from textual import events

    case = next(c for c in repo.all(Case) if c.reference == "DEMO-001")
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        for key in ["t", *"rang mum"]:  # all at once, as a terminal delivers them
            name = "space" if key == " " else key
            event = events.Key(name, key)
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(pilot, lambda: app.screen.query_one("#f-text", Input).value == "rang mum")
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#f-text", Input).value == "rang mum"
        await pilot.press("escape")  # and counted as typed: Esc asks, ctrl+q would too
        await pilot.pause()
        from ips_field.tui.widgets.dialogs import ConfirmDialog

        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # Keep editing
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.query_one("#f-text", Input).value == "rang mum"


async def test_keys_typed_as_the_new_meeting_dialog_opens_go_into_the_place(repo) -> None:
    """Not into the meeting type above it (a choice jumps to the option a letter starts)."""
    from textual import events
    from textual.widgets import Select

    from ips_field.tui.screens.meeting_prep import NewMeetingDialog

    case = next(c for c in repo.all(Case) if c.reference == "DEMO-001")
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        for key in ["m", *"Willow"]:
            event = events.Key(key, key)
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(pilot, lambda: app.screen.query_one("#place", Input).value == "Willow")
        dialog = app.screen
        assert isinstance(dialog, NewMeetingDialog)
        first_type = next(iter(app.templates.meeting_types))
        assert dialog.query_one("#type", Select).value == first_type
        assert dialog.query_one("#place", Input).value == "Willow"
