"""Sync conflicts waiting for a supervisor's decision, and the decision."""

from __future__ import annotations

from typing import Any

from ips_field.actions.office.evaluations import _case_of
from ips_field.errors import ValidationError
from sync import audit
from sync.merge import CONFLICTS, open_conflicts, resolve_conflict
from sync.node import SyncNode
from sync.routing import route


def conflicts_for_review(node: SyncNode) -> list[dict[str, Any]]:
    """Open sync conflicts, consent and safeguarding first, with the current value."""
    out = []
    for c in open_conflicts(node.repo):
        record = node.repo.record(c["kind"], c["record_id"])
        current = getattr(record, c["field"], None) if record is not None else None
        doc = node.repo.raw(c["kind"], c["record_id"]) or {}
        clock = (doc.get("clocks") or {}).get(c["field"])
        case_id = _case_of(node, c["kind"], c["record_id"])
        case = node.repo.raw("case", case_id) if case_id else None
        out.append(
            {
                **c,
                "current": current,
                "current_clock": clock,
                "case_id": case_id,
                "reference": (case or {}).get("reference", ""),
            }
        )
    return sorted(out, key=lambda c: (not c.get("needs_review"), c.get("kind"), c["id"]))


def decide_conflict(node: SyncNode, conflict_id: str, value: Any, *, label: str = "") -> None:
    """The supervisor's choice becomes a new edit, routed to the volunteer's next bundle."""
    conflict = node.repo.table(CONFLICTS).get_id(conflict_id)
    if conflict is None:
        raise ValidationError({"conflict": "That conflict is no longer open"})
    with node.store.transaction():
        resolve_conflict(node.repo, conflict_id, value)
        route(node)
        audit.append(
            node,
            "resolve_conflict",
            f"{conflict['kind']}.{conflict['field']} {label}".strip(),
            case_id=_case_of(node, conflict["kind"], conflict["record_id"]),
        )
