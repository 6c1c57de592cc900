"""The office issues case references, unique across the service (``docs/sync.md``).

The master record keeps, per case id, the reference the office stands by (table
``service_reference``: ``{"id": case_id, "reference", "on"}``) and the last number of its
sequence (sync state ``ref_seq``). :func:`confirm_references` runs inside the import's own
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

from ips_field.domain.records import Case
from ips_field.domain.references import is_plain, is_provisional, service_reference
from sync.node import SyncNode

SERVICE_REFS = "service_reference"


@dataclass(frozen=True)
class Confirmed:
    case_id: str
    was: str
    reference: str

    @property
    def changed(self) -> bool:
        return self.was != self.reference


def _owners(node: SyncNode) -> dict[str, set[str]]:
    """Reference -> the case ids using it, among cases, issued references and erasure stubs
    (an erased family's reference is never given out again)."""
    out: dict[str, set[str]] = {}
    for doc in node.store.table("erasure_stub").all():
        if doc.get("reference"):
            out.setdefault(str(doc["reference"]), set()).add(str(doc["id"]))
    for doc in node.store.table(SERVICE_REFS).all():
        out.setdefault(str(doc["reference"]), set()).add(str(doc["id"]))
    for doc in node.repo.table("case").all():
        if doc.get("reference") and not doc.get("deleted"):
            out.setdefault(str(doc["reference"]), set()).add(str(doc["id"]))
    return out


def next_reference(node: SyncNode, owners: dict[str, set[str]] | None = None) -> str:
    """The next service reference, skipping any already taken; the sequence advances."""
    taken = _owners(node) if owners is None else owners
    n = int(node.state.get("ref_seq", 0))
    while True:
        n += 1
        ref = service_reference(n)
        if ref not in taken:
            node.save_state(ref_seq=n)
            return ref


def record(node: SyncNode, case_id: str, reference: str) -> None:
    node.store.table(SERVICE_REFS).put({"id": case_id, "reference": reference, "on": node.now()})


def confirm_references(node: SyncNode, case_ids: Iterable[str]) -> list[Confirmed]:
    """Give each case touched by an import the reference the office stands by (see above).
    Call inside the import's transaction; the office's edits are routed with it."""
    done: list[Confirmed] = []
    issued = node.store.table(SERVICE_REFS)
    owners: dict[str, set[str]] | None = None
    for case_id in sorted(set(case_ids)):
        case = node.repo.get(Case, case_id)
        if case is None:
            continue
        mine = issued.get_id(case_id)
        if mine is not None:
            if case.reference != mine["reference"]:
                node.repo.save(case.replace(reference=mine["reference"]))
                done.append(Confirmed(case_id, case.reference, mine["reference"]))
            continue
        if owners is None:
            owners = _owners(node)  # once per import, kept up to date below
        others = owners.get(case.reference, set()) - {case_id}
        if is_provisional(case.reference) or not is_plain(case.reference) or others:
            reference = next_reference(node, owners)
            node.repo.save(case.replace(reference=reference))
            owners.get(case.reference, set()).discard(case_id)
        else:
            reference = case.reference
        owners.setdefault(reference, set()).add(case_id)
        record(node, case_id, reference)
        done.append(Confirmed(case_id, case.reference, reference))
    return done
