"""Everyday work on a case outside meetings: a note after a phone call or an email, a contact
with its real type, date and length, reopening a closed case. The case screen binds keys to
these; each gathers input in a dialog and writes through the repository, whose rules
(consent, conflicts) refuse what is not allowed with one plain line.
"""

from __future__ import annotations

from typing import Any, Protocol

from textual.app import App
from textual.notifications import SeverityLevel

from ips_field.domain.records import Case, Contact, Note
from ips_field.domain.ukdates import HINT, show_date, to_iso
from ips_field.errors import ValidationError
from ips_field.tui.protocols import VolunteerHost
from ips_field.tui.session import Session
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.form_dialog import Field, FormDialog


class CaseHost(Protocol):
    """What these actions use of the case screen (``screens/case_view.py``'s CaseScreen),
    named here so that this module need not import the screen that imports it."""

    @property
    def case_id(self) -> str: ...
    @property
    def case(self) -> Case: ...
    @property
    def session(self) -> Session: ...
    @property
    def ips(self) -> VolunteerHost: ...
    @property
    def app(self) -> App[object]: ...
    def notify(
        self, message: str, *, severity: SeverityLevel = ..., timeout: float | None = ...
    ) -> None: ...
    def refresh_all(self) -> None: ...


CONTACT_TYPES = [
    ("Phone call", "phone"),
    ("Email", "email"),
    ("Visit or meeting in person", "visit"),
    ("Letter", "letter"),
    ("Video call", "video"),
]
NOTE_KINDS = [
    ("A note (after a call, an email, a visit)", "general"),
    ("First contact: I asked for consent to keep a record", "consent_asked"),
]


def _minutes(text: str) -> int:
    text = text.strip()
    if not text:
        return 0
    if not text.isdigit() or len(text) > 4:
        raise ValidationError({"minutes": "Give the length in whole minutes, like 20"})
    return int(text)


def add_note(screen: CaseHost) -> None:
    """A note outside any meeting; needs current consent to keep a record (or is the
    first-contact note that consent was asked)."""
    repo = screen.session.repo

    def build(values: dict[str, Any]) -> Note:
        return Note(case_id=screen.case_id, voice=values["kind"], text=values["text"])

    def check(values: dict[str, Any]) -> None:
        build(values).validate()

    def write(values: dict[str, Any]) -> None:
        """Written before the form closes: a note the rules refuse stays in the form."""
        from ips_field.actions.note_flags import note_flags

        note = build(values)
        note = note.replace(flags=note_flags(note.text, screen.ips.templates.language))
        repo.add_note(note)
        saved.append(note)

    saved: list[Note] = []

    def done(values: dict[str, Any] | None) -> None:
        if values is None or not saved:
            return
        screen.notify("Note saved" + (" (wording flagged)" if saved[-1].flags else ""))
        screen.refresh_all()

    screen.app.push_screen(
        FormDialog(
            "Add a note",
            [
                Field("kind", "What kind of note", "select", NOTE_KINDS, "general"),
                Field("text", "The note"),
            ],
            check,
            save=write,
            draft_key=screen.case_id,
        ),
        done,
    )


def log_contact(screen: CaseHost) -> None:
    """A contact with its type, date (UK or ISO), length and who it was with."""
    s = screen.session

    def build(values: dict[str, Any]) -> Contact:
        return Contact(
            case_id=screen.case_id,
            on=to_iso(values["on"]),
            method=values["method"],
            with_whom=values["with_whom"],
            minutes=_minutes(values["minutes"]),
            summary=values["summary"],
        )

    def check(values: dict[str, Any]) -> None:
        build(values).validate()

    def write(values: dict[str, Any]) -> None:
        s.repo.save(build(values))

    def done(values: dict[str, Any] | None) -> None:
        if values is None:
            return
        screen.notify("Contact logged")
        screen.refresh_all()

    screen.app.push_screen(
        FormDialog(
            "Log a contact",
            [
                Field("method", "How", "select", CONTACT_TYPES, "phone"),
                Field("on", f"On ({HINT})", value=show_date(s.today().isoformat())),
                Field("minutes", "How long (minutes)", value=""),
                Field("with_whom", "With whom", value=s.parent_names(screen.case_id)),
                Field("summary", "What it was about"),
            ],
            check,
            save=write,
            draft_key=screen.case_id,
        ),
        done,
    )


def reopen_case(screen: CaseHost) -> None:
    case = screen.case
    if case.status != "closed":
        screen.notify("This case is open", severity="warning")
        return

    def done(reason: str | None) -> None:
        if not reason:
            return
        try:
            screen.session.repo.save(
                case.replace(status="open", closed_on=None, outcome="", summary=case.summary)
            )
            screen.session.repo.add_note(
                Note(case_id=case.id, voice="general", text=f"Case reopened: {reason}")
            )
        except ValidationError as err:
            screen.notify(err.plain, severity="error", timeout=10)
            return
        screen.notify("Case reopened")
        screen.refresh_all()

    screen.app.push_screen(
        AskDialog("Reopen this case. Why is it reopened?", draft_key=f"reopen:{case.id}"), done
    )
