"""Cases across volunteers: search, a case's notes by voice, assignment, sync conflicts."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Select, Static

from ips_field.actions.office.search import CaseIndex
from ips_field.domain.shown import shown
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.office.case_review import CaseReviewScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table

STATUS = [("Open cases", "open"), ("Closed cases", "closed"), ("All cases", "all")]
MAX_ROWS = 200


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
        yield KeysFooter()

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
