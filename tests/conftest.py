"""Shared fixtures: the one clock every test runs on.

No code reads the machine's clock except ``SystemClock``; the suite pins the process's default
clock to ``NOW`` before anything is built (session fixtures included) and again, fresh, for
every test. ``.ci/run`` also runs the suite with the machine's clock moved to far dates, so a
stray read of the wall clock shows as a failure there.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from ips_field.domain.clock import Clock, FixedClock, set_default_clock

NOW = dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
STEP = dt.timedelta(milliseconds=1)  # successive stamps differ, as real ones would


class FuncClock(Clock):
    """A clock whose now() is any function (tests that need colliding or odd times)."""

    def __init__(self, fn: Callable[[], dt.datetime]) -> None:
        self._fn = fn

    def now(self) -> dt.datetime:
        return self._fn()


def pinned_clock(at: dt.datetime = NOW, step: dt.timedelta = STEP) -> FixedClock:
    return FixedClock(at, step=step)


TRAVEL_ENV = "IPS_TEST_WALL_CLOCK"  # e.g. "2027-12-31T23:30 Europe/London" (set by .ci/run)


PLATFORM_ENV = "IPS_PLATFORM_DOUBLE"  # "windows": Windows file semantics (tests/windows_double.py)

REAL_KDF_ENV = "IPS_TEST_UNREMEMBERED_KDF"  # "1": every Argon2id derivation runs, none recalled


class RememberedArgon2id:
    """``Argon2id`` that remembers, for this test run only, the key it derived from the same
    inputs (parameters, salt and passphrase or code). A derivation is a pure function of
    those, so the key is the same bytes; only reopening a store, or both sides of one
    enrolment, stop paying for it again. Parameters are checked by the real class as they
    are built, and a new passphrase or salt is always really derived."""

    answers: ClassVar[dict[tuple[Any, ...], bytes]] = {}

    def __init__(self, **params: Any) -> None:
        self._real = Argon2id(**params)  # refuses bad parameters exactly as the real one
        self._params = tuple(sorted((k, v) for k, v in params.items()))

    def derive(self, key_material: bytes) -> bytes:
        key = (self._params, bytes(key_material))
        if key not in self.answers:
            self.answers[key] = self._real.derive(key_material)
        return self.answers[key]


def remember_kdf() -> None:
    """Put :class:`RememberedArgon2id` where the store and enrolment derive their keys."""
    from ips_field.store import crypto
    from sync import enrol

    crypto.Argon2id = RememberedArgon2id  # type: ignore[misc]
    enrol.Argon2id = RememberedArgon2id  # type: ignore[misc]


def remember_template_yaml() -> None:
    """Templates are read each time an app starts (dozens of times a run); their YAML node
    tree is a pure function of the file's text, so it is parsed once per distinct text and
    every load still runs its own checks and builds its own objects from it. Bad YAML is
    never remembered: it fails the same way each time."""
    import functools

    from ips_field.templates import loader, nodes

    loader.compose = functools.lru_cache(maxsize=64)(nodes.compose)  # type: ignore[assignment]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Workers for ``-n auto``: two per core, at most 16. A pilot test spends about half its
    time with the app idle (Textual's pilot waits for quiet after every key), so a second
    worker per core runs while the first waits; the suite takes about two thirds of the time
    it takes with one worker per core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1), 16)


def pytest_configure(config: pytest.Config) -> None:
    set_default_clock(pinned_clock())
    if os.environ.get(REAL_KDF_ENV) != "1":
        remember_kdf()
    remember_template_yaml()
    if os.environ.get(PLATFORM_ENV) == "windows":
        from tests import windows_double

        windows_double.install()
    travel = os.environ.get(TRAVEL_ENV)
    if travel:
        # Move the machine's clock (and zone) for the whole run: a test that passes only on
        # the real date is a test, or code, that reads the wall clock behind the clock's back.
        when, _, zone = travel.partition(" ")
        start = dt.datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(zone or "UTC"))
        time_machine.travel(start, tick=True).start()


@pytest.fixture(autouse=True)
def private_crash_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Crash files from tests go to a temporary folder, never the user's data folder."""
    monkeypatch.setenv("IPS_FIELD_CRASH_DIR", str(tmp_path_factory.mktemp("crashes")))


@pytest.fixture(autouse=True)
def clock() -> Iterator[FixedClock]:
    """The test's clock, at ``NOW``; move it with ``clock.advance(days=1)``."""
    fixed = pinned_clock()
    previous = set_default_clock(fixed)
    yield fixed
    set_default_clock(previous)


pytest_plugins = ["tests.office_world"]  # the office world fixtures, for every test folder
