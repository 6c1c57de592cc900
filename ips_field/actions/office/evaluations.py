"""Evaluations at the office: a returned one recorded (its return date required), edited
or deleted with an audit entry, and the forms sent and not yet returned, to chase."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ips_field.domain.records import Case, Evaluation
from ips_field.errors import ValidationError
from sync import audit
from sync.node import SyncNode
from sync.routing import route


def _case_of(node: SyncNode, kind: str, record_id: str) -> str:
    doc = node.repo.raw(kind, record_id) or {}
    if kind == "case":
        return record_id
    return str(doc.get("case_id") or "")


def record_returned_evaluation(
    node: SyncNode,
    case_id: str,
    *,
    respondent: str,
    stage: str,
    returned_on: str | None,
    scores: dict[str, int],
    impartial: bool | None,
    comments: str = "",
) -> Evaluation:
    """A returned evaluation (parent or school professional), typed in at the office.

    The return date is required (an evaluation without one counts in no report) and may
    not be in the future."""
    case = node.repo.get(Case, case_id)
    if case is None:
        raise ValidationError({"case": "No such case"})
    _check_returned_on(node, returned_on)
    # The volunteer's "sent" record for this case and stage is completed when it exists,
    # so one evaluation is one record (sent on, returned on, answers).
    sent = [
        e
        for e in node.repo.for_case(Evaluation, case_id)
        if e.stage == stage and e.respondent == respondent and not e.returned_on
    ]
    answers: dict[str, Any] = {
        "returned_on": returned_on,
        "scores": scores,
        "impartial": impartial,
        "comments": comments,
    }
    with node.store.transaction():
        if sent:
            evaluation = node.repo.save(sent[0].replace(**answers))
        else:
            evaluation = node.repo.save(
                Evaluation(case_id=case_id, stage=stage, respondent=respondent, **answers)
            )
        route(node)
        audit.append(node, "evaluation", f"{case.reference} {stage} {respondent}", case_id=case_id)
    return evaluation


EDITABLE = ("stage", "respondent", "sent_on", "returned_on", "scores", "impartial", "comments")


def edit_evaluation(node: SyncNode, evaluation_id: str, **changes: Any) -> Evaluation:
    """Correct an evaluation at the office (audited by case reference and the fields changed,
    never their values). A returned one keeps a return date."""
    evaluation = node.repo.get(Evaluation, evaluation_id)
    if evaluation is None or evaluation.deleted:
        raise ValidationError({"evaluation": "No such evaluation"})
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({"evaluation": "Those fields cannot be changed here"})
    changed = sorted(k for k, v in changes.items() if getattr(evaluation, k) != v)
    if not changed:
        return evaluation
    new = evaluation.replace(**changes)
    answered = bool(new.scores) or new.impartial is not None or bool(new.comments.strip())
    if new.returned_on or answered or evaluation.returned_on:
        _check_returned_on(node, new.returned_on)
    case = node.repo.get(Case, evaluation.case_id)
    ref = case.reference if case else ""
    with node.store.transaction():
        saved = node.repo.save(new)
        route(node)
        audit.append(
            node,
            "evaluation_edit",
            f"{ref} {saved.stage} {saved.respondent}: " + ", ".join(changed),
            case_id=evaluation.case_id,
        )
    return saved


def delete_evaluation(node: SyncNode, evaluation_id: str) -> None:
    """Delete an evaluation (a tombstone that reaches the volunteer too); audited."""
    evaluation = node.repo.get(Evaluation, evaluation_id)
    if evaluation is None or evaluation.deleted:
        raise ValidationError({"evaluation": "No such evaluation"})
    case = node.repo.get(Case, evaluation.case_id)
    ref = case.reference if case else ""
    with node.store.transaction():
        node.repo.delete(Evaluation, evaluation_id)
        route(node)
        audit.append(
            node,
            "evaluation_delete",
            f"{ref} {evaluation.stage} {evaluation.respondent}",
            case_id=evaluation.case_id,
        )


def _check_returned_on(node: SyncNode, returned_on: str | None) -> None:
    if not returned_on:
        raise ValidationError({"returned_on": "Give the date it was returned"})
    try:
        day = dt.date.fromisoformat(returned_on)
    except (TypeError, ValueError):
        raise ValidationError({"returned_on": "Returned on must be a date (YYYY-MM-DD)"}) from None
    if day > node.repo.time.today():
        raise ValidationError({"returned_on": "Returned on cannot be in the future"})


@dataclass(frozen=True)
class Unreturned:
    """A form sent and not yet back: who to chase."""

    evaluation_id: str
    case_id: str
    reference: str
    respondent: str  # parent | professional
    stage: str
    sent_on: str
    days_ago: int
    holder: str  # volunteer id holding the case


def unreturned(node: SyncNode, today: dt.date) -> list[Unreturned]:
    """Evaluations sent and not returned, longest waiting first (the chasing list)."""
    cases = {c.id: c for c in node.repo.all(Case)}
    out = []
    for e in node.repo.all(Evaluation):
        if e.deleted or e.returned_on or not e.sent_on:
            continue
        try:
            sent = dt.date.fromisoformat(e.sent_on)
        except ValueError:
            continue
        case = cases.get(e.case_id)
        out.append(
            Unreturned(
                e.id,
                e.case_id,
                case.reference if case else "",
                e.respondent,
                e.stage,
                e.sent_on,
                (today - sent).days,
                case.assigned_to if case else "",
            )
        )
    return sorted(out, key=lambda u: (u.sent_on, u.reference))
