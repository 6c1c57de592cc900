"""Office screens show dates the UK way: no ISO date (2026-11-22) on the evaluations, case
review and data protection screens of the office world (issue 13/14)."""

from __future__ import annotations

import datetime as dt
import re

from ips_field.actions import office as ov
from ips_field.actions.office import protection as dp
from ips_field.actions.office import review
from ips_field.domain.records import Evaluation, Note
from ips_field.tui.office.app import OfficeApp
from ips_field.tui.office.case_review import CaseReviewScreen
from ips_field.tui.office.data_protection import DataProtectionScreen
from ips_field.tui.office.evaluations import EvaluationsScreen
from tests.office_world import World

ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def drawn(app: OfficeApp) -> str:
    """Every line the screen's visible widgets draw."""
    lines = []
    for widget in app.screen.query("*"):
        if not widget.display or widget.region.area == 0:
            continue
        for strip in widget.render_lines(widget.content_region.reset_offset):
            lines.append(strip.text)
    return "\n".join(lines)


async def _shown(app: OfficeApp, screen: object) -> str:
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(screen)  # type: ignore[arg-type]
        for _ in range(3):
            await pilot.pause(0.05)
        if isinstance(screen, CaseReviewScreen):  # the flagged note, with its coaching
            table = screen.query_one("#notes")
            table.move_cursor(  # type: ignore[attr-defined]
                row=next(i for i in range(table.row_count) if table.get_row_at(i)[3])  # type: ignore[attr-defined]
            )
            await pilot.pause()
        return drawn(app)


async def test_no_iso_date_on_the_office_screens_that_show_dates(world: World) -> None:
    office = world.office
    today = office.repo.time.today()
    office.repo.save(Evaluation(case_id=world.case_id, respondent="parent", sent_on="2026-11-01"))
    ov.record_returned_evaluation(
        office, world.case_id, respondent="parent", stage="closing", returned_on="2026-11-20",
        scores={}, impartial=True, comments="Helpful",
    )  # fmt: skip
    note = next(n for n in office.repo.for_case(Note, world.case_id) if n.flags)
    review.record_coaching(office, note.id, "Neutral wording practice", "2099-01-31")

    text = await _shown(OfficeApp(node=office), EvaluationsScreen())
    assert "01/11/2026" in text and "20/11/2026" in text  # sent, returned: the rows are there
    assert not ISO.findall(text)

    text = await _shown(OfficeApp(node=office), CaseReviewScreen(world.case_id))
    assert "follow-up 31 January 2099" in text
    assert not ISO.findall(text)

    dp.log_request(office, "subject_access", "A-001", today - dt.timedelta(days=26))
    dp.extend_request(office, "DP-0001", 1, "complex", today)
    dp.erase(office, "A-001", requested_on=today, reason="asked", accept_warnings=True)
    text = await _shown(OfficeApp(node=office), DataProtectionScreen())
    assert "(ext.)" in text and "DP-0001" in text  # the request row and the erasure stub
    assert not ISO.findall(text)
