"""Assigning a case to a volunteer, through the conflict-of-interest check; audited."""

from __future__ import annotations

from ips_field.domain.conflicts import ConflictResult, check_conflicts
from ips_field.domain.records import Case, ConflictCheck, Family, Interest
from ips_field.errors import ValidationError
from ips_field.store.repository import OUTBOX
from sync import audit
from sync.node import SyncNode, volunteer_name
from sync.routing import route


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
    except AssignmentBlocked as blocked:
        with node.store.transaction():
            record_check(node, blocked.check)
            case = node.repo.get(Case, case_id)
            ref = case.reference if case else case_id
            name = volunteer_name(node, volunteer_id)
            audit.append(node, "assign", f"{ref} to {name} blocked", case_id=case_id)
        raise


def _assign(node: SyncNode, case_id: str, volunteer_id: str, *, reason: str, why: str) -> Case:
    with node.store.transaction():
        case = assign_case(node, case_id, volunteer_id, reason=reason)
        detail = f"{case.reference} to {volunteer_name(node, volunteer_id)}"
        said = [why] if why else []
        said += [f"reason: {reason}"] if reason else []
        if said:  # a warning's override reason is audited even when ``why`` is given
            detail += f" ({'; '.join(said)})"
        audit.append(node, "assign", detail, case_id=case_id)
    return case


def volunteer_interests(node: SyncNode, volunteer_id: str) -> list[Interest]:
    return [i for i in node.repo.all(Interest) if i.origin == volunteer_id]


OFFICE_CHECK = "assignment at the office"  # ConflictCheck.trigger of the office's own checks


_WARN_TAIL = ": continue only with a recorded reason"


def _reasons(result: ConflictResult) -> str:
    """The check's reasons for the office's messages, without the volunteer-facing tail
    "continue only with a recorded reason": after a block it read as if a reason could
    override it, and after a warning it doubled "(give a reason)"."""
    return "; ".join(r.removesuffix(_WARN_TAIL) for r in result.reasons)


def blocked_message(result: ConflictResult) -> str:
    """One line for a blocked assignment: why, and that a reason does not lift it."""
    return (
        f"Blocked: {_reasons(result)}. Choose another volunteer (a reason cannot override a block)"
    )


def warned_message(result: ConflictResult) -> str:
    """One line for a warning: why, and that going ahead needs a recorded reason."""
    return f"Warning: {_reasons(result)} (give a reason)"


class AssignmentBlocked(ValidationError):
    """The conflict check blocked an assignment; ``check`` is the check to keep (unsaved)."""

    def __init__(self, errors: dict[str, str], check: ConflictCheck) -> None:
        super().__init__(errors)
        self.check = check


def record_check(node: SyncNode, check: ConflictCheck) -> ConflictCheck:
    """Keep a check made at the office on the case (its origin is the office), so that the
    reports count it beside the checks made on laptops."""
    return node.repo.save(check)


def assign_case(node: SyncNode, case_id: str, volunteer_id: str, *, reason: str = "") -> Case:
    """Assign (or reassign) after checking the volunteer's declared interests.

    The check is kept as a ``ConflictCheck`` made at the office, in the same write as the
    assignment; a block raises :class:`AssignmentBlocked` carrying the check (the caller
    keeps it in a write of its own, since the refusal rolls back this one)."""
    case = node.repo.get(Case, case_id)
    if case is None:
        raise ValidationError({"case": "No such case"})
    roster = node.roster
    if (
        roster is None
        or volunteer_id not in roster.volunteers
        or not roster.volunteers[volunteer_id].active
    ):
        raise ValidationError({"volunteer": "That volunteer is not active on the roster"})
    families = node.repo.for_case(Family, case_id)
    people = [p.get("name", "") for f in families for p in f.parents]
    result = check_conflicts(
        volunteer_interests(node, volunteer_id),
        school=case.school,
        people=people,
        area=families[0].area if families else "",
    )
    check = ConflictCheck(
        case_id=case_id,
        volunteer_id=volunteer_id,
        checked_at=node.repo.now().isoformat(timespec="seconds"),
        trigger=OFFICE_CHECK,
        outcome=result.outcome,
        reasons=list(result.reasons),
        override_reason=reason if result.outcome == "warn" else "",
    )
    if result.outcome == "block":
        raise AssignmentBlocked({"volunteer": blocked_message(result)}, check)
    if result.outcome == "warn" and not reason:
        raise ValidationError({"reason": warned_message(result)})
    previous = case.assigned_to
    with node.store.transaction():
        record_check(node, check)
        case = node.repo.save(case.replace(assigned_to=volunteer_id, blocked_reason=""))
        last = node.repo.outbox()[-1]
        node.repo.table(OUTBOX).put({**last, "previous_assignee": previous})
        route(node)
    return case
