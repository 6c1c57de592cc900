"""Cases across volunteers: search, a case's notes by voice, assignment, sync conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from ips_field.actions.office import review
from ips_field.actions.office.assignment import assign
from ips_field.domain.dates import uk_date
from ips_field.domain.language import flag_lines, flag_mark
from ips_field.domain.notes import VOICE_ORDER, attribution
from ips_field.domain.records import VOICES, Case, Child, Family, Meeting, Note
from ips_field.domain.shown import shown
from ips_field.errors import ValidationError
from ips_field.services.office_search import CaseIndex
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.form_dialog import Field, FormDialog
from ips_field.tui.widgets.table import Table
from sync import oversight as ov

STATUS = [("Open cases", "open"), ("Closed cases", "closed"), ("All cases", "all")]
MAX_ROWS = 200
NOTE_WIDTH = 60  # the table shows the start of a note; the full text is shown below it


class OfficeCasesScreen(OfficeScreen):
    """Every volunteer's cases: filter by words, status, volunteer, or flagged notes."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("slash", "focus_filter", "Filter", id="filter"),
        Binding("ctrl+f", "toggle_flagged", "Flagged notes only", id="flagged", priority=True),
        Binding("ctrl+n", "intake", "New referral", id="intake", priority=True),
    ]
    AUTO_FOCUS = "#filter"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(
                placeholder="Filter: reference, family, child, school, volunteer", id="filter"
            )
            yield Select(STATUS, value="open", allow_blank=False, id="status")
            yield Select([], prompt="Any volunteer", id="volunteer")
        yield Static("", id="count", classes="hint", markup=False)
        yield Table(id="cases", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.flagged_only = False
        names = self.session.names()
        self.query_one("#volunteer", Select).set_options(
            sorted((shown(name), vid) for vid, name in names.items())
        )
        self.query_one("#cases", DataTable).add_columns(
            "Ref", "Family", "Volunteer", "Status", "Flagged", "Child", "School or setting"
        )
        self.index = CaseIndex([])  # built by on_screen_resume, sent on first showing too

    def on_screen_resume(self) -> None:
        if self.office.session is None:
            return  # locking pops the screens above: nothing to show
        self.index = CaseIndex.build(self.session.repo, self.session.names())
        self.apply_filter()

    @on(Input.Changed, "#filter")
    @on(Select.Changed)
    def apply_filter(self) -> None:
        text = self.query_one("#filter", Input).value
        status = str(self.query_one("#status", Select).value)
        chosen = self.query_one("#volunteer", Select).value
        volunteer = None if chosen is Select.NULL else str(chosen)
        rows = self.index.search(text, status=status, volunteer=volunteer)
        if self.flagged_only:
            rows = [r for r in rows if r.flagged_notes]
        more = f"; showing the first {MAX_ROWS}" if len(rows) > MAX_ROWS else ""
        flagged = " with flagged notes" if self.flagged_only else ""
        self.query_one("#count", Static).update(f"{len(rows)} cases{flagged}{more}")
        table = self.query_one("#cases", DataTable)
        table.clear()
        for r in rows[:MAX_ROWS]:
            table.add_row(
                r.reference,
                r.family,
                r.volunteer,
                r.status,
                str(r.flagged_notes or ""),
                r.child,
                r.school,
                key=r.case_id,
            )

    @on(Input.Submitted, "#filter")
    def _to_table(self) -> None:
        self.query_one("#cases", DataTable).focus()

    @on(DataTable.RowSelected, "#cases")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(CaseReviewScreen(str(event.row_key.value)))

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_toggle_flagged(self) -> None:
        self.flagged_only = not self.flagged_only
        self.apply_filter()

    def action_intake(self) -> None:
        from ips_field.tui.office.intake import IntakeScreen

        self.app.push_screen(IntakeScreen())


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
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#notes", DataTable)
        table.add_column("When (UK)", width=12)
        table.add_column("Written by", width=12)
        table.add_column("Voice", width=19)
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
                VOICES.get(n.voice, n.voice),
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
        return f"{meeting.starts_at[:10]} {name[:28]}"

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
            state = f"done {c['followed_up_on']}" if c.get("followed_up_on") else "open"
            lines.append(
                f"Coaching for {author.name}, follow-up {c['follow_up_on']} ({state}): "
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
        from ips_field.tui.office.protection_flows import subject_access_flow

        await subject_access_flow(self, self.case_id)

    @work(exit_on_error=False)
    async def action_erase(self) -> None:
        """Erasure with its request date, reason and warnings (as ``ips-office erase``)."""
        from ips_field.tui.office.protection_flows import erase_flow

        if await erase_flow(self, self.case_id):
            self.app.pop_screen()


class AssignDialog(ModalScreen[bool]):
    """Assign or reassign a case, checked against the volunteer's declared interests."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        session = self.app.session  # type: ignore[attr-defined]
        roster = session.node.roster
        names = session.names()
        active = (
            [(names[v], v) for v, entry in roster.volunteers.items() if entry.active]
            if roster
            else []
        )
        with Vertical(classes="dialog"):
            yield Static("Assign this case to", classes="title")
            yield Select(sorted(active), prompt="Choose a volunteer", id="volunteer")
            yield Label("Reason (needed when the conflict check warns)")
            yield Input(id="reason")
            yield Static("", id="problem", classes="field-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Assign", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted, "#reason")
    def _assign(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        chosen = self.query_one("#volunteer", Select).value
        problem = self.query_one("#problem", Static)
        if chosen is Select.NULL:
            problem.update("Choose a volunteer")
            return
        reason = self.query_one("#reason", Input).value.strip()
        try:
            case = assign(session.node, self.case_id, str(chosen), reason=reason)
        except ValidationError as err:
            problem.update("; ".join(err.errors.values()))
            return
        detail = f"{case.reference} to {session.names().get(str(chosen), chosen)}"
        self.app.notify(
            shown(f"Assigned {detail}; it reaches them with the next export"), markup=False
        )
        self.dismiss(True)


class ConflictsScreen(OfficeScreen):
    """Sync conflicts: both values side by side; the supervisor picks or edits the winner."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("d", "decide", "Decide (Enter)", id="decide"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Sync conflicts to decide", classes="title")
        yield Static(
            "Two people changed the same field. The newer value is in use; the other is "
            "kept here. Consent and safeguarding are never decided automatically.",
            classes="hint",
        )
        yield Table(id="conflicts", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#conflicts", DataTable).add_columns(
            "Case", "Field", "In use", "By", "Other value", "By", "Review"
        )
        self.refresh_conflicts()

    def refresh_conflicts(self) -> None:
        s = self.session
        names = s.names()
        self.conflicts = {c["id"]: c for c in ov.conflicts_for_review(s.node)}
        table = self.query_one("#conflicts", DataTable)
        table.clear()
        for c in self.conflicts.values():
            table.add_row(
                c["reference"],
                f"{c['kind']}.{c['field']}",
                short(show(c["current"])),
                writer(names, c.get("current_clock")),
                short(show(c.get("loser_value"))),
                writer(names, c.get("loser_clock")),
                "needs review" if c.get("needs_review") else "",
                key=c["id"],
            )

    @on(DataTable.RowSelected, "#conflicts")
    def _selected(self) -> None:
        self.action_decide()

    def action_decide(self) -> None:
        table = self.query_one("#conflicts", DataTable)
        if table.row_count == 0:
            self.notify("No conflicts to decide")
            return
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

        def done(result: bool | None) -> None:
            if result:
                self.refresh_conflicts()

        self.app.push_screen(DecideDialog(self.conflicts[key]), done)


def writer(names: dict[str, str], clock: Any) -> str:
    """Who wrote a value, from its clock ``[wall_ms, counter, node]``."""
    node = str(clock[2]) if isinstance(clock, list) and len(clock) == 3 else ""
    return names.get(node, "office" if node else "")


def _uk() -> dt.tzinfo | None:
    """UK time; the computer's own zone where no time-zone data is installed (Windows)."""
    try:
        return ZoneInfo("Europe/London")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def uk_when(value: str | None, *, full: bool = False) -> str:
    """'22 Nov 10:30' (or '22 November 2026 at 10:30') in UK time from an ISO datetime."""
    if not value:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return ""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(_uk())
    if full:
        return f"{uk_date(stamp.date())} at {stamp:%H:%M}"
    return f"{stamp.day} {stamp:%b %H:%M}"


def short(text: str, most: int = 24) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else repr(value)


class DecideDialog(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, conflict: dict[str, Any]) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        c = self.conflict
        names = self.app.session.names()  # type: ignore[attr-defined]
        review = " (never decided automatically)" if c.get("needs_review") else ""
        with Vertical(classes="dialog"):
            yield Static(
                f"{c.get('reference', '')} · {c['kind']} · {c['field']}{review}",
                classes="title",
                markup=False,
            )
            yield Static(
                f"In use (by {writer(names, c.get('current_clock'))}): {show(c['current'])}",
                markup=False,
            )
            yield Static(
                f"Other value (by {writer(names, c.get('loser_clock'))}): "
                f"{show(c.get('loser_value'))}",
                markup=False,
            )
            if isinstance(c["current"], str) or c["current"] is None:
                yield Label("Or write the value to keep")
                yield Input(value=show(c["current"]), id="edited")
            with Horizontal(classes="buttons"):
                yield Button("Keep in use", id="current", variant="primary")
                yield Button("Take other", id="other")
                if isinstance(c["current"], str) or c["current"] is None:
                    yield Button("Use edited", id="edit")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        c = self.conflict
        session = self.app.session  # type: ignore[attr-defined]
        if event.button.id == "cancel":
            self.dismiss(False)
            return
        choices: dict[str, Callable[[], Any]] = {
            "current": lambda: c["current"],
            "other": lambda: c.get("loser_value"),
            "edit": lambda: self.query_one("#edited", Input).value,
        }
        value = choices[str(event.button.id)]()
        ov.decide_conflict(session.node, c["id"], value, label=str(event.button.id))
        self.app.notify("Decided; the volunteer receives it with the next export")
        self.dismiss(True)
