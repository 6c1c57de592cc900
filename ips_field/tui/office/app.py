"""The office app: unlock, then the supervisor's home with inbox, volunteers, cases,
conflicts, oversight, evaluations, reports and data protection.

It shares the volunteer app's conventions (DESIGN.md §7, STYLE.md): the lock screen, the
idle auto-lock and the quick-lock key drop the key and every screen that shows a family;
footer keys, a command palette of every action, F1 help, a high-contrast theme, ctrl+q.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ips_field.actions.office import office_node
from ips_field.domain.clock import Clock, default_clock
from ips_field.domain.shown import shown
from ips_field.errors import IpsError
from ips_field.templates import Templates, load_templates
from ips_field.tui.lockable import LockableApp
from ips_field.tui.office.session import OfficeHost, OfficeSession
from sync.node import SyncNode

if TYPE_CHECKING:
    from ips_field.tui.protocols import UnlockHost

__all__ = ["OfficeApp", "OfficeSession", "run_office"]


class OfficeApp(LockableApp):
    """ips-office for supervisors."""

    CSS_PATH = ["../app.tcss", "office.tcss"]
    TITLE = "ips-office"
    SUB_TITLE = "IPS office"

    def __init__(
        self,
        *,
        node: SyncNode | None = None,
        store_path: Path | None = None,
        clock: Clock | None = None,
        idle_minutes: float | None = None,
        unlock_hint: str = "",
        templates: Templates | None = None,
    ) -> None:
        super().__init__()
        self.templates = templates or load_templates()[0]
        self.clock = clock or (node.repo.time if node else default_clock())
        self.store_path = store_path
        self.unlock_hint = unlock_hint
        self.apply_settings(idle_minutes)
        self.session = OfficeSession(node, self.templates) if node else None
        self.locked_store: Any = node.store if node else None

    def on_mount(self) -> None:
        self.start_idle_timer()
        if self.session is not None:
            self._show_home()
        else:
            self._show_unlock()

    def _show_home(self) -> None:
        from ips_field.tui.office.home import HomeScreen

        self.push_screen(HomeScreen())

    def _show_unlock(self) -> None:
        from ips_field.tui.screens.unlock import UnlockScreen

        self.push_screen(UnlockScreen())

    def unlocked(self, store: Any) -> None:
        """Called by the unlock screen once the store is open."""
        self.locked_store = store
        try:
            node = office_node(store, clock=self.clock)
        except IpsError as err:
            store.close()
            self.locked_store = None
            self.notify(shown(f"Not opened: {err}."), severity="error", timeout=10, markup=False)
            self.pop_screen()
            self._show_unlock()
            return
        self.session = OfficeSession(node, self.templates)
        self.touch()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._show_home()

    def action_help(self) -> None:
        from ips_field.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen("office_help.md"))


if TYPE_CHECKING:

    def _provides_what_screens_need(app: OfficeApp) -> tuple[OfficeHost, UnlockHost]:
        """For mypy only: the office screens and the lock screen get what they use."""
        return app, app


def run_office(store_path: Path, unlock_hint: str = "") -> None:
    """Entry point used by ``ips-office`` and ``ips-office demo``."""
    OfficeApp(store_path=Path(store_path), unlock_hint=unlock_hint).run()
