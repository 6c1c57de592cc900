"""``ips-office demo``: a fictional office with volunteers, imported history and a full inbox."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.actions import office as off
from ips_field.actions.note_flags import flagged_notes
from ips_field.actions.office import inbox_files
from ips_field.cli.office import main
from ips_field.demo import office as office_demo
from ips_field.demo.office import FAMILY_LIST, OfficeDemo, create_office_demo
from ips_field.domain.records import Case, CpdEntry, Evaluation, Note, SupervisionEntry
from ips_field.errors import IpsError, WrongPassphrase
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store
from sync.exchange import import_bundle
from sync.merge import open_conflicts

TODAY = dt.date(2026, 3, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> OfficeDemo:
    root = tmp_path_factory.mktemp("office-demo")
    return create_office_demo(root / "office.ipsf", today=TODAY, kdf=KdfParams.FOR_TESTS)


@pytest.fixture
def office(demo: OfficeDemo):
    node = off.open_office(demo.store, "demo")
    yield node
    node.store.close()


def test_master_record_opens_with_demo_and_lists_four_active_volunteers(
    demo: OfficeDemo, office
) -> None:
    roster = office.roster
    assert roster is not None
    active = {vid for vid, entry in roster.volunteers.items() if entry.active}
    assert active == set(demo.volunteer_ids) and len(active) == 4
    names = {off.volunteer_name(office, vid) for vid in active}
    assert names == {"Alex Demo", "Sam Rivers", "Priya Natt", "Joe Okafor"}
    assert demo.recovery_key.name == "office-recovery.key" and demo.recovery_key.exists()
    off.read_recovery_key(demo.recovery_key, "demo")  # opens with the printed passphrase


def test_wrong_passphrase_is_refused(demo: OfficeDemo) -> None:
    with pytest.raises(WrongPassphrase):
        off.open_office(demo.store, "not demo")


def test_history_from_every_volunteer_was_imported(demo: OfficeDemo, office) -> None:
    cases = office.repo.all(Case)
    for vid in demo.volunteer_ids:
        opened = [c for c in cases if c.origin == vid]
        assert len(opened) >= 2, demo.names[vid]
        assert 3 <= sum(c.assigned_to == vid for c in cases) <= 4, demo.names[vid]
        notes = [n for n in office.repo.all(Note) if n.origin == vid]
        assert {n.voice for n in notes} >= {
            "parent_view",
            "procedure",
            "option",
            "professional_view",
            "agreed_action",
            "ips_role_statement",
        }
        assert any(e.origin == vid for e in office.repo.all(CpdEntry))
        assert any(s.origin == vid for s in office.repo.all(SupervisionEntry))
    assert any(c.status == "closed" for c in cases)
    reassigned = [c for c in cases if c.origin in demo.volunteer_ids and c.origin != c.assigned_to]
    assert len(reassigned) == 1 and not reassigned[0].blocked_reason


def test_office_actions_and_open_conflicts(demo: OfficeDemo, office) -> None:
    returned = [e for e in office.repo.all(Evaluation) if e.returned_on]
    assert len(returned) >= 2 and all(e.impartial is not None for e in returned)
    # A returned evaluation completes the volunteer's "sent" record where there is one.
    assert any(e.sent_on and e.origin != office.node_id for e in returned)
    conflicts = open_conflicts(office.repo)
    assert conflicts and any(c["needs_review"] for c in conflicts)
    assert office.state["inbox"] == str(demo.inbox)
    flagged = flagged_notes(office.repo)
    assert any("You should" in n.text for n in flagged)


def test_dates_are_within_fourteen_months_of_today(office) -> None:
    earliest = TODAY - dt.timedelta(days=430)
    dates = [e.on for e in office.repo.all(CpdEntry)] + [
        s.on for s in office.repo.all(SupervisionEntry)
    ]
    dates += [n.written_at[:10] for n in office.repo.all(Note)]
    assert min(dates) >= earliest.isoformat() and max(dates) <= TODAY.isoformat()
    assert min(dates) <= (TODAY - dt.timedelta(days=365)).isoformat()


def test_inbox_bundles_import_cleanly_and_bring_new_notes(demo: OfficeDemo, tmp_path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(demo.store.parent, copy)
    node = off.open_office(copy / demo.store.name, "demo")
    try:
        files = inbox_files(copy / "inbox")
        assert len(files) == 3
        before = len(node.repo.all(Note))
        results = [import_bundle(node, f, tmp_path / "quarantine") for f in files]
        assert [r.status for r in results] == ["imported"] * 3, [r.summary for r in results]
        assert len({r.sender for r in results}) == 3
        assert all(r.notes > 0 for r in results)
        assert len(node.repo.all(Note)) == before + sum(r.notes for r in results)
        assert any(c.status == "closed" and c.closed_on for c in node.repo.all(Case))
    finally:
        node.store.close()


def test_volunteer_stores_open_with_demo(demo: OfficeDemo) -> None:
    for volunteer in demo.volunteers:
        assert volunteer.store.parent.name == "volunteers"
        with Store.open(volunteer.store, "demo") as store:
            repo = Repository(store)
            assert repo.node_id == volunteer.id
            assert repo.profile().name == volunteer.name
            assert repo.all(Case) and store.has_recovery_slot()


def test_no_family_name_in_plaintext_anywhere(demo: OfficeDemo) -> None:
    secrets = {"DEMO-0", "You should accept"}
    for surname, parent, child, *_ in FAMILY_LIST:
        secrets |= {surname, parent, child}
    files = [p for p in demo.store.parent.rglob("*") if p.is_file()]
    assert len(files) >= 6 + 3  # stores, key, bundles
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, (path.name, secret)
            assert secret not in str(path), path


def test_refuses_to_overwrite(demo: OfficeDemo) -> None:
    with pytest.raises(IpsError, match="already exists"):
        create_office_demo(demo.store, kdf=KdfParams.FOR_TESTS)


# -- command line ----------------------------------------------------------------------------


def run(args: list[str]):
    return CliRunner().invoke(main, args, env={"IPS_FIELD_TEST_KDF": "1"})


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("ips-office: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_cli_create_only(tmp_path: Path) -> None:
    store = tmp_path / "demo" / "office.ipsf"
    result = run(["demo", "--create-only", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert str(store) in result.stdout and "Its passphrase is: demo" in result.stdout
    assert "recovery key" in result.stdout and "(its passphrase is: demo)" in result.stdout
    node = off.open_office(store, "demo")
    try:
        assert len(node.roster.volunteers) == 4
    finally:
        node.store.close()
    assert len(inbox_files(tmp_path / "demo" / "inbox")) == 3
    assert "already exists" in one_line_error(run(["demo", "--create-only", "--store", str(store)]))


def test_cli_create_only_needs_store(tmp_path: Path) -> None:
    assert one_line_error(run(["demo", "--create-only"])) == (
        "ips-office: --create-only needs --store PATH"
    )


def test_cli_opens_the_office_app_with_the_hint(tmp_path: Path, monkeypatch) -> None:
    made: list[Path] = []
    opened: list[tuple[Path, str]] = []

    def fake_create(path: Path, *, today=None, kdf=None) -> OfficeDemo:
        made.append(path)
        return OfficeDemo(path, path.with_name("office-recovery.key"), path.parent / "inbox", ())

    app = pytest.importorskip("ips_field.tui.office.app")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the fresh folder goes here
    monkeypatch.setattr(office_demo, "create_office_demo", fake_create)
    monkeypatch.setattr(app, "run_office", lambda path, hint="": opened.append((path, hint)))
    result = run(["demo"])
    assert result.exit_code == 0, result.output
    assert len(made) == 1 and made[0].name == "office.ipsf"
    assert made[0].parent.parent == tmp_path and made[0].parent.name.startswith("ips-office-demo")
    assert opened == [
        (made[0], "This is the demo office of fictional families: its passphrase is  demo")
    ]


def test_a_broken_office_app_is_an_error_before_anything_is_written(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setitem(sys.modules, "ips_field.tui.office.app", None)  # import fails
    store = tmp_path / "office.ipsf"
    result = run(["demo", "--store", str(store)])
    line = one_line_error(result)  # loud (the error's type named), not hidden as a missing app
    assert "failed unexpectedly (ModuleNotFoundError)" in line
    assert not store.exists()
