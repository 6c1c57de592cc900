"""The office's own review records: flagged notes marked reviewed, coaching follow-ups,
and the open cases of revoked volunteers left for a decision.

These are made at the office and never travel (they are not record kinds, so no operation
carries them and no volunteer can send one): the authorisation rules need no new row. They
live in the encrypted master record, name cases and notes by id, and are removed with the
family when a case is erased (``CASE_TABLES``, used by ``sync.merge.erase_case``).
"""

from __future__ import annotations

from typing import Any

FLAG_REVIEWS = "office_flag_review"  # {id: note_id, case_id, reviewed_at, by, note}
COACHING = "office_coaching"  # {id, volunteer_id, case_id, note_id, supervision_id, ...}
DECISIONS = "office_case_decision"  # {id: case_id, volunteer_id, since, why}
CASE_TABLES = (FLAG_REVIEWS, COACHING, DECISIONS)


def flag_reviews(store: Any, case_id: str | None = None) -> dict[str, dict[str, Any]]:
    """Reviews by note id (of one case, or all)."""
    return {
        r["id"]: r
        for r in store.table(FLAG_REVIEWS).all()
        if case_id is None or r.get("case_id") == case_id
    }


def coaching(store: Any, volunteer_id: str | None = None) -> list[dict[str, Any]]:
    """Coaching follow-ups (of one volunteer, or all), oldest first."""
    rows = [
        c
        for c in store.table(COACHING).all()
        if volunteer_id is None or c.get("volunteer_id") == volunteer_id
    ]
    return sorted(rows, key=lambda c: (c.get("recorded_at", ""), c["id"]))


def decisions(store: Any) -> dict[str, dict[str, Any]]:
    """Why each case waiting for a decision could not move, by case id."""
    return {d["id"]: d for d in store.table(DECISIONS).all()}
