"""A case's statutory milestones: date, status and, for the highlighted one, the rule and
its source in plain words ("The local authority is late: this was due by ...")."""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from ips_field.domain.statutory import title
from ips_field.domain.timelines import CaseMilestone, TimelineKind
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


class TimelineView(Vertical):
    """Milestones in a table; the rule and source of the highlighted row below it."""

    DEFAULT_CSS = """
    TimelineView { height: 1fr; }
    TimelineView > #timeline-table { height: auto; max-height: 12; }
    TimelineView > #timeline-detail { height: auto; max-height: 6; padding: 0 1; margin-top: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: list[CaseMilestone] = []
        self._timelines: Mapping[str, TimelineKind] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-summary", markup=False)
        yield Table(id="timeline-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="timeline-detail", markup=False)

    def on_mount(self) -> None:
        self.query_one("#timeline-table", DataTable).add_columns("By", "Status", "Milestone")

    def show(self, items: list[CaseMilestone], timelines: Mapping[str, TimelineKind]) -> None:
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
        late = sum(1 for cm in items if cm.status == "missed")
        if not items:
            summary = (
                "No key dates recorded yet: press t to add one (a request, a decision letter...)."
            )
        else:
            summary = f"{len(items)} statutory dates, {late} missed. Press t to add a key date."
        self.query_one("#timeline-summary", Static).update(summary)
        self._detail(0)

    def _detail(self, index: int) -> None:
        text = ""
        if 0 <= index < len(self._items):
            cm = self._items[index]
            kind = self._timelines.get(cm.milestone.kind)
            name = kind.name if kind else cm.milestone.kind
            text = f"{name}: {cm.plain()}\n{cm.milestone.rule}\nSource: {cm.milestone.source}"
        self.query_one("#timeline-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#timeline-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(int(str(event.row_key.value)))
