"""Evaluations (returned ones typed in, ones due) and the monthly and annual reports."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.actions import office as ov
from ips_field.actions.office.report_figures import SCORES
from ips_field.domain import due
from ips_field.domain.records import Case, Consent, Evaluation
from ips_field.domain.shown import shown
from ips_field.domain.ukdates import show_date
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.dialogs import ConfirmDialog
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.form_dialog import Field, FormDialog
from ips_field.tui.widgets.table import Table

BAR_WIDTH = 40


RESPONDENTS = {"parent": "Parents' forms", "professional": "School professionals' forms"}


def _lower_first(label: str) -> str:
    """ "Knowledge of SEN" -> "knowledge of SEN" (``lower()`` made it "knowledge of sen")."""
    return label[:1].lower() + label[1:]


class EvaluationsScreen(OfficeScreen):
    """Returned evaluations, parents' and school professionals' forms apart (f switches),
    with their comments; the forms sent and not yet back, to chase; what is due to send."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("a", "add", "Returned form", id="add"),
        Binding("f", "switch", "Parents/professionals", id="switch"),
        Binding("ctrl+e", "edit", "Edit", id="edit"),
        Binding("delete", "delete", "Delete", id="delete"),
    ]

    respondent = "parent"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="eval-title", classes="title", markup=False)
        yield Table(id="evaluations", cursor_type="row", zebra_stripes=True)
        yield Static("", id="eval-detail", classes="hint", markup=False)
        yield Static("Sent, not returned: to chase", classes="hint")
        yield Table(id="chase", cursor_type="row")
        yield Static("To send", classes="hint")
        yield Table(id="due", cursor_type="row")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#evaluations", DataTable).add_columns(
            "Case", "Stage", "Sent", "Returned", "Impartial", "Average", "Comments"
        )
        self.query_one("#chase", DataTable).add_columns(
            "Sent", "How long ago", "From", "Case", "Volunteer"
        )
        self.query_one("#due", DataTable).add_columns("When", "What", "Case", "Volunteer")
        self.refresh_list()

    def refresh_list(self) -> None:
        s = self.session
        cases = {c.id: c for c in s.repo.all(Case)}
        names = s.names()
        evaluations = s.repo.all(Evaluation)
        mine = [e for e in evaluations if e.respondent == self.respondent and e.returned_on]
        self.shown_evaluations = {e.id: e for e in mine}
        sums: dict[str, list[int]] = {}
        for e in mine:
            for k, v in e.scores.items():
                sums.setdefault(k, []).append(v)
        averages = ", ".join(
            f"{_lower_first(SCORES[k])} {sum(sums[k]) / len(sums[k]):.1f}"
            for k in SCORES
            if k in sums
        )
        other = "professionals" if self.respondent == "parent" else "parents"
        self.query_one("#eval-title", Static).update(
            f"Evaluations: {RESPONDENTS[self.respondent]} returned ({len(mine)}; f for {other})"
            + (f". Averages: {averages}" if averages else "")
        )
        table = self.query_one("#evaluations", DataTable)
        table.clear()
        for e in sorted(mine, key=lambda e: e.returned_on or "", reverse=True):
            scores = list(e.scores.values())
            table.add_row(
                cases[e.case_id].reference if e.case_id in cases else "",
                e.stage,
                show_date(e.sent_on),
                show_date(e.returned_on),
                {True: "yes", False: "NO", None: ""}[e.impartial],
                f"{sum(scores) / len(scores):.1f}" if scores else "",
                shown(short(" ".join(e.comments.split()), 40)),
                key=e.id,
            )
        self._detail(
            next(iter(sorted(mine, key=lambda e: e.returned_on or "", reverse=True)), None)
        )
        today = s.today()
        chase = self.query_one("#chase", DataTable)
        chase.clear()
        for u in ov.unreturned(s.node, today):
            chase.add_row(
                show_date(u.sent_on),
                f"{u.days_ago} days",
                "parent" if u.respondent == "parent" else "school professional",
                u.reference,
                shown(names.get(u.holder, "")),
                key=u.evaluation_id,
            )
        items = due.evaluations_due(
            cases.values(),
            s.repo.all(Consent),
            evaluations,
            today,
            midway_evaluation_days=s.profile.midway_evaluation_days,
        )
        pending = self.query_one("#due", DataTable)
        pending.clear()
        for item in sorted(items, key=lambda i: i.due_on):  # oldest first, as in the chase list
            case = cases.get(item.case_id or "")
            pending.add_row(
                show_date(item.due_on.isoformat()),
                item.title,
                case.reference if case else "",
                shown(names.get(case.assigned_to, "")) if case else "",
            )

    @on(DataTable.RowHighlighted, "#evaluations")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(self.shown_evaluations.get(str(event.row_key.value)))

    def _detail(self, e: Evaluation | None) -> None:
        text = ""
        if e is not None:
            scores = ", ".join(f"{SCORES.get(k, k)} {v}" for k, v in e.scores.items())
            text = f"Scores: {scores or 'none'}. Comments: {e.comments or '(none)'}"
        self.query_one("#eval-detail", Static).update(shown(text, multiline=True))

    def _selected(self) -> Evaluation | None:
        table = self.query_one("#evaluations", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.shown_evaluations.get(str(key))

    def action_switch(self) -> None:
        self.respondent = "professional" if self.respondent == "parent" else "parent"
        self.refresh_list()

    def _fields(self, e: Evaluation | None) -> list[Field]:
        s = self.session
        score_choices = [("not answered", "")] + [(str(n), str(n)) for n in range(1, 6)]
        impartial = {True: "yes", False: "no", None: ""}[e.impartial] if e else ""
        fields = [
            Field(
                "respondent",
                "From",
                kind="select",
                choices=[("Parent", "parent"), ("School professional", "professional")],
                value=e.respondent if e else self.respondent,
            ),
            Field(
                "stage",
                "Stage",
                kind="select",
                choices=[("At closing", "closing"), ("Midway", "midway")],
                value=e.stage if e else "closing",
            ),
            Field(
                "returned_on",
                "Returned on (YYYY-MM-DD)",
                value=(e.returned_on if e else None) or s.today().isoformat(),
            ),
            *[
                Field(
                    name,
                    f"{label} (1 poor, 5 excellent)",
                    kind="select",
                    choices=score_choices,
                    value=str(e.scores.get(name, "")) if e else "",
                )
                for name, label in SCORES.items()
            ],
            Field(
                "impartial",
                "Did the volunteer stay impartial?",
                kind="select",
                choices=[("not answered", ""), ("Yes", "yes"), ("No", "no")],
                value=impartial,
            ),
            Field("comments", "Comments", value=e.comments if e else ""),
        ]
        return fields

    def action_add(self) -> None:
        s = self.session
        cases = sorted((c.reference, c.id) for c in s.repo.all(Case))
        if not cases:
            self.notify("No cases yet")
            return
        fields = [Field("case", "Case", kind="select", choices=cases), *self._fields(None)]

        def check(v: dict[str, Any]) -> None:
            Evaluation(case_id=v["case"], **parse(v)).validate()
            ov.record_returned_evaluation(s.node, v["case"], **parse(v))

        def done(v: dict[str, Any] | None) -> None:
            if v:
                self.notify("Evaluation recorded")
                self.refresh_list()

        # Start on the case: the form is taller than 24 lines, and starting on the comments
        # (the first empty box) scrolled the case choice, defaulting to the first case, out
        # of sight, so a form could be recorded against the wrong case.
        self.app.push_screen(FormDialog("A returned evaluation", fields, check, focus="case"), done)

    def action_edit(self) -> None:
        e = self._selected()
        if e is None:
            self.notify("Highlight a returned evaluation first")
            return
        s = self.session

        def check(v: dict[str, Any]) -> None:
            Evaluation(case_id=e.case_id, **parse(v)).validate()
            ov.edit_evaluation(s.node, e.id, **parse(v))

        def done(v: dict[str, Any] | None) -> None:
            if v:
                self.notify("Evaluation corrected")
                self.refresh_list()

        self.app.push_screen(FormDialog("Correct this evaluation", self._fields(e), check), done)

    def action_delete(self) -> None:
        e = self._selected()
        if e is None:
            self.notify("Highlight a returned evaluation first")
            return
        s = self.session

        def confirmed(yes: bool | None) -> None:
            if yes:
                ov.delete_evaluation(s.node, e.id)
                self.notify("Evaluation deleted")
                self.refresh_list()

        self.app.push_screen(
            ConfirmDialog(
                "Delete this evaluation? The audit log keeps a note of it.",
                yes="Delete",
                warning=True,
            ),
            confirmed,
        )


def parse(v: dict[str, Any]) -> dict[str, Any]:
    """An evaluation form's values as the action takes them."""
    return {
        "respondent": v["respondent"],
        "stage": v["stage"],
        "returned_on": v["returned_on"] or None,
        "scores": {n: int(v[n]) for n in SCORES if v[n]},
        "impartial": {"yes": True, "no": False}.get(v["impartial"]),
        "comments": v["comments"],
    }


def short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


# The reports screen lives in its own module; these names stay importable from here.
