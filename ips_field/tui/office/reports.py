"""The reports screen: monthly monitoring or the annual report for any dates, every figure
beside the same period a year earlier, the same charts as the Word and PDF files drawn in
the terminal (textual-plotext), and exports to Markdown, CSV, Word and PDF."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, Select, Static
from textual_plotext import PlotextPlot

from ips_field.actions.office.monitoring import Monitoring
from ips_field.documents.model import Chart
from ips_field.domain.dates import uk_date
from ips_field.errors import IpsError
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.footer import KeysFooter

BAR_WIDTH = 40
FORMAT_NAMES = {"md": "Markdown", "csv": "CSV", "docx": "Word", "pdf": "PDF"}


def month_bounds(day: dt.date, back: int = 0) -> tuple[dt.date, dt.date]:
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def bar(value: float, top: float) -> str:
    """A bar of block characters proportional to ``value`` (text, so it prints anywhere)."""
    if top <= 0 or value <= 0:
        return ""
    eighths = round(value / top * BAR_WIDTH * 8)
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


def chart_text(report, earlier=None) -> str:  # type: ignore[no-untyped-def]
    """Each section's figures with a text bar, and the same period a year earlier."""
    before = {s.title: dict(s.rows) for s in earlier.sections} if earlier else {}
    lines: list[str] = []
    for section in report.sections:
        lines.append(section.title)
        numbers = [float(v) for _, v in section.rows if isinstance(v, int | float)]
        top = max(numbers, default=0)
        width = max((len(label) for label, _ in section.rows), default=0)
        then = before.get(section.title, {})
        for label, value in section.rows:
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            chart = bar(float(value), top) if isinstance(value, int | float) else ""
            old = then.get(label)
            prior = f"  (a year earlier {old:g})" if earlier is not None and old is not None else ""
            line = f"  {label.ljust(width)}  {shown:>7} {section.unit}  {chart}{prior}"
            lines.append(line.rstrip())
        if not section.rows:
            lines.append("  (none)")
        elif section.note:
            lines.append(f"  {section.note}")
        lines.append("")
    return "\n".join(lines)


def draw(widget: PlotextPlot, chart: Chart) -> None:
    """The document's chart as grouped terminal bars, with its title and legend."""
    plt = widget.plt
    plt.clear_data()
    plt.clear_figure()
    labels = [x if len(x) <= 16 else x[:15] + "…" for x in chart.labels]
    # textual-plotext's stub names it label=; plotext's multiple_bar takes labels=.
    plt.multiple_bar(labels, list(chart.series.values()), labels=list(chart.series))  # type: ignore[call-arg]
    plt.title(chart.title)
    widget.refresh()


class ReportsScreen(OfficeScreen):
    AUTO_FOCUS = "#report-box"  # letter keys pick the period; Tab reaches the dates
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("m", "period('this_month')", "This month", id="this_month"),
        Binding("l", "period('last_month')", "Last month", id="last_month"),
        Binding("y", "period('year')", "Year to date", id="year"),
        Binding("ctrl+e", "export('md')", "Export Markdown", id="export_md", priority=True),
        Binding("ctrl+t", "export('csv')", "Export CSV", id="export_csv", priority=True),
        Binding("w", "export('docx')", "Word", id="export_docx"),
        Binding("p", "export('pdf')", "PDF", id="export_pdf"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="period"):
            yield Label("From")
            yield Input(id="from", placeholder="YYYY-MM-DD")
            yield Label("to")
            yield Input(id="to", placeholder="YYYY-MM-DD")
            yield Select(
                [("Monthly monitoring", "monthly"), ("Annual report", "annual")],
                value="monthly",
                allow_blank=False,
                id="kind",
            )
        yield Static("", id="problem", classes="field-error", markup=False)
        with VerticalScroll(id="report-box"):
            yield Static("", id="report", markup=False)
            yield Vertical(id="charts")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.monitoring: Monitoring | None = None
        self.action_period("this_month")

    def action_period(self, which: str) -> None:
        today = self.session.today()
        if which == "this_month":
            start, end = month_bounds(today)
        elif which == "last_month":
            start, end = month_bounds(today, 1)
        else:
            start, end = dt.date(today.year, 1, 1), today
        self.query_one("#kind", Select).value = "annual" if which == "year" else "monthly"
        self.query_one("#from", Input).value = start.isoformat()
        self.query_one("#to", Input).value = end.isoformat()
        self.show_report()

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        # Select posts Changed on mount and whenever a period key sets the kind: those
        # reports are already shown (and their view logged). Only a kind the supervisor
        # picked, different from the one on screen, is a new view.
        if self.monitoring is None or event.value != self.monitoring.current.kind:
            self.show_report()

    @on(Input.Submitted)
    def show_report(self) -> None:
        """Show the report for the dates and kind given: one view, one audit entry."""
        from ips_field.actions.office.documents import view_report
        from ips_field.documents.monitoring import monitoring_document

        problem = self.query_one("#problem", Static)
        try:
            start = dt.date.fromisoformat(self.query_one("#from", Input).value.strip())
            end = dt.date.fromisoformat(self.query_one("#to", Input).value.strip())
        except ValueError:
            problem.update("Dates look like 2026-11-01")
            return
        if start > end:
            problem.update("The period ends before it starts")
            return
        problem.update("")
        s = self.session
        kind = str(self.query_one("#kind", Select).value)
        mon = view_report(s.node, start, end, kind=kind, templates=s.templates)
        self.monitoring = mon
        now = mon.current
        then = mon.earlier
        heading = (
            f"{mon.title}\n{now.service}: {uk_date(start)} to {uk_date(end)}\n"
            f"Beside each figure: the same period a year earlier "
            f"({uk_date(then.start)} to {uk_date(then.end)}).\n\n"
        )
        comments = "\n".join(f"  {who}: {text}" for who, text in now.comments)
        self.query_one("#report", Static).update(
            heading
            + chart_text(now, mon.earlier)
            + "Comments from evaluations (anonymised)\n"
            + (comments or "  (none)")
        )
        box = self.query_one("#charts", Vertical)
        box.remove_children()
        charts = [b for b in monitoring_document(mon).blocks if isinstance(b, Chart)]
        plots = [PlotextPlot(classes="chart") for _ in charts]
        box.mount_all(plots)
        for plot, chart in zip(plots, charts, strict=True):
            draw(plot, chart)

    def action_export(self, fmt: str) -> None:
        mon = self.monitoring
        if mon is None:
            return
        start, end = mon.current.start, mon.current.end
        default = Path.home() / f"ips-report-{start}-{end}.{fmt}"

        def chosen(value: str | None) -> None:
            from ips_field.actions.office.documents import export_report

            if not value:
                return
            out = Path(value).expanduser()
            try:
                export_report(self.session.node, mon, fmt, out)
            except IpsError as err:
                self.notify(str(err), severity="error")
                return
            self.notify(f"Report written to {out} (figures only, no family names)")

        self.app.push_screen(
            AskDialog(f"Write the report as {FORMAT_NAMES[fmt]} to", value=str(default)), chosen
        )
