"""F1: the packaged help text plus the keys of the screen underneath.

The keys are the screen's own and the app's (never a widget's cursor keys), each action
once with all its keys ("F7 or ctrl+r"), in the order the screen uses them: a screen may
set ``HELP_ORDER`` (action names, e.g. the order of a meeting); otherwise the order of
its bindings, then the app's (lock, help, quit)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static


def help_text(name: str = "help.md") -> str:
    return resources.files("ips_field.tui").joinpath(name).read_text(encoding="utf-8")


_KEY_WORDS = {"escape": "Esc", "slash": "/", "enter": "Enter", "space": "Space", "tab": "Tab"}


GENERAL = frozenset({"focus_next", "focus_previous", "copy_text", "command_palette"})


def key_words(key: str) -> str:
    """``f7,ctrl+r`` → ``F7 or ctrl+r``."""
    parts = []
    for k in key.split(","):
        k = k.strip()
        if k.startswith("f") and k[1:].isdigit():
            parts.append(k.upper())
        else:
            parts.append(_KEY_WORDS.get(k, k))
    return " or ".join(parts)


def key_rows(screen: Any) -> list[tuple[str, str]]:
    """(keys, what they do) for ``screen``: each action once, in the screen's order."""
    found: dict[str, tuple[list[str], str, bool]] = {}  # action -> keys, words, is app
    for active in screen.active_bindings.values():
        b = active.binding
        if not isinstance(active.node, Screen | App):
            continue  # a widget's own keys (cursor movement) are not the screen's
        keys, words, is_app = found.get(b.action, ([], "", isinstance(active.node, App)))
        if key_words(b.key) not in keys:
            keys.append(key_words(b.key))
        found[b.action] = (keys, words or b.description, is_app)
    order = list(getattr(screen, "HELP_ORDER", ()))
    entries = [(a, k, w, app) for a, (k, w, app) in found.items() if w]

    def rank(entry: tuple[str, list[str], str, bool]) -> tuple[int, int]:
        action = entry[0]
        if action in order:
            return (0, order.index(action))
        if action.split(".")[-1] in GENERAL:
            return (3, 0)  # Tab, copy, palette: the same everywhere, so last
        return (2 if entry[3] else 1, 0)

    return [(" or ".join(k), w) for _a, k, w, _app in sorted(entries, key=rank)]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close help")]

    def __init__(self, text_file: str = "help.md") -> None:
        super().__init__()
        self.text_file = text_file

    def compose(self) -> ComposeResult:
        # The screen in front of which help opened (the stack already holds help itself).
        others = [s for s in self.app.screen_stack if s is not self]
        below = others[-1] if others else None
        keys = [f"| `{k}` | {w} |" for k, w in key_rows(below)] if below is not None else []
        table = "\n".join(["| key | action |", "| --- | --- |", *keys])
        with VerticalScroll(classes="dialog", id="help"):
            # The keys of the screen in front first: what a volunteer presses F1 to find.
            yield Static("Keys on this screen (Esc closes help)", classes="title")
            yield Markdown(table, id="help-keys")
            yield Markdown(help_text(self.text_file), id="help-text")
