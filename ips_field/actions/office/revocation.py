"""Revoking a departed volunteer: later bundles refused, the laptop told to wipe."""

from __future__ import annotations

from dataclasses import dataclass

from ips_field.domain.records import Case
from sync import audit
from sync import office as off
from sync.node import SyncNode
from sync.roster import Roster


@dataclass(frozen=True)
class Revoked:
    roster: Roster
    name: str
    open_cases: list[str]  # case ids still assigned to them: each needs a decision


def revoke_volunteer(node: SyncNode, volunteer_id: str) -> Revoked:
    """Revoke and audit; returns the open cases they still hold."""
    name = off.volunteer_name(node, volunteer_id)
    with node.store.transaction():
        roster = off.revoke(node, volunteer_id)
        audit.append(node, "revoke", name)
    held = [
        c.id for c in node.repo.all(Case) if c.assigned_to == volunteer_id and c.status == "open"
    ]
    return Revoked(roster, name, held)
