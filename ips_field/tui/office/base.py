"""Base for office screens that need the open master record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from ips_field.errors import StoreLocked

if TYPE_CHECKING:
    from ips_field.tui.office.app import OfficeApp, OfficeSession


class OfficeScreen(Screen[None]):
    @property
    def office(self) -> OfficeApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> OfficeSession:
        session = self.office.session
        if session is None:
            raise StoreLocked("the master record is locked")
        return session
