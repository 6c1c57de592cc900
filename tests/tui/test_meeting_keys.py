"""Meeting mode at 80x24: every key of the meeting is visible (footer or key line), and F1
lists the keys of the screen in front in the order a meeting uses them."""

from __future__ import annotations

from textual.widgets import Footer, Markdown
from textual.widgets._footer import FooterKey

from ips_field.tui.app import make_app
from ips_field.tui.screens.help import HelpScreen
from ips_field.tui.screens.meeting_mode import MeetingModeScreen
from tests.tui.test_session import _meeting
from tests.tui.test_volunteer_app import settle


def _visible_footer_keys(screen, width: int) -> set[str]:  # type: ignore[no-untyped-def]
    footer = screen.query_one(Footer)
    out = set()
    for key in footer.query(FooterKey):
        region = key.region
        if region.width and region.right <= width and key.description:
            out.add(key.key_display or key.key)
    return {k.lower() for k in out}


async def test_every_meeting_key_is_visible_at_80x24(repo) -> None:
    meeting = _meeting(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        shown: set[str] = set()
        for _ in range(100):  # the footer is laid out a few frames later on a busy machine
            await pilot.pause(0.05)
            screen = app.screen
            if isinstance(screen, MeetingModeScreen):
                shown = _visible_footer_keys(screen, 80)
                if shown:
                    break
        for key in ("f7", "f8", "^l", "f1"):
            assert any(key in k for k in shown), (key, shown)
        line = screen.query_one("#keys")
        assert line.size.height == 1 and line.region.right <= 80  # one whole line
        text = str(line.render())
        for key in ("F2", "F3", "F4", "F5", "F6", "Esc"):
            assert key in text


async def test_f1_lists_the_meeting_keys_in_meeting_order(repo) -> None:
    meeting = _meeting(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query(Markdown).first()._markdown
        rows = [line for line in table.splitlines() if line.startswith("| `")]
        keys = [row.split("`")[1] for row in rows]
        assert keys[0] == "F7 or ctrl+r"  # first: the role statement, read out
        assert keys[1:6] == ["F2 or 1", "F3 or 2", "F4 or 3", "F5 or 4", "F6 or 5"] or keys[
            1:6
        ] == ["F2", "F3", "F4", "F5", "F6"]
        assert keys.index("F8 or ctrl+o") > 5 and keys.index("Esc") > keys.index("F8 or ctrl+o")
        assert "ctrl+l" in keys and not any("Close help" in r for r in rows)


async def test_a_sentence_typed_as_meeting_mode_opens_counts_as_unsaved(repo) -> None:
    """Typed the instant the screen opens (before it took its baseline): ctrl+q still asks,
    and the draft is kept (found in tmux: the app quit silently)."""
    from textual import events
    from textual.widgets import Input

    from ips_field.store.drafts import Drafts
    from ips_field.tui.widgets.dialogs import ConfirmDialog

    meeting = _meeting(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(MeetingModeScreen(meeting.id))
        for key in "worried":
            event = events.Key(key, key)
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(pilot, lambda: app.screen.query_one("#note", Input).value == "worried")
        screen = app.screen
        assert screen.query_one("#note", Input).value == "worried"
        assert screen.unsaved()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        kept = Drafts(repo.store).get(screen.draft_key)
        assert kept is not None and kept["fields"]["note"] == "worried"
        await pilot.press("enter")  # Stay
        await pilot.pause()


async def test_typing_on_after_f5_keeps_the_sentence_in_the_note_box(repo) -> None:
    """F5 (a professional's view) asks who said it; a volunteer goes on typing what is
    being said. Found in tmux: the sentence went into the list and was lost, Enter then
    picked a name. Now it lands in the note box and is saved as the professional's view."""
    from textual.widgets import Input

    from ips_field.domain.records import Note
    from ips_field.tui.screens.meeting_mode import WhoSaidIt

    meeting = _meeting(repo)
    meeting.attendees = [{"name": "Ms Hale", "role": "SENCO"}]
    meeting.role_stated_at = "2026-11-23T10:01:00+00:00"
    repo.save(meeting)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause(0.3)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, WhoSaidIt)
        await pilot.press(*"He gets 20 minuts", "backspace", "backspace", "e", "s")
        await pilot.press("enter")  # picks Ms Hale, the highlighted name
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingModeScreen)
        assert screen.query_one("#note", Input).value == "He gets 20 minues"
        await pilot.press("enter")
        await pilot.pause()
    notes = [n for n in repo.all(Note) if n.meeting_id == meeting.id]
    assert [(n.text, n.speaker) for n in notes] == [("He gets 20 minues", "Ms Hale")]
