"""The audit log, newest first, and whether its chain verifies."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table
from sync import audit


class AuditScreen(OfficeScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Audit log (newest first)", classes="title")
        yield Static("", id="verdict", markup=False)
        yield Table(id="log", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        s = self.session
        check = audit.verify(s.node)
        head = audit.anchor_text(audit.head(s.node))
        self.query_one("#verdict", Static).update(
            f"{check.entries} entries; the hash chain and its signed head "
            + ("verify." if check.ok else f"do NOT verify: {check.problem}")
            + f"\nHead {head}: reports print it and every bundle carries it to the "
            "volunteers' laptops; check an older copy with `ips-office audit verify --against`."
        )
        table = self.query_one("#log", DataTable)
        table.add_columns("#", "When", "Action", "Detail")
        for entry in reversed(audit.entries(s.node)):
            table.add_row(
                str(entry["n"]),
                entry["at"][:19].replace("T", " "),
                entry["action"],
                entry["detail"],
            )
