"""Assigning a case to a volunteer, through the conflict-of-interest check; audited."""

from __future__ import annotations

from ips_field.domain.records import Case
from sync import audit
from sync import office as off
from sync.node import SyncNode


def assign(
    node: SyncNode, case_id: str, volunteer_id: str, *, reason: str = "", why: str = ""
) -> Case:
    """Assign (``ValidationError`` when the check blocks it or a warning needs a reason).

    The audit entry names the case, the volunteer and ``why`` (e.g. "revocation") or the
    supervisor's reason for going ahead after a warning. A blocked assignment changes
    nothing but keeps its conflict check (made at the office, counted in the reports) and
    an audit entry, in one write of their own."""
    try:
        return _assign(node, case_id, volunteer_id, reason=reason, why=why)
    except off.AssignmentBlocked as blocked:
        with node.store.transaction():
            off.record_check(node, blocked.check)
            case = node.repo.get(Case, case_id)
            ref = case.reference if case else case_id
            name = off.volunteer_name(node, volunteer_id)
            audit.append(node, "assign", f"{ref} to {name} blocked", case_id=case_id)
        raise


def _assign(node: SyncNode, case_id: str, volunteer_id: str, *, reason: str, why: str) -> Case:
    with node.store.transaction():
        case = off.assign_case(node, case_id, volunteer_id, reason=reason)
        detail = f"{case.reference} to {off.volunteer_name(node, volunteer_id)}"
        said = [why] if why else []
        said += [f"reason: {reason}"] if reason else []
        if said:  # a warning's override reason is audited even when ``why`` is given
            detail += f" ({'; '.join(said)})"
        audit.append(node, "assign", detail, case_id=case_id)
    return case
