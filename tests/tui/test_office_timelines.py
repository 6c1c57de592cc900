"""Key dates travel in bundles like any other record, and the office sees missed dates."""

from __future__ import annotations

from textual.widgets import DataTable

from ips_field.actions.office.report_figures import build_report
from ips_field.domain.records import KeyDate
from ips_field.tui.office.home import HomeScreen
from sync.exchange import export_bundle, import_bundle
from tests.office_world import World
from tests.tui.test_office_app import TODAY, app_for


async def test_a_volunteers_key_date_reaches_the_office_home_and_the_report(
    world: World,
) -> None:
    # Anna records the review meeting; 4 weeks on (17 Nov) the LA has said nothing.
    world.anna.repo.save(
        KeyDate(case_id=world.case_id, which="review_meeting_held", on="2026-10-20")
    )
    bundle = export_bundle(world.anna, world.office.node_id, world.tmp / "stick2")
    result = import_bundle(world.office, bundle, world.tmp / "q")
    assert result is not None
    at_office = world.office.repo.for_case(KeyDate, world.case_id)
    assert [(k.which, k.on, k.origin) for k in at_office] == [
        ("review_meeting_held", "2026-10-20", world.anna.node_id)
    ]
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        attention = app.screen.query_one("#attention", DataTable)
        counts = {
            str(attention.get_row_at(i)[0]): str(attention.get_row_at(i)[1])
            for i in range(attention.row_count)
        }
        # Missed: the LA's decision (17 Nov); the school's report (3 Nov) too.
        assert counts["Statutory dates missed (LA, school or service late)"] == "2"
        missed = app.screen.query_one("#statutory-missed", DataTable)
        rows = [[str(c) for c in missed.get_row_at(i)] for i in range(missed.row_count)]
        assert [
            "A-001",
            "17 Nov 2026",
            "The local authority is late: LA decision after the review (EHC plan annual review)",
        ] in rows
        assert all("Quillfeather" not in " ".join(r) for r in rows)
    report = build_report(world.office.repo, TODAY.replace(month=4, day=1), TODAY, kind="annual")
    assert report.value("Statutory timescales", "dates missed or met late") == 2
    assert report.value("Statutory timescales", "late: the local authority") == 1
    assert report.value("Statutory timescales", "late: the school or setting") == 1


async def test_the_office_records_a_subject_access_request_and_sees_it_missed(
    world: World,
) -> None:
    from textual.widgets import Input, Select

    from ips_field.tui.office.case_review import CaseReviewScreen
    from sync import audit

    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(CaseReviewScreen(world.case_id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        which = dialog.query_one("#f-which", Select)
        assert which.value == "sar_received"  # only the subject access dates are offered
        assert not dialog.query("#f-year")
        dialog.query_one("#f-on", Input).value = "20/10/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        [kd] = world.office.repo.for_case(KeyDate, world.case_id)
        assert (kd.which, kd.on, kd.origin) == ("sar_received", "2026-10-20", world.office.node_id)
        last = audit.entries(world.office)[-1]
        assert last["action"] == "subject_access" and "Quillfeather" not in str(last)
        await pilot.press("escape")
        await pilot.pause()
        app.screen.refresh_home()
        missed = app.screen.query_one("#statutory-missed", DataTable)
        rows = [[str(c) for c in missed.get_row_at(i)] for i in range(missed.row_count)]
        # 20 Oct + 1 month = Fri 20 Nov, a working day; not answered by 22 Nov.
        assert [
            "A-001",
            "20 Nov 2026",
            "The service is late: Subject access answer (Subject access request)",
        ] in rows
