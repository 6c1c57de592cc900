"""Unexpected errors never reach the shell: they lock the app and leave a private crash file.

A Textual message pump that lets an exception escape stops for good (and the app with it,
printing a traceback with local variables: note text, even the passphrase). ``Guarded``
catches what escapes a handler of the app or of a screen and hands it to the app's
``unexpected_error``, which keeps drafts, locks, says one line and writes a crash file.

The crash file holds ids only: the exception's type, the code locations of the traceback
(file, line, function) and the screens open with the ids they were showing. Never the
exception's message, never a local variable: either could hold a family's name.
"""

from __future__ import annotations

import asyncio
import traceback
from pathlib import Path
from typing import Any

from ips_field import crash
from ips_field.domain.clock import Clock

ID_ATTRIBUTES = ("case_id", "meeting_id", "record_id")


class Guarded:
    """Mixin for an App or a Screen: an exception from a handler goes to the app."""

    async def _dispatch_message(self, message: Any) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the point: nothing escapes
            app: Any = self.app  # type: ignore[attr-defined]
            handler = getattr(app, "unexpected_error", None)
            if handler is None or not getattr(app, "contain_errors", True):
                raise
            handler(error)


def crash_folder() -> Path:
    """Where crash files go: the one folder both apps and both command lines use."""
    return crash.crash_folder()


def crash_report(error: BaseException, screens: list[Any], clock: Clock) -> str:
    """The text of a crash file: ids and code locations only."""
    lines = [
        f"ips-field crash report, {clock.utc().isoformat(timespec='seconds')}",
        f"error: {type(error).__module__}.{type(error).__qualname__}",
        "where (most recent call last):",
    ]
    for frame in traceback.extract_tb(error.__traceback__):
        lines.append(f"  {_short(frame.filename)}:{frame.lineno} in {frame.name}")
    lines.append("screens open (bottom first):")
    for screen in screens:
        ids = ", ".join(
            f"{name}={getattr(screen, name)}"
            for name in ID_ATTRIBUTES
            if isinstance(getattr(screen, name, None), str)
        )
        lines.append(f"  {type(screen).__name__}" + (f" ({ids})" if ids else ""))
    return "\n".join(lines) + "\n"


def write_crash_file(text: str, folder: Path, clock: Clock) -> Path | None:
    """A new owner-only crash file (the writer both command lines use too)."""
    return crash.write_crash_text(text, folder=folder, clock=clock)


def _short(filename: str) -> str:
    """A code path from the package folder down (no home folder or user name)."""
    parts = Path(filename).parts
    for anchor in ("ips_field", "sync", "textual", "tinydb", "rich"):
        if anchor in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(anchor) - 1 :])
    return Path(filename).name
