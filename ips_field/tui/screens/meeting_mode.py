"""Meeting mode: the role statement large, then attributed notes in the current voice.

The note box has the focus from the start, so a volunteer who starts typing types: while
the box has the focus only function and ctrl keys act (F2-F6 voices, F7/ctrl+r records
the role statement as read out, after asking; F8/ctrl+o the summary), and the footer
shows only those. Digits 1-5 switch voices only when the box is not focused. A
professional's view asks who said it; an agreed action asks who will do it and by when.
Every note is shown exactly as typed (square brackets included) and checked for directive
wording. What is typed is kept as a draft (``tui/drafts.py``); Esc asks before leaving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Header, Input, Label, OptionList, Static

from ips_field.domain.dates import uk_date
from ips_field.domain.language import check_text, flag_lines, flags_as_dicts
from ips_field.domain.records import Meeting, Note
from ips_field.domain.rules import not_yet_held
from ips_field.domain.shown import shown
from ips_field.domain.ukdates import HINT, parse_date, show_date
from ips_field.domain.vocabulary import VOICES
from ips_field.errors import ValidationError
from ips_field.tui.drafts import DialogDraftsMixin
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table

VOICE_KEYS = [
    ("1", "f2", "parent_view"),
    ("2", "f3", "procedure"),
    ("3", "f4", "option"),
    ("4", "f5", "professional_view"),
    ("5", "f6", "agreed_action"),
]
# Short footer words, so that every key fits 80 columns (the voice line says it in full).
SHORT = {
    "parent_view": "Parent",
    "procedure": "Procedure",
    "option": "Option",
    "professional_view": "Professional",
    "agreed_action": "Action",
}


class WhoSaidIt(ModalScreen[tuple[str, str] | None]):
    """Pick the attendee whose view this is (name, role).

    A volunteer presses F5 and goes on typing what the professional is saying: while the
    list has the focus, letters, spaces and Backspace go to the meeting's note box
    (``keep_typing``), never into the list, so the sentence is not lost (found in tmux)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        attendees: list[dict[str, str]],
        keep_typing: Callable[[str | None], None] | None = None,
    ) -> None:
        super().__init__()
        self.attendees = [a for a in attendees if a.get("role", "").lower() != "parent"]
        self.keep_typing = keep_typing

    def on_key(self, event: events.Key) -> None:
        if self.keep_typing is None or not isinstance(self.focused, OptionList):
            return
        if event.key == "backspace":
            self.keep_typing(None)
        elif event.is_printable and event.character:
            self.keep_typing(event.character)
        else:
            return
        event.stop()
        event.prevent_default()
        self.query_one("#kept", Static).update("Your note is kept in the box: keep typing")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Whose view is this?", classes="title")
            yield OptionList(
                *[shown(f"{a.get('name', '')} ({a.get('role', '')})") for a in self.attendees],
                id="who",
                markup=False,
            )
            yield Label("Or someone else: name (role)")
            yield Input(select_on_focus=False, id="other")
            yield Static("", id="kept", classes="hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#who", OptionList)
        if self.attendees:
            options.highlighted = 0
            options.focus()
        else:
            self.query_one("#other", Input).focus()

    @on(OptionList.OptionSelected, "#who")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        a = self.attendees[event.option_index]
        self.dismiss((a.get("name", ""), a.get("role", "")))

    @on(Input.Submitted, "#other")
    def _other(self, event: Input.Submitted) -> None:
        name, _, role = event.value.partition("(")
        if name.strip():
            self.dismiss((name.strip(), role.rstrip(")").strip()))


