"""The office audit log: a hash chain with a signed head catches edits, removals, reordering."""

from __future__ import annotations

from pathlib import Path

import pytest

from ips_field.actions import office as off
from ips_field.store.store import KdfParams
from sync import audit
from sync.node import SyncNode


@pytest.fixture
def office(tmp_path: Path) -> SyncNode:
    node = off.init_office(
        tmp_path / "o.ipsf",
        "office pass words",
        "recovery",
        tmp_path / "rk",
        kdf=KdfParams.FOR_TESTS,
    )
    for i in range(5):
        audit.append(node, "view_notes", f"REF-{i}", case_id=f"case-{i}")
    return node


def test_intact_chain_verifies(office: SyncNode) -> None:
    check = audit.verify(office)
    assert check.ok and check.entries == 5
    assert [e["detail"] for e in audit.entries(office)] == [f"REF-{i}" for i in range(5)]


def test_edited_entry_is_found(office: SyncNode) -> None:
    table = office.store.table(audit.AUDIT)
    third = table.get_id("000000003")
    table.put({**third, "detail": "REF-innocent"})
    check = audit.verify(office)
    assert not check.ok and check.problem == "entry 3 was altered after it was written"


def test_rehashed_edit_breaks_the_next_link(office: SyncNode) -> None:
    table = office.store.table(audit.AUDIT)
    third = {**table.get_id("000000003"), "detail": "REF-innocent"}
    third["hash"] = audit._digest(third)
    table.put(third)
    check = audit.verify(office)
    assert not check.ok and check.problem == "entry 4 does not follow entry 3"


def test_removed_last_entry_and_forged_head_are_found(office: SyncNode) -> None:
    table = office.store.table(audit.AUDIT)
    table.delete_ids(["000000005"])
    assert audit.verify(office).problem == "entries were removed from the end of the log"
    last = table.get_id("000000004")
    head = {**office.state["audit_head"], "n": 4, "hash": last["hash"]}
    office.save_state(audit_head=head)  # the old signature covers entry 5, not 4
    assert audit.verify(office).problem == "the signed head of the log does not verify"


def test_removed_middle_entry_is_found(office: SyncNode) -> None:
    office.store.table(audit.AUDIT).delete_ids(["000000002"])
    assert audit.verify(office).problem == "entry 2 is missing or out of order"


def test_unknown_action_is_refused(office: SyncNode) -> None:
    with pytest.raises(ValueError):
        audit.append(office, "tea_break", "")
    assert audit.verify(office).entries == 5
