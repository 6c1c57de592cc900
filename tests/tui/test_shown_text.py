"""DESIGN.md §5 "Shown text": control and bidi characters typed into a record (or brought
by a bundle) never reach the terminal raw, on any screen that shows the record."""

from __future__ import annotations

import re

from textual.widgets import DataTable, Static, TabbedContent

from ips_field.domain.records import Case, Child, Family, Interest, Meeting, Note
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.meeting_mode import MeetingModeScreen
from ips_field.tui.screens.summary import SummaryScreen

HOSTILE = "\x1b]0;pwned\x07\x1b[31mRED\x1b[0m\u202eevil"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def raw_in(app) -> list[str]:
    """Raw control/bidi characters in what the screen draws (every visible widget's lines)."""
    found = []
    screen = app.screen
    for widget in screen.query("*"):
        if not widget.display or widget.region.area == 0:
            continue
        for strip in widget.render_lines(widget.content_region.reset_offset):
            text = strip.text
            if RAW.search(text):
                found.append(f"{type(widget).__name__}#{widget.id}: {text.strip()!r}")
    svg = app.export_screenshot()
    if RAW.search(svg):
        found.append("screenshot")
    return found


def poison(repo) -> tuple[Case, Meeting]:
    case = next(c for c in repo.open_cases() if repo.for_case(Family, c.id))
    case.reference = "REF" + HOSTILE
    case.school = "School" + HOSTILE
    repo.save(case)
    for fam in repo.for_case(Family, case.id):
        fam.family_name = "Fam" + HOSTILE
        repo.save(fam)
    for child in repo.for_case(Child, case.id):
        child.name = "Kid" + HOSTILE
        child.school = "Sch" + HOSTILE
        repo.save(child)
    meeting = repo.save(
        Meeting(
            case_id=case.id,
            meeting_type="ehc_annual_review",
            starts_at="2026-11-22T10:00",
            title="Review" + HOSTILE,
            attendees=[{"name": "Att" + HOSTILE, "role": "SENCO" + HOSTILE}],
            role_statement="I am here to support the parent.",
        )
    )
    repo.add_note(
        Note(
            case_id=case.id,
            meeting_id=meeting.id,
            voice="professional_view",
            text="Note" + HOSTILE + "\nsecond line",
            speaker="Spk" + HOSTILE,
        )
    )
    repo.save(Interest(organisation="Org" + HOSTILE, declared_on="2026-01-01"))
    profile = repo.profile()
    if profile is not None:
        repo.save(profile.replace(name="Vol" + HOSTILE))
    return case, meeting


async def test_volunteer_screens_show_no_raw_control_or_bidi_characters(repo) -> None:
    case, meeting = poison(repo)
    app = make_app(repository=repo)
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        seen["dashboard"] = raw_in(app)
        await pilot.press("c")
        await pilot.pause()
        seen["cases"] = raw_in(app)
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        tabs = app.screen.query_one(TabbedContent)
        for tab in ("overview", "consent-tab", "meetings-tab", "notes-tab", "contacts-tab"):
            tabs.active = tab
            await pilot.pause()
            seen[f"case {tab}"] = raw_in(app)
        app.push_screen(SummaryScreen(case.id, meeting.id))
        await pilot.pause()
        seen["summary"] = raw_in(app)
        app.push_screen(MeetingModeScreen(meeting.id))
        await pilot.pause()
        seen["meeting mode"] = raw_in(app)
    app = make_app(repository=repo)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        seen["interests"] = raw_in(app)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"REF")
        await pilot.pause(0.5)
        seen["palette"] = raw_in(app)
    bad = {k: sorted({x.split(":")[0] for x in v}) for k, v in seen.items() if v}
    assert bad == {}


async def test_office_screens_show_no_raw_control_or_bidi_characters(world) -> None:
    from ips_field.tui.office.app import OfficeApp
    from ips_field.tui.office.case_review import CaseReviewScreen
    from sync.exchange import export_bundle, import_bundle

    office, anna = world.office, world.anna
    case = office.repo.get(Case, world.case_id)
    office.repo.save(case.replace(reference="A" + HOSTILE, school="Office" + HOSTILE))
    anna.repo.save(anna.repo.get(Case, world.case_id).replace(school="Anna" + HOSTILE))
    for fam in anna.repo.for_case(Family, world.case_id):
        anna.repo.save(fam.replace(family_name="Fam" + HOSTILE))
    anna.repo.add_note(
        Note(case_id=world.case_id, voice="parent_view", text="Note" + HOSTILE, speaker="S")
    )
    for bundle in world.inbox.glob("*.ipsb"):
        bundle.unlink()
    import_bundle(office, export_bundle(anna, office.node_id, world.tmp / "s2"), world.tmp / "q")
    from ips_field.domain.records import Evaluation

    office.repo.save(
        Evaluation(case_id=world.case_id, sent_on="2026-11-01", comments="Eval" + HOSTILE)
    )
    app = OfficeApp(node=office)
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        seen["home"] = raw_in(app)
        for key, name in (("c", "cases"), ("k", "conflicts"), ("e", "evaluations")):
            await pilot.press(key)
            await pilot.pause()
            seen[name] = raw_in(app)
            if name == "conflicts":
                assert app.screen.query_one("#conflicts", DataTable).row_count == 1
            await pilot.press("escape")
            await pilot.pause()
        app.push_screen(CaseReviewScreen(world.case_id))
        await pilot.pause()
        seen["case review"] = raw_in(app)
        notes = app.screen.query_one("#notes", DataTable)
        assert notes.row_count >= 2
        notes.focus()
        shown_note = False
        for row in range(notes.row_count):
            notes.move_cursor(row=row)
            await pilot.pause()
            seen[f"case review note {row}"] = raw_in(app)
            text = str(app.screen.query_one("#note-text", Static).render())
            if text.startswith("Note"):
                assert text.startswith("Note\\x1b]0;pwned\\x07")
                shown_note = True
        assert shown_note
    bad = {k: sorted({x.split(":")[0] for x in v}) for k, v in seen.items() if v}
    assert bad == {}


async def test_dialogs_show_names_escaped(repo) -> None:
    from ips_field.tui.widgets.dialogs import AskDialog, ConfirmDialog
    from ips_field.tui.widgets.form_dialog import Field, FormDialog

    app = make_app(repository=repo)
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        for name, dialog in (
            ("confirm", ConfirmDialog(f"Close case REF{HOSTILE}?")),
            ("ask", AskDialog(f"Why close REF{HOSTILE}?")),
            (
                "form",
                FormDialog(
                    f"Assign REF{HOSTILE}",
                    [Field("to", "Volunteer", kind="select", choices=[("Vol" + HOSTILE, "v")])],
                ),
            ),
        ):
            app.push_screen(dialog)
            await pilot.pause()
            seen[name] = raw_in(app)
            app.pop_screen()
            await pilot.pause()
    bad = {k: sorted({x.split(":")[0] for x in v}) for k, v in seen.items() if v}
    assert bad == {}
