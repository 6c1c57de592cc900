"""A DataTable whose text cells are shown literally.

Textual's DataTable reads a ``str`` cell as console markup, so a note such as
``"[Parent] said [b]no[/b]"`` would lose its brackets (and ``"[/x]"`` would raise). Every
cell we show holds what a person typed, so :class:`Table` turns strings into plain
``rich.text.Text`` before they reach the table. That also spares the table from parsing
markup in every cell it measures, which is most of a long list's redraw. Control and
bidi characters in a cell are escaped with :func:`~ips_field.domain.shown.shown`
(DESIGN.md §5), so every table is covered here.
"""

from __future__ import annotations

from typing import Any, cast

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._data_table import CellType, RowDoesNotExist, RowKey

from ips_field.domain.shown import shown


class Cell(Text):
    """One line of literal text; measures as its own width (a cell never wraps), which is
    much cheaper than Rich's word-by-word measure when a table sizes its columns."""

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = self.cell_len
        return Measurement(width, width)


def literal(value: object) -> object:
    """``value`` as a Cell shown verbatim (control and bidi characters escaped) when it is
    a string; a Text has its characters escaped the same way; anything else unchanged."""
    if isinstance(value, str):
        return Cell(shown(value, multiline=True), end="", no_wrap=True)
    if isinstance(value, Text) and shown(value.plain, multiline=True) != value.plain:
        return Cell(shown(value.plain, multiline=True), end="", no_wrap=True)
    return value


class Table(DataTable[Any]):
    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: Any = None,
    ) -> RowKey:
        return super().add_row(
            *(literal(c) for c in cells),
            height=height,
            key=key,
            label=cast("str | Text | None", literal(label)),
        )

    def cursor_key(self) -> str | None:
        """The key of the highlighted row (what an action on "this row" acts on)."""
        if self.row_count == 0:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def put_cursor_on(self, *keys: str | None, fallback: int = 0) -> None:
        """After a refill, put the cursor back on the first of ``keys`` still shown (the
        row acted upon, or the record that replaced it), else on row ``fallback``."""
        for key in keys:
            if key is None:
                continue
            try:
                row = self.get_row_index(key)
            except RowDoesNotExist:
                continue
            self.move_cursor(row=row, animate=False)
            return
        if self.row_count:
            self.move_cursor(row=max(0, min(fallback, self.row_count - 1)), animate=False)


def replacement(old: str | None, supersedes: dict[str, str]) -> str | None:
    """The current note that replaced ``old`` through a chain of corrections
    (``supersedes`` maps a replaced note's id to the id of the note replacing it)."""
    seen: set[str] = set()
    while old is not None and old in supersedes and old not in seen:
        seen.add(old)
        old = supersedes[old]
    return old
