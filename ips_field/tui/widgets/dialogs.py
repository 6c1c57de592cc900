"""Small typed dialogs: confirm, ask for text. Every one binds escape; the text one keeps
what is typed as a draft and asks before Esc throws it away (``tui/drafts.py``)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ips_field.domain.shown import shown
from ips_field.tui.drafts import DialogDraftsMixin


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no, with the question shown as plain text. The safe answer ("no") has the
    focus unless ``focus="yes"``, so that Enter after a stray key changes nothing."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(
        self,
        question: str,
        *,
        yes: str = "Yes",
        no: str = "Cancel",
        warning: bool = False,
        focus: str = "no",
    ) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.warning = warning
        self.initial = "yes" if focus == "yes" else "no"

    def on_mount(self) -> None:
        self.query_one(f"#{self.initial}", Button).focus()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                shown(self.question, multiline=True),
                markup=False,
                classes="warning-box" if self.warning else "",
            )
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="warning" if self.warning else "primary")
                yield Button(self.no, id="no")

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)


class AskDialog(DialogDraftsMixin, ModalScreen[str | None]):
    """One line of text (a reason, an outcome); empty is refused with a message."""

    BINDINGS = [Binding("escape", "leave_form", "Cancel")]
    DRAFT_FIELDS = ("answer",)
    DRAFT_LABEL = "an answer"

    def __init__(
        self, question: str, *, placeholder: str = "", value: str = "", draft_key: str = ""
    ) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value
        self.dialog_draft_key = draft_key or question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(shown(self.question, multiline=True), markup=False)
            yield Input(
                select_on_focus=False, value=self.value, placeholder=self.placeholder, id="answer"
            )
            yield Label("", id="problem", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        text = self.query_one("#answer", Input).value.strip()
        if not text:
            self.query_one("#problem", Label).update("Please write something first.")
            return
        self.finish(text)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave_form()
