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
    meeting.starts_at = "2026-11-22T10:00"  # today: the role is stated on the meeting's day
    meeting.role_stated_at = "2026-11-22T10:01:00+00:00"
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


async def test_f7_before_the_meeting_day_says_why_and_records_nothing(repo) -> None:
    """The meeting is tomorrow: F7 explains, asks nothing and writes nothing (the store
    refuses it too, tests/unit/test_repository.py)."""
    from ips_field.domain.records import Meeting, Note
    from ips_field.tui.widgets.dialogs import ConfirmDialog

    meeting = _meeting(repo)  # 23 November; the clock says the 22nd
    notes = len(repo.all(Note))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        shown = [n.message for n in app._notifications]
        assert any("dated 23 November 2026" in str(m) for m in shown), shown
    assert repo.get(Meeting, meeting.id).role_stated_at is None
    assert repo.get(Meeting, meeting.id).status == "planned" and len(repo.all(Note)) == notes


async def test_a_meeting_happening_now_is_moved_to_today_then_its_role_is_stated(repo) -> None:
    """Dated tomorrow but happening now: ctrl+t in the preparation (typed in a box, where
    ctrl+d and ctrl+e edit the text) moves it, the preparation stays, then F7 records."""
    from textual.widgets import Input, Static

    from ips_field.domain.records import Meeting, Note
    from ips_field.tui.screens.meeting_prep import MeetingPrepScreen
    from ips_field.tui.widgets.form_dialog import FormDialog

    meeting = _meeting(repo)  # 23 November 10:00; the clock says the 22nd
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        app.screen.query_one("#attendees", Input).focus()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        box = app.screen.query_one("#f-when", Input)
        assert box.value == "23/11/2026 10:00"
        box.value = "31/02/2026 10:00"  # no such day: said, nothing changes
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert repo.get(Meeting, meeting.id).starts_at == "2026-11-23T10:00"
        box.value = "22/11/2026 09:45"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingPrepScreen)
        assert "22/11/2026 09:45" in str(app.screen.query_one("#prep-title", Static).render())
        moved = repo.get(Meeting, meeting.id)
        assert moved.starts_at == "2026-11-22T09:45"
        assert moved.role_statement == meeting.role_statement  # the preparation stays
        await pilot.press("ctrl+g")  # start the meeting
        await settle(pilot, lambda: isinstance(app.screen, MeetingModeScreen))
        await pilot.press("f7")
        await pilot.pause()
        await pilot.click("#yes")  # "Yes, record it now" (Enter would answer "Not yet")
        await settle(pilot, lambda: repo.get(Meeting, meeting.id).role_stated_at is not None)
    held = repo.get(Meeting, meeting.id)
    assert held.status == "held" and held.role_stated_at
    assert any(n.voice == "ips_role_statement" for n in repo.all(Note))
