"""Merge properties: with random loss, duplication and reordering, replicas converge; a
bundle applied twice changes nothing."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ips_field.domain.records import Case, Consent, Note
from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore
from sync.merge import CONFLICTS, apply_ops
from tests.conftest import FuncClock

NODES = ["vol-a", "vol-b", "vol-c", "office"]
BASE = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)


def replicas() -> dict[str, Repository]:
    """Fresh replicas sharing one clock that repeats every 7 ms, so walls collide and the
    counters and node ids decide; fresh per run so examples replay identically."""
    tick = itertools.count()

    def clock() -> dt.datetime:
        return BASE + dt.timedelta(milliseconds=next(tick) % 7)

    return {n: Repository(MemoryStore(), node_id=n, clock=FuncClock(clock)) for n in NODES}


def state(repo: Repository) -> dict:
    """The records every copy must agree on. The conflict queue is a review aid kept per
    copy: which intermediate values it lists can depend on arrival order (docs/sync.md)."""
    out = {}
    for kind in ("case", "consent", "note"):
        docs = sorted(repo.table(kind).all(), key=lambda d: d["id"])
        out[kind] = [{k: v for k, v in d.items() if k != "updated_at"} for d in docs]
    return out


edit = st.tuples(
    st.sampled_from(NODES),
    st.sampled_from(["school", "summary", "safeguarding", "consent", "note"]),
    st.text(alphabet="abc", min_size=1, max_size=3),
    st.booleans(),  # deliver something random right after this edit
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(edit, min_size=1, max_size=25), seed=st.randoms(use_true_random=False))
def test_replicas_converge(edits, seed) -> None:
    run(edits, seed)


@pytest.mark.long
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(edit, min_size=1, max_size=40), seed=st.randoms(use_true_random=False))
def test_replicas_converge_long(edits, seed) -> None:
    run(edits, seed)


def run(edits, rng) -> None:
    reps = replicas()
    origin = reps["vol-a"]
    case = origin.save(Case(reference="P1", school="s", opened_on="2026-11-01"))
    consent = origin.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    sent: list[dict] = list(origin.outbox())
    for other in NODES[1:]:
        apply_ops(reps[other], sent)
    for node, what, value, deliver in edits:
        repo = reps[node]
        before = len(repo.outbox())
        if what == "note":
            repo.add_note(Note(case_id=case.id, text=value))
        elif what == "consent":
            c = repo.get(Consent, consent.id)
            repo.save(c.replace(given_by=value))
        else:
            c = repo.get(Case, case.id)
            repo.save(c.replace(**{what: value}))
        sent += repo.outbox()[before:]
        if deliver and sent:
            target = rng.choice(NODES)
            batch = rng.sample(sent, k=rng.randint(1, len(sent)))  # loss: only some arrive
            apply_ops(reps[target], batch)
    # Every op eventually arrives everywhere, shuffled and duplicated.
    for node in NODES:
        batch = sent + rng.sample(sent, k=len(sent) // 2)
        rng.shuffle(batch)
        for chunk_start in range(0, len(batch), 5):
            apply_ops(reps[node], batch[chunk_start : chunk_start + 5])
    states = [state(reps[n]) for n in NODES]
    assert all(s == states[0] for s in states[1:])
    # Applying everything again changes nothing (idempotent).
    again = state(reps["office"])
    result = apply_ops(reps["office"], sent)
    assert result.duplicates == len(sent) and state(reps["office"]) == again
    # Consent conflicts are never auto-resolved: any that exist are flagged for review.
    for conflict in reps["office"].table(CONFLICTS).all():
        if conflict["kind"] == "consent" or conflict["field"] == "safeguarding":
            assert conflict["needs_review"] and conflict["status"] == "open"
