"""Merge shipped operations into a repository: commutative, associative, idempotent.

- Field edits: last writer wins by clock ``(wall_ms, counter, node)``. The losing value is
  kept in table ``sync_conflict``, keyed by (record, field, losing clock) so the same loss
  is recorded once whatever the order of arrival. Consent records and a case's
  ``safeguarding`` field never auto-resolve: their conflicts are flagged ``needs_review``
  and stay open until a supervisor decides (the LWW value is shown meanwhile so every
  copy agrees).
- Notes are append-only: a note op may create a note but never change an existing note's
  fixed fields (that op is invalid).
- Ops are idempotent by op id (table ``sync_applied``).
- ``erase`` (office only) removes every record of a case and remembers its id
  (:mod:`sync.erasure`); later ops on an erased case are dropped and counted
  (``MergeResult.dropped_erased``).
- The office clamps clocks far in the future to its own now + the allowed skew; every node
  clamps incoming clock counters to ``MAX_COUNTER_KEPT``, so no bundle can push a clock
  near the counter bound every node accepts (``sync.ops.MAX_COUNTER``).
- Every record a call changes must still pass the domain's value and record checks
  (:func:`ips_field.domain.values.check_record`); else nothing is applied.
All of a call's ops are applied in one store transaction, or none, and a call that fails
leaves the node's clock where it was.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ips_field.domain import notes as notes_rules
from ips_field.domain.records import KINDS
from ips_field.domain.values import ValueProblem, check_record
from ips_field.store.drafts import DRAFTS
from ips_field.store.repository import Repository
from sync.erasure import erased_ids, remember_erased
from sync.errors import InvalidOperation
from sync.ops import validate_op
from sync.reviews import CASE_TABLES as OFFICE_CASE_TABLES

APPLIED = "sync_applied"
CONFLICTS = "sync_conflict"
NEVER_AUTO = {("consent", None), ("case", "safeguarding")}
MAX_SKEW_MS = 10 * 60 * 1000
MAX_COUNTER_KEPT = 2**20  # far below sync.ops.MAX_COUNTER: ticks after it stay accepted


@dataclass
class MergeResult:
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    erased_cases: list[str] = field(default_factory=list)
    dropped_erased: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    cases: set[str] = field(default_factory=set)


def _never_auto(kind: str, name: str) -> bool:
    return (kind, None) in NEVER_AUTO or (kind, name) in NEVER_AUTO


def conflict_id(kind: str, record_id: str, name: str, loser: list[Any]) -> str:
    raw = f"{kind}|{record_id}|{name}|{loser[0]}|{loser[1]}|{loser[2]}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def apply_ops(
    repo: Repository,
    ops: list[dict[str, Any]],
    *,
    is_office: bool = False,
    now_ms: int | None = None,
    max_skew_ms: int = MAX_SKEW_MS,
    validated: bool = False,
) -> MergeResult:
    """Apply ``ops`` (already authorised) in one transaction; return what changed.

    Each op is validated first unless the caller has just done so (``validated``)."""
    result = MergeResult()
    if not validated:
        for op in ops:
            validate_op(op)
    limit = (now_ms if now_ms is not None else repo.time.wall_ms()) + max_skew_ms
    with repo.transaction():  # on failure this also puts the node's clock back
        _apply_all(repo, ops, result, limit if is_office else None)
    return result


def _apply_all(
    repo: Repository, ops: list[dict[str, Any]], result: MergeResult, limit: int | None
) -> None:
    applied = repo.table(APPLIED)
    erased = erased_ids(repo.store)
    # Changed documents are gathered here and written once per table at the end: a
    # table write costs O(table), so one per op would make a bundle O(ops x store).
    staged: dict[str, dict[str, dict[str, Any]]] = {}
    done: list[Mapping[str, Any]] = []
    seen: set[str] = set()
    for op in ops:
        if op["id"] in seen or applied.get_id(op["id"]) is not None:
            result.duplicates += 1
            continue
        seen.add(op["id"])
        if op["action"] == "erase":
            _flush(repo, staged)
            erase_case(repo, op["case_id"])
            erased.add(op["case_id"])
            result.erased_cases.append(op["case_id"])
        elif _case_of(repo, op, staged) in erased:
            result.dropped_erased += 1  # erasure is for good: nothing comes back
        else:
            clocks = {k: _clamp(list(v), limit) for k, v in op["clocks"].items()}
            result.conflicts += _merge_fields(repo, op, clocks, staged)
            result.by_kind[op["kind"]] = result.by_kind.get(op["kind"], 0) + 1
            if op.get("case_id"):
                result.cases.add(op["case_id"])
            if clocks:  # observing the latest stamp moves the clock past them all
                wall, counter, node = max(clocks.values())
                repo.observe((wall, counter, node))
        done.append({"id": op["id"], "origin": op["origin"], "seq": op["seq"]})
        result.applied += 1
    _check_staged(staged)
    _flush(repo, staged)
    if done:
        applied.put_many(done)


def _case_of(
    repo: Repository, op: dict[str, Any], staged: dict[str, dict[str, dict[str, Any]]]
) -> str | None:
    cls = KINDS[op["kind"]]
    if cls.CASE_FIELD is None:
        return None
    if cls.CASE_FIELD == "id":
        record_id: str = op["record_id"]
        return record_id
    old = staged.get(op["kind"], {}).get(op["record_id"]) or repo.raw(op["kind"], op["record_id"])
    if old is not None and old.get("case_id"):
        case_id: str = old["case_id"]
        return case_id
    return op["fields"].get("case_id") or op.get("case_id")


def _check_staged(staged: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Every record the ops made or changed must pass the domain's checks. A record known
    only from later edits (its creating op not yet here) gets the per-value checks only."""
    for docs in staged.values():
        for doc in docs.values():
            if not doc.get("created_at"):
                continue
            try:
                check_record(doc)
            except ValueProblem as err:
                raise InvalidOperation(f"bundle leaves a record invalid: {err}") from None


