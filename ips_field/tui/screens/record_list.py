"""A list of the volunteer's own records with add (and optional end/mark) actions."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.domain.records import Record
from ips_field.domain.shown import shown
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table


class RecordListScreen(SessionScreen):
    """Subclasses set ``RECORD``, ``TITLE_TEXT``, ``COLUMNS`` and implement ``row`` / ``add``."""

    RECORD: ClassVar[type[Record]]
    TITLE_TEXT: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("a", "add", "Add", id="add"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.TITLE_TEXT, classes="title")
        yield Static("", id="summary", classes="hint", markup=False)
        yield Table(id="records", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#records", DataTable).add_columns(*self.COLUMNS)
        self.refresh_list()

    def records(self) -> list[Any]:
        return sorted(self.session.repo.all(self.RECORD), key=self.sort_key, reverse=True)

    def sort_key(self, record: Any) -> Any:
        return getattr(record, "on", "") or getattr(record, "declared_on", "")

    def row(self, record: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def summary(self) -> str:
        return ""

    def refresh_list(self) -> None:
        table = self.query_one("#records", DataTable)
        table.clear()
        for record in self.records():
            table.add_row(*self.row(record), key=record.id)
        self.query_one("#summary", Static).update(shown(self.summary(), multiline=True))

    def selected(self) -> Any | None:
        table = self.query_one("#records", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.session.repo.get(self.RECORD, str(key))

    def save_from(self, make: Any) -> Any:
        """A ``check`` for FormDialog: build and validate the record from the values."""

        def check(values: dict[str, Any]) -> None:
            make(values).validate()

        return check
