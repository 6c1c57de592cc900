"""Evaluations (returned ones typed in, ones due) and the monthly and annual reports."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from ips_field.domain import due
from ips_field.domain.records import Case, Consent, Evaluation
from ips_field.errors import IpsError
from ips_field.services.reports import SCORES, Report, build_report, to_csv, to_markdown
from ips_field.store.files import write_new_file
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.form_dialog import Field, FormDialog
from ips_field.tui.widgets.table import Table
from sync import oversight as ov

BAR_WIDTH = 40


class EvaluationsScreen(OfficeScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("a", "add", "Record a returned evaluation", id="add"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Evaluations", classes="title")
        yield Table(id="evaluations", cursor_type="row", zebra_stripes=True)
        yield Static("To send or chase", classes="hint")
        yield Table(id="due", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#evaluations", DataTable).add_columns(
            "Case", "Stage", "From", "Sent", "Returned", "Impartial", "Average score"
        )
        self.query_one("#due", DataTable).add_columns("When", "What", "Case", "Volunteer")
        self.refresh_list()

    def refresh_list(self) -> None:
        s = self.session
        cases = {c.id: c for c in s.repo.all(Case)}
        names = s.names()
        table = self.query_one("#evaluations", DataTable)
        table.clear()
        evaluations = s.repo.all(Evaluation)
        for e in sorted(evaluations, key=lambda e: e.returned_on or e.sent_on or "", reverse=True):
            scores = list(e.scores.values())
            table.add_row(
                cases[e.case_id].reference if e.case_id in cases else "",
                e.stage,
                e.respondent,
                e.sent_on or "",
                e.returned_on or "not yet",
                {True: "yes", False: "NO", None: ""}[e.impartial],
                f"{sum(scores) / len(scores):.1f}" if scores else "",
                key=e.id,
            )
        items = due.evaluations_due(
            cases.values(),
            s.repo.all(Consent),
            evaluations,
            s.today(),
            midway_evaluation_days=s.profile.midway_evaluation_days,
        )
        pending = self.query_one("#due", DataTable)
        pending.clear()
        for item in items:
            case = cases.get(item.case_id or "")
            pending.add_row(
                item.due_on.isoformat(),
                item.title,
                case.reference if case else "",
                names.get(case.assigned_to, "") if case else "",
            )

    def action_add(self) -> None:
        s = self.session
        cases = sorted((c.reference, c.id) for c in s.repo.all(Case))
        if not cases:
            self.notify("No cases yet")
            return
        score_choices = [("not answered", "")] + [(str(n), str(n)) for n in range(1, 6)]
        fields = [
            Field("case", "Case", kind="select", choices=cases),
            Field(
                "respondent",
                "From",
                kind="select",
                choices=[("Parent", "parent"), ("School professional", "professional")],
            ),
            Field(
                "stage",
                "Stage",
                kind="select",
                choices=[("At closing", "closing"), ("Midway", "midway")],
            ),
            Field("returned_on", "Returned on (YYYY-MM-DD)", value=s.today().isoformat()),
            *[
                Field(name, f"{label} (1 poor, 5 excellent)", kind="select", choices=score_choices)
                for name, label in SCORES.items()
            ],
            Field(
                "impartial",
                "Did the volunteer stay impartial?",
                kind="select",
                choices=[("not answered", ""), ("Yes", "yes"), ("No", "no")],
            ),
            Field("comments", "Comments"),
        ]

        def parse(v: dict[str, Any]) -> dict[str, Any]:
            return {
                "respondent": v["respondent"],
                "stage": v["stage"],
                "returned_on": v["returned_on"],
                "scores": {n: int(v[n]) for n in SCORES if v[n]},
                "impartial": {"yes": True, "no": False}.get(v["impartial"]),
                "comments": v["comments"],
            }

        def check(v: dict[str, Any]) -> None:
            Evaluation(case_id=v["case"], **parse(v)).validate()

        def done(v: dict[str, Any] | None) -> None:
            if not v:
                return
            ov.record_returned_evaluation(s.node, v["case"], **parse(v))
            self.notify("Evaluation recorded")
            self.refresh_list()

        self.app.push_screen(FormDialog("A returned evaluation", fields, check), done)


# -- reports -------------------------------------------------------------------------------


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


def chart_text(report: Report) -> str:
    lines: list[str] = []
    for section in report.sections:
        lines.append(section.title)
        numbers = [float(v) for _, v in section.rows if isinstance(v, int | float)]
        top = max(numbers, default=0)
        width = max((len(label) for label, _ in section.rows), default=0)
        for label, value in section.rows:
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            chart = bar(float(value), top) if isinstance(value, int | float) else ""
            lines.append(f"  {label.ljust(width)}  {shown:>7} {section.unit}  {chart}".rstrip())
        if not section.rows:
            lines.append("  (none)")
        lines.append("")
    return "\n".join(lines)


class ReportsScreen(OfficeScreen):
    AUTO_FOCUS = "#report-box"  # letter keys pick the period; Tab reaches the dates
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("m", "period('this_month')", "This month", id="this_month"),
        Binding("l", "period('last_month')", "Last month", id="last_month"),
        Binding("y", "period('year')", "Year to date", id="year"),
        Binding("ctrl+e", "export('md')", "Export Markdown", id="export_md", priority=True),
        Binding("ctrl+t", "export('csv')", "Export CSV", id="export_csv", priority=True),
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
        yield Footer()

    def on_mount(self) -> None:
        self.report: Report | None = None
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

    @on(Input.Submitted)
    @on(Select.Changed, "#kind")
    def show_report(self) -> None:
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
        roster = s.node.roster
        self.report = build_report(
            s.repo,
            start,
            end,
            names=s.names(),
            kind=kind,
            supervision_interval_days=s.profile.supervision_interval_days,
            meeting_types={k: t.name for k, t in s.templates.meeting_types.items()},
            serving={v: (e.enrolled_on, e.revoked_on) for v, e in roster.volunteers.items()}
            if roster
            else None,
        )
        text = f"{self.report.title}\n{start:%d %B %Y} to {end:%d %B %Y}\n\n" + chart_text(
            self.report
        )
        self.query_one("#report", Static).update(text)
        s.audit("report", f"{start}..{end} shown")

    def action_export(self, fmt: str) -> None:
        report = self.report
        if report is None:
            return
        default = Path.home() / f"ips-report-{report.start}-{report.end}.{fmt}"

        def chosen(value: str | None) -> None:
            if not value:
                return
            out = Path(value).expanduser()
            text = to_markdown(report) if fmt == "md" else to_csv(report)
            try:
                write_new_file(out, text)
            except IpsError as err:
                self.notify(str(err), severity="error")
                return
            self.session.audit("report", f"{report.start}..{report.end} {fmt} exported")
            self.notify(f"Report written to {out} (figures only, no family names)")

        self.app.push_screen(
            AskDialog(f"Write the report as {fmt.upper()} to", value=str(default)), chosen
        )


__all__ = ["EvaluationsScreen", "ReportsScreen"]
