"""The office app driven by Textual's pilot, over a real master record and real bundles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

from ips_field.actions import office as off
from ips_field.domain.records import (
    Case,
    Evaluation,
    Note,
)
from ips_field.store.store import Store
from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.assign_dialog import AssignDialog
from ips_field.tui.office.audit_log import AuditScreen
from ips_field.tui.office.case_review import CaseReviewScreen
from ips_field.tui.office.cases import OfficeCasesScreen
from ips_field.tui.office.conflicts import ConflictsScreen, DecideDialog
from ips_field.tui.office.data_protection import DataProtectionScreen
from ips_field.tui.office.evaluations import EvaluationsScreen
from ips_field.tui.office.home import HomeScreen
from ips_field.tui.office.inbox import InboxScreen
from ips_field.tui.office.oversight import OversightScreen
from ips_field.tui.office.reports import ReportsScreen
from ips_field.tui.office.volunteers import VolunteersScreen
from ips_field.tui.screens.unlock import UnlockScreen
from ips_field.tui.widgets.dialogs import AskDialog, ConfirmDialog
from ips_field.tui.widgets.form_dialog import FormDialog
from sync import audit
from sync.exchange import export_bundle, import_bundle
from tests.office_world import OFFICE_PASS, K, World
from tests.tui.test_volunteer_app import settle

TODAY = dt.date(2026, 11, 22)


def app_for(world: World) -> OfficeApp:
    return OfficeApp(node=world.office)


async def test_home_counts_and_inbox_preview_then_import(world: World) -> None:
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        rows = app.screen.query_one("#attention", DataTable)
        waiting = [str(rows.get_row_at(i)[1]) for i in range(rows.row_count)]
        assert waiting[0] == "1"  # one bundle waiting
        await pilot.press("i")
        await app.workers.wait_for_complete()  # previews are made in a worker thread
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        table = app.screen.query_one("#waiting", DataTable)
        assert table.row_count == 1
        summary = str(table.get_row_at(0)[0])
        assert "from Anna" in summary and "1 note" in summary
        # Previewing applied nothing.
        assert not any(n.text == "Annual review due in May" for n in world.office.repo.all(Note))
        await pilot.press("enter")
        await app.workers.wait_for_complete()  # the import runs in a worker thread
        await pilot.pause()
        await app.workers.wait_for_complete()  # and then the previews again
        await pilot.pause()
        assert any(n.text == "Annual review due in May" for n in world.office.repo.all(Note))
        assert table.row_count == 0
        # The imported bundle is overwritten and deleted (only its hash is kept), as
        # ips-office import does: nothing left that the office key could open.
        assert not list(world.inbox.glob("*.ipsb")) and not (world.inbox / "imported").exists()
        assert [e["action"] for e in audit.entries(world.office)][-1] == "import"


async def test_tampered_bundle_is_quarantined_with_reason(world: World) -> None:
    [bundle] = list(world.inbox.glob("*.ipsb"))
    data = bytearray(bundle.read_bytes())
    data[200] ^= 0xFF
    bundle.write_bytes(bytes(data))
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await app.workers.wait_for_complete()
        await pilot.pause()
        preview = str(app.screen.query_one("#waiting", DataTable).get_row_at(0)[0])
        assert "damaged" in preview or "altered" in preview
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        refused = app.screen.query_one("#quarantine", DataTable)
        assert refused.row_count == 1
        assert str(refused.get_row_at(0)[1])
    assert not any(n.text == "Annual review due in May" for n in world.office.repo.all(Note))


async def test_case_review_shows_voices_flags_and_audits_the_view(world: World) -> None:
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, OfficeCasesScreen)
        await pilot.press("ctrl+f")  # flagged notes only
        await pilot.pause()
        cases = app.screen.query_one("#cases", DataTable)
        assert cases.row_count == 1
        assert str(cases.get_row_at(0)[1]) == "Quillfeather"
        await pilot.press("enter")  # from the filter to the list
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseReviewScreen)
        notes = app.screen.query_one("#notes", DataTable)
        rows = [[str(c) for c in notes.get_row_at(i)] for i in range(notes.row_count)]
        # Each note with who wrote it (from the note), its voice, its flags.
        assert rows[0][1:] == ["Anna", "Parent's view", "", "Wants [more] support"]
        assert ["Anna", "Option discussed", "directive?", "You should accept the place"] in [
            r[1:] for r in rows
        ]
    views = [e for e in audit.entries(world.office) if e["action"] == "view_notes"]
    assert views and views[-1]["detail"] == "A-001" and views[-1]["case_id"] == world.case_id
    assert "Quillfeather" not in str(audit.entries(world.office))


async def test_blocked_assignment_changes_nothing(world: World) -> None:
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CaseReviewScreen(world.case_id))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AssignDialog)
        app.screen.query_one("#volunteer", Select).value = world.b
        await pilot.click("#ok")
        await pilot.pause()
        problem = str(app.screen.query_one("#problem", Static).content)
        assert problem.startswith("Blocked") and "governor" in problem.lower()
    assert world.office.repo.get(Case, world.case_id).assigned_to == world.a


async def test_conflict_decision_reaches_the_volunteer(world: World) -> None:
    office, anna = world.office, world.anna
    office.repo.save(office.repo.get(Case, world.case_id).replace(school="Hill School (office)"))
    anna.repo.save(anna.repo.get(Case, world.case_id).replace(school="Hill Primary"))
    for bundle in world.inbox.glob("*.ipsb"):
        bundle.unlink()
    import_bundle(office, export_bundle(anna, office.node_id, world.tmp / "s2"), world.tmp / "q")
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        assert app.screen.query_one("#conflicts", DataTable).row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecideDialog)
        app.screen.query_one("#edited", Input).value = "Hill Academy"
        await pilot.click("#edit")
        await pilot.pause()
        assert app.screen.query_one("#conflicts", DataTable).row_count == 0
    [res] = [
        import_bundle(anna, off.export_for(office, world.a, world.tmp / "s3"), world.tmp / "q")
    ]
    assert res.status == "imported"
    assert anna.repo.get(Case, world.case_id).school == "Hill Academy"


async def test_erasure_reaches_the_volunteer_and_leaves_a_stub(world: World) -> None:
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CaseReviewScreen(world.case_id))
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)  # the date requested, today offered
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one(Input).value = "the parent asked"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # an open case, Anna's laptop
        warned = str(app.screen.query_one(Static).content)
        assert "still open" in warned and "Anna's laptop still holds" in warned
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        app.screen.query_one(Input).value = "A-001"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
    office = world.office
    assert office.repo.raw("case", world.case_id) is None
    assert office.repo.for_case(Note, world.case_id) == []
    [stub] = office.store.table("erasure_stub").all()
    assert stub["reference"] == "A-001" and stub["reason"] == "the parent asked"
    res = import_bundle(
        world.anna, off.export_for(office, world.a, world.tmp / "s4"), world.tmp / "q"
    )
    assert "erased" in res.summary
    assert world.anna.repo.raw("case", world.case_id) is None


async def test_recovery_with_the_offline_key(world: World) -> None:
    volunteer_store = Path(world.anna.store.path)
    world.anna.store.close()
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VolunteersScreen)
        assert app.screen.query_one("#roster", DataTable).row_count == 2
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        form = app.screen
        form.query_one("#f-store", Input).value = str(volunteer_store)
        form.query_one("#f-key", Input).value = str(world.tmp / "rk.key")
        form.query_one("#f-key_pass", Input).value = "recovery words"
        form.query_one("#f-new", Input).value = "a brand new passphrase"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with Store.open(volunteer_store, "a brand new passphrase") as store:
        assert store.table("case").all()
    assert [e["action"] for e in audit.entries(world.office)][-1] == "recover"


async def test_oversight_evaluations_and_report(world: World, tmp_path: Path) -> None:
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OversightScreen)
        people = app.screen.query_one("#people", DataTable)
        rows = {str(people.get_row_at(i)[0]): people.get_row_at(i) for i in range(people.row_count)}
        assert str(rows["Anna"][1]) == "3"  # CPD hours this year
        assert str(rows["Anna"][3]) == "2026-10-01"
        assert str(rows["Ben"][4]) == "DUE"  # never supervised
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, EvaluationsScreen)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-impartiality", Select).value = "5"
        form.query_one("#f-impartial", Select).value = "yes"
        form.query_one("#f-comments", Input).value = "Very fair"
        await pilot.press("ctrl+s")
        await pilot.pause()
        [ev] = world.office.repo.all(Evaluation)
        assert ev.scores == {"impartiality": 5} and ev.impartial is True
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)
        text = str(app.screen.query_one("#report", Static).content)
        assert "Monthly performance monitoring" in text
        assert "opened" in text and "Quillfeather" not in text
        await pilot.press("ctrl+e")
        await pilot.pause()
        out = tmp_path / "report.md"
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await pilot.pause()
    body = out.read_text()
    assert "| opened | 1 | 0 |" in body and "| stayed impartial | 1 | 0 |" in body
    assert oct(out.stat().st_mode & 0o777) == "0o600"


async def test_quick_lock_and_audit_log_verify(world: World) -> None:
    app = OfficeApp(store_path=Path(world.office.store.path))
    world.office.store.close()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        app.screen.query_one("#passphrase", Input).value = OFFICE_PASS
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DataProtectionScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert "verify." in str(app.screen.query_one("#verdict", Static).content)
        store = app.session.store
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and app.session is None
        assert len(app.screen_stack) == 2  # the default screen and the lock screen
        with pytest.raises(Exception, match="locked"):
            store.table("case").all()
        store.close()


async def test_invite_then_revoke_with_reassignment(world: World, tmp_path: Path) -> None:
    from sync.enrol import PENDING

    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-name", Input).value = "Cleo Carter"
        form.query_one("#f-out", Input).value = str(tmp_path / "cleo.ipsi")
        await pilot.press("ctrl+s")
        await pilot.pause()
        code_box = str(app.screen.query_one(Static).content)
        assert "One-time code:" in code_box  # shown once, to give in person
        assert (tmp_path / "cleo.ipsi").stat().st_size > 0
        assert b"Cleo" not in (tmp_path / "cleo.ipsi").read_bytes()
        await pilot.press("escape")
        await pilot.pause()
        roster = app.screen.query_one("#roster", DataTable)
        statuses = {str(roster.get_row_at(i)[0]): str(roster.get_row_at(i)[1]) for i in range(3)}
        assert statuses == {"Anna": "active", "Ben": "active", "Cleo Carter": "invited"}
        assert len(world.office.store.table(PENDING).all()) == 1
        # Revoke Anna (first row): her open case goes to Ben, but Ben is a governor at its
        # school, so it is blocked and listed for the supervisor instead.
        roster.move_cursor(row=0)
        await pilot.press("x")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)  # reassign dialog
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert not world.office.roster.volunteers[world.a].active
    assert world.office.repo.get(Case, world.case_id).assigned_to == world.a
    assert world.a in world.office.state["wipe"]
    actions = [e["action"] for e in audit.entries(world.office)]
    assert "enrol" in actions and "revoke" in actions


async def test_idle_office_locks_itself(world: World) -> None:
    app = OfficeApp(node=world.office, idle_minutes=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        world.office.repo.time.advance(seconds=61)  # wall-clock time, suspend included
        await settle(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await pilot.pause(0.2)  # let the lock screen finish mounting before the app closes
        assert isinstance(app.screen, UnlockScreen) and app.session is None


async def test_help_is_the_office_help(world: World) -> None:
    from ips_field.tui.screens.help import HelpScreen

    app = app_for(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.text_file == "office_help.md"


async def test_unlocking_a_volunteer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "laptop.ipsf"
    Store.create(path, "volunteer words", kdf=K).close()
    before = path.read_bytes()
    app = OfficeApp(store_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#passphrase", Input).value = "volunteer words"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and app.session is None
        assert any("not an office master record" in str(n.message) for n in app._notifications)
    assert path.read_bytes() == before


async def test_retention_period_is_asked_within_bounds(world: World) -> None:
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DataProtectionScreen)
        for bad in ("29", "99999999999999999999", "ten"):
            await pilot.press("t")
            await pilot.pause()
            assert isinstance(app.screen, AskDialog)
            app.screen.query_one("#answer", Input).value = bad
            await pilot.press("enter")
            await pilot.pause()
            assert "retention_days" not in world.office.state, bad
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = "400"
        await pilot.press("enter")
        await pilot.pause()
        assert world.office.state["retention_days"] == 400


async def test_roster_figures_fit_at_80x24(world: World) -> None:
    """At 80x24 the last bundle, open cases and short code are on screen; the fingerprint
    (48 characters, compared only at enrolment) is the column that runs off the edge."""
    app = app_for(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        roster = app.screen.query_one("#roster", DataTable)
        right = 0
        for column in roster.ordered_columns:
            right += column.get_render_width(roster)
            if str(column.label) in {"Last bundle", "Open cases", "Code"}:
                assert right <= 80, f"{column.label} is cut off at 80 columns"
        assert str(roster.ordered_columns[-1].label) == "Fingerprint"


async def test_case_review_voices_are_not_cut_at_80x24(world: World) -> None:
    """ "Explaining procedure" was drawn as "Explaining procedur" (a fixed column of 19)."""
    world.office.repo.add_note(
        Note(case_id=world.case_id, voice="procedure", text="Explained the annual review")
    )
    app = app_for(world)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseReviewScreen(world.case_id))
        await pilot.pause()
        notes = app.screen.query_one("#notes", DataTable)
        voice = next(c for c in notes.ordered_columns if str(c.label) == "Voice")
        cells = [str(notes.get_row_at(i)[2]) for i in range(notes.row_count)]
        assert "Explaining procedure" in cells
        assert all(len(cell) <= voice.width for cell in cells)
