"""Pilot test: the office's reports screen draws the documents' charts in the terminal and
writes the report as Word and PDF (figures only, no family name)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from textual.widgets import Input, Static
from textual_plotext import PlotextPlot

from ips_field.tui.office.case_review import CaseReviewScreen
from ips_field.tui.office.reports import ReportsScreen
from tests.office_world import World
from tests.tui.test_office_app import app_for
from tests.unit.test_documents import pdf_text


async def test_reports_screen_charts_and_word_pdf_exports(world: World, tmp_path: Path) -> None:
    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        text = str(screen.query_one("#report", Static).content)
        assert "Beside each figure: the same period a year earlier" in text
        assert "opened" in text and "(a year earlier 0)" in text
        plots = list(screen.query(PlotextPlot))
        assert plots, "the charts are drawn in the terminal"
        drawn = plots[0].plt.build()
        assert "Cases: this period and a year earlier" in drawn and "This period" in drawn
        for key, name in (("w", "r.docx"), ("p", "r.pdf")):
            screen.query_one("#report-box").focus()
            await pilot.press(key)
            await pilot.pause()
            app.screen.query_one(Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await pilot.pause()
    word = docx.Document(io.BytesIO((tmp_path / "r.docx").read_bytes()))
    body = "\n".join(p.text for p in word.paragraphs)
    assert "Monthly performance monitoring" in body and len(word.inline_shapes) >= 1
    pdf = pdf_text((tmp_path / "r.pdf").read_bytes())
    assert "Cases opened, by referral source" in pdf
    for secret in ("Quillfeather", "Rowan", "Hill School", "A-001"):
        assert secret not in body and secret not in pdf
    assert (tmp_path / "r.pdf").stat().st_mode & 0o077 == 0


async def test_subject_access_pack_from_the_case_screen(world: World, tmp_path: Path) -> None:
    from sync import audit

    app = app_for(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(CaseReviewScreen(world.case_id))
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "pack.pdf")
        await pilot.press("enter")
        await pilot.pause()
        assert "Date the request was received" in str(app.screen.query_one(Static).content)
        await pilot.press("enter")  # today, as offered
        await pilot.pause()
        await pilot.pause()
    text = pdf_text((tmp_path / "pack.pdf").read_bytes())
    assert "Subject access: the information we hold" in text and "Case A-001" in text
    assert "Quillfeather" in text and "Wants \\[more\\] support" not in text
    assert "Wants [more] support" in text and "Recorded on" in text and "by Anna" in text
    entries = audit.entries(world.office)
    assert [e["detail"] for e in entries if e["action"] == "subject_access"] == ["A-001 pdf"]
    assert entries[-1]["action"] == "dp_request" and "answered" in entries[-1]["detail"]
