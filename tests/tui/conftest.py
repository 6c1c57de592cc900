"""Pilot-test fixtures: a demo repository in memory with a frozen clock."""

from __future__ import annotations

import datetime as dt

import pytest

from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore
from ips_field.templates import load_templates
from tests.conftest import FuncClock
from tests.demo_world import demo_repo

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def templates():
    return load_templates()[0]


@pytest.fixture
def repo() -> Repository:
    return demo_repo(start=NOW, today=TODAY)  # built once, copied: as a fresh build_demo


@pytest.fixture
def empty_repo() -> Repository:
    return Repository(MemoryStore(), node_id="volunteer-node", clock=FuncClock(lambda: NOW))


@pytest.fixture(autouse=True)
def errors_surface(monkeypatch):
    """Pilot tests see a screen's errors as failures; the crash tests turn containment on."""
    from ips_field.tui.lockable import LockableApp

    monkeypatch.setattr(LockableApp, "contain_errors", False)


@pytest.fixture(autouse=True)
def config_folder(tmp_path, monkeypatch):
    """Each pilot test has its own (empty) settings folder, never the user's."""
    folder = tmp_path / "config"
    monkeypatch.setenv("IPS_FIELD_CONFIG_DIR", str(folder))
    return folder