def _flush(repo: Repository, staged: dict[str, dict[str, dict[str, Any]]]) -> None:
    for kind, docs in staged.items():
        if docs:
            repo.table(kind).put_many(list(docs.values()))
    staged.clear()


def _clamp(stamp: list[Any], limit: int | None) -> list[Any]:
    wall, counter, node = stamp
    if limit is not None and wall > limit:
        wall = limit
    return [wall, min(counter, MAX_COUNTER_KEPT), node]


def _merge_fields(
    repo: Repository,
    op: dict[str, Any],
    clocks: dict[str, list[Any]],
    staged: dict[str, dict[str, dict[str, Any]]],
) -> int:
    kind, rid = op["kind"], op["record_id"]
    old = staged.get(kind, {}).get(rid) or repo.raw(kind, rid)
    doc = dict(old) if old else {"id": rid, "kind": kind, "clocks": {}, "deleted": False}
    doc["clocks"] = dict(doc.get("clocks", {}))
    fields = op["fields"]
    if kind == "note" and old is not None:
        for name in notes_rules.FIXED & set(fields):
            if old.get(name) != fields[name]:
                raise InvalidOperation("bundle tries to change a note (notes are append-only)")
    doc["prev"] = dict(doc.get("prev", {}))
    op_prev = op.get("prev", {})
    zero = (0, 0, "")
    conflicts = 0
    if "created_at" in fields:  # the creating op is authoritative, whenever it arrives
        doc["created_at"] = fields["created_at"]
        doc["origin"] = fields.get("origin", op["origin"])
    for name, value in fields.items():
        if name in ("created_at", "origin"):
            continue
        remote = clocks[name]
        remote_prev = tuple(op_prev.get(name) or zero)
        local = doc["clocks"].get(name)
        if local is None:
            doc[name] = value
            doc["clocks"][name] = remote
            doc["prev"][name] = op_prev.get(name)
            continue
        if tuple(remote) == tuple(local):
            continue
        if tuple(remote) > tuple(local):
            # A conflict only if the remote writer had not seen our value.
            if doc.get(name) != value and tuple(local) > remote_prev:
                conflicts += _record_conflict(
                    repo, kind, rid, name, doc.get(name), local, value, remote
                )
            doc[name] = value
            doc["clocks"][name] = remote
            doc["prev"][name] = op_prev.get(name)
        elif doc.get(name) != value and tuple(remote) > tuple(doc["prev"].get(name) or zero):
            # Our writer had not seen the remote value either.
            conflicts += _record_conflict(
                repo, kind, rid, name, value, remote, doc.get(name), local
            )
    doc.setdefault("origin", "")
    doc["updated_at"] = max(str(doc.get("updated_at", "")), str(op.get("at", "")))
    for name, default in _defaults(kind).items():
        if name not in doc:
            doc[name] = copy.deepcopy(default)  # lists and dicts must not be shared
    staged.setdefault(kind, {})[rid] = doc
    return conflicts


