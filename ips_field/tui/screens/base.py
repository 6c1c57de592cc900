"""A screen that needs the open session (every screen after unlock)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from ips_field.errors import StoreLocked

if TYPE_CHECKING:
    from ips_field.tui.app import IpsApp
    from ips_field.tui.session import Session


class SessionScreen(Screen[None]):
    @property
    def ips(self) -> IpsApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> Session:
        session = self.ips.session
        if session is None:
            raise StoreLocked("the store is locked")
        return session
