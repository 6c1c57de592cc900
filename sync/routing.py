"""The office's routing: which of its operations each volunteer's next bundle carries.

Every office change to a case is queued in the feed of the volunteer who holds the case
(and, on a reassignment, the whole case for the new holder and the move for the old one).
Import calls ``route`` and ``acknowledge_closed`` in the same transaction as the bundle.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ips_field.domain.records import KINDS, Case
from sync.node import SyncNode

FEED = "sync_feed"  # office: operations queued per volunteer, numbered per volunteer


def feed_add(node: SyncNode, volunteer: str, op: dict[str, Any]) -> None:
    table = node.store.table(FEED)
    counters = node.state.get("feed_n", {})
    n = counters.get(volunteer, 0) + 1
    table.put({"id": f"{volunteer}:{n}", "volunteer": volunteer, "n": n, "op": op})
    node.save_state(feed_n={**counters, volunteer: n})


def _theirs(fields: dict[str, Any], target: str | None) -> bool:
    """A conflict check goes only to the volunteer it checked: one the office made for
    another candidate (say, a blocked reassignment) would tell the holder of the case
    about someone else's declared interests."""
    checked = fields.get("volunteer_id")
    return not checked or checked == target


def case_snapshot(node: SyncNode, case_id: str, target: str | None = None) -> list[dict[str, Any]]:
    """Every record of a case as put operations (ids derived from content: idempotent),
    for ``target`` (conflict checks of other volunteers left out)."""
    ops = []
    for kind, cls in KINDS.items():
        if cls.CASE_FIELD is None:
            continue
        for doc in node.repo.table(kind).all():
            if doc.get(cls.CASE_FIELD) != case_id:
                continue
            if kind == "conflict_check" and not _theirs(doc, target):
                continue
            clocks = doc.get("clocks", {})
            fields = {k: doc[k] for k in clocks if k in doc}
            fields.update(created_at=doc.get("created_at", ""), origin=doc.get("origin", ""))
            digest = hashlib.sha256(json.dumps([doc["id"], clocks], sort_keys=True).encode())
            ops.append(
                {
                    "id": "snap-" + digest.hexdigest()[:27],
                    "seq": 1,
                    "origin": node.node_id,
                    "kind": kind,
                    "record_id": doc["id"],
                    "case_id": case_id,
                    "action": "put",
                    "fields": fields,
                    "clocks": clocks,
                    "at": doc.get("updated_at", ""),
                }
            )
    return ops


def route(node: SyncNode) -> None:
    """Queue the office's new operations for the volunteers who hold the cases."""
    done = node.state.get("routed_seq", 0)
    for op in node.repo.outbox(after_seq=done):
        case = node.repo.raw("case", op["case_id"]) if op.get("case_id") else None
        if case is None:
            continue
        target: str | None = case.get("assigned_to")
        if op["kind"] == "case" and "assigned_to" in op["fields"]:
            if target:  # an unassigned case has no one to send its records to
                for snap in case_snapshot(node, case["id"], target):
                    feed_add(node, target, snap)
            old = op.get("previous_assignee")
            if old and old != target:
                feed_add(node, old, op)
        elif target and (op["kind"] != "conflict_check" or _theirs(op["fields"], target)):
            feed_add(node, target, op)
        done = op["seq"]
    node.save_state(routed_seq=done)


def acknowledge_closed(node: SyncNode, case_ids: set[str]) -> None:
    """Tell volunteers the office now holds their closed cases (they may purge later)."""
    today = node.now()[:10]
    for case_id in case_ids:
        case = node.repo.get(Case, case_id)
        if case is not None and case.status == "closed" and not case.office_confirmed_on:
            node.repo.save(case.replace(office_confirmed_on=today))
