"""What the volunteer app and the office app share: the locks, the error guard, the palette.

The idle timer and the quick-lock key keep every draft, drop the data key (the store stays
open but locked) and cover the whole screen stack with the lock screen at once; nothing
reads the store until the passphrase is given again, and the app then decides where to
return (the volunteer app: exactly where the volunteer was). An unexpected error does the
same, says one line and writes a private crash file with ids only (``tui/guard.py``).

Both apps read the plain settings file (``tui/prefs.py``: theme, idle time, keymap) before
any passphrase, so the lock screen already uses the chosen theme, and both remember a theme
chosen from the palette in it.

The palette offers every key action of the current screen, plus theme, keys and quit;
Textual's SVG screenshot command is left out on purpose: it would write what is on
screen (families' names) to disk in plain text.
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
from ips_field.tui import prefs
from ips_field.tui.guard import Guarded, crash_folder, crash_report, write_crash_file
from ips_field.tui.no_locals import NoLocalsOnCrash
from ips_field.tui.theme import HIGH_CONTRAST

CRASH_LINE = (
    "Something went wrong, so the app locked itself. Nothing you typed is lost. "
    "A crash report with no family details was saved."
)


class LockableApp(Guarded, NoLocalsOnCrash, App[None]):
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
    contain_errors: bool = True  # tests of other things turn it off to see their errors
    crashed: bool = False  # an error locked the app: unlock goes back to the home screen
    crash_files: list[Any]
    lock_message: str = ""
    # True: the lock screen covers the screens, which come back on unlock (volunteer app).
    # False: the screens are closed first (the office app, which goes home on unlock).
    LOCK_KEEPS_SCREENS: bool = False
    # True: what is typed is kept as an encrypted draft in the store (volunteer app). The
    # office app asks before throwing typing away, but keeps no drafts in the master record.
    KEEPS_DRAFTS: bool = False

    prefs: prefs.Prefs | None = None

    def apply_settings(self, idle_minutes: float | None = None) -> None:
        """Read the settings file and apply it: theme, keymap and (unless the caller gave
        one) the idle time. Called by each app's ``__init__``, before anything is shown."""
        self.prefs = prefs.load()  # plain, not secret: used before the store is open
        self.idle_seconds = (idle_minutes or self.prefs.idle_minutes) * 60
        self.register_theme(HIGH_CONTRAST)
        if self.prefs.theme in self.available_themes:
            self.theme = self.prefs.theme
        if self.prefs.keymap:
            self.set_keymap(self.prefs.keymap)

    def watch_theme(self, theme: str) -> None:
        """Remember the chosen theme in the plain settings file, so that the lock and
        first-run screens use it too."""
        current = self.prefs
        if current is None or current.theme == theme:
            return
        current.theme = theme
        try:
            prefs.save(current)
        except OSError:
            self.notify("The theme could not be saved in the settings file", severity="warning")

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run for real: the toolkit's developer switches off first (``devflags``). A
        headless run (snapshot tests) keeps the test tools' own variables."""
        from ips_field.tui import devflags

        if not devflags.debug_enabled() and not kwargs.get("headless"):
            devflags.scrub()
            self.features = frozenset()
        return super().run(*args, **kwargs)

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

    async def _on_key(self, event: events.Key) -> None:
        """A printable key that reached the app unused was typed while a form was opening
        (it went to the screen behind, which was still in front): it goes into the form's
        box instead of being lost, and never fires the form's keys (``tui/drafts.py``)."""
        if not self.screen_stack:
            return  # closing down
        type_key = getattr(self.screen, "type_key", None)
        if type_key is not None and type_key(event):
            event.stop()
            event.prevent_default()

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

    def save_drafts(self) -> None:
        """Keep what is typed on every open screen (encrypted, in the store)."""
        for screen in self.screen_stack:
            save = getattr(screen, "save_draft_now", None)
            if save is None:
                continue
            try:
                save()
            except Exception:  # noqa: S112 - a failing draft must not stop the lock
                continue

    def unsaved_screens(self) -> list[Any]:
        return [s for s in self.screen_stack if getattr(s, "unsaved", lambda: False)()]

    def action_lock(self) -> None:
        """Keep drafts, drop the key and cover everything: only the passphrase brings it
        back. The screens stay where they are under the lock screen, untouched: none of
        them resumes (and so none reads the store) until the store is open again."""
        if self.session is None:
            return
        self.save_drafts()
        self.session.store.lock()
        self.session = None
        if not self.LOCK_KEEPS_SCREENS:
            while len(self.screen_stack) > 1:
                self.pop_screen()
        self._show_unlock()

    def unexpected_error(self, error: BaseException) -> None:
        """An error nothing handled: lock, one line, a crash file with ids only."""
        if self.crashed and self.session is None:
            return  # already locked by an earlier error
        try:
            report = crash_report(error, list(self.screen_stack), self.clock)
            self.crash_files = [*getattr(self, "crash_files", []), None]
            self.crash_files[-1] = write_crash_file(report, self.crash_folder(), self.clock)
        except Exception:  # noqa: S110 - no crash file is better than no lock
            pass
        self.crashed = True
        self.lock_message = CRASH_LINE
        if self.session is not None:
            self.action_lock()
        self.notify(CRASH_LINE, severity="error", timeout=15)

    def crash_folder(self) -> Any:
        return crash_folder()

    def _handle_exception(self, error: Exception) -> None:
        """Textual's last resort (a widget's own code failed): lock instead of exiting with
        a traceback. The widget that failed has stopped, so unlocking goes home."""
        if not self.contain_errors or self._exception is not None:
            super()._handle_exception(error)
            return
        try:
            self.unexpected_error(error)
        except Exception:  # the lock itself failed: exit, one line, no locals
            self._return_code = 1
            self.exit(message="ips-field stopped after an unexpected error; nothing was lost.")

    def ask_yes_no(
        self,
        question: str,
        answered: Any,
        *,
        yes: str = "Yes",
        no: str = "Cancel",
        focus: str = "no",
    ) -> None:
        """A yes/no question (the safe "no" focused unless ``focus="yes"``); for code below
        the widgets (``tui/drafts.py``) that must not import them."""
        from ips_field.tui.widgets.dialogs import ConfirmDialog

        self.push_screen(ConfirmDialog(question, yes=yes, no=no, focus=focus), answered)

    async def action_quit(self) -> None:
        """Quit, asking first when something typed is not saved (it is kept as a draft)."""
        if self.session is None or not self.unsaved_screens():
            self.exit()
            return
        self.save_drafts()
        from ips_field.tui.widgets.dialogs import ConfirmDialog

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        kept = (
            "It is kept as a draft and offered back next time. "
            if self.KEEPS_DRAFTS
            else "It will be lost. "
        )
        self.push_screen(
            ConfirmDialog(
                f"Some text you typed is not saved yet. {kept}Quit now?",
                yes="Quit",
                no="Stay",
            ),
            answered,
        )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            if not isinstance(active.node, Screen | App):
                continue  # a widget's own keys ("Cursor left", "Bottom") are not commands
            seen.add(binding.action)

            def run(action: str = binding.action, node: Any = active.node) -> Any:
                return self.run_action(action, node)

            yield SystemCommand(binding.description, f"Key: {binding.key}", run)
        yield SystemCommand("Theme", "Change the colour theme", self.action_change_theme)
        yield SystemCommand("Keys", "Show the keys for this screen", self.action_show_help_panel)
        yield SystemCommand("Quit", f"Quit {self.title}", self.action_quit)
