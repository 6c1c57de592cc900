"""The result of a conflict check: blocked (ask the office) or a warning needing a reason."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ips_field.domain.conflicts import ConflictResult
from ips_field.tui.drafts import DialogDraftsMixin


class ConflictDialog(DialogDraftsMixin, ModalScreen[str | None]):
    """Returns the recorded reason for a warning; ``None`` when blocked or cancelled. A
    reason being typed is kept as a draft, and Esc asks before throwing it away."""

    BINDINGS = [Binding("escape", "leave_form", "Close")]
    DRAFT_FIELDS = ("reason",)
    DRAFT_LABEL = "a conflict reason"

    def __init__(self, result: ConflictResult, case_id: str = "") -> None:
        super().__init__()
        self.result = result
        self.dialog_draft_key = case_id

    def compose(self) -> ComposeResult:
        blocked = self.result.outcome == "block"
        with Vertical(classes="dialog", id="conflict"):
            yield Static(
                "You cannot take this case" if blocked else "Possible conflict of interest",
                classes="title",
            )
            yield Static(
                "\n".join(f"• {r}" for r in self.result.reasons),
                markup=False,
                classes="warning-box",
            )
            if blocked:
                yield Static(
                    "The case is marked blocked. Ask the office to reassign it to another "
                    "volunteer; the check result is kept on the case for them.",
                    classes="hint",
                )
                with Horizontal(classes="buttons"):
                    yield Button("OK", id="ok", variant="primary")
            else:
                yield Label("To continue, record why it is right for you to support this family:")
                yield Input(select_on_focus=False, id="reason")
                yield Static("", id="problem", classes="field-error")
                with Horizontal(classes="buttons"):
                    yield Button("Continue with this reason", id="continue", variant="warning")
                    yield Button("Not now", id="cancel")

    @on(Button.Pressed, "#ok")
    @on(Button.Pressed, "#cancel")
    def _close(self) -> None:
        self.action_leave_form()

    @on(Button.Pressed, "#continue")
    @on(Input.Submitted, "#reason")
    def _continue(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#problem", Static).update("A reason is needed to continue.")
            return
        self.finish(reason)
