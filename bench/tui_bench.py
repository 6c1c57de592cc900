"""TUI benchmark: unlock-to-dashboard and one filter keystroke, against a trivial Textual app.

Run: ``python bench/tui_bench.py [--cases 1000] [--keys 20]``

Both apps run headless under Textual's pilot in the same process, so the pilot's own cost
is in both numbers and the ratio shows what our screens add:
- unlock: type the passphrase and press Enter until the dashboard is shown; key derivation
  (measured apart) is subtracted. The trivial app pushes a screen with a table on Enter.
- keystroke: one character typed into the case list's filter with 1,000 cases until the
  list has been refiltered and redrawn (the filter alternately narrows and widens). The
  trivial app echoes an Input into a Static.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Static

from ips_field.domain.clock import fixed_clock
from ips_field.domain.records import Case, Child, Family
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store
from ips_field.tui.app import IpsApp
from ips_field.tui.screens.cases import CasesScreen
from ips_field.tui.screens.dashboard import DashboardScreen

PASS = "benchmark passphrase"
SURNAMES = ["Ashdown", "Barraclough", "Cavendish", "Delacourt", "Eastwood", "Fairweather"]


class TableScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("a", "b")
        for i in range(10):
            table.add_row(str(i), "x")


class Trivial(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="i")
        yield Static(id="s")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#s", Static).update(event.value)

    def on_input_submitted(self) -> None:
        self.push_screen(TableScreen())


def make_store(path: Path, cases: int) -> None:
    with Store.create(path, PASS, kdf=KdfParams.FOR_TESTS) as store:
        repo = Repository(store)
        with repo.transaction():
            for i in range(cases):
                case = repo.save(
                    Case(reference=f"C{i:04d}", school=f"School {i % 40}", opened_on="2026-01-01")
                )
                repo.save(
                    Family(
                        case_id=case.id,
                        family_name=f"{SURNAMES[i % 6]}{i}",
                        parents=[{"name": f"P{i}"}],
                    )
                )
                repo.save(Child(case_id=case.id, name=f"Child {i}", year_group="Year 3"))


async def until(pilot, cond) -> None:
    while not cond():
        await pilot.pause(0.001)


async def trivial_times(keys: int) -> tuple[float, float]:
    app = Trivial()
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.query_one("#i", Input)
        box.focus()
        samples = []
        for i in range(keys):
            start = time.perf_counter()
            await pilot.press("abcdefghij"[i % 10])
            await until(pilot, lambda: str(app.query_one("#s", Static).content) == box.value)
            samples.append(time.perf_counter() - start)
        start = time.perf_counter()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TableScreen))
        unlock = time.perf_counter() - start
    return unlock, statistics.median(samples)


async def our_times(path: Path, keys: int) -> tuple[float, float]:
    app = IpsApp(store_path=path, clock=fixed_clock(2026, 11, 22))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#passphrase", Input).value = PASS
        start = time.perf_counter()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        unlock = time.perf_counter() - start
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.pause()
        cases = app.screen.query_one("#cases", OptionList)
        count = app.screen.query_one("#count", Static)
        samples = []
        for i in range(keys):
            before = str(count.content)
            start = time.perf_counter()
            # "7" narrows 1,000 cases to those with a 7 (the table is redrawn); backspace
            # brings them all back (redrawn again)
            await pilot.press("7" if i % 2 == 0 else "backspace")
            await until(pilot, lambda b=before: str(count.content) != b)
            samples.append(time.perf_counter() - start)
        assert cases.option_count > 0
        app.session.store.close()
    return unlock, statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.ipsf"
        make_store(path, args.cases)
        start = time.perf_counter()
        KdfParams.FOR_TESTS.derive(PASS, os.urandom(16))
        kdf = time.perf_counter() - start
        t_unlock, t_key = asyncio.run(trivial_times(args.keys))
        o_unlock, o_key = asyncio.run(our_times(path, args.keys))
    ours = max(o_unlock - kdf, 1e-6)
    print(f"cases: {args.cases}; key derivation (reported apart): {kdf * 1000:.0f} ms")
    print(
        f"unlock to dashboard: {ours * 1000:7.1f} ms   trivial screen: {t_unlock * 1000:7.1f} ms"
        f"   ratio {ours / t_unlock:5.2f}x"
    )
    print(
        f"filter keystroke:    {o_key * 1000:7.1f} ms   trivial app echo:   {t_key * 1000:7.1f} ms"
        f"   ratio {o_key / t_key:5.2f}x"
    )


if __name__ == "__main__":
    main()
