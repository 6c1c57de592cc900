"""SVG snapshots of the office's key screens.

Keys, fingerprints, bundle file names and clocks are random or real-time in a real master
record; here they are pinned (fixed clock, numbered file names, fingerprints by name) so
the screens are the same on every run.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from ips_field.domain.records import Case
from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.case_review import CaseReviewScreen
from ips_field.tui.office.conflicts import ConflictsScreen
from ips_field.tui.office.inbox import InboxScreen
from ips_field.tui.office.reports import ReportsScreen
from ips_field.tui.office.volunteers import VolunteersScreen
from sync import keys
from sync.exchange import export_bundle, import_bundle
from sync.node import SyncNode
from tests.office_world import World


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = itertools.count(1)
    monkeypatch.setattr("sync.exchange.bundle_filename", lambda: f"bundle-{next(counter)}.ipsb")
    monkeypatch.setattr(SyncNode, "now", lambda self: "2026-11-22T10:30:00+00:00")


@pytest.fixture
def shown(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The world, with fingerprints pinned once enrolment (which compares them) is done."""
    monkeypatch.setattr(
        "ips_field.tui.office.volunteers.fingerprint", lambda public: "4711-0815-2342-1234"
    )
    monkeypatch.setattr(keys.NodeIdentity, "fingerprint", lambda self: "1111-2222-3333-4444")
    names = {world.a: "A1A1A1", world.b: "B2B2B2"}  # ids are random: short codes by name
    monkeypatch.setattr(
        "ips_field.actions.office.volunteers._codes", lambda ids: {i: names.get(i, "") for i in ids}
    )
    return world


async def _push(pilot, screen) -> None:
    await pilot.app.push_screen(screen)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the inbox previews load in a worker
    # Rows that arrive from a worker are laid out (column widths) on the following idle
    # passes; under load one pause was not always enough and the header was drawn narrow.
    for _ in range(5):
        await pilot.pause(0.05)


def test_inbox(snap_compare, shown: World) -> None:
    fixed = Path(tempfile.gettempdir()) / "ips-office-snapshot-inbox"  # shown on screen
    shutil.rmtree(fixed, ignore_errors=True)
    fixed.mkdir()
    for old in shown.inbox.glob("*.ipsb"):
        old.rename(fixed / "bundle-0.ipsb")
    shown.office.save_state(inbox=str(fixed))
    app = OfficeApp(node=shown.office)
    assert snap_compare(app, terminal_size=(120, 40), run_before=lambda p: _push(p, InboxScreen()))


def test_roster(snap_compare, shown: World) -> None:
    app = OfficeApp(node=shown.office)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=lambda p: _push(p, VolunteersScreen())
    )


def test_case_review(snap_compare, shown: World) -> None:
    app = OfficeApp(node=shown.office)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=lambda p: _push(p, CaseReviewScreen(shown.case_id))
    )


def _flagged_reviewed(world: World) -> None:
    """The flagged note reviewed, with a coaching follow-up for its author."""
    from ips_field.actions.office import review
    from ips_field.domain.records import Note

    note = next(n for n in world.office.repo.for_case(Note, world.case_id) if n.flags)
    review.review_flag(world.office, note.id, "Discussed with Anna: offer options, not advice")
    review.record_coaching(world.office, note.id, "Neutral wording practice", "2099-01-31")


async def _push_on_flagged(pilot, screen) -> None:
    await _push(pilot, screen)
    table = screen.query_one("#notes")
    table.move_cursor(row=next(i for i in range(table.row_count) if table.get_row_at(i)[3]))
    await pilot.pause()


def test_case_review_80x24_flag_reviewed(snap_compare, shown: World) -> None:
    _flagged_reviewed(shown)
    app = OfficeApp(node=shown.office)
    assert snap_compare(
        app,
        terminal_size=(80, 24),
        run_before=lambda p: _push_on_flagged(p, CaseReviewScreen(shown.case_id)),
    )


def test_case_review_120x40_flag_reviewed(snap_compare, shown: World) -> None:
    _flagged_reviewed(shown)
    app = OfficeApp(node=shown.office)
    assert snap_compare(
        app,
        terminal_size=(120, 40),
        run_before=lambda p: _push_on_flagged(p, CaseReviewScreen(shown.case_id)),
    )


def _evaluations(world: World) -> None:
    from ips_field.actions import office as ov
    from ips_field.domain.records import Evaluation

    world.office.repo.save(
        Evaluation(case_id=world.case_id, respondent="professional", sent_on="2026-11-01")
    )
    ov.record_returned_evaluation(
        world.office,
        world.case_id,
        respondent="parent",
        stage="closing",
        returned_on="2026-11-20",
        scores={"impartiality": 2, "preparation": 4},
        impartial=False,
        comments="Felt steered towards one school",
    )


def test_evaluations_80x24(snap_compare, shown: World) -> None:
    from ips_field.tui.office.evaluations import EvaluationsScreen

    _evaluations(shown)
    app = OfficeApp(node=shown.office)
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=lambda p: _push(p, EvaluationsScreen())
    )


def test_evaluations_120x40(snap_compare, shown: World) -> None:
    from ips_field.tui.office.evaluations import EvaluationsScreen

    _evaluations(shown)
    app = OfficeApp(node=shown.office)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=lambda p: _push(p, EvaluationsScreen())
    )


def test_cases_needing_a_decision_80x24(snap_compare, shown: World) -> None:
    from ips_field.actions.office.revocation import revoke_volunteer
    from ips_field.tui.office.decisions import DecisionsScreen

    revoke_volunteer(shown.office, shown.a, reassign_to=shown.b)  # blocked: Ben governs
    app = OfficeApp(node=shown.office)
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=lambda p: _push(p, DecisionsScreen())
    )


def test_conflicts_queue(snap_compare, shown: World, tmp_path: Path) -> None:
    office, anna = shown.office, shown.anna
    office.repo.save(office.repo.get(Case, shown.case_id).replace(school="Hill School (office)"))
    time.sleep(0.01)  # Anna's edit is the later one (a tie would go by random node ids)
    anna.repo.save(anna.repo.get(Case, shown.case_id).replace(school="Hill Primary"))
    import_bundle(office, export_bundle(anna, office.node_id, tmp_path / "s"), tmp_path / "q")
    app = OfficeApp(node=office)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=lambda p: _push(p, ConflictsScreen())
    )


def test_report(snap_compare, shown: World) -> None:
    app = OfficeApp(node=shown.office)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=lambda p: _push(p, ReportsScreen())
    )
