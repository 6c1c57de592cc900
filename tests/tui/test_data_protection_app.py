"""Data protection in the office app: one audit entry per report view, the retention period
audited, the request log and erasure's warnings on screen (issue 14, points 9 and 10)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.data_protection import DataProtectionScreen
from ips_field.tui.office.reports import ReportsScreen
from ips_field.tui.widgets.dialogs import AskDialog
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


async def _answer(pilot, app, value: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(app.screen, AskDialog), type(app.screen)
    if value is not None:
        app.screen.query_one("#answer", Input).value = value
    await pilot.press("enter")
    await pilot.pause()


async def test_the_retention_period_change_is_audited(world: World) -> None:
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DataProtectionScreen)
        await pilot.press("t")
        await pilot.pause()
        await _answer(pilot, app, "29")  # refused: nothing changed, nothing logged
        assert _actions(world, "retention") == []
        await pilot.press("t")
        await pilot.pause()
        await _answer(pilot, app, "400")
    assert world.office.state["retention_days"] == 400
    assert [e["detail"] for e in _actions(world, "retention")] == [
        "retention period 2190 -> 400 days"
    ]


async def test_requests_logged_extended_answered_and_shown_due(world: World) -> None:
    from textual.widgets import DataTable

    from ips_field.tui.office.home import HomeScreen

    app = OfficeApp(node=world.office)
    today = world.office.repo.time.today()
    received = today - dt.timedelta(days=26)  # due Friday 27 November: within the week
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await _answer(pilot, app, "subject_access")
        await _answer(pilot, app, "A-001")
        await _answer(pilot, app, received.isoformat())
        table = app.screen.query_one("#requests", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == [
            "DP-0001",
            "Subject access",
            "A-001",
            received.strftime("%d/%m/%Y"),
            "27/11/2026",
            "due",
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        home = app.screen.query_one("#attention", DataTable)
        rows = {
            str(home.get_row_at(i)[0]): str(home.get_row_at(i)[1]) for i in range(home.row_count)
        }
        assert rows["Data-protection requests due within a week or overdue"] == "1"
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await _answer(pilot, app, "3")  # more than two further months: refused
        await _answer(pilot, app, "complex")
        await _answer(pilot, app)
        assert world.office.store.table("dp_request").get_id("DP-0001")["extended_to"] == ""
        await pilot.press("e")
        await pilot.pause()
        await _answer(pilot, app, "2")
        await _answer(pilot, app, "many records across two schools")
        await _answer(pilot, app)
        table = app.screen.query_one("#requests", DataTable)
        assert [str(c) for c in table.get_row_at(0)][4:] == ["27/01/2027 (ext.)", "open"]
        await pilot.press("c")
        await pilot.pause()
        await _answer(pilot, app, "pack sent by post")
        assert str(table.get_row_at(0)[5]) == "answered"
    details = [e["detail"] for e in _actions(world, "dp_request")]
    assert len(details) == 3 and details[1].startswith("DP-0001 extended by 2 months")
    assert details[2] == f"DP-0001 answered {today}: pack sent by post"
