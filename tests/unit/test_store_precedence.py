"""An explicit ``--store`` beats the environment variable, in both programs, whether it is
written before the subcommand or after it; the store the variable names is never touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.actions.office import init_office, open_office
from ips_field.cli.office import main as office_main
from ips_field.cli.volunteer import main as field_main
from ips_field.domain.records import Case
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store

FIELD_PASS = "volunteer pass words"
OFFICE_PASS = "office pass words here"
NEW_PASS = "a brand new passphrase words"


def _fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), os.stat(path).st_mtime_ns


def _field_store(path: Path, cases: int, passphrase: str = FIELD_PASS) -> Path:
    with Store.create(path, passphrase, kdf=KdfParams.FOR_TESTS) as store:
        repo = Repository(store)
        for i in range(cases):
            repo.save(Case(reference=f"P-{i}", school="S", opened_on="2026-11-01"))
    return path


def _office_store(path: Path) -> Path:
    node = init_office(
        path, OFFICE_PASS, "recovery words", path.with_suffix(".key"), kdf=KdfParams.FOR_TESTS
    )
    node.store.close()
    return path


def _field_args(cmd: list[str], store: Path, position: str) -> list[str]:
    if position == "before":
        return ["--store", str(store), *cmd]
    return [*cmd, "--store", str(store)]


@pytest.mark.parametrize("position", ["before", "after"])
def test_ips_field_verify_checks_the_store_given_not_the_variable(
    tmp_path: Path, position: str
) -> None:
    wrong = _field_store(tmp_path / "wrong.ipsf", cases=0)
    right = _field_store(tmp_path / "right.ipsf", cases=2)
    before = _fingerprint(wrong)
    env = {"IPS_FIELD_STORE": str(wrong), "IPS_FIELD_PASSPHRASE": FIELD_PASS}
    result = CliRunner().invoke(field_main, _field_args(["verify"], right, position), env=env)
    assert result.exit_code == 0, result.output
    assert "2 case" in result.output  # the given store's cases, not the other's "no records"
    assert _fingerprint(wrong) == before


@pytest.mark.parametrize("position", ["before", "after"])
def test_ips_field_passwd_changes_the_store_given_and_leaves_the_other_alone(
    tmp_path: Path, position: str
) -> None:
    wrong = _field_store(tmp_path / "wrong.ipsf", cases=0)
    right = _field_store(tmp_path / "right.ipsf", cases=0)
    before = _fingerprint(wrong)
    env = {
        "IPS_FIELD_STORE": str(wrong),
        "IPS_FIELD_PASSPHRASE": FIELD_PASS,
        "IPS_FIELD_NEW_PASSPHRASE": NEW_PASS,
        "IPS_FIELD_TEST_KDF": "1",
    }
    result = CliRunner().invoke(field_main, _field_args(["passwd"], right, position), env=env)
    assert result.exit_code == 0, result.output
    Store.open(right, NEW_PASS).close()
    assert _fingerprint(wrong) == before
    Store.open(wrong, FIELD_PASS).close()


@pytest.mark.parametrize("position", ["before", "after"])
def test_ips_field_nested_sync_command_takes_the_store_before_the_group(
    tmp_path: Path, position: str
) -> None:
    # the other store has another passphrase: opening it would say "wrong passphrase"
    wrong = _field_store(tmp_path / "wrong.ipsf", cases=0, passphrase="other pass words")
    right = _field_store(tmp_path / "right.ipsf", cases=0)
    before = _fingerprint(wrong)
    env = {"IPS_FIELD_STORE": str(wrong), "IPS_FIELD_PASSPHRASE": FIELD_PASS}
    args = _field_args(["sync", "export", "--out", str(tmp_path / "out")], right, position)
    result = CliRunner().invoke(field_main, args, env=env)
    # the given store is not enrolled, so opening it (the right one) ends in that line
    assert "wrong passphrase" not in result.output, result.output
    assert "enrol" in result.output.lower(), result.output
    assert _fingerprint(wrong) == before


@pytest.mark.parametrize("position", ["before", "after"])
def test_ips_office_export_uses_the_master_record_given(tmp_path: Path, position: str) -> None:
    from sync import audit

    wrong = _office_store(tmp_path / "wrong.ipsf")
    right = _office_store(tmp_path / "right.ipsf")
    before = _fingerprint(wrong)
    env = {"IPS_OFFICE_STORE": str(wrong), "IPS_OFFICE_PASSPHRASE": OFFICE_PASS}
    args = _field_args(["export", "--out", str(tmp_path / "out")], right, position)
    result = CliRunner().invoke(office_main, args, env=env)
    assert result.exit_code == 0, result.output
    assert _fingerprint(wrong) == before
    node = open_office(right, OFFICE_PASS)
    try:
        assert [e["action"] for e in audit.entries(node)] == ["export"]
    finally:
        node.store.close()


@pytest.mark.parametrize("position", ["before", "after"])
def test_ips_office_passwd_and_import_use_the_master_record_given(
    tmp_path: Path, position: str
) -> None:
    wrong = _office_store(tmp_path / "wrong.ipsf")
    right = _office_store(tmp_path / "right.ipsf")
    before = _fingerprint(wrong)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {
        "IPS_OFFICE_STORE": str(wrong),
        "IPS_OFFICE_PASSPHRASE": OFFICE_PASS,
        "IPS_OFFICE_NEW_PASSPHRASE": NEW_PASS,
        "IPS_FIELD_TEST_KDF": "1",
    }
    imported = CliRunner().invoke(
        office_main, _field_args(["import", str(inbox)], right, position), env=env
    )
    assert imported.exit_code == 0, imported.output
    result = CliRunner().invoke(office_main, _field_args(["passwd"], right, position), env=env)
    assert result.exit_code == 0, result.output
    open_office(right, NEW_PASS).store.close()
    assert _fingerprint(wrong) == before


def test_after_the_command_beats_before_it(tmp_path: Path) -> None:
    first = _field_store(tmp_path / "first.ipsf", cases=0)
    second = _field_store(tmp_path / "second.ipsf", cases=3)
    env = {"IPS_FIELD_PASSPHRASE": FIELD_PASS}
    args = ["--store", str(first), "verify", "--store", str(second)]
    result = CliRunner().invoke(field_main, args, env=env)
    assert result.exit_code == 0, result.output
    assert "3 case" in result.output


def test_without_an_option_the_variable_still_decides(tmp_path: Path) -> None:
    named = _field_store(tmp_path / "named.ipsf", cases=1)
    env = {"IPS_FIELD_STORE": str(named), "IPS_FIELD_PASSPHRASE": FIELD_PASS}
    result = CliRunner().invoke(field_main, ["verify"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 case" in result.output
