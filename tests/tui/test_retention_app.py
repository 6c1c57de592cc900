"""The purge at unlock (issue 14 point 11): the volunteer unlocks after the retention period
and is told, in one line, which closed cases left and why; the log stays on a screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, Static

from ips_field.domain.clock import FixedClock
from ips_field.domain.records import Case
from ips_field.store.store import Store
from ips_field.tui.app import IpsApp
from ips_field.tui.screens.dashboard import DashboardScreen
from ips_field.tui.screens.retention_log import RetentionLogScreen
from ips_field.tui.screens.sync_screen import SyncScreen
from ips_field.tui.screens.unlock import UnlockScreen
from sync.inbox import import_paths
from tests.office_world import VOLUNTEER_PASS, World
from tests.unit.test_laptop_retention import closed_case, round_trip


async def until(pilot, test, timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.05)):
        if test():
            return
        await pilot.pause()
        await asyncio.sleep(0.05)
    raise AssertionError("never happened")


async def test_unlock_purges_and_says_what_left(
    world: World, clock: FixedClock, tmp_path: Path
) -> None:
    w = world
    gone = closed_case(w.anna, "R-GONE")
    # The office's reply imported without a purge (as before this feature): acknowledged.
    assert import_paths(w.anna, [round_trip(w, tmp_path, 1)]).imported == 1
    kept = closed_case(w.anna, "R-KEPT")  # the office has never seen this one
    path = w.anna.store.path
    w.anna.store.close()
    clock.advance(days=31)

    app = IpsApp(store_path=path, clock=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        app.screen.query_one("#passphrase", Input).value = VOLUNTEER_PASS
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        said = [n.message for n in app._notifications]
        assert [m for m in said if "left this laptop" in m] == [
            "1 closed case left this laptop (R-GONE): acknowledged by the office at least "
            "30 days ago; 5 records removed (the log: Sync screen, key l)"
        ]
        repo = app.session.repo
        assert repo.get(Case, gone) is None and repo.get(Case, kept) is not None
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, SyncScreen))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, RetentionLogScreen))
        text = str(app.screen.query_one("#runs", Static).content)
        assert "at unlock: 1 closed case left this laptop (R-GONE)" in text
        assert "R-KEPT" not in text
        app.session.store.close()
    with Store.open(path, VOLUNTEER_PASS) as store:
        assert store.table("case").get_id(gone) is None


async def test_a_case_screen_left_open_over_the_lock_is_not_shown_once_its_case_left(
    world: World, clock: FixedClock, tmp_path: Path
) -> None:
    from ips_field.tui.app import make_app
    from ips_field.tui.screens.case_view import CaseScreen

    w = world
    gone = closed_case(w.anna, "R-OPEN")
    assert import_paths(w.anna, [round_trip(w, tmp_path, 1)]).imported == 1
    app = make_app(repository=w.anna.repo, store=w.anna.store, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        app.push_screen(CaseScreen(gone))
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        clock.advance(days=31)  # a laptop suspended for a month wakes locked
        app.screen.query_one("#passphrase", Input).value = VOLUNTEER_PASS
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert not any(isinstance(s, CaseScreen) for s in app.screen_stack)
        assert app.session.repo.get(Case, gone) is None
        app.session.store.close()


async def test_the_sync_screen_import_purges_and_says_what_left(
    world: World, clock: FixedClock, tmp_path: Path
) -> None:
    from ips_field.tui.app import make_app

    w = world
    gone = closed_case(w.anna, "R-SYNC")
    assert import_paths(w.anna, [round_trip(w, tmp_path, 1)]).imported == 1
    down = round_trip(w, tmp_path, 2)
    clock.advance(days=31)
    app = make_app(repository=w.anna.repo, store=w.anna.store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, SyncScreen))
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = str(down.parent)
        await pilot.press("enter")

        def result() -> str:
            return str(app.screen.query_one("#result", Static).content)

        await until(pilot, lambda: isinstance(app.screen, SyncScreen) and "left" in result())
        assert "1 closed case left this laptop (R-SYNC): acknowledged by the office" in result()
        assert "Marker" not in result()
        assert w.anna.repo.get(Case, gone) is None
    w.anna.store.close()
