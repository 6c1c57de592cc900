"""SVG snapshots of the office's Data protection screen (request log with due dates) at
80x24 and 120x40, over the pinned office world."""

from __future__ import annotations

import datetime as dt

import pytest

from ips_field.actions.office import protection as dp
from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.data_protection import DataProtectionScreen
from sync.node import SyncNode
from tests.office_world import World


@pytest.fixture
def logged(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(SyncNode, "now", lambda self: "2026-11-22T10:30:00+00:00")
    office = world.office
    today = office.repo.time.today()
    dp.log_request(office, "subject_access", "A-001", today - dt.timedelta(days=26))
    dp.log_request(office, "rectification", "A-001", today - dt.timedelta(days=10))
    dp.extend_request(office, "DP-0002", 1, "complex", today)
    dp.erase(office, "A-001", requested_on=today, reason="asked", accept_warnings=True)
    return world


async def _open(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.push_screen(DataProtectionScreen())
    for _ in range(3):
        await pilot.pause(0.05)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_data_protection(snap_compare, logged: World, size: tuple[int, int]) -> None:
    app = OfficeApp(node=logged.office)
    assert snap_compare(app, terminal_size=size, run_before=_open)
