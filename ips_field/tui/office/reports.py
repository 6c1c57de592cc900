"""Evaluations (returned ones typed in, ones due) and the monthly and annual reports."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from ips_field.domain import due
from ips_field.domain.records import Case, Consent, Evaluation
from ips_field.services.reports import SCORES
from ips_field.tui.office.base import OfficeScreen
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


# The reports screen lives in its own module; these names stay importable from here.
from ips_field.tui.office.report_screen import (  # noqa: E402
    ReportsScreen,
    bar,
    chart_text,
    month_bounds,
)

__all__ = ["EvaluationsScreen", "ReportsScreen", "bar", "chart_text", "month_bounds"]
