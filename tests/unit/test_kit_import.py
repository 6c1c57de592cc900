"""The negative test kit run through the full import path: each file gets its outcome,
nothing is applied when a bundle is refused, and refused files are quarantined."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore
from sync import errors
from sync.exchange import import_bundle
from sync.keys import IDENTITY_DOC, IDENTITY_TABLE
from sync.node import SyncNode, b64
from sync.roster import sign_roster
from tests.testkit import generate_kit, kit_identities, kit_roster, kit_setup_records


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    out = tmp_path_factory.mktemp("kit")
    return {c.name: c for c in generate_kit(out)}


def receiver(name: str) -> SyncNode:
    ids = kit_identities()
    me = ids[name]
    store = MemoryStore()
    Repository(store, node_id=me.node_id)
    store.table(IDENTITY_TABLE).put({"id": IDENTITY_DOC, **me.to_secret_dict()})
    role = "office" if name == "office" else "volunteer"
    node = SyncNode(store, role)
    signed = sign_roster(kit_roster(), ids["office"])
    node.save_state(
        roster=b64(signed),
        roster_version=kit_roster().version,
        office=ids["office"].public.to_dict(),
    )
    for doc in kit_setup_records():
        node.repo.put_raw(doc)
    return node


def data_counts(node: SyncNode) -> dict[str, int]:
    return {k: v for k, v in node.repo.counts().items() if v}


def test_every_kit_file_gets_its_outcome(kit, tmp_path: Path) -> None:
    seen = 0
    for case in kit.values():
        node = receiver(case.receiver)
        work = tmp_path / case.name
        work.mkdir()
        if case.after:
            first = kit[case.after]
            shutil.copy(first.path, work / "first.ipsb")
            assert import_bundle(node, work / "first.ipsb", work / "q").status == "imported"
        before = data_counts(node)
        target = work / case.path.name
        shutil.copy(case.path, target)
        result = import_bundle(node, target, work / "quarantine")
        if case.expected == "ok":
            assert result.status == "imported", (case.name, result.summary)
        elif case.name == "wrong_recipient":  # sealed to B: left in place, untouched
            assert result.status == "others", (case.name, result.summary)
            assert target.read_bytes() == case.path.read_bytes()
            assert not (work / "quarantine").exists()
            assert data_counts(node) == before
        elif case.expected == "replay":
            assert result.status == "replay", (case.name, result.summary)
            assert data_counts(node) == before
        else:
            assert result.status == "quarantined", (case.name, result.summary)
            assert isinstance(result.error, getattr(errors, case.expected)), (
                case.name,
                result.error,
            )
            assert data_counts(node) == before, case.name  # nothing applied
            assert (work / "quarantine" / case.path.name).exists()
            reason = (work / "quarantine" / (case.path.name + ".reason.txt")).read_text()
            assert reason.strip() and "\n" not in reason.strip()
        seen += 1
    assert seen == len(kit) >= 20
