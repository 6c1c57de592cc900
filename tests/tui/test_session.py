"""The session model: lock from any screen and come back to it with what was typed; drafts
survive a quit; an unexpected error locks the app and leaves an ids-only private file."""

from __future__ import annotations

import asyncio
import datetime as dt
import stat

import pytest
from textual.widgets import Input, TextArea

from ips_field.domain.records import Case, Meeting
from ips_field.errors import StoreLocked
from ips_field.store.drafts import Drafts
from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore
from ips_field.tui.app import make_app
from ips_field.tui.lockable import LockableApp
from ips_field.tui.screens.case_form import CaseFormScreen
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.cases import CasesScreen
from ips_field.tui.screens.cpd import CpdScreen
from ips_field.tui.screens.dashboard import DashboardScreen
from ips_field.tui.screens.interests import InterestsScreen
from ips_field.tui.screens.meeting_mode import MeetingModeScreen
from ips_field.tui.screens.meeting_prep import MeetingPrepScreen
from ips_field.tui.screens.outreach import OutreachScreen
from ips_field.tui.screens.summary import SummaryScreen
from ips_field.tui.screens.supervision import SupervisionScreen
from ips_field.tui.screens.sync_screen import SyncScreen
from ips_field.tui.screens.unlock import UnlockScreen
from ips_field.tui.widgets.dialogs import ConfirmDialog
from tests.demo_world import demo_repo
from tests.tui.conftest import NOW


class LockingStore(MemoryStore):
    """A memory store that refuses every read and write while locked, as the real one."""

    def table(self, name: str):  # type: ignore[no-untyped-def]
        if self.locked:
            raise StoreLocked("the store is locked")
        return super().table(name)


@pytest.fixture
def locking_repo() -> Repository:
    return demo_repo(LockingStore, start=NOW.replace(second=0), step=dt.timedelta(0))


def _case(repo: Repository, ref: str = "DEMO-004") -> Case:
    return next(c for c in repo.all(Case) if c.reference == ref)


def _meeting(repo: Repository) -> Meeting:
    case = _case(repo)
    return repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="ehc_annual_review",
            starts_at="2026-11-23T10:00",
            role_statement="I am here to support the parent.",
        )
    )


# screen name -> (how to build it from the repository, a field to type in or None)
SCREENS = {
    "dashboard": (None, None),
    "cases": (lambda r: CasesScreen(), None),
    "case": (lambda r: CaseScreen(_case(r).id), None),
    "case form": (lambda r: CaseFormScreen(_case(r).id), "school"),
    "preparation": (lambda r: MeetingPrepScreen(_meeting(r).id), "views"),
    "meeting mode": (lambda r: MeetingModeScreen(_meeting(r).id), "note"),
    "summary": (lambda r: SummaryScreen(_case(r).id), None),
    "interests": (lambda r: InterestsScreen(), None),
    "cpd": (lambda r: CpdScreen(), None),
    "supervision": (lambda r: SupervisionScreen(), None),
    "outreach": (lambda r: OutreachScreen(), None),
    "sync": (lambda r: SyncScreen(), None),
}


async def _unlock(pilot, app) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one("#passphrase", Input).value = "demo"
    await pilot.press("enter")
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while app.session is None or isinstance(app.screen, UnlockScreen):
        assert loop.time() < end, "unlock timed out"
        await pilot.pause(0.05)
    await pilot.pause()


