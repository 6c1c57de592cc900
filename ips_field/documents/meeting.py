"""The two documents a volunteer gives the parent: their views and questions before a
meeting (to read and approve), and the record of the meeting afterwards.

Plain English, UK dates, no internal reference and no raw timestamps. In the meeting record
each note is under its voice (DESIGN.md §4), so what the volunteer explained (procedure,
options) stands apart from the parent's views and from each professional's view, with who
gave it. Notes the neutral-language check flagged as directive are listed by
``flagged_notes`` for the volunteer to see before the export; the parent's copy leaves them
out unless the volunteer chooses to include them; the copy for the file keeps every note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ips_field.documents.model import Bullets, Document, Heading, Paragraph, Table
from ips_field.domain.dates import uk_date, uk_time
from ips_field.domain.records import Meeting, Note
from ips_field.domain.vocabulary import APPROVAL_HOW, VOLUNTEER_ROLES


def _when(meeting: Meeting) -> str:
    day, time = uk_date(meeting.starts_at), uk_time(meeting.starts_at)
    text = f"{day} at {time}" if time else day
    return f"{text}, {meeting.place}" if meeting.place.strip() else text


def parent_views_document(
    meeting: Meeting,
    *,
    meeting_name: str,
    volunteer: str,
    made_at: dt.datetime | None = None,
) -> Document:
    """The parent's views and questions, in their own words, for them to read and approve."""
    doc = Document(
        "Your views and questions for the meeting",
        subtitle=f"{meeting_name}: {_when(meeting)}",
        footer="Your views, in your words, prepared with your IPS volunteer.",
        made_at=made_at,
        author=volunteer,
    )
    doc.add(
        Paragraph(
            f"This is what you asked {volunteer} to bring to the meeting, in your own words. "
            "Please read it. If anything is wrong or missing, tell us and we will change it "
            "before the meeting."
        )
    )
    doc.add(Heading("What you want the meeting to know", 1))
    for part in meeting.parent_views.split("\n\n") if meeting.parent_views.strip() else []:
        doc.add(Paragraph(part.strip()))
    if not meeting.parent_views.strip():
        doc.add(Paragraph("Nothing written yet.", "note"))
    if meeting.parent_wishes.strip():
        doc.add(Heading("What you hope for", 1), Paragraph(meeting.parent_wishes.strip()))
    doc.add(Heading("Your questions", 1))
    if meeting.questions:
        doc.add(Bullets(meeting.questions))
    else:
        doc.add(Paragraph("No questions written yet.", "note"))
    doc.add(Heading("Your approval", 1))
    if meeting.parent_approved and meeting.parent_approved_how:
        how = APPROVAL_HOW[meeting.parent_approved_how]
        doc.add(Paragraph(f"You approved this {how} on {uk_date(meeting.parent_approved_on)}."))
    else:
        doc.add(Paragraph(f"Not yet approved: please tell {volunteer} whether it is right."))
    return doc


def flagged_notes(notes: list[Note]) -> list[Note]:
    """Notes whose wording the neutral-language check flagged as directive."""
    return [n for n in notes if n.flags]


def meeting_record_document(
    meeting: Meeting,
    notes: list[Note],
    *,
    meeting_name: str,
    volunteer: str,
    for_parent: bool = True,
    include_flagged: bool = False,
    made_at: dt.datetime | None = None,
) -> Document:
    """The record of the meeting. ``for_parent`` leaves flagged notes out unless
    ``include_flagged``; the copy for the file (``for_parent=False``) keeps them all."""
    shown = [n for n in notes if not (for_parent and n.flags and not include_flagged)]

    def voice(name: str) -> list[Note]:
        return [n for n in shown if n.voice == name]

    doc = Document(
        f"Record of the meeting: {meeting_name}",
        subtitle=_when(meeting),
        footer=f"Meeting record, {meeting_name}, {uk_date(meeting.starts_at)}.",
        made_at=made_at,
        author=volunteer,
    )
    doc.add(Heading("Who attended", 1))
    people = [[p.get("name", ""), p.get("role", "")] for p in meeting.attendees]
    people.append([volunteer, "IPS volunteer"])
    doc.add(Table(["Name", "Role"], people))

    doc.add(Heading("The IPS volunteer's role", 1))
    doc.add(Paragraph(f"{volunteer} came to {VOLUNTEER_ROLES[meeting.volunteer_role].lower()}."))
    stated = voice("ips_role_statement")
    statement = stated[0].text if stated else meeting.role_statement
    if statement.strip():
        said = (
            "At the start of the meeting the volunteer said"
            if meeting.role_stated_at
            else ("The role statement prepared for the meeting")
        )
        doc.add(Paragraph(f"{said}: \u201c{statement.strip()}\u201d"))

    def section(title: str, items: list[str], empty: str) -> None:
        doc.add(Heading(title, 1))
        doc.add(Bullets(items) if items else Paragraph(empty, "note"))

    views = [n.text for n in voice("parent_view")]
    if not views and meeting.parent_views.strip():
        views = [meeting.parent_views.strip()]
    section("The parent's views", views, "No views were recorded.")
    section(
        "What was explained (procedure)",
        [n.text for n in voice("procedure")],
        "Nothing was recorded.",
    )
    section("Options discussed", [n.text for n in voice("option")], "No options were recorded.")
    section(
        "Professionals' views",
        [
            f"{n.speaker}{f' ({n.speaker_role})' if n.speaker_role else ''}: {n.text}"
            for n in voice("professional_view")
        ],
        "No professional's view was recorded.",
    )
    actions = sorted(voice("agreed_action"), key=lambda n: n.due_on or "9999")
    doc.add(Heading("Agreed actions", 1))
    if actions:
        doc.add(
            Table(
                ["What", "Who", "By when"],
                [[n.text, n.owner, uk_date(n.due_on) or "no date set"] for n in actions],
                widths=[0.55, 0.25, 0.2],
            )
        )
    else:
        doc.add(Paragraph("No actions were agreed.", "note"))
    doc.add(Heading("What happens next", 1))
    upcoming = [
        f"{n.text} ({n.owner}, by {uk_date(n.due_on)})" if n.due_on else f"{n.text} ({n.owner})"
        for n in actions
    ]
    upcoming += [n.text for n in voice("general")]
    doc.add(Bullets(upcoming) if upcoming else Paragraph("Nothing further was agreed.", "note"))
    return doc


def notes_document(title: str, notes: list[Note], order: Sequence[str]) -> Document:
    """Every current note of a case by voice, each attributed (the volunteer's own copy)."""
    from ips_field.domain.vocabulary import VOICES

    doc = Document(title)
    for name in order:
        group = [n for n in notes if n.voice == name]
        if group:
            doc.add(Heading(VOICES[name], 1), Bullets([_attributed(n) for n in group]))
    return doc


def _attributed(n: Note) -> str:
    if n.voice == "professional_view":
        who = f"{n.speaker} ({n.speaker_role})" if n.speaker_role else n.speaker
        return f"{who}: {n.text}"
    if n.voice == "agreed_action":
        return f"{n.text} ({n.owner}{', by ' + uk_date(n.due_on) if n.due_on else ''})"
    return n.text
