"""The open master record (``OfficeSession``), and what office screens need from their app.

Kept apart from ``office/app.py`` so the office screens can type against it without
importing the app, which imports them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from ips_field.templates import Templates
from ips_field.templates.schema import ServiceProfile
from sync import audit
from sync.node import SyncNode, volunteer_name


@dataclass
class OfficeSession:
    """The open master record. Exists only while unlocked."""

    node: SyncNode
    templates: Templates

    def today(self) -> dt.date:
        """The service's local date, from the master record's clock."""
        return self.node.repo.time.today()

    @property
    def store(self) -> Any:
        return self.node.store

    @property
    def repo(self) -> Any:
        return self.node.repo

    @property
    def profile(self) -> ServiceProfile:
        return self.templates.profile(self.node.state.get("profile", "generic"))

    def names(self) -> dict[str, str]:
        roster = self.node.roster
        ids = list(roster.volunteers) if roster else []
        pairs = sorted(((volunteer_name(self.node, vid), vid) for vid in ids), key=lambda p: p)
        return {vid: name for name, vid in pairs}  # in order of name

    def audit(self, action: str, detail: str, *, case_id: str = "") -> None:
        audit.append(self.node, action, detail, case_id=case_id)


class OfficeHost(Protocol):
    """What the office screens use of the office app."""

    session: OfficeSession | None
    templates: Templates
