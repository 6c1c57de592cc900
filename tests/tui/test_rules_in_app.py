"""Blocked cases block, and consent and the role statement agree, in every screen a
volunteer reaches (issue 13, points 3-5): the screen says why in one line, the store is
unchanged, and the repository refuses the same thing when a screen does not ask first."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from ips_field.actions.volunteer.conflict_checks import WARN_PENDING
from ips_field.domain.records import Case, Child, Consent, Meeting, Note
from ips_field.errors import ValidationError
from ips_field.store.repository import Repository
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.cases import CasesScreen
from ips_field.tui.screens.meeting_mode import MeetingModeScreen
from ips_field.tui.screens.meeting_prep import MeetingPrepScreen
from ips_field.tui.widgets.form_dialog import FormDialog

GOVERNOR = "Governor at St Brannoc's: you cannot take this case. Ask the office to reassign it."
CLAIM = "permission to represent"


def _case(repo: Repository, ref: str) -> Case:
    return next(c for c in repo.all(Case) if c.reference == ref)


def _block(repo: Repository, case: Case, how: str) -> None:
    """Make ``case`` one a meeting cannot go ahead on, the way each happens in the app."""
    if how == "no consent":
        for c in repo.for_case(Consent, case.id):
            if c.purpose == "record":
                repo.save(c.replace(withdrawn_on="2026-11-21", withdrawal_reason="asked"))
    else:
        repo.save(case.replace(blocked_reason=GOVERNOR if how == "governor" else WARN_PENDING))


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _stored(repo: Repository) -> tuple[int, int]:
    return len(repo.table("note").all()), len(repo.outbox())


HOW = ["governor", "warning not answered", "no consent"]


@pytest.mark.parametrize("how", HOW)
async def test_a_case_that_cannot_go_ahead_gets_no_meeting_preparation_notes_or_statement(
    repo, how
) -> None:
    case = _case(repo, "DEMO-004")
    meeting = repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="ehc_annual_review",
            starts_at="2026-11-24T10:00",
            role_statement="I am here to support the parent.",
        )
    )
    _block(repo, case, how)
    before = _stored(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        # The dashboard says so on the meeting's line.
        table = app.screen.query_one("#due", DataTable)
        lines = [" ".join(map(str, table.get_row_at(r))) for r in range(table.row_count)]
        mine = [line for line in lines if "DEMO-004" in line and "Meeting" in line]
        assert mine and all("BLOCKED: Meeting" in line for line in mine)
        # Case screen: a new meeting is refused with one line.
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert any("blocked" in m or "consent to keep a record" in m for m in _messages(app))
        # The preparation says why at the top, and neither saves nor starts.
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        warning = app.screen.query_one("#prep-warning", Static)
        assert warning.display and str(warning.content).strip()
        app.screen.query_one("#views", TextArea).text = "She would like a reading assessment"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, MeetingPrepScreen)
        assert repo.get(Meeting, meeting.id).parent_views == meeting.parent_views
        # Meeting mode reached another way: nothing to read out, nothing to note.
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        statement = str(app.screen.query_one("#statement", Static).content)
        assert "Do not hold this meeting" in statement and "support the parent" not in statement
        assert app.screen.query_one("#note", Input).disabled
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not app.screen.query("#yes")  # no "have you read it out?" question
        assert repo.get(Meeting, meeting.id).role_stated_at is None
    assert _stored(repo) == before
    # The same at the repository, whoever calls it.
    with pytest.raises(ValidationError):
        repo.add_note(Note(case_id=case.id, meeting_id=meeting.id, text="Parent is worried"))
    with pytest.raises(ValidationError):
        repo.save(meeting.replace(parent_views="changed behind the screen"))
    assert _stored(repo) == before


async def test_a_note_on_a_blocked_case_is_refused_from_the_case_screen(repo) -> None:
    case = _case(repo, "DEMO-004")
    _block(repo, case, "governor")
    before = _stored(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        for box in app.screen.query(Input):
            box.value = "A phone call with the parent"
        for box in app.screen.query(TextArea):
            box.text = "A phone call with the parent"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # The form stays open with the reason in it (what was typed is not lost), in one
        # plain line with no field name.
        assert isinstance(app.screen, FormDialog)
        shown_errors = [
            str(w.render()) for w in app.screen.query(Static) if (w.id or "").startswith("e-")
        ]
        [said] = [m for m in shown_errors if "blocked" in m]
        assert "case_id" not in said and "\n" not in said
    assert _stored(repo) == before


async def test_withdrawn_represent_consent_is_said_at_the_top_and_never_read_out(repo) -> None:
    case = _case(repo, "DEMO-004")  # the demo's consent to represent is on every third case
    [represent] = [c for c in repo.for_case(Consent, case.id) if c.purpose == "represent_views"]
    statement = f"Ms Parent has given me {CLAIM} their views at this meeting."
    meeting = repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="ehc_annual_review",
            starts_at="2026-11-24T10:00",
            volunteer_role="represent",
            role_statement=statement,
        )
    )
    repo.save(represent.replace(withdrawn_on="2026-11-21", withdrawal_reason="will speak herself"))
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        shown = str(app.screen.query_one("#statement", Static).content)
        assert CLAIM not in shown and "no longer current" in shown
        await pilot.press("ctrl+r")
        await pilot.pause()
        if app.screen.query("#yes"):
            await pilot.click("#yes")
            await pilot.pause()
        assert not any(CLAIM in n.text for n in repo.current_notes(case.id, meeting.id))
        app.pop_screen()
        await pilot.pause()
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        warning = app.screen.query_one("#prep-warning", Static)
        assert warning.display and "no longer current" in str(warning.content)
        assert warning.region.y < app.screen.query_one("#role").region.y  # at the top
        assert CLAIM not in app.screen.query_one("#statement", TextArea).text
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = repo.get(Meeting, meeting.id)
    assert saved.volunteer_role == "support" and CLAIM not in saved.role_statement


async def test_an_edited_role_statement_is_kept_on_reopen_and_save(repo) -> None:
    case = _case(repo, "DEMO-002")
    meeting = repo.save(
        Meeting(case_id=case.id, meeting_type="ehc_annual_review", starts_at="2026-11-24T10:00")
    )
    mine = "I am Alex, here to support Ms Parent; I will not take sides."
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        app.screen.query_one("#statement", TextArea).text = mine
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        assert app.screen.query_one("#statement", TextArea).text == mine
        app.screen.query_one("#views", TextArea).text = "More help in class"
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = repo.get(Meeting, meeting.id)
    assert saved.role_statement == mine and saved.parent_views == "More help in class"


async def test_cases_list_never_says_ok_without_consent(repo) -> None:
    case = _case(repo, "DEMO-002")
    _block(repo, case, "no consent")
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CasesScreen())
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        [cells] = [cells for _id, _text, cells in app.screen._rows if cells[0] == "DEMO-002"]
        consent = cells[-1].lower()
        assert "record withdrawn" in consent and "ok" not in consent.split()


async def test_new_meeting_dialog_takes_what_is_typed_at_once_and_ctrl_s_creates(repo) -> None:
    case = _case(repo, "DEMO-002")
    before = len(repo.for_case(Meeting, case.id))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        await pilot.press("m", *"Hall")  # typed the moment the dialog opens
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingPrepScreen)
    [new] = [m for m in repo.for_case(Meeting, case.id) if m.place == "Hall"]  # all of it
    assert len(repo.for_case(Meeting, case.id)) == before + 1 and new.case_id == case.id


async def test_an_edited_statement_that_claims_nothing_survives_a_withdrawal(repo) -> None:
    case = _case(repo, "DEMO-004")
    [represent] = [c for c in repo.for_case(Consent, case.id) if c.purpose == "represent_views"]
    mine = "I am Alex; I am here with Ms Delacourt and will help her say what she thinks."
    meeting = repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="ehc_annual_review",
            starts_at="2026-11-24T10:00",
            volunteer_role="represent",
            role_statement=mine,
        )
    )
    repo.save(represent.replace(withdrawn_on="2026-11-21", withdrawal_reason="will speak herself"))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingPrepScreen(meeting.id))
        await pilot.pause()
        warning = str(app.screen.query_one("#prep-warning", Static).content)
        assert warning.startswith("The consent to represent") and "written again" not in warning
        assert app.screen.query_one("#statement", TextArea).text == mine
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = repo.get(Meeting, meeting.id)
    assert saved.volunteer_role == "support" and saved.role_statement == mine


async def test_the_new_case_form_keeps_what_is_typed_the_moment_it_opens(empty_repo) -> None:
    app = make_app(repository=empty_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Oak")
        await pilot.pause()
        assert app.screen.query_one("#school", Input).value == "Oak"


async def test_a_uk_date_of_birth_is_taken_and_shown_back_the_uk_way(empty_repo) -> None:
    app = make_app(repository=empty_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        values = {
            "school": "Oak School",
            "family_name": "Oakes",
            "parent_name": "Pat Oakes",
            "child_name": "Kit Oakes",
            "date_of_birth": "01/03/2019",
        }
        for wid, value in values.items():
            app.screen.query_one(f"#{wid}", Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
    [child] = empty_repo.all(Child)
    assert child.date_of_birth == "2019-03-01"
