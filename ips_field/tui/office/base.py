"""Base for office screens that need the open master record."""

from __future__ import annotations

from typing import cast

from textual.screen import Screen

from ips_field.errors import StoreLocked
from ips_field.tui.office.session import OfficeHost, OfficeSession


class OfficeScreen(Screen[None]):
    @property
    def office(self) -> OfficeHost:
        return cast(OfficeHost, self.app)

    @property
    def session(self) -> OfficeSession:
        session = self.office.session
        if session is None:
            raise StoreLocked("the master record is locked")
        return session
