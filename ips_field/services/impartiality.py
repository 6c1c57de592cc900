"""Impartiality safeguards over the repository: conflict checks, language flags, signposting,
evaluations, CPD totals and the consultation list. No Textual.

Conflict checks run when a case is created, when its school or family changes, and when an
interest is declared or ended. Every result is stored on the case (a ``ConflictCheck``
record) for the office. A block sets ``Case.blocked_reason``; a neighbourhood warning needs
a recorded reason before the volunteer continues.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ips_field.domain import notes as notes_rules
from ips_field.domain.conflicts import ConflictResult, check_conflicts
from ips_field.domain.language import LanguageRule, check_text, flags_as_dicts
from ips_field.domain.records import (
    Case,
    Child,
    ConflictCheck,
    Consent,
    CpdEntry,
    Evaluation,
    Family,
    Interest,
    Note,
    Signposting,
)
from ips_field.errors import ValidationError
from ips_field.store.repository import Repository

if TYPE_CHECKING:
    from ips_field.templates.schema import Source

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


# -- neutral language ----------------------------------------------------------------


def note_flags(
    text: str, rules: Iterable[LanguageRule], voice: str | None = None
) -> list[dict[str, str]]:
    """The flags to store on a note when it is written, checked in the note's own voice
    (stored at write and never recomputed: notes never change; see docs/templates.md)."""
    return flags_as_dicts(check_text(text, rules, voice))


def flagged_notes(repo: Repository, since: dt.date | None = None) -> list[Note]:
    """Current notes with neutral-language flags, for supervision."""
    superseded = notes_rules.superseded_ids(repo.all(Note))
    out = []
    for n in repo.all(Note):
        if (
            n.flags
            and n.id not in superseded
            and (since is None or n.written_at[:10] >= since.isoformat())
        ):
            out.append(n)
    return sorted(out, key=lambda n: n.written_at)


# -- signposting ---------------------------------------------------------------------


def record_signposting(
    repo: Repository, case_id: str, source: Source, on: dt.date, note: str = ""
) -> Signposting:
    return repo.save(
        Signposting(
            case_id=case_id,
            source_id=source.id,
            source_name=source.name,
            on=on.isoformat(),
            note=note,
        )
    )


def is_stale(source: Source, today: dt.date, stale_days: int) -> bool:
    return (today - source.last_reviewed).days > stale_days


# -- evaluations ---------------------------------------------------------------------


def may_contact_for_evaluation(repo: Repository, case_id: str, today: dt.date) -> bool:
    return repo.has_consent(case_id, "contact_evaluation", today)


def record_evaluation_sent(
    repo: Repository, case_id: str, *, stage: str, how: str, on: dt.date
) -> Evaluation:
    return repo.save(Evaluation(case_id=case_id, stage=stage, sent_on=on.isoformat(), sent_how=how))


# -- CPD -------------------------------------------------------------------------------


def cpd_totals(repo: Repository) -> dict[int, dict[str, float]]:
    """Hours per year, by topic (``"all"`` is the year's total)."""
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for entry in repo.all(CpdEntry):
        year = int(entry.on[:4])
        totals[year]["all"] += float(entry.hours)
        for topic in entry.topics or ["other"]:
            totals[year][topic] += float(entry.hours)
    return {y: dict(t) for y, t in totals.items()}


# -- consultation ----------------------------------------------------------------------


def consultation_list(repo: Repository, today: dt.date) -> list[tuple[str, str]]:
    """(case reference, parent names) for families with current 'willing to be consulted'."""
    out = []
    for consent in repo.all(Consent):
        if consent.purpose == "willing_consulted" and consent.current_on(today):
            case = repo.get(Case, consent.case_id)
            if case is None:
                continue
            names = ", ".join(family_people(repo, case.id)[:1]) or consent.given_by
            out.append((case.reference, names))
    return sorted(set(out))
