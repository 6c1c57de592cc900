"""Pilot tests: the volunteer exports the meeting record and the parent's views, and
records the parent's approval in the preparation screen."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from textual.widgets import Checkbox, Input, Select, Static

from ips_field.domain.records import Case, Meeting, Note
from ips_field.tui.app import make_app
from ips_field.tui.screens.export_dialogs import FlaggedWordingDialog
from ips_field.tui.screens.meeting_prep import MeetingPrepScreen
from ips_field.tui.screens.summary import SummaryScreen
from tests.unit.test_documents import pdf_text

FLAG = [{"phrase": "you should", "alternative": "one option is"}]


def held_meeting(repo) -> Meeting:
    return next(
        m for m in repo.all(Meeting) if m.status == "held" and repo.current_notes(m.case_id, m.id)
    )


async def test_meeting_record_leaves_flagged_wording_out_unless_chosen(
    repo, tmp_path: Path
) -> None:
    m = held_meeting(repo)
    repo.add_note(
        Note(
            case_id=m.case_id,
            meeting_id=m.id,
            voice="option",
            text="You should move school",
            flags=FLAG,
        )
    )
    app = make_app(repository=repo)
    ref = next(c for c in repo.all(Case) if c.id == m.case_id).reference
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(SummaryScreen(m.case_id, m.id))
        await pilot.pause()
        for choice, name in (("#leave", "parent.docx"), ("#include", "chosen.pdf")):
            await pilot.press("ctrl+e")
            await pilot.pause()
            await pilot.click("#yes")
            await pilot.pause()
            assert isinstance(app.screen, FlaggedWordingDialog)
            assert "You should move school" in str(app.screen.query_one("#flagged", Static).content)
            await pilot.click(choice)
            await pilot.pause()
            app.screen.query_one("#answer", Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await pilot.pause()
    word = docx.Document(io.BytesIO((tmp_path / "parent.docx").read_bytes()))
    text = "\n".join(p.text for p in word.paragraphs)
    assert text.startswith("Record of the meeting:") and "Who attended" in text
    assert "You should move school" not in text and ref not in text
    assert m.starts_at[:10] not in text
    chosen = pdf_text((tmp_path / "chosen.pdf").read_bytes())
    assert "You should move school" in chosen
    assert (tmp_path / "parent.docx").stat().st_mode & 0o077 == 0


async def test_approval_in_the_preparation_screen_and_views_export(repo, tmp_path: Path) -> None:
    m = next(m for m in repo.all(Meeting) if m.status == "planned" and not m.parent_approved)
    repo.save(m.replace(parent_views="We want a quieter room", questions=["Who decides?"]))
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingPrepScreen(m.id))
        await pilot.pause()
        screen = app.screen
        screen.query_one("#approved", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not repo.get(Meeting, m.id).parent_approved  # how is needed first
        screen.query_one("#approved-how", Select).value = "phone"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = repo.get(Meeting, m.id)
        assert (saved.parent_approved_how, saved.parent_approved_on) == ("phone", "2026-11-22")
        shown = str(screen.query_one("#approval", Static).content)
        assert shown == "Approved by the parent by phone on 22 November 2026"
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = str(tmp_path / "views.pdf")
        await pilot.press("enter")
        await pilot.pause()
    text = pdf_text((tmp_path / "views.pdf").read_bytes())
    assert "Your views and questions for the meeting" in text and "We want a quieter room" in text
    assert "You approved this by phone on 22 November 2026" in text


async def test_ctrl_e_exports_the_views_while_typing_them(repo) -> None:
    """The footer says ctrl+e exports the parent's views; in a text box, where Textual reads
    ctrl+e as "end of line", it did nothing. It now saves what was typed and asks first."""
    from textual.widgets import TextArea

    from ips_field.tui.widgets.dialogs import ConfirmDialog

    m = next(m for m in repo.all(Meeting) if m.status == "planned")
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingPrepScreen(m.id))
        await pilot.pause()
        views = app.screen.query_one("#views", TextArea)
        views.focus()
        views.load_text("We want a quieter room")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
    assert repo.get(Meeting, m.id).parent_views == "We want a quieter room"
