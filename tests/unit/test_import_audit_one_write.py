"""An office import and its audit entry are one store write (issue 14, point 9).

Before, the bundle was applied in one write and its audit entry appended in another, so a
kill between the two (1 in 90 killed imports) kept the import with no record of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ips_field.actions import office as off
from ips_field.domain.records import Note
from ips_field.store.store import Store
from sync import audit
from sync.inbox import import_paths
from tests.office_world import OFFICE_PASS, World


def _imports(world: World) -> list[str]:
    return [e["detail"] for e in audit.entries(world.office) if e["action"] == "import"]


def test_an_import_is_one_write_with_its_audit_entry(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = []
    real = Store._commit

    def counted(self: Store) -> None:
        commits.append(1)
        real(self)

    monkeypatch.setattr(Store, "_commit", counted)
    report = import_paths(world.office, [world.inbox])
    assert report.imported == 1
    assert len(commits) == 1  # the ops, the peer state, the hash and the audit entry
    [line] = _imports(world)
    assert line.endswith(": imported from Anna")


def test_an_audit_entry_that_cannot_be_written_takes_the_import_with_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = len(world.office.repo.all(Note))
    peer = world.office.peer(world.a)["seen_seq"]

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(audit, "append", broken)
    report = import_paths(world.office, [world.inbox])
    assert report.imported == 0
    monkeypatch.undo()
    assert len(world.office.repo.all(Note)) == notes  # nothing applied
    assert world.office.peer(world.a)["seen_seq"] == peer
    assert _imports(world) == []


def test_a_write_that_fails_on_disk_keeps_neither(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one journal record cannot be written: after reopening, neither import nor entry."""
    path = Path(world.office.store.path)

    def refused(self: Store, change: object) -> None:
        raise OSError("the disk refused")

    monkeypatch.setattr(Store, "_append", refused)
    monkeypatch.setattr(Store, "_rewrite", refused)
    report = import_paths(world.office, [world.inbox])
    assert report.imported == 0
    monkeypatch.undo()
    world.office.store.close()
    node = off.open_office(path, OFFICE_PASS)
    try:
        assert "Annual review due in May" not in [n.text for n in node.repo.all(Note)]
        assert not any("imported" in e["detail"] for e in audit.entries(node))
    finally:
        node.store.close()
