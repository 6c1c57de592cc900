"""SVG snapshots of the key screens (frozen day, fixed clock, deterministic demo data)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from ips_field.domain.records import Case, Meeting
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store
from ips_field.tui.app import IpsApp, make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.meeting_mode import MeetingModeScreen
from ips_field.tui.screens.meeting_prep import MeetingPrepScreen
from tests.demo_world import demo_repo

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.UTC)


def demo_app() -> tuple[IpsApp, Repository]:
    repo = demo_repo(start=NOW, today=TODAY)  # built once, copied: as a fresh build_demo
    return make_app(repository=repo), repo


async def no_blink(pilot) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


def case_id(repo: Repository, ref: str) -> str:
    return next(c.id for c in repo.all(Case) if c.reference == ref)


def test_lock_screen(snap_compare, tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    Store.create(path, "snapshot passphrase", kdf=KdfParams.FOR_TESTS).close()
    app = IpsApp(store_path=path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=no_blink)


# The five screens of a meeting evening, each at a small laptop's 80x24 and at 120x40.
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
def test_dashboard(snap_compare, size) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=size, run_before=no_blink)


@SIZES
def test_case_view(snap_compare, size) -> None:
    app, repo = demo_app()

    async def open_case(pilot) -> None:
        pilot.app.push_screen(CaseScreen(case_id(repo, "DEMO-008")))
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_case)


def _meeting(repo: Repository) -> str:
    cid = case_id(repo, "DEMO-001")
    return next(m.id for m in repo.all(Meeting) if m.case_id == cid)


@SIZES
def test_meeting_preparation(snap_compare, size) -> None:
    app, repo = demo_app()

    async def open_prep(pilot) -> None:
        pilot.app.push_screen(MeetingPrepScreen(_meeting(repo)))
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_prep)


async def _into_meeting(pilot, repo: Repository) -> str:
    meeting = repo.get(Meeting, _meeting(repo))
    repo.save(
        meeting.replace(
            role_statement="I am here to support the parent [read aloud].",
            starts_at=f"{TODAY.isoformat()}T10:00",  # happening now: the role is stated on the day
        )
    )
    pilot.app.push_screen(MeetingModeScreen(meeting.id))
    await pilot.pause()
    await pilot.press("f7")  # read out: record it, after the question
    await pilot.pause()
    await pilot.click("#yes")
    await pilot.pause()
    pilot.app.screen.query_one("#note", Input).value = "Would like a [quiet] space"
    await pilot.press("enter")
    await pilot.pause()
    return meeting.id


@SIZES
def test_meeting_mode(snap_compare, size) -> None:
    app, repo = demo_app()

    async def open_mode(pilot) -> None:
        await _into_meeting(pilot, repo)
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_mode)


@SIZES
def test_summary(snap_compare, size) -> None:
    app, repo = demo_app()

    async def open_summary(pilot) -> None:
        await _into_meeting(pilot, repo)
        await pilot.press("f8")
        await pilot.pause()
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_summary)


def test_interests_register(snap_compare) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=(120, 40), press=["i"], run_before=no_blink)


def test_blocked_case(snap_compare) -> None:
    from ips_field.actions.volunteer.conflict_checks import run_conflict_check
    from ips_field.domain.records import Interest

    app, repo = demo_app()
    repo.save(
        Interest(interest_type="governor", organisation="Kestrel Academy", declared_on="2026-01-01")
    )
    cid = case_id(repo, "DEMO-002")
    run_conflict_check(repo, cid, trigger="interest declared")

    async def open_case(pilot) -> None:
        pilot.app.push_screen(CaseScreen(cid))
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_case)


def test_cpd_and_supervision_screens(snap_compare) -> None:
    app, _ = demo_app()
    assert snap_compare(app, terminal_size=(120, 40), press=["u"], run_before=no_blink)
    app2, _ = demo_app()
    assert snap_compare(app2, terminal_size=(120, 40), press=["p"], run_before=no_blink)
