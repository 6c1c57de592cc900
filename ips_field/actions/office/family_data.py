"""What the service holds on one family, and erasing it from the master record: the data
behind subject access and erasure (the audited requests, warnings and packs are in
``protection.py``)."""

from __future__ import annotations

import uuid
from typing import Any

from ips_field.domain.records import KINDS
from ips_field.errors import ValidationError
from sync.erasure import finish_scrub
from sync.merge import CONFLICTS, erase_case
from sync.node import SyncNode
from sync.routing import FEED, feed_add


def erase_family(node: SyncNode, case_id: str, *, scrub: bool = True) -> dict[str, Any]:
    """Erase every trace of a family here and tell the volunteer holding it to do the same.

    ``scrub=False``: the caller's outer transaction holds this write, and the caller
    runs ``finish_scrub`` after it (the scrub is owed in the same write either way)."""
    case = node.repo.raw("case", case_id)
    if case is None:
        raise ValidationError({"case": "No such case"})
    target = case.get("assigned_to")
    with node.store.transaction():
        counts = erase_case(node.repo, case_id)
        feed = node.store.table(FEED)
        feed.delete_ids([e["id"] for e in feed.all() if e["op"].get("case_id") == case_id])
        op = {
            "id": str(uuid.uuid4()),
            "seq": 1,
            "origin": node.node_id,
            "record_id": case_id,
            "case_id": case_id,
            "action": "erase",
            "at": node.now(),
        }
        if target:
            feed_add(node, target, op)
        stub = {
            "id": case_id,
            "reference": case.get("reference", ""),
            "erased_at": node.now(),
            "records": counts,
        }
        node.store.table("erasure_stub").put(stub)
    if scrub:
        finish_scrub(node.store)  # owed in the same write as the erasure: redone on next open
    return stub


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
