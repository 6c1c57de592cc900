"""Pilot tests: press keys as a volunteer would, assert on screens and on the store."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
from textual.css.query import NoMatches
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static, TextArea

from ips_field.domain.records import Case, Child, Consent, Family, Meeting, Note
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store
from ips_field.tui.app import IpsApp, make_app
from ips_field.tui.screens.case_form import CaseFormScreen
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.cases import CasesScreen
from ips_field.tui.screens.dashboard import DashboardScreen
from ips_field.tui.screens.meeting_mode import MeetingModeScreen
from ips_field.tui.screens.meeting_prep import MeetingPrepScreen
from ips_field.tui.screens.summary import SummaryScreen
from ips_field.tui.screens.unlock import UnlockScreen
from ips_field.tui.screens.wizard import WizardScreen
from tests.tui.conftest import TODAY

PASS = "a long test passphrase"


def case_by_ref(repo: Repository, ref: str) -> Case:
    return next(c for c in repo.all(Case) if c.reference == ref)


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    """Workers (key derivation) run in threads: wait until the screen shows their result."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.05)


async def settle(pilot, looks_done, timeout: float = 10.0) -> None:
    """Keys sent at once, as a terminal delivers them, are handled over several turns of the
    app's loop, more of them on a busy machine: wait until the screen looks as the test
    expects (``looks_done``; a query that does not find its widget yet counts as not done)
    or ``timeout`` passes, and let the asserts after it say what is wrong."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        try:
            if looks_done():
                return
        except NoMatches:
            pass
        await pilot.pause(0.05)


async def test_dashboard_lists_due_items_and_opens_cases(repo) -> None:
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one("#due", DataTable)
        assert table.row_count > 5
        cells = [str(c) for row in range(table.row_count) for c in table.get_row_at(row)]
        assert any("consent" in c.lower() for c in cells)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        assert app.screen.query_one("#cases", OptionList).option_count == 11  # open cases


async def test_filter_and_status_in_case_list(repo) -> None:
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"kestrel")
        await pilot.pause()
        cases = app.screen.query_one("#cases", OptionList)
        assert cases.option_count == 2
        assert str(app.screen.query_one("#count", Static).content) == "2 cases"
        app.screen.query_one("#status", Select).value = "closed"
        app.screen.query_one("#filter", Input).value = ""
        await pilot.pause()
        assert cases.option_count == 1
        assert "Lightfoot" in str(cases.get_option_at_index(0).prompt)
        await pilot.press("enter")  # the filter box hands over to the list
        await pilot.press("enter")  # opens the highlighted case
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)


async def test_new_case_shows_field_errors_then_saves_all_records(empty_repo) -> None:
    app = make_app(repository=empty_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CaseFormScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "required" in str(app.screen.query_one("#err-school", Static).content)
        assert "required" in str(app.screen.query_one("#err-child_name", Static).content)
        assert empty_repo.all(Case) == []
        values = {
            "school": "Willowbrook Primary School",
            "family_name": "Testfamily",
            "parent_name": "Pat Parent [mum]",
            "child_name": "Kit Child",
            "year_group": "Year 4",
            "area": "Fenwick",
            "date_of_birth": "not a date",
        }
        for wid, value in values.items():
            app.screen.query_one(f"#{wid}", Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "date" in str(app.screen.query_one("#err-date_of_birth", Static).content)
        app.screen.query_one("#date_of_birth", Input).value = ""
        app.screen.query_one("#referral", Select).value = "school"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        [case] = empty_repo.all(Case)
        assert case.school == "Willowbrook Primary School" and case.assigned_to == "volunteer-node"
        assert case.referral_source == "school"  # counted in the monitoring report
        # provisional, with this laptop's code: the office gives the service's own reference
        assert case.reference == "P-VOLUNT-0001"
        assert empty_repo.find(Family, case_id=case.id)[0].parents[0]["name"] == "Pat Parent [mum]"
        assert empty_repo.find(Child, case_id=case.id)[0].name == "Kit Child"
        # Square brackets in user text are shown literally.
        overview = str(app.screen.query_one("#overview-text", Static).content)
        assert "Pat Parent [mum]" in overview


async def test_consent_recorded_and_withdrawn(repo) -> None:
    case = case_by_ref(repo, "DEMO-002")
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        app.screen.query_one("#purpose", Select).value = "represent_views"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert repo.has_consent(case.id, "represent_views", TODAY)
        screen = app.screen
        table = screen.query_one("#consents", DataTable)
        row = next(i for i in range(table.row_count) if "Represent" in str(table.get_row_at(i)[0]))
        screen.query_one("#tabs").active = "consent-tab"
        table.move_cursor(row=row)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = "Parent changed their mind"
        await pilot.press("enter")
        await pilot.pause()
        assert not repo.has_consent(case.id, "represent_views", TODAY)
        assert "withdrawn" in str(screen.query_one("#badges", Static).content)


async def test_represent_refused_without_consent_then_allowed(repo) -> None:
    case = case_by_ref(repo, "DEMO-002")  # no consent to represent in the demo
    meeting = repo.save(
        Meeting(case_id=case.id, meeting_type="ehc_annual_review", starts_at="2026-11-25T10:00")
    )
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        role = app.screen.query_one("#role", Select)
        role.value = "represent"
        await pilot.pause()
        assert role.value != "represent"
        assert "no current consent" in str(app.screen.query_one("#role-problem", Static).content)
        repo.save(
            Consent(case_id=case.id, purpose="represent_views", given_on="2026-11-01", given_by="P")
        )
        role.value = "represent"
        await pilot.pause()
        assert role.value == "represent"
        statement = app.screen.query_one("#statement", TextArea).text
        assert "Alex Demo" in statement
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert repo.get(Meeting, meeting.id).volunteer_role == "represent"


async def test_checklist_progress_and_parent_views_saved(repo) -> None:
    case = case_by_ref(repo, "DEMO-002")
    meeting = repo.save(
        Meeting(case_id=case.id, meeting_type="exclusion", starts_at="2026-11-25T10:00")
    )
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        await pilot.press("space")  # the checklist has focus: the first item is ticked
        await pilot.pause()
        label = str(app.screen.query_one("#progress-label", Label).content)
        assert label.startswith("Checklist: 1 of ")
        checklist = app.screen.query_one("#checklist")
        checklist.select_all()
        app.screen.query_one("#views", TextArea).text = "You should ask for a review"
        await pilot.pause()
        assert "you should" in str(app.screen.query_one("#language", Static).content).lower()
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = repo.get(Meeting, meeting.id)
        assert saved.checklist and all(saved.checklist.values())
        assert saved.parent_views == "You should ask for a review"


async def test_meeting_mode_role_first_then_attributed_voices_in_summary(repo) -> None:
    case = case_by_ref(repo, "DEMO-004")
    meeting = repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="ehc_annual_review",
            starts_at="2026-11-22T10:00",
            attendees=[{"name": "Ms Senco", "role": "SENCO"}],
            role_statement="I am here to support the parent.",
        )
    )
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        note_box = app.screen.query_one("#note", Input)
        note_box.focus()
        note_box.value = "before stating the role"
        await pilot.press("enter")
        await pilot.pause()
        assert repo.current_notes(case.id, meeting.id) == []
        await pilot.press("f7")  # read out: record it (after a question)
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        await pilot.press("f2")
        note_box.value = "Wants a [named] adult in the mornings"
        await pilot.press("enter")
        await pilot.press("f3")
        note_box.value = "The LA has [b]4 weeks[/b] to decide [/x]"
        await pilot.press("enter")
        await pilot.pause()
        # What was typed is shown as typed: brackets are not read as styling.
        shown = app.screen.query_one("#notes", DataTable)
        cells = [shown.get_row_at(r)[3] for r in range(shown.row_count)]
        assert any(
            isinstance(c, Text) and c.plain == "The LA has [b]4 weeks[/b] to decide [/x]"
            for c in cells
        )
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("enter")  # picks Ms Senco
        await pilot.pause()
        note_box.value = "Reading age up a year"
        await pilot.press("enter")
        await pilot.press("f6")
        await pilot.pause()
        app.screen.query_one("#owner", Input).value = "SENCO"
        await pilot.press("enter")
        await pilot.pause()
        note_box.value = "Send the updated plan"
        await pilot.press("enter")
        await pilot.pause()
        notes = repo.current_notes(case.id, meeting.id)
        assert [n.voice for n in notes] == [
            "ips_role_statement",
            "parent_view",
            "procedure",
            "professional_view",
            "agreed_action",
        ]
        assert notes[3].speaker == "Ms Senco" and notes[3].speaker_role == "SENCO"
        assert notes[4].owner == "SENCO" and notes[4].due_on
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = str(app.screen.query_one("#summary", Static).content)
        assert text.index("## Role statement") < text.index("## Parent's view")
        assert "- Wants a [named] adult in the mornings — parent" in text
        assert "- Reading age up a year — Ms Senco (SENCO)" in text
        assert "## Agreed action" in text and "— SENCO, by" in text


async def test_correction_supersedes_with_reason_and_history(repo) -> None:
    case = case_by_ref(repo, "DEMO-008")
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(SummaryScreen(case.id))
        await pilot.pause()
        before = repo.current_notes(case.id)
        target = before[1]
        table = app.screen.query_one("#notes", DataTable)
        table.move_cursor(row=1)
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#text", Input).value = "Corrected wording"
        await pilot.click("#ok")
        await pilot.pause()
        assert "reason" in str(app.screen.query_one("#problem", Static).content).lower()
        reason = app.screen.query_one("#reason", Input)
        reason.value = "Misheard"
        reason.focus()
        await pilot.press("enter")
        await pilot.pause()
        after = repo.current_notes(case.id)
        new = next(n for n in after if n.supersedes == target.id)
        assert new.text == "Corrected wording" and new.reason == "Misheard"
        assert repo.get(Note, target.id).text == target.text  # the original is kept
        assert [n.text for n in repo.note_history(new.id)] == [target.text, "Corrected wording"]


async def test_export_needs_confirmation_and_warns(repo, tmp_path: Path) -> None:
    case = case_by_ref(repo, "DEMO-008")
    app = make_app(repository=repo)
    target = tmp_path / "summary.md"
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(SummaryScreen(case.id))
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "OUTSIDE the encrypted store" in str(app.screen.query_one(Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert not target.exists()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text().startswith("# DEMO-008 Holloway")
        assert target.stat().st_mode & 0o077 == 0  # readable by this user only
        # A second export to the same name does not overwrite the first.
        target.write_text("kept")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text() == "kept"


async def test_unlock_wrong_then_right_and_quick_lock(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    with Store.create(path, PASS, kdf=KdfParams.FOR_TESTS) as store:
        Repository(store).save(Case(reference="R1", school="S", opened_on="2026-01-01"))
    app = IpsApp(store_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        app.screen.query_one("#passphrase", Input).value = "wrong one"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Wrong" in str(app.screen.query_one("#problem").content))
        app.screen.query_one("#passphrase", Input).value = PASS
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        store = app.session.store
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.session is None and store.locked
        assert len(app.screen_stack) == 3  # the lock screen covers the dashboard
        app.screen.query_one("#passphrase", Input).value = PASS
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        store.close()


async def test_auto_lock_after_idle_drops_the_key(tmp_path: Path, clock) -> None:
    path = tmp_path / "v.ipsf"
    Store.create(path, PASS, kdf=KdfParams.FOR_TESTS).close()
    store = Store.open(path, PASS)
    repo = Repository(store)
    app = make_app(repository=repo, store=store, config={"idle_minutes": 5})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        clock.advance(minutes=4)  # a quiet meeting: not yet
        await pilot.pause(1.2)
        assert isinstance(app.screen, DashboardScreen)
        clock.advance(minutes=2)  # e.g. the lid closed and opened again
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen), timeout=5)
        await pilot.pause(0.2)  # let the lock screen finish mounting before the app closes
        assert store.locked and app.session is None
        assert app.screen.query_one("#passphrase", Input).value == ""
    store.close()


async def test_first_run_wizard_creates_encrypted_store(tmp_path: Path) -> None:
    path = tmp_path / "new" / "v.ipsf"
    app = IpsApp(store_path=path, kdf=KdfParams.FOR_TESTS)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        app.screen.query_one("#pass1", Input).value = "short"
        await pilot.pause()
        assert "Too short" in str(app.screen.query_one("#strength", Static).content)
        for wid, value in {
            "pass1": PASS,
            "pass2": PASS,
            "name": "Robin Volunteer",
            "area": "Eastlea",
        }.items():
            app.screen.query_one(f"#{wid}", Input).value = value
        app.screen.query_one("#service", Select).value = "bath_ne_somerset"
        await pilot.click("#create")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.pause(0.2)  # let the dashboard finish mounting before the app closes
        app.session.store.close()
    with Store.open(path, PASS) as store:
        repo = Repository(store)
        assert repo.profile().name == "Robin Volunteer"
        assert repo.profile().service == "bath_ne_somerset"
    assert b"Robin" not in path.read_bytes()


async def test_broken_template_override_named_and_app_starts(
    repo, tmp_path: Path, monkeypatch
) -> None:
    (tmp_path / "meeting_types.yaml").write_text("meeting_types:\n  broken:\n    name: Broken\n")
    monkeypatch.setenv("IPS_FIELD_TEMPLATES", str(tmp_path))
    app = IpsApp(session=None)
    assert len(app.template_errors) == 1
    message = app.template_errors[0]
    assert "meeting_types.yaml" in message and "line" in message
    assert "ehc_annual_review" in app.templates.meeting_types  # packaged ones still there
    app2 = make_app(repository=repo, config={"template_errors": app.template_errors})
    async with app2.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "meeting_types.yaml" in str(app2.screen.query_one("#template-errors").content)


async def test_palette_lists_screen_actions_but_no_screenshot(repo) -> None:
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Cases" in titles and "New case" in titles and "Lock" in titles
        assert "Screenshot" not in titles
        await pilot.press("f1")
        await pilot.pause()
        assert "state your role" in str(app.screen.query_one("#help-text").source).lower()


async def test_leaving_meeting_mode_asks_first(repo) -> None:
    from ips_field.tui.widgets.dialogs import ConfirmDialog

    case = case_by_ref(repo, "DEMO-004")
    meeting = repo.save(
        Meeting(case_id=case.id, meeting_type="ehc_annual_review", starts_at="2026-11-22T10:00")
    )
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # "no": still in the meeting
        await pilot.pause()
        assert isinstance(app.screen, MeetingModeScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert not isinstance(app.screen, MeetingModeScreen)


async def test_the_office_master_record_is_not_opened_here(tmp_path: Path) -> None:
    from ips_field.actions.office import init_office

    path = tmp_path / "office.ipsf"
    node = init_office(
        path, "office words", "rk words", tmp_path / "rk.key", kdf=KdfParams.FOR_TESTS
    )
    node.store.close()
    app = IpsApp(store_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#passphrase", Input).value = "office words"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and app.session is None
        assert any("master record" in str(n.message) for n in app._notifications)
