"""Erasure is for good (DESIGN.md §5): erased cases are remembered by id at the office and on
the laptop, later operations on them are dropped and reported, and the erasure and its
pending scrub are one write, finished on the next open after a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ips_field.actions import office as off
from ips_field.actions.office import family_data
from ips_field.domain.records import Case, Family, Note
from ips_field.store.store import KdfParams, Store
from sync import erasure
from sync.exchange import export_bundle, import_bundle
from sync.node import SyncNode
from tests import hostile_kit as hk

PASS = "volunteer passphrase words"


@pytest.fixture
def world(tmp_path: Path) -> hk.World:
    return hk.make_world(tmp_path)


def family_names(path: Path, tmp: Path) -> set[str]:
    """Family names readable in the store file ``path`` (opened from a copy)."""
    copy = tmp / f"check-{path.name}.ipsf"
    shutil.copy(path, copy)
    with Store.open(copy, PASS) as store:
        names = {d.get("family_name", "") for d in store.table("family").all()}
    copy.unlink()
    return names


def test_a_bundle_sent_before_the_erasure_does_not_bring_the_family_back(world: hk.World) -> None:
    a, cid = world.vid("a"), world.ids["a.case"]
    world.vols["a"].repo.add_note(Note(case_id=cid, text="written before the erasure"))
    late = export_bundle(world.vols["a"], world.office.node_id, world.tmp / "late")
    off.erase_family(world.office, cid)
    assert erasure.erased_ids(world.office.store) == {cid}
    assert world.office.store.table(erasure.ERASED).all() == [{"id": cid}]  # the id only
    result = import_bundle(world.office, late, world.tmp / "quarantine")
    assert result.status == "imported"
    assert "to erased families dropped" in result.summary
    assert world.office.repo.raw("case", cid) is None
    assert not world.office.repo.for_case(Note, cid)
    assert not world.office.repo.for_case(Family, cid)
    # Even a fresh "new case" op with the erased id creates nothing.
    again = hk.new_record(a, Case(id=cid, reference="X", school="S", opened_on="2026-11-01",
                                  assigned_to=a))  # fmt: skip
    result = hk.send(world, "a", hk.number(world.office, a, [again]))
    assert result.status == "imported" and "dropped" in result.summary
    assert world.office.repo.raw("case", cid) is None


def test_the_laptop_remembers_the_erasure_and_drops_later_office_ops(world: hk.World) -> None:
    cid, o = world.ids["a.case"], world.office.node_id
    off.erase_family(world.office, cid)
    result = hk.carry_down(world, "a")
    assert result.status == "imported" and "1 family erased" in result.summary
    laptop = world.vols["a"]
    assert laptop.repo.raw("case", cid) is None
    assert erasure.erased_ids(laptop.store) == {cid}
    stale = hk.op(o, "family", world.ids["a.family"],
                  {"case_id": cid, "family_name": "Back", "parents": [{"name": "P"}],
                   "created_at": "2026-11-01T09:00:00+00:00", "origin": o})  # fmt: skip
    result = hk.send_to_volunteer(world, "a", hk.number(laptop, o, [stale]))
    assert result.status == "imported" and "dropped" in result.summary
    assert laptop.repo.raw("family", world.ids["a.family"]) is None


def test_the_erasure_and_its_pending_scrub_are_one_write(world: hk.World, monkeypatch) -> None:
    cid = world.ids["b.case"]

    def crash(store):
        raise SystemExit("power cut")

    monkeypatch.setattr(family_data, "finish_scrub", crash)
    with pytest.raises(SystemExit):
        off.erase_family(world.office, cid)
    store = world.office.store
    assert world.office.repo.raw("case", cid) is None  # erased ...
    assert erasure.is_erased(store, cid) and erasure.scrub_pending(store)  # ... and owed
    monkeypatch.undo()
    off.office_node(store)  # the next open of the master record finishes it
    assert not erasure.scrub_pending(store)


def _real_volunteer(world: hk.World, tmp: Path) -> tuple[Store, SyncNode]:
    store = Store.create(tmp / "d" / "v.ipsf", PASS, kdf=KdfParams.FOR_TESTS)
    with hk.cheap_enrolment():
        invite, code, _ = off.enrol(world.office, "Dee")
        reply, fp, _ = off.volunteer_enrol(store, invite, code)
        off.confirm_enrolment(world.office, off.read_enrolment_reply(world.office, reply), fp)
    node = SyncNode(store, "volunteer")
    world.vols["d"] = node
    assert hk.carry_down(world, "d").status == "imported"
    return store, node


def test_a_crash_between_erasure_and_scrub_is_finished_on_the_next_open(
    world: hk.World, tmp_path: Path, monkeypatch
) -> None:
    import sync.exchange

    store, node = _real_volunteer(world, tmp_path)
    me = node.node_id
    case = node.repo.save(Case(reference="D1", school="S", opened_on="2026-11-01", assigned_to=me))
    node.repo.save(Family(case_id=case.id, family_name="Zedmarker", parents=[{"name": "Z"}]))
    assert hk.carry_up(world, "d").status == "imported"
    store.compact()  # the previous generation, <store>.prev, now holds the family
    prev = store.path.with_name(store.path.name + ".prev")
    assert "Zedmarker" in family_names(prev, tmp_path)

    off.erase_family(world.office, case.id)
    monkeypatch.setattr(sync.exchange, "finish_scrub", lambda s: False)  # the crash
    result = hk.carry_down(world, "d")
    assert result.status == "imported" and "1 family erased" in result.summary
    store.close()
    assert "Zedmarker" in family_names(prev, tmp_path)  # what a crash used to leave for good
    monkeypatch.undo()

    peek = Store.open(store.path, PASS)
    assert erasure.scrub_pending(peek)
    peek.close()
    from ips_field.cli.common import open_store

    monkeypatch.setenv("IPS_FIELD_PASSPHRASE", PASS)
    reopened = open_store(store.path)  # the next open (command line or app) finishes the scrub
    assert not erasure.scrub_pending(reopened)
    assert erasure.erased_ids(reopened) == {case.id}
    reopened.close()
    assert "Zedmarker" not in family_names(prev, tmp_path)
    assert "Zedmarker" not in family_names(store.path, tmp_path)
