"""The office test world: a master record, two enrolled volunteers and real bundles.

Built once per session (three encrypted stores are the slow part) and copied for each test,
which may then change anything in its copy.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from ips_field.actions import office as off
from ips_field.domain.clock import FixedClock
from ips_field.domain.records import (
    Case,
    Consent,
    CpdEntry,
    Family,
    Interest,
    Note,
    SupervisionEntry,
)
from ips_field.store.store import KdfParams, Store
from sync.exchange import export_bundle, import_bundle
from sync.node import SyncNode

K = KdfParams.FOR_TESTS
OFFICE_PASS = "office passphrase for tests"
VOLUNTEER_PASS = "volunteer passphrase"


@dataclass
class World:
    tmp: Path
    office: SyncNode
    anna: SyncNode
    ben: SyncNode
    a: str
    b: str
    case_id: str
    inbox: Path


def enrol(tmp: Path, name: str, office: SyncNode) -> tuple[SyncNode, str]:
    store = Store.create(tmp / name / "v.ipsf", VOLUNTEER_PASS, kdf=K)
    invite, code, vid = off.enrol(office, name.title())
    reply, vol_fp, _ = off.volunteer_enrol(store, invite, code)
    off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), vol_fp)
    node = SyncNode(store, "volunteer")
    import_bundle(node, off.export_for(office, vid, tmp / "stick"), tmp / "q")
    return node, vid


def build_world(tmp_path: Path) -> World:
    office = off.init_office(
        tmp_path / "office.ipsf", OFFICE_PASS, "recovery words", tmp_path / "rk.key", kdf=K
    )
    anna, a = enrol(tmp_path, "anna", office)
    ben, b = enrol(tmp_path, "ben", office)
    ben.repo.save(
        Interest(interest_type="governor", organisation="Hill School", declared_on="2026-01-05")
    )
    case = anna.repo.save(
        Case(reference="A-001", school="Hill School", opened_on="2026-11-01", assigned_to=a)
    )
    anna.repo.save(
        Family(case_id=case.id, family_name="Quillfeather", parents=[{"name": "Rowan Q"}])
    )
    anna.repo.save(
        Consent(case_id=case.id, purpose="record", given_by="Rowan Q", given_on="2026-11-01")
    )
    anna.repo.add_note(Note(case_id=case.id, voice="parent_view", text="Wants [more] support"))
    anna.repo.add_note(
        Note(
            case_id=case.id,
            voice="option",
            text="You should accept the place",
            flags=[{"phrase": "you should", "alternative": "one option is"}],
        )
    )
    anna.repo.save(
        CpdEntry(on="2026-03-02", title="Impartiality", hours=3.0, topics=["impartiality"])
    )
    anna.repo.save(SupervisionEntry(on="2026-10-01", supervisor="Sue"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for node in (anna, ben):
        import_bundle(
            office, export_bundle(node, office.node_id, tmp_path / "stick"), tmp_path / "q"
        )
    # Anna writes more; her bundle waits in the inbox.
    anna.repo.add_note(Note(case_id=case.id, voice="procedure", text="Annual review due in May"))
    export_bundle(anna, office.node_id, inbox)
    office.save_state(inbox=str(inbox))
    return World(tmp_path, office, anna, ben, a, b, case.id, inbox)


@dataclass
class Template:
    root: Path
    ids: tuple[str, str, str]
    ended_at: dt.datetime  # the clock when it was built: each copy's clock goes on from there


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The office world, built once (three encrypted stores and real bundles), then closed."""
    from ips_field.domain.clock import set_default_clock
    from tests.conftest import pinned_clock

    root = tmp_path_factory.mktemp("office-world")
    building = pinned_clock()
    previous = set_default_clock(building)
    try:
        built = build_world(root)
    finally:
        set_default_clock(previous)
    for node in (built.office, built.anna, built.ben):
        node.store.close()
    return Template(root, (built.a, built.b, built.case_id), building.peek())


@pytest.fixture
def world(world_template: Template, tmp_path: Path, clock: FixedClock) -> World:
    """A private copy of the world for one test: it may change anything in it."""
    root, (a, b, case_id) = world_template.root, world_template.ids
    clock.set(world_template.ended_at)
    shutil.copytree(root, tmp_path, dirs_exist_ok=True)
    office = off.office_node(Store.open(tmp_path / "office.ipsf", OFFICE_PASS))
    anna = SyncNode(Store.open(tmp_path / "anna" / "v.ipsf", VOLUNTEER_PASS), "volunteer")
    ben = SyncNode(Store.open(tmp_path / "ben" / "v.ipsf", VOLUNTEER_PASS), "volunteer")
    office.save_state(inbox=str(tmp_path / "inbox"))
    return World(tmp_path, office, anna, ben, a, b, case_id, tmp_path / "inbox")
