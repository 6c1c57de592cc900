"""The office's referral intake screen, driven by the pilot: it opens the case through the
same action as ``ips-office intake``, shows the conflict check, and says what is wrong."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from ips_field.domain.records import Case, Family, Interest
from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.cases import OfficeCasesScreen
from ips_field.tui.office.intake import IntakeScreen
from sync import audit
from sync.exchange import export_bundle, import_bundle
from tests.office_world import World

TYPED = {
    "reason": "Wants help with an EHC needs assessment",
    "parent_name": "Morwenna Tregarthen",
    "relationship": "mother",
    "area": "Westfield",
    "child_name": "Piran Tregarthen",
    "year_group": "Year 4",
}


async def _open_intake(pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(pilot.app.screen, OfficeCasesScreen)
    await pilot.press("ctrl+n")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


def _fill(screen: IntakeScreen, school: str) -> None:
    screen.query_one("#source", Select).value = "school"
    for name, value in {**TYPED, "school": school}.items():
        screen.query_one(f"#{name}", Input).value = value


async def test_intake_opens_and_assigns_a_case(world: World) -> None:
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen = await _open_intake(pilot)
        _fill(screen, "Oak Lane Primary")
        screen.query_one("#volunteer", Select).value = world.a
        await pilot.pause()
        assert "no declared interest" in str(screen.query_one("#check", Static).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OfficeCasesScreen)
        notes = [n.message for n in app._notifications]
        assert any("Opened IPS-00001, assigned to Anna" in m for m in notes)
    case = next(c for c in world.office.repo.all(Case) if c.reference == "IPS-00001")
    assert case.assigned_to == world.a and case.referral_source == "school"
    assert world.office.repo.for_case(Family, case.id)[0].area == "Westfield"
    assert [e["action"] for e in audit.entries(world.office)[-2:]] == ["intake", "assign"]


async def test_blocked_shows_the_reason_and_writes_nothing(world: World) -> None:
    cases = len(world.office.repo.all(Case))
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await _open_intake(pilot)
        _fill(screen, "Hill School")
        screen.query_one("#volunteer", Select).value = world.b
        await pilot.pause()
        assert "Blocked: Governor at Hill School" in str(screen.query_one("#check", Static).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen  # still there, with the reason under the choice
        error = str(screen.query_one("#err-volunteer", Static).content)
        assert "Blocked: Governor at Hill School" in error
    assert len(world.office.repo.all(Case)) == cases


async def test_a_warning_needs_the_reason_then_goes_ahead(world: World) -> None:
    world.ben.repo.save(
        Interest(interest_type="home_area", area="Westfield", declared_on="2026-01-05")
    )
    bundle = export_bundle(world.ben, world.office.node_id, world.tmp / "up")
    assert import_bundle(world.office, bundle, world.tmp / "q").status == "imported"
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await _open_intake(pilot)
        _fill(screen, "Oak Lane Primary")
        screen.query_one("#volunteer", Select).value = world.b
        await pilot.pause()
        assert "Warning: Home area" in str(screen.query_one("#check", Static).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "give a reason" in str(screen.query_one("#err-volunteer", Static).content)
        screen.query_one("#override", Input).value = "Only Ben is free this month"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OfficeCasesScreen)
    last = audit.entries(world.office)[-1]
    assert last["detail"] == "IPS-00001 to Ben (reason: Only Ben is free this month)"


async def test_missing_fields_are_shown_under_each(world: World) -> None:
    cases = len(world.office.repo.all(Case))
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_intake(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        shown = {
            name: str(screen.query_one(f"#err-{name}", Static).content)
            for name in ("source", "reason", "parent_name", "child_name", "school")
        }
        assert all(shown.values()), shown
    assert len(world.office.repo.all(Case)) == cases


async def test_a_block_with_a_warning_does_not_invite_a_reason(world: World) -> None:
    """Ben governs Hill School and lives in the family's area: the block must not read as
    if a recorded reason could lift it (the home-area warning's own "continue only with a
    recorded reason" used to follow "Blocked:")."""
    world.ben.repo.save(
        Interest(interest_type="home_area", area="Westfield", declared_on="2026-01-05")
    )
    bundle = export_bundle(world.ben, world.office.node_id, world.tmp / "up")
    assert import_bundle(world.office, bundle, world.tmp / "q").status == "imported"
    cases = len(world.office.repo.all(Case))
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_intake(pilot)
        _fill(screen, "Hill School")
        screen.query_one("#volunteer", Select).value = world.b
        await pilot.pause()
        line = str(screen.query_one("#check", Static).content)
        assert line.startswith("Blocked: Governor at Hill School")
        assert "Home area is the same as the family's area" in line
        assert "continue only with a recorded reason" not in line
        assert "a reason cannot override a block" in line
        screen.query_one("#override", Input).value = "We know the family"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen  # a reason does not lift the block
        error = str(screen.query_one("#err-volunteer", Static).content)
        assert "continue only with a recorded reason" not in error
    assert len(world.office.repo.all(Case)) == cases
