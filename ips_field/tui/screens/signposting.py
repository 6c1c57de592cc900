"""Signpost a family to an independent source; stale directory entries are flagged."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ips_field.domain.shown import shown
from ips_field.templates import Source
from ips_field.tui.widgets.table import Table


class SignpostDialog(ModalScreen[Source | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, sources: list[Source], stale: set[str]) -> None:
        super().__init__()
        self.sources = sources
        self.stale = stale

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Signpost to an independent source (Enter records it)", classes="title")
            yield Table(id="sources", cursor_type="row")
            yield Static("", id="detail", markup=False, classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#sources", DataTable)
        table.add_columns("Source", "Helps with", "Reviewed")
        for s in self.sources:
            reviewed = f"{s.last_reviewed:%b %Y}" + (
                " STALE: check details" if s.id in self.stale else ""
            )
            table.add_row(s.name, s.helps_with[:60], reviewed, key=s.id)
        table.focus()

    @on(DataTable.RowHighlighted, "#sources")
    def _detail(self, event: DataTable.RowHighlighted) -> None:
        source = next(s for s in self.sources if s.id == event.row_key.value)
        how = "; ".join(f"{k}: {v}" for k, v in source.how_to_reach.items())
        self.query_one("#detail", Static).update(
            shown(f"{source.helps_with}\n{how}", multiline=True)
        )

    @on(DataTable.RowSelected, "#sources")
    def _pick(self, event: DataTable.RowSelected) -> None:
        self.dismiss(next(s for s in self.sources if s.id == event.row_key.value))
