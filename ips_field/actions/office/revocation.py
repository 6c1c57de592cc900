"""Revoking a departed volunteer: later bundles refused, the laptop told to wipe, and their
open cases either reassigned through the conflict check or left "needs a decision".

A case "needs a decision" while it is open and assigned to a volunteer who is no longer
active on the roster. That is read from the cases themselves, so it lasts (across restarts,
on every screen and command) until the case is reassigned or closed; why it could not move
is kept beside it (``sync.reviews.DECISIONS``). The command line and the office app call the
same functions here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ips_field.actions.office.assignment import assign
from ips_field.domain.records import Case
from ips_field.errors import ValidationError
from sync import audit
from sync.node import SyncNode, b64, volunteer_name
from sync.reviews import DECISIONS, decisions
from sync.roster import Roster, sign_roster


@dataclass(frozen=True)
class Moved:
    case_id: str
    reference: str
    to: str  # volunteer id


@dataclass(frozen=True)
class Waiting:
    """An open case of a revoked volunteer: it needs a supervisor's decision."""

    case_id: str
    reference: str
    held_by: str  # the revoked volunteer's id
    why: str  # one line: why it did not move (blocked, a warning needing a reason, ...)
    since: str


@dataclass(frozen=True)
class Revoked:
    roster: Roster
    name: str
    moved: list[Moved] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)

    @property
    def open_cases(self) -> list[str]:
        """Case ids they held when revoked (moved or still waiting)."""
        return [m.case_id for m in self.moved] + [w.case_id for w in self.waiting]

    def lines(self, names: dict[str, str]) -> list[str]:
        """What was done, in plain words (names escaped by the caller)."""
        out = [f"{self.name} revoked; roster is now version {self.roster.version}."]
        for m in self.moved:
            out.append(f"{m.reference} reassigned to {names.get(m.to, m.to[:8])}.")
        for w in self.waiting:
            out.append(f"{w.reference} needs a decision: {w.why}.")
        if not self.moved and not self.waiting:
            out.append("They held no open cases.")
        return out


def held_open(node: SyncNode, volunteer_id: str) -> list[Case]:
    cases = [c for c in node.repo.all(Case) if c.assigned_to == volunteer_id and c.status == "open"]
    return sorted(cases, key=lambda c: c.reference)


def revoke_volunteer(
    node: SyncNode, volunteer_id: str, *, reassign_to: str | None = None, reason: str = ""
) -> Revoked:
    """Revoke and audit; then try to reassign each open case they held to ``reassign_to``
    through the conflict check (``reason`` answers a warning). A case that does not move
    (no one chosen, blocked, a warning without a reason) is left for a decision, with why.

    One write: the revocation, every reassignment and every audit entry, or nothing."""
    roster = node.roster
    entry = roster.volunteers.get(volunteer_id) if roster else None
    if entry is None:
        raise ValidationError({"volunteer": "No such volunteer on the roster"})
    if not entry.active:
        raise ValidationError({"volunteer": "That volunteer is already revoked"})
    if reassign_to is not None:
        if reassign_to == volunteer_id:
            raise ValidationError({"volunteer": "Choose another volunteer to take the cases"})
        if roster is None or not (e := roster.volunteers.get(reassign_to)) or not e.active:
            raise ValidationError({"volunteer": "That volunteer is not active on the roster"})
    name = volunteer_name(node, volunteer_id)
    with node.store.transaction():
        new_roster = revoke(node, volunteer_id)
        audit.append(node, "revoke", name)
        moved, waiting = [], []
        for case in held_open(node, volunteer_id):
            if reassign_to is None:
                why = "no volunteer was chosen to take it"
            else:
                try:
                    assign(node, case.id, reassign_to, reason=reason, why="revocation")
                except ValidationError as err:
                    why = "; ".join(err.errors.values())
                else:
                    moved.append(Moved(case.id, case.reference, reassign_to))
                    continue
            waiting.append(_leave(node, case, volunteer_id, why))
    return Revoked(new_roster, name, moved, waiting)


def _leave(node: SyncNode, case: Case, volunteer_id: str, why: str) -> Waiting:
    since = node.now()
    node.store.table(DECISIONS).put(
        {
            "id": case.id,
            "case_id": case.id,
            "volunteer_id": volunteer_id,
            "since": since,
            "why": why,
        }
    )
    audit.append(node, "case_decision", f"{case.reference} needs a decision", case_id=case.id)
    return Waiting(case.id, case.reference, volunteer_id, why, since)


def needs_decision(node: SyncNode) -> list[Waiting]:
    """Open cases held by volunteers who are no longer active, oldest reference first."""
    roster = node.roster
    if roster is None:
        return []
    active = {v for v, e in roster.volunteers.items() if e.active}
    known = decisions(node.store)
    out = []
    for case in sorted(node.repo.all(Case), key=lambda c: c.reference):
        if case.status != "open" or not case.assigned_to or case.assigned_to in active:
            continue
        if case.assigned_to not in roster.volunteers:
            continue  # a volunteer the roster never knew (a provisional local id)
        note = known.get(case.id, {})
        if note.get("volunteer_id") != case.assigned_to:
            note = {}  # left from an earlier holder's revocation
        out.append(
            Waiting(
                case.id,
                case.reference,
                case.assigned_to,
                str(note.get("why") or "their volunteer was revoked"),
                str(note.get("since") or ""),
            )
        )
    return out


def decide(node: SyncNode, case_id: str, volunteer_id: str, *, reason: str = "") -> Case:
    """A supervisor's decision for a waiting case: reassign it through the conflict check
    (``ValidationError`` when blocked or a warning needs a reason: it stays waiting)."""
    with node.store.transaction():
        case = assign(node, case_id, volunteer_id, reason=reason, why="revoked volunteer's case")
        node.store.table(DECISIONS).delete_ids([case_id])
    return case


def revoke(node: SyncNode, volunteer_id: str) -> Roster:
    """Refuse the volunteer's later bundles; queue a signed wipe instruction for them."""
    roster = node.roster
    assert roster is not None
    if volunteer_id not in roster.volunteers:
        raise ValidationError({"volunteer": "No such volunteer on the roster"})
    seen = node.peer(volunteer_id)["seen_seq"]
    new = roster.with_revoked(volunteer_id, seen, clock=node.repo.time)
    with node.store.transaction():
        node.save_state(
            roster=b64(sign_roster(new, node.identity)),
            roster_version=new.version,
            wipe=[*node.state.get("wipe", []), volunteer_id],
        )
    return new
