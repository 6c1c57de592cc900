"""SVG snapshots of the office's referral intake screen at 80x24 and 120x40: a referral
filled in and Ben chosen, whom the conflict check blocks (he governs Hill School)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.intake import IntakeScreen
from tests.office_world import World

FILLED = {
    "reason": "Wants help with an EHC needs assessment",
    "parent_name": "Morwenna Tregarthen",
    "relationship": "mother",
    "area": "Westfield",
    "child_name": "Piran Tregarthen",
    "year_group": "Year 4",
    "school": "Hill School",
}


async def _fill(pilot, volunteer: str) -> None:  # type: ignore[no-untyped-def]
    screen = IntakeScreen()
    await pilot.app.push_screen(screen)
    await pilot.pause()
    screen.query_one("#source", Select).value = "school"
    for name, value in FILLED.items():
        screen.query_one(f"#{name}", Input).value = value
    screen.query_one("#volunteer", Select).value = volunteer
    await pilot.pause()
    screen.query_one("#override", Input).focus()  # scrolls the check into view
    for _ in range(3):
        await pilot.pause(0.05)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_intake_blocked(snap_compare, world: World, size: tuple[int, int]) -> None:
    app = OfficeApp(node=world.office)
    assert snap_compare(app, terminal_size=size, run_before=lambda p: _fill(p, world.b))
