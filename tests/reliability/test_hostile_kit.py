"""The hostile kit (DESIGN.md §6): validly signed bundles from an enrolled volunteer, and
from the office, that try what they must not. Every one is imported from a real file; no
exception may escape, nothing unauthorised may reach the receiver, a refused bundle changes
nothing, and genuine bundles still import afterwards. 200 bundles each way by default (the
first 200 of the 500-bundle runs, every attack among them), 500 and 10,000 with ``-m long``."""

from __future__ import annotations

import collections
import random
import time
from pathlib import Path

import pytest

from ips_field.domain.records import Case
from sync.merge import MAX_COUNTER_KEPT
from sync.ops import MAX_COUNTER
from tests import hostile_attacks as ha
from tests import hostile_kit as hk


def _genuine_round(world: hk.World, counts: collections.Counter) -> None:
    """Ben and Anna make real changes; every office bundle still reaches every volunteer."""
    for name in ("a", "b"):
        repo = world.vols[name].repo
        case = repo.get(Case, world.ids[f"{name}.case"])
        assert case is not None
        repo.save(case.replace(summary=f"genuine {counts['genuine']}"))
        result = hk.carry_up(world, name)
        assert result.status == "imported", result.summary
        counts["genuine"] += 1
    for name in ("a", "b", "c"):
        result = hk.carry_down(world, name)
        assert result.status == "imported", result.summary
    assert world.office.repo.clock.last[1] < MAX_COUNTER - 10_000


def run_volunteer_kit(world: hk.World, n: int, seed: int) -> collections.Counter:
    rng = random.Random(seed)
    counts: collections.Counter = collections.Counter()
    baseline = hk.protected(world)
    for i in range(n):
        attack, ops = ha.hostile_bundle(world, rng)
        if rng.random() < 0.01:
            attack, ops = "flood", ha.flood(world, rng)
        before = hk.state(world.office)
        result = hk.send(world, "a", ops)  # an exception here fails the test
        counts[f"{attack}:{result.status}"] += 1
        if result.status == "quarantined":
            assert hk.state(world.office) == before, attack
            assert "\n" not in result.summary
        else:
            assert result.status == "imported", (attack, result.summary)
            hk.check_protected(world, baseline)
            baseline = hk.protected(world)  # Anna's own changes are hers to make
        assert world.office.repo.clock.last[1] <= MAX_COUNTER_KEPT + 10_000
        if i % 50 == 49:
            hk.everyday(world.office)
            _genuine_round(world, counts)
            baseline = hk.protected(world)
    hk.everyday(world.office)
    return counts


def _laptop_protected(world: hk.World) -> dict:
    """What no office bundle may change on Anna's laptop: her own case-less records, notes,
    and every record's fixed details."""
    from ips_field.domain.records import KINDS

    out = {}
    node = world.vols["a"]
    for kind, cls in KINDS.items():
        for d in node.repo.table(kind).all():
            if cls.CASE_FIELD is None or kind == "note":
                out[(kind, d["id"])] = {k: v for k, v in d.items() if k != "updated_at"}
            else:
                out[(kind, d["id"])] = {k: d.get(k) for k in ("origin", "created_at", "case_id")}
    return out


def run_office_kit(world: hk.World, n: int, seed: int) -> collections.Counter:
    rng = random.Random(seed)
    counts: collections.Counter = collections.Counter()
    laptop = world.vols["a"]
    baseline = _laptop_protected(world)
    for i in range(n):
        attack, ops = ha.office_attack(world, rng)
        before = hk.state(laptop)
        result = hk.send_to_volunteer(world, "a", ops)
        counts[f"{attack}:{result.status}"] += 1
        if result.status == "quarantined":
            assert hk.state(laptop) == before, attack
        else:
            assert result.status == "imported", (attack, result.summary)
            now = _laptop_protected(world)
            assert {k: v for k, v in now.items() if k in baseline} == baseline, attack
        if i % 50 == 49:
            hk.everyday(laptop)
            _genuine_round(world, counts)
            baseline = _laptop_protected(world)
    return counts


def _report(label: str, counts: collections.Counter, seconds: float) -> None:
    refused = sum(v for k, v in counts.items() if k.endswith(":quarantined"))
    imported = sum(v for k, v in counts.items() if k.endswith(":imported"))
    print(f"\n{label}: {refused} refused, {imported} imported harmlessly, "
          f"{counts['genuine']} genuine after them, {seconds:.1f} s")  # fmt: skip
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")


@pytest.fixture
def world(tmp_path: Path) -> hk.World:
    return hk.make_world(tmp_path)


DEFAULT = 200  # bundles each way in the default run; the same seeds' first 200 of 500


def _volunteer_kit(world: hk.World, n: int) -> None:
    start = time.perf_counter()
    counts = run_volunteer_kit(world, n, seed=11)
    _report("volunteer -> office", counts, time.perf_counter() - start)
    refused = sum(v for k, v in counts.items() if k.endswith(":quarantined"))
    assert (
        refused >= n * 4 // 5
    )  # almost every hostile bundle is refused; the rest change only hers
    assert {k.split(":")[0] for k in counts} >= {*ha.ATTACKS, "flood", "genuine"}


def _office_kit(world: hk.World, n: int) -> None:
    start = time.perf_counter()
    counts = run_office_kit(world, n, seed=12)
    _report("office -> volunteer", counts, time.perf_counter() - start)
    assert sum(v for k, v in counts.items() if k.endswith(":quarantined")) >= n * 3 // 5
    kinds = {"own_records", "note", "fixed", "values", "numbers", "clock", "in_volunteer_name"}
    assert {k.split(":")[0] for k in counts} >= {*kinds, "flood", "genuine"}


def test_hostile_volunteer_kit(world: hk.World) -> None:
    _volunteer_kit(world, DEFAULT)


def test_hostile_office_kit(world: hk.World) -> None:
    _office_kit(world, DEFAULT)


@pytest.mark.long
def test_hostile_volunteer_kit_500(world: hk.World) -> None:
    _volunteer_kit(world, 500)


@pytest.mark.long
def test_hostile_office_kit_500(world: hk.World) -> None:
    _office_kit(world, 500)


@pytest.mark.long
def test_hostile_volunteer_kit_long(world: hk.World) -> None:
    start = time.perf_counter()
    counts = run_volunteer_kit(world, 10_000, seed=1011)
    _report("volunteer -> office (long)", counts, time.perf_counter() - start)


@pytest.mark.long
def test_hostile_office_kit_long(world: hk.World) -> None:
    start = time.perf_counter()
    counts = run_office_kit(world, 10_000, seed=1012)
    _report("office -> volunteer (long)", counts, time.perf_counter() - start)
