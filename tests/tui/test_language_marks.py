"""Pilot tests (issue 17): flags are checked in the note's voice, stored, and stay visible
on the notes list, the summary read back and the note history."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from ips_field.actions.note_flags import note_flags
from ips_field.domain.records import Case, Meeting, Note
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.meeting_mode import MeetingModeScreen
from ips_field.tui.screens.summary import SummaryScreen, summary_markdown


def demo_meeting(repo) -> Meeting:
    case = next(c for c in repo.all(Case) if c.reference == "DEMO-003")
    return repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="exclusion",
            starts_at="2026-11-22T10:00",
            role_statement="My role today.",
        )
    )


async def test_meeting_mode_checks_in_the_voice_being_written(repo) -> None:
    meeting = demo_meeting(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        await pilot.press("f7")  # the role statement read out: recorded after a question
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        await pilot.press("f2")  # parent's view
        box = app.screen.query_one("#note", Input)
        box.value = "Mum said there was a fight at lunch and the school is in the wrong"
        await pilot.pause()
        assert not app.screen.query_one("#language", Static).display
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4")  # option discussed
        box.value = "The school is in the wrong here"
        await pilot.pause()
        warning = str(app.screen.query_one("#language", Static).content)
        assert "takes sides?" in warning and "say whose view it is" in warning
        await pilot.press("enter")
        await pilot.pause()
    parent, option = repo.current_notes(meeting.case_id, meeting.id)[-2:]
    assert parent.voice == "parent_view" and parent.flags == []
    assert option.voice == "option"
    assert [f["kind"] for f in option.flags] == ["partisan"]


async def test_flags_stay_visible_on_the_notes_list_summary_and_history(repo, templates) -> None:
    meeting = demo_meeting(repo)
    rules = templates.language
    texts = {
        "parent_view": "Mum feels the school is in the wrong",
        "option": "You really should appeal this decision",
        "procedure": "The local authority must reply within 6 weeks",
    }
    for voice, text in texts.items():
        repo.add_note(
            Note(
                case_id=meeting.case_id,
                meeting_id=meeting.id,
                voice=voice,
                text=text,
                flags=note_flags(text, rules, voice),
            )
        )
    app = make_app(repository=repo)
    async with app.run_test(size=(140, 50)) as pilot:
        app.push_screen(SummaryScreen(meeting.case_id, meeting.id))
        await pilot.pause()
        table = app.screen.query_one("#notes", DataTable)
        rows = {str(r[-1]): str(r[2]) for r in map(table.get_row_at, range(table.row_count))}
        assert rows[texts["option"]] == "directive?"
        assert rows[texts["parent_view"]] == "" and rows[texts["procedure"]] == ""
        read_back = str(app.screen.query_one("#summary", Static).content)
        [line] = [x for x in read_back.splitlines() if "check wording" in x]
        assert '"You really should" directive?' in line and "try" in line
        app.pop_screen()
        await pilot.pause()
        app.push_screen(CaseScreen(meeting.case_id))
        await pilot.pause()
        notes = app.screen.query_one("#notes", DataTable)
        marks = {str(r[-1]): str(r[2]) for r in map(notes.get_row_at, range(notes.row_count))}
        assert marks[texts["option"]] == "directive?"
        assert marks[texts["parent_view"]] == ""


def test_the_export_for_the_parent_carries_no_marks(repo, templates) -> None:
    text = "You really should appeal this decision"
    note = Note(case_id="c", voice="option", text=text, flags=note_flags(text, templates.language))
    assert "check wording" in summary_markdown("T", [note], marks=True)
    assert "check wording" not in summary_markdown("T", [note])