@functools.cache
def _defaults(kind: str) -> dict[str, Any]:
    """Each editable field's default value, from one blank record of the kind."""
    cls = KINDS[kind]
    blank = cls()
    return {name: getattr(blank, name) for name in cls.data_fields()}


def _record_conflict(
    repo: Repository,
    kind: str,
    rid: str,
    name: str,
    loser_value: Any,
    loser_clock: list[Any],
    winner_value: Any,
    winner_clock: list[Any],
) -> int:
    table = repo.table(CONFLICTS)
    cid = conflict_id(kind, rid, name, loser_clock)
    if table.get_id(cid) is not None:
        return 0
    table.put(
        {
            "id": cid,
            "kind": kind,
            "record_id": rid,
            "field": name,
            "loser_value": loser_value,
            "loser_clock": list(loser_clock),
            "status": "open",
            "needs_review": _never_auto(kind, name),
        }
    )
    return 1


def erase_case(repo: Repository, case_id: str) -> int:
    """Remove every record of ``case_id`` (and its conflicts); returns how many."""
    remember_erased(repo.store, case_id)
    removed = 0
    gone: set[str] = set()
    for kind, cls in KINDS.items():
        if cls.CASE_FIELD is None:
            continue
        table = repo.table(kind)
        ids = [d["id"] for d in table.all() if d.get(cls.CASE_FIELD) == case_id]
        table.delete_ids(ids)
        gone.update(ids)
        removed += len(ids)
    conflicts = repo.table(CONFLICTS)
    conflicts.delete_ids([c["id"] for c in conflicts.all() if c["record_id"] in gone])
    # what the volunteer was typing about the family: keyed "<screen>:…:<record id>"
    drafts = repo.table(DRAFTS)
    about = gone | {case_id}
    drafts.delete_ids(
        [d["id"] for d in drafts.all() if about.intersection(str(d["id"]).split(":"))]
    )
    for name in OFFICE_CASE_TABLES:  # the office's own reviews of this family's notes
        table = repo.table(name)
        if ids := [d["id"] for d in table.all() if d.get("case_id") == case_id]:
            table.delete_ids(ids)
    outbox = repo.table("outbox")
    outbox.delete_ids(
        [o["id"] for o in outbox.all() if o.get("case_id") == case_id or o["record_id"] in gone]
    )
    return removed


def open_conflicts(repo: Repository) -> list[dict[str, Any]]:
    return [c for c in repo.table(CONFLICTS).all() if c["status"] == "open"]


def resolve_conflict(repo: Repository, conflict_id_: str, value: Any) -> None:
    """A supervisor's decision: the chosen value becomes a new edit (it ships as an op)."""
    table = repo.table(CONFLICTS)
    conflict = table.get_id(conflict_id_)
    if conflict is None:
        raise InvalidOperation("no such conflict")
    record = repo.record(conflict["kind"], conflict["record_id"])
    if record is None:
        raise InvalidOperation("the record of this conflict no longer exists")
    with repo.transaction():
        if getattr(record, conflict["field"]) != value:
            repo.save(record.replace(**{conflict["field"]: value}))
        table.put({**conflict, "status": "resolved", "resolved_value": value})
