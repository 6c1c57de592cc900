"""Case review at the office: who wrote each note, marking a flag reviewed, and a coaching
follow-up for the note's author after an impartiality concern (policy 8.2).

The author of a note is the volunteer who wrote it, from the note's ``origin`` (the node
that made it), never the case's current assignee: after a reassignment the two differ, and
coaching the wrong person is what this guards against.

Notes never change once made (DESIGN.md §4, ``sync.authorise``), so a review is not written
into the note: it is the office's own record (``sync.reviews``), kept in the master record
and never sent. A coaching follow-up names the author's latest supervision record at the
time (their own record, which the office may not change) and is counted as a follow-up due
in oversight until it is marked done. Each action writes its audit entry in the same write,
naming the case by reference and the note by id, never its text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from ips_field.actions import office as off
from ips_field.domain.records import Case, Note, SupervisionEntry
from ips_field.errors import ValidationError
from sync import audit
from sync.node import SyncNode
from sync.reviews import COACHING, FLAG_REVIEWS, coaching, flag_reviews

MAX_TEXT = 2000


@dataclass(frozen=True)
class Author:
    node_id: str
    name: str  # the volunteer's name, "the office", or a plain phrase when unknown


def author_of(node: SyncNode, note: Note) -> Author:
    """Who wrote ``note``: from its origin, not from the case's assignee."""
    origin = note.origin or ""
    if origin and origin == node.node_id:
        return Author(origin, "the office")
    roster = node.roster
    if origin and roster is not None and origin in roster.volunteers:
        return Author(origin, off.volunteer_name(node, origin))
    named = node.store.table(off.NAMES).get_id(origin) if origin else None
    if named:
        return Author(origin, str(named["name"]))
    return Author(origin, "a volunteer no longer on the roster" if origin else "unknown")


def _note(node: SyncNode, note_id: str) -> tuple[Note, Case]:
    note = node.repo.get(Note, note_id)
    if note is None or note.deleted:
        raise ValidationError({"note": "No such note"})
    case = node.repo.get(Case, note.case_id)
    if case is None:
        raise ValidationError({"note": "That note's case is not held here"})
    return note, case


def _text(value: str, field: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"Give the {label}"})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"The {label} is at most {MAX_TEXT} characters"})
    return value


def review_flag(node: SyncNode, note_id: str, review_note: str) -> dict[str, Any]:
    """Mark a flagged note reviewed, with the supervisor's note; audited. Marking it again
    replaces the earlier review (the audit log keeps both)."""
    note, case = _note(node, note_id)
    if not note.flags:
        raise ValidationError({"note": "That note has no flags to review"})
    text = _text(review_note, "review", "review note")
    entry = {
        "id": note.id,
        "case_id": note.case_id,
        "reviewed_at": node.now(),
        "by": node.node_id,
        "note": text,
    }
    with node.store.transaction():
        node.store.table(FLAG_REVIEWS).put(entry)
        audit.append(node, "flag_review", f"{case.reference} note {note.id[:8]}", case_id=case.id)
    return entry


def latest_supervision(node: SyncNode, volunteer_id: str) -> SupervisionEntry | None:
    sessions = [s for s in node.repo.all(SupervisionEntry) if s.origin == volunteer_id]
    return max(sessions, key=lambda s: (s.on, s.created_at), default=None)


def record_coaching(
    node: SyncNode, note_id: str, coaching_text: str, follow_up_on: str
) -> dict[str, Any]:
    """A coaching follow-up for the note's author (policy 8.2), linked to their latest
    supervision record, due on ``follow_up_on``; audited."""
    note, case = _note(node, note_id)
    author = author_of(node, note)
    roster = node.roster
    if not author.node_id or roster is None or author.node_id not in roster.volunteers:
        raise ValidationError({"note": "That note was not written by a volunteer on the roster"})
    text = _text(coaching_text, "coaching", "coaching agreed")
    try:
        due = dt.date.fromisoformat((follow_up_on or "").strip())
    except ValueError:
        raise ValidationError({"follow_up_on": "Follow-up date must be YYYY-MM-DD"}) from None
    if due < node.repo.time.today():
        raise ValidationError({"follow_up_on": "The follow-up date has passed already"})
    supervision = latest_supervision(node, author.node_id)
    entry = {
        "id": str(uuid.uuid4()),
        "volunteer_id": author.node_id,
        "case_id": case.id,
        "note_id": note.id,
        "supervision_id": supervision.id if supervision else "",
        "supervision_on": supervision.on if supervision else "",
        "coaching": text,
        "follow_up_on": due.isoformat(),
        "followed_up_on": None,
        "recorded_at": node.now(),
    }
    with node.store.transaction():
        node.store.table(COACHING).put(entry)
        audit.append(
            node,
            "coaching",
            f"{case.reference} note {note.id[:8]}: follow-up {due} for {author.node_id}",
            case_id=case.id,
        )
    return entry


def coaching_done(node: SyncNode, coaching_id: str, on: str | None = None) -> dict[str, Any]:
    """Mark a coaching follow-up done (today unless ``on``); audited."""
    entry = node.store.table(COACHING).get_id(coaching_id)
    if entry is None:
        raise ValidationError({"coaching": "No such coaching follow-up"})
    day = on or node.repo.time.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise ValidationError({"followed_up_on": "Date must be YYYY-MM-DD"}) from None
    done = {**entry, "followed_up_on": day}
    case = node.repo.get(Case, entry["case_id"])
    with node.store.transaction():
        node.store.table(COACHING).put(done)
        audit.append(
            node,
            "coaching",
            f"{case.reference if case else ''} follow-up done {day}",
            case_id=entry["case_id"],
        )
    return done


def reviews_for_case(node: SyncNode, case_id: str) -> dict[str, dict[str, Any]]:
    """Flag reviews of this case's notes, by note id."""
    return flag_reviews(node.store, case_id)


def coaching_for_case(node: SyncNode, case_id: str) -> dict[str, list[dict[str, Any]]]:
    """Coaching follow-ups recorded from this case's notes, by note id."""
    out: dict[str, list[dict[str, Any]]] = {}
    for c in coaching(node.store):
        if c.get("case_id") == case_id:
            out.setdefault(c["note_id"], []).append(c)
    return out