async def _until(pilot, condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "timed out waiting for the app"
        await pilot.pause(0.05)


def _set(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    if isinstance(widget, TextArea):
        widget.load_text(text)
    else:
        widget.value = text


def _get(widget) -> str:  # type: ignore[no-untyped-def]
    return widget.text if isinstance(widget, TextArea) else widget.value


@pytest.mark.parametrize("name", list(SCREENS))
async def test_lock_from_every_screen_returns_to_it_with_the_draft(locking_repo, name) -> None:
    build, field = SCREENS[name]
    app = make_app(repository=locking_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if build is not None:
            app.push_screen(build(locking_repo))
            await pilot.pause()
        screen = app.screen
        typed = "Still typing this when the lock came"
        if field:
            widget = screen.query_one(f"#{field}")
            _set(widget, typed)
            await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause(0.3)  # any timer on the screens below would fire now, and fail
        assert isinstance(app.screen, UnlockScreen)
        assert locking_repo.store.locked and app.session is None
        assert screen in app.screen_stack  # covered, not thrown away
        await _unlock(pilot, app)
        assert app.screen is screen  # exactly where the volunteer was
        if field:
            assert _get(screen.query_one(f"#{field}")) == typed
            kept = Drafts(locking_repo.store).get(screen.draft_key)
            assert kept is not None and kept["fields"][field] == typed  # encrypted, in the store


async def test_typing_a_sentence_on_entering_meeting_mode_records_nothing(repo) -> None:
    meeting = _meeting(repo)
    notes_before = len(repo.current_notes(meeting.case_id, meeting.id))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        sentence = "Parent says she is worried 1 2"
        await pilot.press(*[("space" if ch == " " else ch) for ch in sentence])
        await pilot.pause()
        assert isinstance(app.screen, MeetingModeScreen)  # no summary, no history opened
        assert app.screen.query_one("#note", Input).value == sentence
        stored = repo.get(Meeting, meeting.id)
        assert stored is not None and not stored.role_stated_at  # "r" recorded nothing
        assert len(repo.current_notes(meeting.case_id, meeting.id)) == notes_before


async def test_escape_with_text_in_the_note_box_asks_and_stay_keeps_it(repo) -> None:
    meeting = _meeting(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        app.screen.query_one("#note", Input).value = "half a sentence"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "not saved" in app.screen.question
        await pilot.press("enter")  # the focused button is the safe one: Stay
        await pilot.pause()
        assert isinstance(app.screen, MeetingModeScreen)
        assert app.screen.query_one("#note", Input).value == "half a sentence"
        assert app.screen.focused is app.screen.query_one("#note", Input)


async def test_a_draft_survives_quit_and_is_offered_back(repo) -> None:
    meeting = _meeting(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        app.screen.query_one("#note", Input).value = "She wants the plan in writing"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # unsaved: asks first
        await pilot.click("#yes")
        await pilot.pause()
    assert app.return_code in (None, 0)  # no error exit
    again = make_app(repository=repo)
    async with again.run_test(size=(80, 24)) as pilot:
        again.push_screen(MeetingModeScreen(meeting.id))
        await _until(pilot, lambda: isinstance(again.screen, ConfirmDialog))  # "Put it back?"
        await pilot.press("enter")
        await pilot.pause()
        assert again.screen.query_one("#note", Input).value == "She wants the plan in writing"


async def test_an_unexpected_error_locks_writes_ids_only_and_goes_home(
    locking_repo, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(LockableApp, "contain_errors", True)
    case = _case(locking_repo)

    def broken(self) -> None:  # type: ignore[no-untyped-def]
        raise ValueError("Kestrel family, 12 Acacia Road")

    monkeypatch.setattr(CaseScreen, "action_summary", broken)
    app = make_app(repository=locking_repo)
    app.crash_folder = lambda: tmp_path / "crashes"  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("s")
        await _until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert locking_repo.store.locked
        assert "locked itself" in str(app.screen.query_one("#lock-message").content)
        files = list((tmp_path / "crashes").iterdir())
        assert len(files) == 1
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        text = files[0].read_text()
        assert "ValueError" in text and f"case_id={case.id}" in text
        assert "Kestrel" not in text and "Acacia" not in text
        await _unlock(pilot, app)
        assert isinstance(app.screen, DashboardScreen)  # the failed screen is gone
        await pilot.press("c")  # and the app goes on
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
    assert app.return_code in (None, 0)  # no error exit


async def test_blocked_case_cannot_get_a_meeting_and_notes_and_contacts_work(repo) -> None:
    from textual.widgets import Select

    from ips_field.domain.records import Contact, Note

    case = _case(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("a")  # a contact: type, UK date, minutes
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#f-method", Select).value = "email"
        dialog.query_one("#f-on", Input).value = "01/11/2026"
        dialog.query_one("#f-minutes", Input).value = "25"
        dialog.query_one("#f-summary", Input).value = "Sent the appeal dates"
        await pilot.press("ctrl+s")
        await pilot.pause()
        contact = next(c for c in repo.for_case(Contact, case.id) if c.minutes == 25)
        assert (contact.method, contact.on) == ("email", "2026-11-01")
        await pilot.press("t")  # a note outside any meeting
        await pilot.pause()
        app.screen.query_one("#f-text", Input).value = "Rang the school about transport"
        await pilot.press("ctrl+s")
        await pilot.pause()
        texts = [n.text for n in repo.for_case(Note, case.id)]
        assert "Rang the school about transport" in texts
        repo.save(repo.get(Case, case.id).replace(blocked_reason="You are a governor there."))
        meetings = len(repo.for_case(Meeting, case.id))
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)  # no meeting dialog on a blocked case
        assert len(repo.for_case(Meeting, case.id)) == meetings
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#f-text", Input).value = "Another call"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Another call" not in [n.text for n in repo.for_case(Note, case.id)]
        # The form stays open with one line saying why, and the typed note is not lost.
        assert "governor" in str(app.screen.query_one("#e-form").content)
        assert app.screen.query_one("#f-text", Input).value == "Another call"


async def test_withdrawn_represent_consent_rewrites_role_and_statement(repo) -> None:
    from textual.widgets import Select, Static

    from ips_field.domain.records import Consent

    case = _case(repo)
    repo.save(Consent(case_id=case.id, purpose="represent_views", given_on="2026-11-01"))
    meeting = repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="ehc_annual_review",
            starts_at="2026-11-23T10:00",
            volunteer_role="represent",
            role_statement="Ms A has given me permission to represent their views today.",
        )
    )
    for c in repo.for_case(Consent, case.id):
        if c.purpose == "represent_views" and not c.withdrawn_on:
            repo.save(c.replace(withdrawn_on="2026-11-21", withdrawal_reason="will speak herself"))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        shown = str(app.screen.query_one("#statement", Static).content)
        assert "permission to represent" not in shown and "no longer current" in shown
        app.pop_screen()
        await pilot.pause()
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#role", Select).value == "support"
        statement = screen.query_one("#statement", TextArea).text
        assert "represent" not in statement and "support" in statement
        assert "no longer current" in str(screen.query_one("#prep-warning", Static).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = repo.get(Meeting, meeting.id)
        assert saved.volunteer_role == "support" and "represent" not in saved.role_statement


async def test_an_edited_role_statement_survives_reopening(repo) -> None:
    meeting = _meeting(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        app.screen.query_one("#statement", TextArea).load_text("My own words for today.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        app.push_screen(MeetingPrepScreen(meeting.id))
        await _until(pilot, lambda: isinstance(app.screen, MeetingPrepScreen))
        await pilot.pause()
        assert app.screen.query_one("#statement", TextArea).text == "My own words for today."


async def test_palette_finds_a_case_by_child_or_school_and_lists_no_widget_keys(repo) -> None:
    from textual.command import CommandPalette

    from ips_field.domain.records import Child

    case = _case(repo)
    child = repo.for_case(Child, case.id)[0]
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CasesScreen())
        await pilot.pause()
        app.screen.query_one("#cases").focus()  # an OptionList has its own cursor keys
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "New case" in titles and "Lock" in titles
        assert not any(t in titles for t in ("Cursor up", "Bottom", "Page down", "Select"))
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        palette_input = app.screen.query_one(Input)
        palette_input.value = child.name
        await pilot.pause(0.6)
        await pilot.press("down", "enter")
        await _until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert app.screen.case_id == case.id
