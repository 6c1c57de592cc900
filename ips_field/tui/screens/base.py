"""A screen that needs the open session (every screen after unlock).

Every such screen is guarded (an exception in one of its handlers locks the app instead of
ending it, see ``tui/guard.py``) and may keep drafts of what is typed (``tui/drafts.py``).
"""

from __future__ import annotations

from typing import cast

from textual.screen import Screen

from ips_field.errors import StoreLocked
from ips_field.tui.drafts import DraftsMixin
from ips_field.tui.guard import Guarded
from ips_field.tui.protocols import VolunteerHost
from ips_field.tui.session import Session


class SessionScreen(Guarded, DraftsMixin, Screen[None]):
    @property
    def ips(self) -> VolunteerHost:
        return cast(VolunteerHost, self.app)

    @property
    def session(self) -> Session:
        session = self.ips.session
        if session is None:
            raise StoreLocked("the store is locked")
        return session

    def on_mount(self) -> None:
        # After the screen's own on_mount has filled its fields: the baseline at once, then
        # (after a refresh) offer back a kept draft.
        self.draft_baseline()
        self.call_after_refresh(self.draft_start)
