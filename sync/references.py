"""The office issues case references, unique across the service (``docs/sync.md``).

The master record keeps, per case id, the reference the office stands by (table
``service_reference``: ``{"id": case_id, "reference", "on"}``), every reference taken
(table ``service_reference_taken``: ``{"id": reference key, "case_id"}``, the key case
folded) and the last number of its sequence (sync state ``ref_seq``).
:func:`confirm_references` runs inside the import's own
transaction for every case the bundle touched:

- a reference the office issued stands: a laptop's later edit of it is put back by a new
  office edit (reaching the laptop in its next bundle), so a reference does not drift;
- a provisional reference (``P-...``), or one another case already uses (two laptops that
  both numbered from ``C0001``), is replaced by the next service reference;
- any other reference, unique across the service and plain (letters, digits, space and
  ``/ _ . -``, at most 24 characters), is confirmed as it is; one that is not is replaced.

References of erased families stay taken (their stubs keep them), so none is reused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ips_field.domain.records import Case
from ips_field.domain.references import (
    is_plain,
    is_provisional,
    reference_key,
    service_reference,
)
from sync.node import SyncNode

SERVICE_REFS = "service_reference"
TAKEN = "service_reference_taken"
INDEX_VERSION = 2


@dataclass(frozen=True)
class Confirmed:
    case_id: str
    was: str
    reference: str

    @property
    def changed(self) -> bool:
        return self.was != self.reference


def _index(node: SyncNode) -> Any:
    """Reference key (:func:`reference_key`, case folded) -> case id for every reference
    taken (``service_reference_taken``), built once from the cases and erasure stubs already
    there (the first case with a reference keeps it), then kept up to date, so a check
    costs one lookup, not a scan. (Version 2 of the index: version 1 was keyed by the exact
    reference, so ``ips-00001`` was not seen as taken by ``IPS-00001``; it is rebuilt.)"""
    table = node.store.table(TAKEN)
    if node.state.get("ref_index") != INDEX_VERSION:
        seen: dict[str, str] = {}
        for doc in node.store.table("erasure_stub").all():
            if doc.get("reference"):
                seen.setdefault(reference_key(str(doc["reference"])), str(doc["id"]))
        for doc in node.repo.table("case").all():
            if doc.get("reference") and not doc.get("deleted"):
                seen.setdefault(reference_key(str(doc["reference"])), str(doc["id"]))
        for doc in node.store.table(SERVICE_REFS).all():
            seen[reference_key(str(doc["reference"]))] = str(doc["id"])
        table.delete_ids([doc["id"] for doc in table.all()])
        table.put_many([{"id": ref, "case_id": case_id} for ref, case_id in seen.items()])
        node.save_state(ref_index=INDEX_VERSION)
    return table


def _taken_by(node: SyncNode, reference: str) -> str:
    doc = _index(node).get_id(reference_key(reference))
    return str(doc["case_id"]) if doc else ""


def next_reference(node: SyncNode) -> str:
    """The next service reference, skipping any already taken; the sequence advances."""
    n = int(node.state.get("ref_seq", 0))
    while True:
        n += 1
        ref = service_reference(n)
        if not _taken_by(node, ref):
            node.save_state(ref_seq=n)
            return ref


def record(node: SyncNode, case_id: str, reference: str, *, was: str = "") -> None:
    """The office stands by ``reference`` for this case (and no longer holds ``was``)."""
    index = _index(node)
    if was and reference_key(was) != reference_key(reference) and _taken_by(node, was) == case_id:
        index.delete_ids([reference_key(was)])
    index.put({"id": reference_key(reference), "case_id": case_id})
    node.store.table(SERVICE_REFS).put({"id": case_id, "reference": reference, "on": node.now()})


def confirm_references(node: SyncNode, case_ids: Iterable[str]) -> list[Confirmed]:
    """Give each case touched by an import the reference the office stands by (see above).
    Call inside the import's transaction; the office's edits are routed with it."""
    done: list[Confirmed] = []
    issued = node.store.table(SERVICE_REFS)
    found = [c for c in (node.repo.get(Case, i) for i in set(case_ids)) if c is not None]
    # numbers go out in the order the cases were opened, whatever order the ops came in
    for case in sorted(found, key=lambda c: (c.opened_on, c.created_at, c.id)):
        case_id = case.id
        mine = issued.get_id(case_id)
        if mine is not None:
            if case.reference != mine["reference"]:
                node.repo.save(case.replace(reference=mine["reference"]))
                done.append(Confirmed(case_id, case.reference, mine["reference"]))
            continue
        owner = _taken_by(node, case.reference)
        if (
            is_provisional(case.reference)
            or not is_plain(case.reference)
            or owner not in ("", case_id)
        ):
            reference = next_reference(node)
            node.repo.save(case.replace(reference=reference))
        else:
            reference = case.reference
        record(node, case_id, reference, was=case.reference)
        done.append(Confirmed(case_id, case.reference, reference))
    return done
