"""Pilot tests for the impartiality safeguards in the volunteer app."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from ips_field.domain.records import (
    Case,
    ConflictCheck,
    CpdEntry,
    Interest,
    Meeting,
    SupervisionEntry,
)
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.conflict_dialog import ConflictDialog
from ips_field.tui.screens.cpd import CpdScreen
from ips_field.tui.screens.interests import InterestsScreen
from ips_field.tui.screens.meeting_mode import MeetingModeScreen

FORM = {
    "family_name": "Newfamily",
    "parent_name": "Robin Parent",
    "child_name": "Ash Child",
    "year_group": "Year 2",
}


async def fill_case(pilot, school: str, area: str) -> None:
    await pilot.press("n")
    await pilot.pause()
    for wid, value in {**FORM, "school": school, "area": area}.items():
        pilot.app.screen.query_one(f"#{wid}", Input).value = value
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_governor_cannot_take_case_at_same_school_spelled_differently(empty_repo) -> None:
    empty_repo.save(
        Interest(
            interest_type="governor",
            organisation="St Mary's C of E Primary School",
            declared_on="2026-01-01",
        )
    )
    app = make_app(repository=empty_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_case(pilot, "Saint Marys CE Primary", "Eastlea")
        assert isinstance(app.screen, ConflictDialog)
        assert "cannot take this case" in str(app.screen.query_one(".title", Static).content)
        assert not app.screen.query("#continue")  # blocked: no way to carry on
        await pilot.click("#ok")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        [case] = empty_repo.all(Case)
        assert "Governor" in case.blocked_reason and "reassign" in case.blocked_reason
        assert [c.outcome for c in empty_repo.for_case(ConflictCheck, case.id)] == ["block"]
        assert "BLOCKED" in str(app.screen.query_one("#badges", Static).content)


async def test_neighbourhood_warning_needs_a_reason(empty_repo) -> None:
    empty_repo.save(Interest(interest_type="home_area", area="Fenwick", declared_on="2026-01-01"))
    app = make_app(repository=empty_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_case(pilot, "Willowbrook Primary School", "Fenwick")
        assert isinstance(app.screen, ConflictDialog)
        await pilot.click("#continue")
        await pilot.pause()
        assert "reason is needed" in str(app.screen.query_one("#problem", Static).content)
        reason = app.screen.query_one("#reason", Input)
        reason.value = "Family asked for me; we live far apart"
        reason.focus()
        await pilot.press("enter")
        await pilot.pause()
        [case] = empty_repo.all(Case)
        [check] = empty_repo.for_case(ConflictCheck, case.id)
        assert check.outcome == "warn"
        assert check.override_reason == "Family asked for me; we live far apart"
        assert case.blocked_reason == ""


async def test_declaring_interest_in_register_blocks_open_case(repo) -> None:
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InterestsScreen)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#f-interest_type").value = "clerk"
        app.screen.query_one("#f-organisation", Input).value = "kestrel academy"
        await pilot.press("ctrl+s")
        await pilot.pause()
        blocked = [c for c in repo.all(Case) if "Clerk" in c.blocked_reason]
        assert sorted(c.reference for c in blocked) == ["DEMO-002", "DEMO-008"]
        # The demo volunteer lives in Fenwick: those families now wait for a reason.
        waiting = sorted(c.reference for c in repo.all(Case) if "not answered" in c.blocked_reason)
        assert waiting == ["DEMO-001", "DEMO-004", "DEMO-009"]
        interest = next(i for i in repo.all(Interest) if i.interest_type == "clerk")
        assert interest.declared_on == "2026-11-22"


async def test_flagged_note_shows_alternative_and_is_stored(repo) -> None:
    case = next(c for c in repo.all(Case) if c.reference == "DEMO-003")
    meeting = repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="exclusion",
            starts_at="2026-11-22T10:00",
            role_statement="My role today.",
        )
    )
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        await pilot.press("f3")
        box = app.screen.query_one("#note", Input)
        box.value = "I recommend you appeal"
        await pilot.pause()
        warning = str(app.screen.query_one("#language", Static).content)
        assert '"I recommend"' in warning and "try" in warning
        await pilot.press("enter")
        await pilot.pause()
        note = repo.current_notes(case.id, meeting.id)[-1]
        assert note.text == "I recommend you appeal" and note.flags
        assert note.flags[0]["phrase"].lower() == "i recommend"


async def test_cpd_and_supervision_reach_dashboard(empty_repo) -> None:
    from ips_field.domain.records import VolunteerProfile

    empty_repo.save(VolunteerProfile(name="Vol", service="milton_keynes"))
    empty_repo.save(
        CpdEntry(on="2025-06-01", title="Impartiality", hours=2, topics=["impartiality"])
    )
    empty_repo.save(SupervisionEntry(on="2026-05-01", supervisor="Sam"))
    app = make_app(repository=empty_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#due", DataTable)
        titles = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert any("CPD refresher: impartiality" in t for t in titles)
        assert any(t.startswith("Supervision") for t in titles)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, CpdScreen)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#f-title", Input).value = "Impartiality refresher"
        app.screen.query_one("#f-hours", Input).value = "abc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Hours" in str(app.screen.query_one("#e-hours", Static).content)
        app.screen.query_one("#f-hours", Input).value = "3"
        app.screen.query_one("#f-topics").select("impartiality")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        titles = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert not any("CPD refresher: impartiality" in t for t in titles)
