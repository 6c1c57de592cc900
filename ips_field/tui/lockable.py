"""What the volunteer app and the office app share: the locks and the command palette.

The idle timer and the quick-lock key drop the data key (the store stays open but locked)
and every screen that may show a family, at once. The palette offers every key action of
the current screen, plus theme, keys and quit; Textual's SVG screenshot command is left
out on purpose: it would write what is on screen (families' names) to disk in plain text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ips_field.domain.clock import Clock
from ips_field.tui.no_locals import NoLocalsOnCrash


class LockableApp(NoLocalsOnCrash, App[None]):
    """Subclasses hold ``session`` (None while locked) with a ``store``, set
    ``idle_seconds``, and implement ``_show_unlock``."""

    BINDINGS = [
        Binding("ctrl+l", "lock", "Lock", id="lock", priority=True),
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]
    session: Any = None
    idle_seconds: float = 300.0
    _last_activity: float = 0.0
    clock: Clock  # set by each app's __init__

    def today(self) -> dt.date:
        """The service's local date, from the app's clock."""
        return self.clock.today()

    def touch(self) -> None:
        """Count now as activity (wall-clock time, so a suspended laptop wakes locked)."""
        self._last_activity = self.clock.monotonic()

    def start_idle_timer(self) -> None:
        self.touch()
        self.set_interval(1.0, self._check_idle)

    def _show_unlock(self) -> None:
        raise NotImplementedError

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown):
            self.touch()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if (
            self.session is not None
            and self.clock.monotonic() - self._last_activity > self.idle_seconds
        ):
            self.action_lock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lock":
            return self.session is not None
        return True

    def action_lock(self) -> None:
        """Drop the key and hide everything: only the passphrase brings it back."""
        if self.session is None:
            return
        self.session.store.lock()
        self.session = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._show_unlock()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)

            def run(action: str = binding.action, node: Any = active.node) -> Any:
                return self.run_action(action, node)

            yield SystemCommand(binding.description, f"Key: {binding.key}", run)
        yield SystemCommand("Theme", "Change the colour theme", self.action_change_theme)
        yield SystemCommand("Keys", "Show the keys for this screen", self.action_show_help_panel)
        yield SystemCommand("Quit", f"Quit {self.title}", self.action_quit)
