"""Sync conflicts waiting for a supervisor's decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Header, Input, Label, Static

from ips_field.actions import office as ov
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.office.cells import short, show, writer
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table


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
        yield KeysFooter()

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
