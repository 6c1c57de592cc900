"""The demo built once and copied (tests/demo_world.py) is what a fresh build would be: the
same stored records and counters, a clock that goes on where the build's stopped, and copies
that do not share anything."""

from __future__ import annotations

import datetime as dt
import json
import re

from ips_field.demo.volunteer import build_demo
from ips_field.domain.records import Case
from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore
from tests.conftest import FuncClock
from tests.demo_world import NOW, TODAY, demo_repo

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _fresh() -> Repository:
    clock = iter(NOW + dt.timedelta(seconds=i) for i in range(10**6))
    repo = Repository(MemoryStore(), node_id="volunteer-node", clock=FuncClock(lambda: next(clock)))
    build_demo(repo, today=TODAY)
    return repo


def _content(repo: Repository) -> dict[str, list[str]]:
    """Each table's documents with record ids (random in every build) blanked out."""
    out = {}
    for name, docs in repo.store.db.storage.memory.items():
        text = [UUID.sub("ID", json.dumps(d, sort_keys=True)) for d in docs.values()]
        out[name] = sorted(text)
    return out


def test_a_copy_is_a_fresh_build_and_goes_on_like_one() -> None:
    fresh, copy = _fresh(), demo_repo(start=NOW, today=TODAY)
    assert _content(copy) == _content(fresh)
    assert (copy.node_id, copy.clock.last, copy._seq) == (
        fresh.node_id,
        fresh.clock.last,
        fresh._seq,
    )
    made = [
        r.save(Case(reference="NEW", school="S", opened_on="2026-11-01")) for r in (fresh, copy)
    ]
    assert made[0].updated_at == made[1].updated_at
    assert fresh.outbox()[-1]["seq"] == copy.outbox()[-1]["seq"]


def test_copies_share_nothing() -> None:
    one, two = demo_repo(start=NOW, today=TODAY), demo_repo(start=NOW, today=TODAY)
    case = one.all(Case)[0]
    one.save(case.replace(school="Changed School"))
    assert two.get(Case, case.id).school != "Changed School"
    three = demo_repo(start=NOW, today=TODAY)
    assert three.get(Case, case.id).school != "Changed School"
