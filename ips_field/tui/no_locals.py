"""An app that crashes shows one line, never a traceback with local variables.

Textual's default crash screen is a Rich traceback with ``show_locals=True``: decrypted
note text, names and keys held in locals would be printed to the terminal (and to any
file stderr goes to). :class:`NoLocalsOnCrash` replaces it with the one line of
:func:`ips_field.crash.report_crash` (the operation, the exception type, and where the
private crash file with ids only was written).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

__all__ = ["NoLocalsOnCrash"]


class NoLocalsOnCrash:
    """Mix in before ``textual.app.App``."""

    def _fatal_error(self) -> None:
        from ips_field.crash import report_crash

        err = getattr(self, "_exception", None)
        line = report_crash("the app", err) if err is not None else "the app failed unexpectedly"
        self.bell()  # type: ignore[attr-defined]
        self._exit_renderables.append(Text(line))  # type: ignore[attr-defined]
        self._close_messages_no_wait()  # type: ignore[attr-defined]

    def panic(self, *renderables: Any) -> None:  # an exception with __rich__ comes here
        self._fatal_error()
