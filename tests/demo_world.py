"""The volunteer demo, built once per run and copied for each test.

Building the demo writes ~150 records one transaction at a time (a few seconds of CPU on an
in-memory store); dozens of pilot and snapshot tests each want a fresh one. :func:`demo_repo`
builds it once for each (store class, clock, extras) and hands every caller a repository on
its own copy of the store, whose clock goes on exactly where the build's clock stopped: the
same records, ids, stamps and counters as a fresh build, nothing shared between tests.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from ips_field.demo.volunteer import build_demo
from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore
from ips_field.store.values import json_copy
from tests.conftest import FuncClock

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)

_BUILT: dict[tuple[Any, ...], tuple[Any, int, Any, int]] = {}


def _ticking(start: dt.datetime, step: dt.timedelta, ticks: Any) -> FuncClock:
    return FuncClock(lambda: start + step * next(ticks))


def demo_repo(
    store_class: type[MemoryStore] = MemoryStore,
    *,
    start: dt.datetime = NOW,
    step: dt.timedelta = SECOND,
    today: dt.date = TODAY,
    extra: Callable[..., None] | None = None,
) -> Repository:
    """A repository holding the demo (``extra(repo, today=...)`` run after it), on a fresh
    ``store_class`` store; its clock's n-th reading is ``start + n * step``, n counting on
    from the readings the build took."""
    key = (store_class, start, step, today, extra)
    if key not in _BUILT:
        ticks = itertools.count()
        built = Repository(
            store_class(), node_id="volunteer-node", clock=_ticking(start, step, ticks)
        )
        build_demo(built, today=today)
        if extra is not None:
            extra(built, today=today)
        memory = json_copy(built.store.db.storage.memory)
        _BUILT[key] = (memory, next(ticks), built.clock.last, built._seq)
    memory, used, last, seq = _BUILT[key]
    store = store_class()
    store.db.storage.memory = json_copy(memory)
    store.db.clear_cache()
    repo = Repository(
        store, node_id="volunteer-node", clock=_ticking(start, step, itertools.count(used))
    )
    repo.clock.last, repo._seq = last, seq
    return repo
