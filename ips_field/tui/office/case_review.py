"""One case as a supervisor reviews it: notes with author, time, voice and flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from ips_field.actions.office import review
from ips_field.domain.dates import uk_date
from ips_field.domain.language import flag_lines, flag_mark
from ips_field.domain.notes import VOICE_ORDER, attribution
from ips_field.domain.records import Case, Child, Family, Meeting, Note
from ips_field.domain.shown import shown
from ips_field.domain.vocabulary import VOICES
from ips_field.errors import ValidationError
from ips_field.tui.office.assign_dialog import AssignDialog
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.office.cells import NOTE_WIDTH, short, uk_when
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.form_dialog import Field, FormDialog
from ips_field.tui.widgets.table import Table

# "Explaining procedure" whole (it was cut to "Explaining procedur" at 19); longer voices
# end with an ellipsis rather than being cut without one.
VOICE_WIDTH = 20


class CaseReviewScreen(OfficeScreen):
    """One case's notes, each with who wrote it (from the note itself, not the case's
    current volunteer), when (UK time), its voice and flags; the highlighted note in full,
    wrapped, below. Every opening is audited."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("m", "mark_reviewed", "Flag reviewed", id="mark_reviewed"),
        Binding("g", "coaching", "Coaching follow-up", id="coaching"),
        Binding("a", "assign", "Assign", id="assign"),
        Binding("s", "subject_access", "Subject access export", id="sar"),
        Binding("t", "key_date", "Subject access dates", id="sar_dates"),
        Binding("x", "erase", "Erase family", id="erase"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.notes: dict[str, Note] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="case-title", classes="title", markup=False)
        yield Static("", id="case-info", classes="hint", markup=False)
        yield Table(id="notes", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="note-detail"):
            yield Static("", id="note-head", classes="hint", markup=False)
            yield Static("", id="note-text", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#notes", DataTable)
        table.add_column("When (UK)", width=12)
        table.add_column("Written by", width=12)
        table.add_column("Voice", width=VOICE_WIDTH)
        table.add_column("Check", width=10)
        table.add_column("Note")
        case = self.session.repo.get(Case, self.case_id)
        if case is not None:
            self.session.audit("view_notes", case.reference, case_id=self.case_id)
        self.refresh_case()

    def refresh_case(self) -> None:
        s = self.session
        case = s.repo.get(Case, self.case_id)
        if case is None:
            self.app.pop_screen()
            return
        family = next(iter(s.repo.for_case(Family, self.case_id)), None)
        child = next(iter(s.repo.for_case(Child, self.case_id)), None)
        volunteer = s.names().get(case.assigned_to, "not assigned")
        self.query_one("#case-title", Static).update(
            shown(f"{case.reference} {family.family_name if family else ''} · {case.status}")
        )
        self.query_one("#case-info", Static).update(
            shown(
                f"Child: {child.name if child else '?'} · {case.school} · "
                f"held now by: {volunteer}"
                + (f" · blocked: {case.blocked_reason}" if case.blocked_reason else "")
            )
        )
        self.meetings = {m.id: m for m in s.repo.for_case(Meeting, self.case_id)}
        self.reviews = review.reviews_for_case(s.node, self.case_id)
        self.coaching = review.coaching_for_case(s.node, self.case_id)
        notes = s.repo.current_notes(self.case_id)
        meetings = self.meetings

        def order(n: Note) -> tuple[str, int, str]:
            m = meetings.get(n.meeting_id or "")
            voice = VOICE_ORDER.index(n.voice) if n.voice in VOICE_ORDER else len(VOICE_ORDER)
            return (m.starts_at if m else "", voice, n.written_at)

        table = self.query_one("#notes", DataTable)
        keep = table.cursor_row
        table.clear()
        self.notes = {n.id: n for n in notes}
        for n in sorted(notes, key=order):
            table.add_row(
                uk_when(n.written_at or n.created_at),
                shown(short(review.author_of(s.node, n).name, 12)),
                shown(short(VOICES.get(n.voice, n.voice), VOICE_WIDTH)),
                self._check(n),
                shown(short(" ".join(n.text.split()), NOTE_WIDTH)),
                key=n.id,
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
            self._detail(self._current())

    def _check(self, note: Note) -> str:
        if not note.flags:
            return ""
        return "reviewed" if note.id in self.reviews else flag_mark(note.flags)

    def _current(self) -> Note | None:
        table = self.query_one("#notes", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.notes.get(str(key))

    def _meeting_label(self, meeting: Meeting | None) -> str:
        if meeting is None:
            return "(no meeting)"
        mtype = self.office.templates.meeting_types.get(meeting.meeting_type)
        name = meeting.title or (mtype.name if mtype else meeting.meeting_type)
        return f"{uk_date(meeting.starts_at)} {name[:28]}"

    @on(DataTable.RowHighlighted, "#notes")
    def _show(self, event: DataTable.RowHighlighted) -> None:
        self._detail(self.notes.get(str(event.row_key.value)))

    def _detail(self, note: Note | None) -> None:
        if note is None:
            return
        s = self.session
        author = review.author_of(s.node, note)
        said = attribution(note)
        head = [
            f"Written by {author.name}, {uk_when(note.written_at or note.created_at, full=True)}",
            f"{VOICES.get(note.voice, note.voice)}"
            + (f" ({said})" if said else "")
            + f" · {self._meeting_label(self.meetings.get(note.meeting_id or ''))}",
        ]
        lines = [note.text]
        lines += flag_lines(note.flags)
        done = self.reviews.get(note.id)
        if done:
            lines.append(f"Reviewed {uk_when(done.get('reviewed_at'), full=True)}: {done['note']}")
        elif note.flags:
            lines.append("Not reviewed yet: m marks it reviewed, g records coaching for the author")
        for c in self.coaching.get(note.id, []):
            state = f"done {uk_date(c['followed_up_on'])}" if c.get("followed_up_on") else "open"
            lines.append(
                f"Coaching for {author.name}, follow-up {uk_date(c['follow_up_on'])} ({state}): "
                f"{c['coaching']}"
            )
        self.query_one("#note-head", Static).update(shown("\n".join(head), multiline=True))
        self.query_one("#note-text", Static).update(shown("\n".join(lines), multiline=True))

    def action_mark_reviewed(self) -> None:
        note = self._current()
        if note is None or not note.flags:
            self.notify("Highlight a flagged note first")
            return
        s = self.session

        def typed(value: str | None) -> None:
            if not value:
                return
            try:
                review.review_flag(s.node, note.id, value)
            except ValidationError as err:
                self.notify("; ".join(err.errors.values()), severity="error")
                return
            self.notify("Flag marked reviewed")
            self.refresh_case()

        self.app.push_screen(
            AskDialog("Mark this flag reviewed. Your review note (what you decided, and why):"),
            typed,
        )

    def action_coaching(self) -> None:
        note = self._current()
        if note is None:
            return
        s = self.session
        author = review.author_of(s.node, note)
        default = (s.today() + dt.timedelta(days=28)).isoformat()

        def check(v: dict[str, Any]) -> None:
            review.record_coaching(s.node, note.id, v["coaching"], v["follow_up_on"])

        def done(v: dict[str, Any] | None) -> None:
            if v:
                self.notify(shown(f"Coaching follow-up recorded for {author.name}"), markup=False)
                self.refresh_case()

        self.app.push_screen(
            FormDialog(
                f"Coaching follow-up for {author.name} (policy 8.2), linked to their supervision",
                [
                    Field("coaching", "Coaching agreed"),
                    Field("follow_up_on", "Follow up by (YYYY-MM-DD)", value=default),
                ],
                check,
            ),
            done,
        )

    def action_assign(self) -> None:
        def done(result: Any) -> None:
            if result:
                self.refresh_case()

        self.app.push_screen(AssignDialog(self.case_id), done)

    def action_key_date(self) -> None:
        from ips_field.tui.office.key_dates import record_office_key_date

        record_office_key_date(self, self.case_id)

    @work(exit_on_error=False)
    async def action_subject_access(self) -> None:
        """The pack (or raw JSON), through the same action as ``ips-office subject-access``."""
        from ips_field.tui.office.data_protection_flows import subject_access_flow

        await subject_access_flow(self, self.case_id)

    @work(exit_on_error=False)
    async def action_erase(self) -> None:
        """Erasure with its request date, reason and warnings (as ``ips-office erase``)."""
        from ips_field.tui.office.data_protection_flows import erase_flow

        if await erase_flow(self, self.case_id):
            self.app.pop_screen()
