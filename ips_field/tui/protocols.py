"""What the volunteer screens need from the app that shows them, as protocols.

The screens type ``self.app`` against these instead of importing the app classes, so the
app can import its screens and the screens never import the app (no import cycle). The
apps check, for mypy only, that they provide all of it (``tui/app.py``, ``tui/office/app.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ips_field.templates import Templates
from ips_field.tui.session import Session


class UnlockHost(Protocol):
    """What the lock screen needs: either app (volunteer or office)."""

    lock_message: str
    unlock_hint: str
    store_path: Path | None
    locked_store: Any

    def unlocked(self, store: Any) -> None:
        """Called (on the app's thread) once the store is open."""

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Textual's ``App.call_from_thread``."""


class VolunteerHost(UnlockHost, Protocol):
    """What the volunteer app's screens need: the session, the templates, the hooks."""

    session: Session | None
    templates: Templates
    template_errors: list[str]
    kdf: Any

    def today(self) -> dt.date:
        """The service's local date."""

    def after_case_saved(self, case_id: str, *, created: bool, recheck: bool = True) -> None:
        """Open a new case and run the conflict check."""

    def show_conflict(self, case_id: str, result: Any, trigger: str) -> None:
        """Show a conflict check's result and ask for a reason to go on."""

    def after_case_closed(self, case_id: str) -> None:
        """Prompt for the evaluation once a case is closed."""

    def search_notes(self) -> None:
        """Open the search across the volunteer's own notes."""
