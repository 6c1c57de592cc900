"""Assigning a case to a volunteer, through the conflict check."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ips_field.actions.office.assignment import assign
from ips_field.domain.shown import shown
from ips_field.errors import ValidationError


class AssignDialog(ModalScreen[bool]):
    """Assign or reassign a case, checked against the volunteer's declared interests."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        session = self.app.session  # type: ignore[attr-defined]
        roster = session.node.roster
        names = session.names()
        active = (
            [(names[v], v) for v, entry in roster.volunteers.items() if entry.active]
            if roster
            else []
        )
        with Vertical(classes="dialog"):
            yield Static("Assign this case to", classes="title")
            yield Select(sorted(active), prompt="Choose a volunteer", id="volunteer")
            yield Label("Reason (needed when the conflict check warns)")
            yield Input(id="reason")
            yield Static("", id="problem", classes="field-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Assign", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted, "#reason")
    def _assign(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        chosen = self.query_one("#volunteer", Select).value
        problem = self.query_one("#problem", Static)
        if chosen is Select.NULL:
            problem.update("Choose a volunteer")
            return
        reason = self.query_one("#reason", Input).value.strip()
        try:
            case = assign(session.node, self.case_id, str(chosen), reason=reason)
        except ValidationError as err:
            problem.update("; ".join(err.errors.values()))
            return
        detail = f"{case.reference} to {session.names().get(str(chosen), chosen)}"
        self.app.notify(
            shown(f"Assigned {detail}; it reaches them with the next export"), markup=False
        )
        self.dismiss(True)
