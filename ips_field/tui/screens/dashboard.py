"""The dashboard: what is due in the next days, and the way into cases."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.domain.shown import shown
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table

SEVERITY = {"overdue": "OVERDUE", "due": "due", "soon": "soon"}


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


class DashboardScreen(SessionScreen):
    BINDINGS = [
        Binding("c", "cases", "Cases", id="cases"),
        Binding("n", "new_case", "New case", id="new_case"),
        Binding("i", "open('interests')", "Interests", id="interests"),
        Binding("p", "open('cpd')", "CPD", id="cpd"),
        Binding("u", "open('supervision')", "Supervision", id="supervision"),
        Binding("o", "open('outreach')", "Outreach", show=False, id="outreach"),
        Binding("y", "open('sync')", "Sync", id="sync"),
        Binding("slash", "search_notes", "Search", id="search_notes"),
        Binding("r", "refresh", "Refresh", show=False, id="refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="greeting", classes="title", markup=False)
        yield Static("", id="template-errors", classes="error", markup=False)
        yield Table(id="due", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#due", DataTable)
        table.add_columns("When", "", "Case", "What")  # the case before the long text
        # The list is filled by on_screen_resume, which Textual sends on first showing too.

    def on_screen_resume(self) -> None:
        self.refresh_due()

    def on_resize(self) -> None:
        self.refresh_due()

    def refresh_due(self) -> None:
        session = self.ips.session
        if session is None:
            return
        me = session.repo.profile()
        name = me.name if me else "volunteer"
        items = session.due_items()
        self.query_one("#greeting", Static).update(
            shown(
                f"Hello {name}. {len(items)} things due or coming up "
                f"({session.profile.name}). Today is {session.today():%A %d %B %Y}."
            )
        )
        errors = self.ips.template_errors
        self.query_one("#template-errors", Static).update(
            "\n".join(f"Template file ignored: {e}" for e in errors)
        )
        table = self.query_one("#due", DataTable)
        table.clear()
        labels = session.labels()
        room = max(24, self.size.width - 45)  # what is left for "What"
        for i, item in enumerate(items):
            table.add_row(
                item.due_on.strftime("%d %b"),
                SEVERITY.get(item.severity, item.severity),
                _cut(labels.get(item.case_id or "", ""), 20),
                _cut(item.title, room),
                key=f"{i}:{item.case_id or ''}",
            )

    @on(DataTable.RowSelected, "#due")
    def _open(self, event: DataTable.RowSelected) -> None:
        case_id = str(event.row_key.value).split(":", 1)[1]
        if case_id:
            from ips_field.tui.screens.case_view import CaseScreen

            self.app.push_screen(CaseScreen(case_id))

    def action_cases(self) -> None:
        from ips_field.tui.screens.cases import CasesScreen

        self.app.push_screen(CasesScreen())

    def action_search_notes(self) -> None:
        self.ips.search_notes()

    def action_new_case(self) -> None:
        from ips_field.tui.screens.case_form import CaseFormScreen

        self.app.push_screen(CaseFormScreen())

    def action_open(self, name: str) -> None:
        from ips_field.tui.screens.cpd import CpdScreen
        from ips_field.tui.screens.interests import InterestsScreen
        from ips_field.tui.screens.outreach import OutreachScreen
        from ips_field.tui.screens.supervision import SupervisionScreen
        from ips_field.tui.screens.sync_screen import SyncScreen

        screens = {
            "interests": InterestsScreen,
            "cpd": CpdScreen,
            "supervision": SupervisionScreen,
            "outreach": OutreachScreen,
            "sync": SyncScreen,
        }
        self.app.push_screen(screens[name]())

    def action_refresh(self) -> None:
        self.refresh_due()
