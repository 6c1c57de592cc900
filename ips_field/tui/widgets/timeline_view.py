"""A case's statutory milestones: date, status and, for the highlighted one, the rule and
its source in plain words ("The local authority is late: this was due by ..."), and the key
dates recorded on the case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from ips_field.domain.records import KeyDate
from ips_field.domain.shown import shown
from ips_field.domain.statutory import title
from ips_field.domain.timelines import CaseMilestone, TimelineKind
from ips_field.domain.vocabulary import KEY_DATES
from ips_field.tui.widgets.table import Table

STATUS = {
    "met": "met",
    "late": "MET LATE",
    "missed": "MISSED",
    "soon": "soon",
    "due": "due",
    "passed": "passed",
}
SHORT_WHO = {"local_authority": "LA", "school": "school", "service": "service", "parent": "parent"}


def status_text(cm: CaseMilestone) -> str:
    """``MISSED: LA late`` says plainly who is late; other statuses as they are."""
    who = SHORT_WHO.get(cm.milestone.who, cm.milestone.who)
    if cm.status == "missed":
        return f"MISSED: {who} late"
    if cm.status == "late":
        return f"MET LATE: {who}"
    return STATUS.get(cm.status, cm.status)


class TimelineView(VerticalScroll):
    """Milestones in a table, the rule and source of the highlighted one, and the key dates
    recorded on the case (``delete`` on one asks to remove it: a date typed by mistake)."""

    DEFAULT_CSS = """
    TimelineView { height: 1fr; }
    TimelineView > #timeline-detail { height: auto; padding: 0 1; margin: 1 0; }
    """
    BINDINGS = [Binding("delete", "remove", "Remove key date", show=False, id="remove_key_date")]

    @dataclass
    class RemoveRequested(Message):
        """The volunteer asked to remove this key date (the screen confirms and does it)."""

        key_date_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: list[CaseMilestone] = []
        self._timelines: Mapping[str, TimelineKind] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-summary", markup=False)
        yield Table(id="timeline-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="timeline-detail", markup=False)
        yield Static("Key dates recorded (delete removes one typed by mistake)", classes="hint")
        yield Table(id="key-dates", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#timeline-table", DataTable).add_columns("By", "Status", "Milestone")
        self.query_one("#key-dates", DataTable).add_columns("Date", "Key date")

    def show(
        self,
        items: list[CaseMilestone],
        timelines: Mapping[str, TimelineKind],
        key_dates: list[KeyDate] | None = None,
    ) -> None:
        self._items = items
        self._timelines = timelines
        table = self.query_one("#timeline-table", DataTable)
        table.clear()
        for i, cm in enumerate(items):
            table.add_row(
                cm.milestone.date.strftime("%d %b %Y"),
                status_text(cm),
                cm.milestone.title or title(cm, timelines),
                key=str(i),
            )
        table.styles.height = min(len(items), 12) + 1  # every row and the header, up to 12
        late = sum(1 for cm in items if cm.status == "missed")
        if not items:
            summary = "No statutory dates yet: press t to add a key date (a request, a letter...)."
        else:
            summary = f"{len(items)} statutory dates, {late} missed. Press t to add a key date."
        self.query_one("#timeline-summary", Static).update(summary)
        self._detail(0)
        recorded = self.query_one("#key-dates", DataTable)
        recorded.clear()
        live = [k for k in key_dates or [] if not k.deleted]
        for kd in sorted(live, key=lambda k: (k.as_date() or dt.date.min, k.which)):
            day = kd.as_date()
            when = (
                f"{kd.year}" + (" (post-16)" if kd.post_16 else "")
                if kd.which == "phase_transfer_year"
                else (day.strftime("%d %b %Y") if day else "")
            )
            recorded.add_row(when, KEY_DATES.get(kd.which, kd.which), key=kd.id)
        recorded.styles.height = min(len(live), 8) + 1

    def _detail(self, index: int) -> None:
        text = ""
        if 0 <= index < len(self._items):
            cm = self._items[index]
            kind = self._timelines.get(cm.milestone.kind)
            name = kind.name if kind else cm.milestone.kind
            text = f"{name}: {cm.plain()}\n{cm.milestone.rule}\nSource: {cm.milestone.source}"
        self.query_one("#timeline-detail", Static).update(shown(text, multiline=True))

    @on(DataTable.RowHighlighted, "#timeline-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(int(str(event.row_key.value)))

    def action_remove(self) -> None:
        recorded = self.query_one("#key-dates", DataTable)
        if not recorded.has_focus or recorded.row_count == 0:
            return
        row_key = recorded.coordinate_to_cell_key(recorded.cursor_coordinate).row_key
        self.post_message(self.RemoveRequested(str(row_key.value)))
