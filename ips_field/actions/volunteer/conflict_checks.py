"""Conflict-of-interest checks on the volunteer's cases.

Checks run when a case is created, when its school or family changes, and when an
interest is declared or ended. Every result is stored on the case (a ``ConflictCheck``
record) for the office. A block sets ``Case.blocked_reason``; a neighbourhood warning
needs a recorded reason before the volunteer continues."""

from __future__ import annotations

from dataclasses import dataclass

from ips_field.domain.conflicts import ConflictResult, check_conflicts
from ips_field.domain.records import Case, Child, ConflictCheck, Family, Interest
from ips_field.errors import ValidationError
from ips_field.store.repository import Repository

REASSIGN = "Ask the office to reassign this case."

WARN_PENDING = "Conflict warning not answered yet: give a reason to continue, or ask the office."


@dataclass(frozen=True)
class CheckOutcome:
    case_id: str
    result: ConflictResult
    check: ConflictCheck | None  # None while a warning waits for its reason


def family_people(repo: Repository, case_id: str) -> list[str]:
    people = [p.get("name", "") for f in repo.for_case(Family, case_id) for p in f.parents]
    people += [c.name for c in repo.for_case(Child, case_id)]
    return [p for p in people if p]


def assess_case(repo: Repository, case_id: str) -> ConflictResult:
    """What the declared interests say about this case (nothing stored)."""
    case = repo.get(Case, case_id)
    if case is None:
        raise ValidationError({"case_id": "That case no longer exists"})
    families = repo.for_case(Family, case_id)
    return check_conflicts(
        repo.all(Interest),
        school=case.school,
        people=family_people(repo, case_id),
        area=families[0].area if families else "",
    )


def run_conflict_check(
    repo: Repository, case_id: str, *, trigger: str, override_reason: str = ""
) -> CheckOutcome:
    """Check, store the result on the case, and block or unblock it."""
    result = assess_case(repo, case_id)
    case = repo.get(Case, case_id)
    assert case is not None
    now = repo.now().isoformat(timespec="seconds")
    check = ConflictCheck(
        case_id=case_id,
        volunteer_id=repo.node_id,
        checked_at=now,
        trigger=trigger,
        outcome=result.outcome,
        reasons=list(result.reasons),
        override_reason=override_reason,
    )
    if result.outcome == "warn" and not override_reason:
        if case.blocked_reason != WARN_PENDING:
            repo.save(case.replace(blocked_reason=WARN_PENDING))
        return CheckOutcome(case_id, result, None)
    blocked = _sentences(result.reasons) + " " + REASSIGN if result.outcome == "block" else ""
    with repo.transaction():
        check = repo.save(check)
        if case.blocked_reason != blocked:
            repo.save(case.replace(blocked_reason=blocked.strip()))
    return CheckOutcome(case_id, result, check)


def _sentences(reasons: list[str] | tuple[str, ...]) -> str:
    """Each reason a sentence of its own ("…the case's school or setting. Ask the office…")."""
    return " ".join(
        r if r.rstrip().endswith((".", "!", "?")) else r.rstrip() + "." for r in reasons
    )


def recheck_open_cases(repo: Repository, *, trigger: str) -> list[CheckOutcome]:
    """After an interest changes: check every open case again."""
    return [run_conflict_check(repo, c.id, trigger=trigger) for c in repo.open_cases()]


def checks_for(repo: Repository, case_id: str) -> list[ConflictCheck]:
    return sorted(repo.for_case(ConflictCheck, case_id), key=lambda c: c.checked_at)