class ActionDetails(DialogDraftsMixin, ModalScreen[tuple[str, str] | None]):
    """Who will do the agreed action, and by when (a UK or ISO date; returned as ISO)."""

    BINDINGS = [Binding("escape", "leave_form", "Cancel")]
    DRAFT_FIELDS = ("owner", "due")
    DRAFT_LABEL = "an agreed action"

    def __init__(self, default_due: str, meeting_id: str = "") -> None:
        super().__init__()
        self.default_due = default_due
        self.dialog_draft_key = meeting_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static("Agreed action", classes="title")
            yield Label("Who will do it")
            yield Input(select_on_focus=False, id="owner")
            yield Label(f"Due on ({HINT})")
            yield Input(select_on_focus=False, value=show_date(self.default_due), id="due")
            yield Static("", id="problem", classes="field-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        owner = self.query_one("#owner", Input).value.strip()
        try:
            due = parse_date(self.query_one("#due", Input).value).isoformat()
        except ValueError:
            self.query_one("#problem", Static).update("Give the due date like 31/03/2027")
            return
        if not owner:
            self.query_one("#problem", Static).update("Say who will do it")
            return
        self.finish((owner, due))


def key_line() -> Content:
    """The voice keys, on a line of their own under the voice: the footer keeps the keys
    of the meeting's steps (stated, summary, lock, help), so every key shows at 80x24."""
    parts: list[str | tuple[str, str]] = []
    for _digit, fkey, voice in VOICE_KEYS:
        parts += [(fkey.upper(), "bold $accent"), f" {SHORT[voice]}  "]
    parts += [("Esc", "bold $accent"), " leave"]  # Enter saves: the box itself says so
    return Content.assemble(*parts)


class MeetingModeScreen(SessionScreen):
    # F1 lists the keys in the order a meeting uses them.
    HELP_ORDER = (
        "role_stated",
        *(f"voice('{voice}')" for _d, _f, voice in VOICE_KEYS),
        "summary",
        "leave",
        "lock",
        "help",
        "quit",
    )
    BINDINGS = [
        Binding("escape", "leave", "Leave meeting mode (asks)", id="back", show=False),
        Binding("f7,ctrl+r", "role_stated", "Role stated", id="role_stated"),
        *[
            Binding(fkey, f"voice('{voice}')", VOICES[voice], id=f"voice_{voice}", show=False)
            for _digit, fkey, voice in VOICE_KEYS
        ],
        *[
            Binding(digit, f"voice('{voice}')", VOICES[voice], show=False, id=f"digit_{voice}")
            for digit, _fkey, voice in VOICE_KEYS
        ],
        Binding("f8,ctrl+o", "summary", "Summary", id="summary"),
    ]
    AUTO_FOCUS = "#note"
    DRAFT_FIELDS = ("note",)
    DRAFT_LABEL = "a meeting note"

    def __init__(self, meeting_id: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.voice = "parent_view"
        self.speaker: tuple[str, str] = ("", "")
        self.action_owner: tuple[str, str] = ("", "")

    @property
    def meeting(self) -> Meeting:
        m = self.session.repo.get(Meeting, self.meeting_id)
        assert m is not None
        return m

    def compose(self) -> ComposeResult:
        m = self.meeting
        yield Header()
        with VerticalScroll(id="statement-box"):
            yield Static("Read this out first:", classes="hint")
            yield Static(shown(m.role_statement, multiline=True), id="statement", markup=False)
        yield Static("", id="voice", classes="title", markup=False)
        yield Static(key_line(), id="keys")
        yield Input(
            select_on_focus=False,
            placeholder="Type the note; Enter saves it. F2-F6 change the voice",
            id="note",
        )
        yield Static("", id="language", classes="warning-box", markup=False)
        yield Table(id="notes", cursor_type="row")
        yield KeysFooter()

    def on_mount(self) -> None:
        m = self.meeting
        s = self.session
        refusal = s.meeting_refusal(m.case_id)
        if refusal:
            # Nothing to read out and nothing to note: the repository would refuse it too.
            self.query_one("#statement", Static).update(
                "Do not hold this meeting as an IPS meeting: " + refusal
            )
            self.query_one("#note", Input).disabled = True
        elif m.volunteer_role == "represent" and not s.repo.has_consent(
            m.case_id, "represent_views", s.today()
        ):
            # Never read out a permission that is gone (DESIGN.md §4).
            self.query_one("#statement", Static).update(
                "Do not read out the prepared statement: the consent to represent the "
                "parent's views is no longer current. Go back (Esc) to the preparation and "
                "choose your role again; the statement is written afresh from it."
            )
        table = self.query_one("#notes", DataTable)
        table.add_columns("Time", "Voice", "Who")
        # Notes wrap in a column as wide as the screen leaves, so a long one is read whole.
        table.add_column("Note", width=max(24, self.app.size.width - 50), key="note")
        self.query_one("#language").display = False
        self._show_voice()
        self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Digits type into the note box while it has focus; function and ctrl keys act.
        if action == "role_stated" and self.ips.session is not None:
            m = self.meeting
            return not m.role_stated_at and not self.session.meeting_refusal(m.case_id)
        return True

    def _fill(self) -> None:
        table = self.query_one("#notes", DataTable)
        table.clear()
        for n in self.session.repo.current_notes(self.meeting.case_id, self.meeting_id):
            who = n.speaker + (f" ({n.speaker_role})" if n.speaker_role else "") or n.owner
            text = Text(n.text, overflow="fold")  # literal: brackets are not markup
            table.add_row(n.written_at[11:16], VOICES[n.voice], who, text, key=n.id, height=None)
        table.move_cursor(row=table.row_count - 1)

    def _show_voice(self) -> None:
        extra = ""
        if self.voice == "professional_view" and self.speaker[0]:
            extra = f" — {self.speaker[0]} ({self.speaker[1]})"
        if self.voice == "agreed_action" and self.action_owner[0]:
            extra = f" — {self.action_owner[0]} by {uk_date(self.action_owner[1])}"
        stated = (
            " · role stated"
            if self.meeting.role_stated_at
            else " · role NOT stated yet: read it out, then F7 (or ctrl+r)"
        )
        self.query_one("#voice", Static).update(f"Voice: {VOICES[self.voice]}{extra}{stated}")

    def action_role_stated(self) -> None:
        """Ask first: recording the statement as read out is a note, kept for good."""
        if self.meeting.role_stated_at:
            self.notify("Role already recorded as stated")
            return
        early = not_yet_held(self.meeting, self.session.today())
        if early:  # the store refuses it too; say so before asking whether it was read out
            self.notify(early, severity="error", timeout=12)
            return
        from ips_field.tui.widgets.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._record_role_stated()
            self.query_one("#note", Input).focus()

        self.app.push_screen(
            ConfirmDialog(
                "Have you read the role statement out to everyone in the meeting? "
                "It is recorded as the first note, with the time.",
                yes="Yes, record it now",
                no="Not yet",
            ),
            answered,
        )

    def _record_role_stated(self) -> None:
        m = self.meeting
        repo = self.session.repo
        now = repo.now().isoformat(timespec="seconds")
        try:
            with repo.transaction():
                repo.add_note(
                    Note(
                        case_id=m.case_id,
                        meeting_id=m.id,
                        voice="ips_role_statement",
                        text=m.role_statement or f"Role: {m.volunteer_role}",
                        written_at=now,
                    )
                )
                repo.save(m.replace(role_stated_at=now, status="held"))
        except ValidationError as err:
            self.notify(err.plain, severity="error", timeout=12)
            return
        self.notify(f"Role statement recorded at {now[11:16]}")
        self._show_voice()
        self._fill()
        self.refresh_bindings()

    def action_voice(self, voice: str) -> None:
        self.voice = voice
        if voice == "professional_view":
            self.app.push_screen(
                WhoSaidIt(self.meeting.attendees, self._keep_typing), self._got_speaker
            )
        elif voice == "agreed_action":
            due = (self.session.today() + dt.timedelta(days=14)).isoformat()
            self.app.push_screen(ActionDetails(due, self.meeting_id), self._got_owner)
        self._show_voice()
        self.query_one("#note", Input).focus()

    def _keep_typing(self, character: str | None) -> None:
        """A key typed while "Whose view is this?" is open goes on the end of the note
        (``None``: Backspace)."""
        box = self.query_one("#note", Input)
        box.value = box.value[:-1] if character is None else box.value + character
        box.cursor_position = len(box.value)

    def _got_speaker(self, who: tuple[str, str] | None) -> None:
        if who is None:
            self.voice = "parent_view"
        else:
            self.speaker = who
        self._show_voice()
        self.query_one("#note", Input).focus()

    def _got_owner(self, owner: tuple[str, str] | None) -> None:
        if owner is None:
            self.voice = "parent_view"
        else:
            self.action_owner = owner
        self._show_voice()
        self.query_one("#note", Input).focus()

    @on(Input.Changed, "#note")
    def _language(self, event: Input.Changed) -> None:
        flags = check_text(event.value, self.ips.templates.language, self.voice)
        box = self.query_one("#language", Static)
        box.display = bool(flags)
        box.update("\n".join(flag_lines(flags_as_dicts(flags))))

    @on(Input.Submitted, "#note")
    def _save_note(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        m = self.meeting
        if not m.role_stated_at:
            self.notify(
                "Read the role statement out first, then press F7 (or ctrl+r)",
                severity="warning",
            )
            return
        flags = flags_as_dicts(check_text(text, self.ips.templates.language, self.voice))
        note = Note(case_id=m.case_id, meeting_id=m.id, voice=self.voice, text=text, flags=flags)
        if self.voice == "professional_view":
            note = note.replace(speaker=self.speaker[0], speaker_role=self.speaker[1])
        if self.voice == "agreed_action":
            note = note.replace(owner=self.action_owner[0], due_on=self.action_owner[1])
        try:
            self.session.repo.add_note(note)
        except ValidationError as err:
            self.notify(err.plain, severity="error")
            return
        event.input.value = ""
        self.draft_saved()
        if flags:
            self.notify("Saved; the wording was flagged for neutral language", severity="warning")
        self._fill()

    def action_leave(self) -> None:
        """Esc always asks before leaving (the safe answer, Stay, has the focus), so that a
        stray key press in the meeting does not drop the volunteer onto the case screen."""
        from ips_field.tui.widgets.dialogs import ConfirmDialog

        typed = self.query_one("#note", Input).value.strip()
        question = (
            "The note you are typing is not saved yet (it is kept as a draft). Leave meeting mode?"
            if typed
            else "Leave meeting mode? Every note you saved is kept."
        )

        def answered(leave: bool | None) -> None:
            if leave:
                self.save_draft_now()
                self.app.pop_screen()
            else:
                self.query_one("#note", Input).focus()

        self.app.push_screen(ConfirmDialog(question, yes="Leave", no="Stay"), answered)

    def action_summary(self) -> None:
        from ips_field.tui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self.meeting.case_id, self.meeting_id))
