"""Data protection in the office app: one audit entry per report view, the retention period
audited, the request log and erasure's warnings on screen (issue 14, points 9 and 10)."""

from __future__ import annotations

import datetime as dt

from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.report_screen import ReportsScreen
from sync import audit
from tests.office_world import World


def _actions(world: World, action: str) -> list[dict[str, object]]:
    return [e for e in audit.entries(world.office) if e["action"] == action]


async def test_a_report_view_is_logged_once(world: World) -> None:
    app = OfficeApp(node=world.office)
    before = len(_actions(world, "report"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)
        assert len(_actions(world, "report")) == before + 1
        await pilot.press("y")  # another period: one more view, and only one
        await pilot.pause()
        await pilot.pause()
        assert len(_actions(world, "report")) == before + 2
        await pilot.press("y")  # the same period again, pressed again: a view again
        await pilot.pause()
        assert len(_actions(world, "report")) == before + 3
    details = [e["detail"] for e in _actions(world, "report")][before:]
    assert details[1] == f"{dt.date(2026, 1, 1)}..{world.office.repo.time.today()} shown"
