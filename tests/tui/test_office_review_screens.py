"""Office screens for issue 14 (points 5 to 7), driven by the pilot: a revocation's cases
waiting on the home screen until decided; case review marks and coaching; evaluations."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Label, Select, Static

from ips_field.actions.office.revocation import revoke_volunteer
from ips_field.domain.records import Case, Evaluation, Note
from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.case_review import CaseReviewScreen
from ips_field.tui.office.decisions import DecisionsScreen
from ips_field.tui.office.evaluations import EvaluationsScreen
from ips_field.tui.office.home import HomeScreen
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.form_dialog import FormDialog
from sync import audit
from sync.reviews import COACHING, FLAG_REVIEWS
from tests.office_world import World


def home_count(app: OfficeApp, label: str) -> str:
    table = app.screen.query_one("#attention", DataTable)
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return next(str(r[1]) for r in rows if str(r[0]).startswith(label))


async def test_revoked_cases_wait_on_home_until_decided(world: World) -> None:
    revoke_volunteer(world.office, world.a)  # no one chosen: A-001 waits
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert home_count(app, "Cases needing a decision") == "1"
        greeting = str(app.screen.query_one("#greeting", Static).content)
        assert "1 active volunteer." in greeting  # Anna is no longer counted
        assert home_count(app, "Volunteers due or overdue for supervision") == "1"  # Ben only
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DecisionsScreen)
        table = app.screen.query_one("#waiting", DataTable)
        assert [str(c) for c in table.get_row_at(0)][:2] == ["A-001", "Anna"]
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        # At 80x24 the form opens scrolled to the reason box; the choice still names the case.
        labels = [str(label.content) for label in form.query(Label)]
        assert "A-001 goes to" in labels
        form.query_one("#f-to", Select).value = world.b  # a governor at the school
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # blocked: the dialog says why, nothing changes
        assert str(form.query_one("#e-form", Static).content).startswith("Blocked")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#waiting", DataTable).row_count == 1
    assert world.office.repo.get(Case, world.case_id).assigned_to == world.a


async def test_case_review_marks_a_flag_and_records_coaching(world: World) -> None:
    app = OfficeApp(node=world.office)
    note = next(n for n in world.office.repo.for_case(Note, world.case_id) if n.flags)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseReviewScreen(world.case_id))
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#notes", DataTable)
        row = table.get_row_index(note.id)
        table.move_cursor(row=row)
        await pilot.pause()
        head = str(screen.query_one("#note-head", Static).content)
        assert head.startswith("Written by Anna, ")
        assert "You should accept the place" in str(screen.query_one("#note-text", Static).content)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        app.screen.query_one(Input).value = "Discussed; wording to be neutral"
        await pilot.press("enter")
        await pilot.pause()
        assert str(table.get_row_at(row)[3]) == "reviewed"
        await pilot.press("g")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog) and "Anna" in form.title_text
        form.query_one("#f-coaching", Input).value = "Neutral wording practice"
        form.query_one("#f-follow_up_on", Input).value = "not a date"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and world.office.store.table(COACHING).all() == []
        form.query_one("#f-follow_up_on", Input).value = "2099-01-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = str(screen.query_one("#note-text", Static).content)
        assert "Coaching for Anna, follow-up 31 January 2099 (open)" in text
    [done] = world.office.store.table(FLAG_REVIEWS).all()
    assert done["id"] == note.id
    [coach] = world.office.store.table(COACHING).all()
    assert coach["volunteer_id"] == world.a
    assert [e["action"] for e in audit.entries(world.office)][-2:] == ["flag_review", "coaching"]


async def test_evaluations_kept_apart_edited_deleted_and_chased(world: World) -> None:
    world.office.repo.save(
        Evaluation(case_id=world.case_id, respondent="professional", sent_on="2026-11-01")
    )
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvaluationsScreen)
        chase = screen.query_one("#chase", DataTable)
        assert [str(c) for c in chase.get_row_at(0)][:3] == [
            "01/11/2026",
            f"{(world.office.repo.time.today() - dt.date(2026, 11, 1)).days} days",
            "school professional",
        ]
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-returned_on", Input).value = ""
        form.query_one("#f-impartial", Select).value = "no"
        form.query_one("#f-comments", Input).value = "Felt steered"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # no return date: refused at the action
        assert "returned" in str(form.query_one("#e-returned_on", Static).content).lower()
        assert world.office.repo.all(Evaluation)[0].returned_on is None
        form.query_one("#f-returned_on", Input).value = "2026-11-20"
        await pilot.press("ctrl+s")
        await pilot.pause()
        table = screen.query_one("#evaluations", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[4]) == "NO"
        assert "Felt steered" in str(screen.query_one("#eval-detail", Static).content)
        await pilot.press("f")  # the professionals' forms: none returned
        await pilot.pause()
        assert table.row_count == 0
        await pilot.press("f", "ctrl+e")
        await pilot.pause()
        app.screen.query_one("#f-comments", Input).value = "Felt steered at first"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "at first" in str(screen.query_one("#eval-detail", Static).content)
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert table.row_count == 0
    actions = [e["action"] for e in audit.entries(world.office)]
    assert actions[-3:] == ["evaluation", "evaluation_edit", "evaluation_delete"]


async def test_hostile_text_in_reviews_evaluations_and_decisions_is_escaped(world: World) -> None:
    """A volunteer's hostile interest (the blocked reason), a review note, coaching and an
    evaluation's comments: no raw control or bidi character reaches the terminal."""
    from ips_field.actions import office as ov
    from ips_field.actions.office import review
    from ips_field.domain.records import Interest
    from sync.exchange import export_bundle, import_bundle
    from tests.tui.test_shown_text import HOSTILE, raw_in

    office = world.office
    school = "Hill" + HOSTILE
    anna_case = world.anna.repo.get(Case, world.case_id)
    world.anna.repo.save(anna_case.replace(school=school))
    world.ben.repo.save(
        Interest(interest_type="governor", organisation=school, declared_on="2026-01-05")
    )
    for bundle in world.inbox.glob("*.ipsb"):
        bundle.unlink()
    for node in (world.anna, world.ben):
        import_bundle(office, export_bundle(node, office.node_id, world.tmp / "h"), world.tmp)
    note = next(n for n in office.repo.for_case(Note, world.case_id) if n.flags)
    review.review_flag(office, note.id, "Review" + HOSTILE)
    review.record_coaching(office, note.id, "Coach" + HOSTILE, "2099-01-01")
    ov.record_returned_evaluation(
        office,
        world.case_id,
        respondent="parent",
        stage="closing",
        returned_on="2026-11-20",
        scores={},
        impartial=False,
        comments="Eval" + HOSTILE,
    )
    revoked = revoke_volunteer(office, world.a, reassign_to=world.b)
    assert revoked.waiting and "\x1b" in revoked.waiting[0].why  # stored as given
    app = OfficeApp(node=office)
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        seen["home"] = raw_in(app)
        for key in ("n", "e"):
            await pilot.press(key)
            await pilot.pause()
            seen[key] = raw_in(app)
            await pilot.press("escape")
            await pilot.pause()
        app.push_screen(CaseReviewScreen(world.case_id))
        await pilot.pause()
        table = app.screen.query_one("#notes", DataTable)
        table.move_cursor(row=table.get_row_index(note.id))
        await pilot.pause()
        seen["case review"] = raw_in(app)
        assert "Review\\x1b" in str(app.screen.query_one("#note-text", Static).render())
    assert {k: v for k, v in seen.items() if v} == {}


