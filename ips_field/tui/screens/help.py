"""F1: the packaged help text plus the keys of the screen underneath."""

from __future__ import annotations

from importlib import resources

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static


def help_text(name: str = "help.md") -> str:
    return resources.files("ips_field.tui").joinpath(name).read_text(encoding="utf-8")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close help")]

    def __init__(self, text_file: str = "help.md") -> None:
        super().__init__()
        self.text_file = text_file

    def compose(self) -> ComposeResult:
        below = self.app.screen_stack[-1] if self.app.screen_stack else None
        keys = []
        if below is not None:
            for active in below.active_bindings.values():
                b = active.binding
                if b.description:
                    keys.append(f"| `{b.key}` | {b.description} |")
        table = "\n".join(["| key | action |", "| --- | --- |", *keys])
        with VerticalScroll(classes="dialog", id="help"):
            yield Markdown(help_text(self.text_file))
            yield Static("Keys on this screen", classes="title")
            yield Markdown(table)
