"""What a supervisor reads and does at the office, beside import and export.

Read-only views (bundle preview, oversight per volunteer, retention schedule) and the
audited actions around them (subject access export, erasure, conflict decisions, returned
evaluations). Every action that shows or moves a family's data writes an audit entry
(:mod:`sync.audit`). No Textual here: the office app and the command line both call this.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ips_field.domain import due
from ips_field.domain.records import (
    KINDS,
    Case,
    CpdEntry,
    Evaluation,
    SupervisionEntry,
)
from ips_field.domain.words import count
from ips_field.errors import SyncError, ValidationError
from sync import audit, reviews
from sync.bundle import AddressedElsewhere, open_bundle_file
from sync.inbox import candidates
from sync.merge import CONFLICTS, open_conflicts, resolve_conflict
from sync.node import SyncNode
from sync.office import volunteer_name
from sync.routing import route
from sync.safefile import read_regular

DEFAULT_RETENTION_DAYS = 6 * 365  # six years after closure, until the office sets its own

# What a supervisor calls each kind of record, one and many.
NOUNS = {
    "volunteer": ("volunteer profile", "volunteer profiles"),
    "interest": ("declared interest", "declared interests"),
    "case": ("case", "cases"),
    "family": ("family", "families"),
    "child": ("child", "children"),
    "consent": ("consent", "consents"),
    "meeting": ("meeting", "meetings"),
    "note": ("note", "notes"),
    "contact": ("contact", "contacts"),
    "signposting": ("signposting record", "signposting records"),
    "cpd": ("CPD entry", "CPD entries"),
    "supervision": ("supervision record", "supervision records"),
    "evaluation": ("evaluation", "evaluations"),
    "outreach": ("outreach record", "outreach records"),
    "conflict_check": ("conflict check", "conflict checks"),
    "key_date": ("key date", "key dates"),
}


KIND_ORDER = {kind: i for i, kind in enumerate(NOUNS)}


# -- inbox ---------------------------------------------------------------------------------


@dataclass
class Preview:
    """What importing a bundle would do, read without applying anything."""

    path: Path
    ok: bool
    sender: str = ""
    sender_name: str = ""
    new_ops: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # records added or changed
    cases: int = 0
    problem: str = ""  # one line when not ok (or "already imported")
    elsewhere: bool = False  # sealed for another computer: left alone, not counted

    @property
    def summary(self) -> str:
        if not self.ok:
            return self.problem
        ordered = sorted(self.by_kind.items(), key=lambda kn: KIND_ORDER.get(kn[0], len(NOUNS)))
        kinds = ", ".join(count(n, *NOUNS.get(k, (k,))) for k, n in ordered) or "nothing new"
        return f"from {self.sender_name}: {kinds} ({count(self.cases, 'case')})"


def preview_bundle(node: SyncNode, path: Path) -> Preview:
    """Decrypt and verify a bundle (signature, recipient, roster) and count its new ops.

    Never raises: anything unexpected is a one-line problem (run it in a worker: it
    decrypts the file). A bundle for another computer says so and is not counted.
    """
    roster = node.roster
    if roster is None:
        return Preview(path, False, problem="this office has no roster")
    try:
        return _preview(node, path, open_bundle_file(path, node.identity, roster))
    except AddressedElsewhere as err:
        return Preview(path, False, problem=str(err), elsewhere=True)
    except SyncError as err:
        return Preview(path, False, problem=str(err))
    except Exception as err:
        return Preview(path, False, problem=f"cannot be previewed ({type(err).__name__})")


def _preview(node: SyncNode, path: Path, payload: dict[str, Any]) -> Preview:
    sender = payload["sender"]
    peer = node.peer(sender)
    name = volunteer_name(node, sender)
    if payload["seq"] <= peer["seen_seq"]:
        return Preview(path, False, sender, name, problem="already imported (a replay)")
    records: dict[str, set[str]] = {}  # kind -> records added or changed
    cases: set[str] = set()
    new_ops = 0
    for op in payload.get("ops", []):
        if not isinstance(op, dict):
            continue
        n = op.get("n", op.get("seq", 0))
        if type(n) is int and n <= peer["received_n"]:
            continue
        new_ops += 1
        records.setdefault(str(op.get("kind", "?"))[:40], set()).add(str(op.get("record_id")))
        if op.get("case_id"):
            cases.add(str(op["case_id"]))
    by_kind = {kind: len(ids) for kind, ids in records.items()}
    return Preview(path, True, sender, name, new_ops, by_kind, len(cases))


def inbox_files(folder: Path | None) -> list[Path]:
    """Bundle files in the inbox folder (ours by name and magic, regular), oldest first."""
    if folder is None or not Path(folder).is_dir():
        return []
    return [c.path for c in candidates([Path(folder)], kinds=("bundle",))[0]]


def quarantined(folder: Path | None) -> list[tuple[str, str]]:
    """(file name, reason) for each bundle refused from this inbox (names not escaped)."""
    q = Path(folder) / "quarantine" if folder is not None else None
    if q is None or not q.is_dir() or q.is_symlink():
        return []
    out = []
    for p in sorted(q.iterdir()):
        if p.suffix not in (".ipsb", ".ipsr") or p.is_symlink() or not p.is_file():
            continue
        reason = p.with_name(p.name + ".reason.txt")
        try:
            text = read_regular(reason, 4096).decode("utf-8", "replace").strip()
        except SyncError:
            text = "(no reason)"
        out.append((p.name, text.splitlines()[0] if text else "(no reason)"))
    return out


# -- oversight -----------------------------------------------------------------------------


@dataclass
class VolunteerOversight:
    volunteer_id: str
    name: str
    cpd_hours_this_year: float
    hours_by_topic: dict[str, float]
    refreshers_due: list[str]
    last_supervision: str
    supervision_overdue: bool
    open_follow_ups: int
    open_cases: int


def oversight(
    node: SyncNode,
    today: dt.date,
    *,
    supervision_interval_days: int,
    refreshers: dict[str, int],
) -> list[VolunteerOversight]:
    """Per active volunteer on the roster: CPD this year by topic, refreshers, supervision,
    and coaching follow-ups (their own supervision records' and the office's, policy 8.2).
    Revoked volunteers are not counted: nobody supervises a volunteer who has left."""
    roster = node.roster
    ids = [v for v, e in roster.volunteers.items() if e.active] if roster else []
    cpd: dict[str, list[CpdEntry]] = {v: [] for v in ids}
    sup: dict[str, list[SupervisionEntry]] = {v: [] for v in ids}
    for e in node.repo.all(CpdEntry):
        cpd.setdefault(e.origin, []).append(e)
    for s in node.repo.all(SupervisionEntry):
        sup.setdefault(s.origin, []).append(s)
    open_cases = Counter(c.assigned_to for c in node.repo.all(Case) if c.status == "open")
    out = []
    year = str(today.year)
    for vid in ids:
        topics: dict[str, float] = {}
        hours = 0.0
        for e in cpd[vid]:
            if e.on[:4] == year:
                hours += e.hours
                for t in e.topics or ["general"]:
                    topics[t] = topics.get(t, 0) + e.hours
        sessions = sorted(s.on for s in sup[vid])
        overdue = due.supervision_due(sup[vid], today, interval_days=supervision_interval_days)
        out.append(
            VolunteerOversight(
                vid,
                volunteer_name(node, vid),
                hours,
                dict(topics),
                [
                    i.title.removeprefix("CPD refresher: ")
                    for i in due.cpd_refreshers_due(cpd[vid], today, refreshers=refreshers)
                    if i.severity in ("overdue", "due")
                ],
                sessions[-1] if sessions else "",
                any(i.severity in ("overdue", "due") for i in overdue),
                len(due.coaching_follow_ups(sup[vid], today))
                + len(office_follow_ups_due(node, vid, today)),
                open_cases.get(vid, 0),
            )
        )
    return out


def office_follow_ups_due(
    node: SyncNode, volunteer_id: str, today: dt.date
) -> list[dict[str, Any]]:
    """Coaching follow-ups the office recorded for this volunteer, due and not yet done."""
    return [
        c
        for c in reviews.coaching(node.store, volunteer_id)
        if c.get("follow_up_on")
        and c["follow_up_on"] <= today.isoformat()
        and not c.get("followed_up_on")
    ]


# -- conflicts -----------------------------------------------------------------------------


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


def _case_of(node: SyncNode, kind: str, record_id: str) -> str:
    doc = node.repo.raw(kind, record_id) or {}
    if kind == "case":
        return record_id
    return str(doc.get("case_id") or "")


# -- evaluations ---------------------------------------------------------------------------


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


# -- data protection -----------------------------------------------------------------------


def retention_schedule(node: SyncNode, today: dt.date) -> list[tuple[Case, dt.date]]:
    """Closed cases whose retention period has passed: (case, date it passed), for review."""
    days = int(node.state.get("retention_days", DEFAULT_RETENTION_DAYS))
    out = []
    for case in node.repo.all(Case):
        if case.status != "closed" or not case.closed_on:
            continue
        with contextlib.suppress(ValueError):
            passed = dt.date.fromisoformat(case.closed_on[:10]) + dt.timedelta(days=days)
            if passed <= today:
                out.append((case, passed))
    return sorted(out, key=lambda x: x[1])


def subject_access(node: SyncNode, case_id: str) -> dict[str, Any]:
    """Everything held about one family: every record of the case, by kind."""
    case = node.repo.raw("case", case_id)
    if case is None:
        raise ValidationError({"case": "No such case"})
    held: dict[str, list[dict[str, Any]]] = {}
    for kind, cls in KINDS.items():
        if cls.CASE_FIELD is None:
            continue
        docs = [
            {k: v for k, v in d.items() if k != "clocks"}
            for d in node.repo.table(kind).all()
            if d.get(cls.CASE_FIELD) == case_id
        ]
        if docs:
            held[kind] = sorted(docs, key=lambda d: d.get("created_at", ""))
    conflicts: list[dict[str, Any]] = [
        c for c in node.repo.table(CONFLICTS).all() if c.get("record_id") in _ids(held)
    ]
    if conflicts:
        held["sync_conflict"] = conflicts
    return {
        "subject_access_export": case.get("reference", ""),
        "exported_at": node.now(),
        "records": held,
    }


def _ids(held: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {d["id"] for docs in held.values() for d in docs}
