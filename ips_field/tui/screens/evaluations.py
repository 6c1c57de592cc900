"""Evaluations: record that one was sent (how), at close or midway, when consent allows."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from ips_field.actions.volunteer.evaluations import record_evaluation_sent

HOW = [
    ("By email", "email"),
    ("By post", "post"),
    ("By phone", "phone"),
    ("Online form link", "online"),
]


class EvaluationSentDialog(ModalScreen[bool]):
    """Every case ends with an evaluation that asks about impartiality: record it was sent."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Not now")]

    def __init__(self, case_id: str, stage: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.stage = stage

    def compose(self) -> ComposeResult:
        label = "closing" if self.stage == "closing" else "mid-way"
        with Vertical(classes="dialog"):
            yield Static(f"Send the {label} evaluation", classes="title")
            yield Static(
                "The parent agreed to be contacted for evaluation. The evaluation asks about "
                "the volunteer's impartiality. Record how it was sent:",
                classes="hint",
            )
            yield Select(HOW, value="email", allow_blank=False, id="how")
            with Horizontal(classes="buttons"):
                yield Button("Record as sent today", id="sent", variant="primary")
                yield Button("Not now", id="later")

    @on(Button.Pressed, "#sent")
    def _sent(self) -> None:
        app = self.app
        session = app.session  # type: ignore[attr-defined]
        record_evaluation_sent(
            session.repo,
            self.case_id,
            stage=self.stage,
            how=str(self.query_one("#how", Select).value),
            on=session.today(),
        )
        self.notify("Evaluation recorded as sent")
        self.dismiss(True)

    @on(Button.Pressed, "#later")
    def _later(self) -> None:
        self.dismiss(False)
