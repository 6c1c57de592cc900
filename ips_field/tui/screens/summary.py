"""After the meeting: the summary by voice, corrections with history, and an explicit export."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Header, Input, Label, Static

from ips_field.domain.language import flag_lines, flag_mark
from ips_field.domain.notes import VOICE_ORDER, attribution
from ips_field.domain.records import Case, Meeting, Note
from ips_field.domain.shown import shown
from ips_field.domain.ukdates import show_date, show_datetime
from ips_field.domain.vocabulary import VOICES
from ips_field.errors import ValidationError
from ips_field.tui.drafts import DialogDraftsMixin
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.screens.export_dialogs import (
    ASK_NAME,
    EXPORT_WARNING,
    FlaggedWordingDialog,
    write_export,
)
from ips_field.tui.widgets.dialogs import AskDialog, ConfirmDialog
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table, replacement


def summary_markdown(title: str, notes: list[Note], *, marks: bool = False) -> str:
    """The read-back summary: one section per voice, each line attributed. With
    ``marks`` (on screen, for the volunteer; never in the export) a flagged note is
    followed by a line saying what was flagged and why."""
    lines = [f"# {title}", ""]
    for voice in VOICE_ORDER:
        group = [n for n in notes if n.voice == voice]
        if not group:
            continue
        lines += [f"## {VOICES[voice]}", ""]
        for n in group:
            who = attribution(n)
            lines.append(f"- {n.text}" + (f" — {who}" if who else ""))
            if marks:
                lines += [f"  ! check wording: {line}" for line in flag_lines(n.flags)]
        lines.append("")
    return "\n".join(lines)


class SummaryScreen(SessionScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("c", "correct", "Correct a note", id="correct"),
        Binding("h", "history", "History", id="history"),
        Binding("ctrl+e", "export", "Export (Word, PDF, Markdown)", id="export"),
    ]

    def __init__(self, case_id: str, meeting_id: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.meeting_id = meeting_id

    def _title(self) -> str:
        s = self.session
        case = s.repo.get(Case, self.case_id)
        label = s.case_label(case) if case else ""
        if self.meeting_id:
            m = s.repo.get(Meeting, self.meeting_id)
            if m:
                mtype = self.ips.templates.meeting_types.get(m.meeting_type)
                name = mtype.name if mtype else m.meeting_type
                return f"{label}: {name}, {show_date(m.starts_at)}"
        return f"{label}: all notes"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("", id="summary", markup=False)
        yield Table(id="notes", cursor_type="row")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#notes", DataTable).add_columns("Voice", "Who", "Wording", "Note")
        self.refresh_summary()

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def notes(self) -> list[Note]:
        return self.session.repo.current_notes(self.case_id, self.meeting_id)

    def refresh_summary(self) -> None:
        if self.ips.session is None:
            return
        notes = self.notes()
        self.query_one("#summary", Static).update(
            shown(summary_markdown(self._title(), notes, marks=True), multiline=True)
        )
        table = self.query_one("#notes", Table)
        keep, row = table.cursor_key(), table.cursor_row
        table.clear()
        for n in notes:
            mark = " (corrected)" if n.supersedes else ""
            table.add_row(
                VOICES[n.voice] + mark, attribution(n), flag_mark(n.flags), n.text, key=n.id
            )
        # The cursor stays on the note acted upon (or its correction), not the first row.
        replaced = {n.supersedes: n.id for n in notes if n.supersedes}
        table.put_cursor_on(replacement(keep, replaced), fallback=row)

    def _selected(self) -> str | None:
        return self.query_one("#notes", Table).cursor_key()

    def action_correct(self) -> None:
        note_id = self._selected()
        if note_id:
            self.app.push_screen(CorrectNoteDialog(note_id), lambda _: self.refresh_summary())

    def action_history(self) -> None:
        note_id = self._selected()
        if note_id:
            self.app.push_screen(NoteHistoryScreen(note_id))

    def action_export(self) -> None:
        from ips_field.documents.meeting import flagged_notes

        flagged = flagged_notes(self.notes()) if self.meeting_id else []
        name = "meeting-record.docx" if self.meeting_id else "meeting-summary.md"

        def ask_path(include: bool | None) -> None:
            if include is not None:

                def save(target: str | None) -> None:
                    write_export(self, target, lambda fmt: self.export_bytes(fmt, include))

                self.app.push_screen(AskDialog(ASK_NAME, value=str(Path.home() / name)), save)

        def confirmed(ok: bool | None) -> None:
            if ok and flagged:
                self.app.push_screen(FlaggedWordingDialog(flagged), ask_path)
            elif ok:
                ask_path(False)

        self.app.push_screen(
            ConfirmDialog(EXPORT_WARNING, yes="Export anyway", warning=True), confirmed
        )

    def export_bytes(self, fmt: str, include_flagged: bool = False) -> bytes:
        """The meeting record (for a meeting) or every note of the case, in ``fmt``."""
        from ips_field.documents import render
        from ips_field.documents.meeting import meeting_record_document, notes_document

        s = self.session
        meeting = s.repo.get(Meeting, self.meeting_id) if self.meeting_id else None
        if meeting is None:
            if fmt == "md":
                return summary_markdown(self._title(), self.notes()).encode("utf-8")
            return render(notes_document(self._title(), self.notes(), VOICE_ORDER), fmt)
        mtype = self.ips.templates.meeting_types.get(meeting.meeting_type)
        doc = meeting_record_document(
            meeting,
            self.notes(),
            meeting_name=mtype.name if mtype else "meeting",
            volunteer=s.volunteer_name,
            include_flagged=include_flagged,
            made_at=s.repo.time.now(),
        )
        return render(doc, fmt)


class CorrectNoteDialog(DialogDraftsMixin, ModalScreen[bool]):
    """A correction is a new note that supersedes the old one, with a reason. What is
    typed is kept as a draft; Esc with unsaved text asks first."""

    BINDINGS = [Binding("escape", "leave_form", "Cancel")]
    DRAFT_FIELDS = ("text", "reason")
    DRAFT_LABEL = "a correction"
    CANCEL_RESULT = False

    def __init__(self, note_id: str) -> None:
        super().__init__()
        self.note_id = note_id
        self.dialog_draft_key = note_id

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def compose(self) -> ComposeResult:
        note = self.app.session.repo.get(Note, self.note_id)  # type: ignore[attr-defined]
        with Vertical(classes="dialog form"):
            yield Static("Correct a note (the original stays in the history)", classes="title")
            yield Static(note.text if note else "", markup=False, classes="hint")
            yield Label("Corrected text")
            yield Input(select_on_focus=False, value=note.text if note else "", id="text")
            yield Label("Reason for the correction")
            yield Input(select_on_focus=False, id="reason")
            yield Static("", id="problem", classes="field-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Save correction", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        from ips_field.actions.note_flags import note_flags

        repo = self.app.session.repo  # type: ignore[attr-defined]
        text = self.query_one("#text", Input).value.strip()
        original = repo.get(Note, self.note_id)
        try:
            repo.correct_note(
                self.note_id,
                text,
                self.query_one("#reason", Input).value.strip(),
                flags=note_flags(
                    text,
                    self.app.templates.language,  # type: ignore[attr-defined]
                    original.voice if original else None,
                ),
            )
        except ValidationError as err:
            self.query_one("#problem", Static).update("; ".join(err.errors.values()))
            return
        self.finish(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave_form()


class NoteHistoryScreen(ModalScreen[None]):
    """Every version of a note, oldest first, with the reasons for corrections."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("c", "correct", "Correct"),
    ]

    def __init__(self, note_id: str) -> None:
        super().__init__()
        self.note_id = note_id

    def compose(self) -> ComposeResult:
        chain = self.app.session.repo.note_history(self.note_id)  # type: ignore[attr-defined]
        lines = []
        for i, n in enumerate(chain):
            head = f"Version {i + 1}, {show_datetime(n.written_at)}, {VOICES[n.voice]}"
            if n.reason:
                head += f" — corrected because: {n.reason}"
            lines += [head, f"  {n.text}"]
            lines += [f"  ! check wording: {line}" for line in flag_lines(n.flags)] + [""]
        with VerticalScroll(classes="dialog"):
            yield Static("Note history", classes="title")
            yield Static("\n".join(lines), id="history", markup=False)

    def action_correct(self) -> None:
        self.app.push_screen(CorrectNoteDialog(self.note_id), lambda _: self.dismiss())
