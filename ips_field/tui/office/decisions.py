"""Open cases of revoked volunteers, waiting for a supervisor's decision.

Listed from the cases themselves (``actions.office.revocation.needs_decision``), so they
stay here, and counted on the home screen, until each is reassigned or closed.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.actions import office as off
from ips_field.actions.office.revocation import decide, needs_decision
from ips_field.domain.shown import shown
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.form_dialog import Field, FormDialog
from ips_field.tui.widgets.table import Table


class DecisionsScreen(OfficeScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("enter", "decide", "Reassign", id="decide"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Cases needing a decision (their volunteer was revoked)", classes="title")
        yield Static(
            "Each stays here until it is reassigned; the new volunteer is checked for "
            "conflicts of interest first.",
            classes="hint",
        )
        yield Table(id="waiting", cursor_type="row", zebra_stripes=True)
        yield Static("", id="why", classes="hint", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#waiting", DataTable)
        table.add_column("Case", width=10)
        table.add_column("Held by", width=14)
        table.add_column("Why it did not move")
        self.refresh_list()

    def refresh_list(self) -> None:
        s = self.session
        table = self.query_one("#waiting", DataTable)
        table.clear()
        self.waiting = {w.case_id: w for w in needs_decision(s.node)}
        for w in self.waiting.values():
            table.add_row(
                w.reference,
                shown(off.volunteer_name(s.node, w.held_by)),
                shown(w.why),
                key=w.case_id,
            )

    @on(DataTable.RowHighlighted, "#waiting")
    def _why(self, event: DataTable.RowHighlighted) -> None:
        w = self.waiting.get(str(event.row_key.value))
        if w is not None:
            self.query_one("#why", Static).update(
                shown(f"{w.reference}: {w.why}. Enter reassigns it.", multiline=True)
            )

    @on(DataTable.RowSelected, "#waiting")
    def _selected(self) -> None:
        self.action_decide()

    def action_decide(self) -> None:
        table = self.query_one("#waiting", DataTable)
        if table.row_count == 0:
            self.notify("No cases waiting for a decision")
            return
        case_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        waiting = self.waiting.get(case_id)
        ref = shown(waiting.reference) if waiting is not None else "this case"
        s = self.session
        roster = s.node.roster
        names = s.names()
        choices = sorted(
            (names[v], v) for v, e in (roster.volunteers.items() if roster else []) if e.active
        )
        if not choices:
            self.notify("No active volunteer to take it: enrol one first", severity="warning")
            return

        def check(v: dict[str, Any]) -> None:
            decide(s.node, case_id, str(v["to"]), reason=v["reason"])

        def done(v: dict[str, Any] | None) -> None:
            if v:
                self.notify(
                    shown(
                        f"Reassigned to {names.get(str(v['to']), '')}; sent with the next export"
                    ),
                    markup=False,
                )
                self.refresh_list()

        self.app.push_screen(
            FormDialog(
                f"Reassign {ref}",
                [
                    # The reference in the label too: at 80x24 the form opens scrolled to
                    # the reason box, with its title above the fold.
                    Field("to", escape(f"{ref} goes to"), kind="select", choices=choices),
                    Field("reason", "Reason, if the conflict check warns"),
                ],
                check,
            ),
            done,
        )