async def test_evaluation_averages_and_forms_to_send_read_right(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The averages keep "SEN" in capitals, and the forms to send are oldest first."""
    from ips_field.domain import due

    world.office.repo.save(
        Evaluation(
            case_id=world.case_id,
            respondent="parent",
            stage="closing",
            sent_on="2026-10-01",
            returned_on="2026-10-20",
            scores=dict.fromkeys(Evaluation.SCORE_NAMES, 4),
            impartial=True,
        )
    )

    unsorted = [
        due.DueItem("evaluation", "Send midway evaluation", d, world.case_id, "due")
        for d in (dt.date(2026, 9, 23), dt.date(2026, 11, 2), dt.date(2026, 9, 3))
    ]
    monkeypatch.setattr(due, "evaluations_due", lambda *a, **k: list(unsorted))
    app = OfficeApp(node=world.office)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvaluationsScreen)
        title = str(screen.query_one("#eval-title", Static).content)
        assert "knowledge of SEN 4.0" in title
        pending = screen.query_one("#due", DataTable)
        dates = [str(pending.get_row_at(i)[0]) for i in range(pending.row_count)]
        assert dates == ["03/09/2026", "23/09/2026", "02/11/2026"]  # oldest first


async def test_returned_form_starts_on_its_case_at_80x24(world: World) -> None:
    """The form is taller than the screen: it opens at the top, on the case it is for,
    not scrolled down to the comments with the case choice out of sight."""
    from textual.containers import VerticalScroll

    app = OfficeApp(node=world.office)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert app.focused is not None and app.focused.id == "f-case"
        assert form.query_one(VerticalScroll).scroll_y == 0
