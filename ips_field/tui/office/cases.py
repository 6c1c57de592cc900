"""Cases across volunteers: search, a case's notes by voice, assignment, sync conflicts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from ips_field.actions.office.assignment import assign
from ips_field.domain.language import flag_lines, flag_mark
from ips_field.domain.records import VOICES, Case, Child, Family, Meeting, Note
from ips_field.domain.shown import shown
from ips_field.errors import IpsError, ValidationError
from ips_field.services.office_search import CaseIndex
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.screens.summary import ORDER, attribution
from ips_field.tui.widgets.dialogs import AskDialog
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
    """One case's notes, each under its voice and attributed; every opening is audited."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("a", "assign", "Assign", id="assign"),
        Binding("s", "subject_access", "Subject access export", id="sar"),
        Binding("t", "key_date", "Subject access dates", id="sar_dates"),
        Binding("x", "erase", "Erase family", id="erase"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="case-title", classes="title", markup=False)
        yield Static("", id="case-info", classes="hint", markup=False)
        yield Table(id="notes", cursor_type="row", zebra_stripes=True)
        yield Static("", id="note-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#notes", DataTable).add_columns(
            "Meeting", "Voice", "Who", "Check", "Note (the whole note shows below)"
        )
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
                f"Child: {child.name if child else '?'} · {case.school} · volunteer: {volunteer}"
                + (f" · blocked: {case.blocked_reason}" if case.blocked_reason else "")
            )
        )
        meetings = {m.id: m for m in s.repo.for_case(Meeting, self.case_id)}
        notes = s.repo.current_notes(self.case_id)

        def order(n: Note) -> tuple[str, int, str]:
            m = meetings.get(n.meeting_id or "")
            voice = ORDER.index(n.voice) if n.voice in ORDER else len(ORDER)
            return (m.starts_at if m else "", voice, n.written_at)

        table = self.query_one("#notes", DataTable)
        table.clear()
        self.notes = {n.id: n for n in notes}
        for n in sorted(notes, key=order):
            m = meetings.get(n.meeting_id or "")
            table.add_row(
                self._meeting_label(m),
                VOICES.get(n.voice, n.voice),
                attribution(n),
                flag_mark(n.flags),
                short(n.text, NOTE_WIDTH),
                key=n.id,
            )

    def _meeting_label(self, meeting: Meeting | None) -> str:
        if meeting is None:
            return "(no meeting)"
        mtype = self.office.templates.meeting_types.get(meeting.meeting_type)
        name = meeting.title or (mtype.name if mtype else meeting.meeting_type)
        return f"{meeting.starts_at[:10]} {name[:28]}"

    @on(DataTable.RowHighlighted, "#notes")
    def _show(self, event: DataTable.RowHighlighted) -> None:
        note = self.notes.get(str(event.row_key.value))
        if note is None:
            return
        flags = "\n".join(flag_lines(note.flags))
        self.query_one("#note-text", Static).update(
            shown(note.text + (f"\n{flags}" if flags else ""), multiline=True)
        )

    def action_assign(self) -> None:
        def done(result: Any) -> None:
            if result:
                self.refresh_case()

        self.app.push_screen(AssignDialog(self.case_id), done)

    def action_key_date(self) -> None:
        from ips_field.tui.office.key_dates import record_office_key_date

        record_office_key_date(self, self.case_id)

    def action_subject_access(self) -> None:
        s = self.session
        case = s.repo.get(Case, self.case_id)
        default = str(Path.home() / f"subject-access-{case.reference if case else 'case'}.json")

        def chosen(value: str | None) -> None:
            if not value:
                return
            from ips_field.actions.office.documents import write_subject_access

            out = Path(value).expanduser()
            fmt = out.suffix.lower().lstrip(".")
            try:  # .docx and .pdf: the readable pack; anything else: the JSON
                if fmt in ("docx", "pdf"):
                    write_subject_access(s.node, self.case_id, fmt, out)
                else:
                    ov.export_subject_access(s.node, self.case_id, out)
            except IpsError as err:
                self.notify(str(err), severity="error")
                return
            self.notify(
                f"Written to {out} in PLAIN TEXT: give it to the family securely, then delete it",
                timeout=12,
            )

        self.app.push_screen(
            AskDialog(
                "Subject access export: everything held about this family, written OUTSIDE "
                "the encrypted record in plain text. File (.json, or .docx or .pdf for the "
                "readable pack):",
                value=default,
            ),
            chosen,
        )

    def action_erase(self) -> None:
        s = self.session
        case = s.repo.get(Case, self.case_id)
        if case is None:
            return

        def typed(value: str | None) -> None:
            if value is None:
                return
            if value.strip() != case.reference:
                self.notify("The reference did not match: nothing was erased", severity="warning")
                return
            stub = ov.erase(s.node, self.case_id)
            self.notify(
                f"Erased {stub['records']} records; the volunteer's copy goes with the next "
                "bundle. An audit stub (reference and date only) remains."
            )
            self.app.pop_screen()

        self.app.push_screen(
            AskDialog(
                f"Erase every trace of this family here and on the volunteer's laptop? "
                f"This cannot be undone. Type the case reference {case.reference} to confirm."
            ),
            typed,
        )


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
