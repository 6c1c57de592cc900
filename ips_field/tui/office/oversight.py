"""Oversight of each volunteer: cases, supervision and CPD due."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.actions import office as ov
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table


class OversightScreen(OfficeScreen):
    """Per volunteer: CPD hours this year by topic, refreshers due, supervision, coaching."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("CPD and supervision", classes="title")
        yield Static("", id="rules", classes="hint", markup=False)
        yield Table(id="people", cursor_type="row", zebra_stripes=True)
        yield Static("", id="topics", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        s = self.session
        p = s.profile
        self.query_one("#rules", Static).update(
            f"{p.name}: supervision every {p.supervision_interval_days} days; refreshers: "
            + ", ".join(
                f"{t.replace('_', ' ')} every {m} months" for t, m in p.cpd_refreshers.items()
            )
        )
        table = self.query_one("#people", DataTable)
        table.add_columns(
            "Volunteer",
            f"CPD hours {s.today().year}",
            "Refreshers due",
            "Last supervision",
            "Supervision",
            "Coaching follow-ups",
            "Open cases",
        )
        self.rows = {
            r.volunteer_id: r
            for r in ov.oversight(
                s.node,
                s.today(),
                supervision_interval_days=p.supervision_interval_days,
                refreshers=p.cpd_refreshers,
            )
        }
        for r in self.rows.values():
            table.add_row(
                r.name,
                f"{r.cpd_hours_this_year:g}",
                ", ".join(r.refreshers_due) or "none",
                r.last_supervision or "never",
                "DUE" if r.supervision_overdue else "ok",
                str(r.open_follow_ups or ""),
                str(r.open_cases),
                key=r.volunteer_id,
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        r = self.rows.get(str(event.row_key.value))
        if r is None:
            return
        topics = ", ".join(
            f"{t.replace('_', ' ')} {h:g} h" for t, h in sorted(r.hours_by_topic.items())
        )
        self.query_one("#topics", Static).update(
            f"{r.name}, hours this year by topic: {topics or 'none'}"
        )
