"""One passphrase rule for the volunteer, the office and the recovery key (issue 12, Build 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.domain.passphrase import assess, check

WEAK = [
    "password1234",
    "qwerty123456",
    "letmeinletmein",
    "iloveyou1234",
    "1234567890123",
    "abcdefghijklmn",
    "P@ssw0rd2026",
    "a",
    "aaaaaaaaaaaaaaaa",
    "Tr0ub4dor&3",
]


@pytest.mark.parametrize("weak", WEAK)
def test_the_issues_examples_are_refused_with_a_reason(weak: str) -> None:
    s = assess(weak)
    assert not s.ok and s.score <= 2
    assert s.message and "\n" not in s.message
    assert len(weak) < 4 or weak.lower() not in s.message.lower()  # never echoes the text


def test_p_at_ssw0rd_is_not_good() -> None:
    assert assess("P@ssw0rd2026").message != "Good"


@pytest.mark.parametrize(
    "good", ["purple tractor singing loudly", "four words of passphrase", "kettle-Orbit-97-lamp"]
)
def test_unrelated_words_are_accepted(good: str) -> None:
    s = assess(good)
    assert s.ok and s.message in ("Good", "Strong")


def test_check_names_what_was_refused() -> None:
    assert check("password1234", "recovery key passphrase").startswith(
        "recovery key passphrase too weak:"
    )
    assert check("purple tractor singing loudly") is None


def test_office_init_refuses_a_weak_recovery_key_passphrase(tmp_path: Path) -> None:
    from ips_field.cli.office import main

    env = {
        "IPS_OFFICE_PASSPHRASE": "office pass words here",
        "IPS_OFFICE_RECOVERY_PASSPHRASE": "a",
        "IPS_FIELD_TEST_KDF": "1",
    }
    store = tmp_path / "office.ipsf"
    result = CliRunner().invoke(main, ["init", "--store", str(store)], env=env)
    assert result.exit_code != 0 and "recovery key passphrase too weak" in result.output
    assert not store.exists() and not (tmp_path / "office-recovery.key").exists()
    env["IPS_OFFICE_PASSPHRASE"] = "qwerty123456"
    env["IPS_OFFICE_RECOVERY_PASSPHRASE"] = "recovery pass words"
    result = CliRunner().invoke(main, ["init", "--store", str(store)], env=env)
    assert result.exit_code != 0 and "too weak" in result.output and not store.exists()


def test_office_passwd_rekey(tmp_path: Path) -> None:
    from ips_field.cli.office import main
    from ips_field.store.store import Store

    store = tmp_path / "office.ipsf"
    env = {
        "IPS_OFFICE_PASSPHRASE": "office pass words here",
        "IPS_OFFICE_RECOVERY_PASSPHRASE": "recovery pass words",
        "IPS_FIELD_TEST_KDF": "1",
    }
    assert CliRunner().invoke(main, ["init", "--store", str(store)], env=env).exit_code == 0
    weak = {**env, "IPS_OFFICE_NEW_PASSPHRASE": "letmeinletmein"}
    result = CliRunner().invoke(main, ["passwd", "--rekey", "--store", str(store)], env=weak)
    assert result.exit_code == 1 and "too weak" in result.output
    new = {**env, "IPS_OFFICE_NEW_PASSPHRASE": "a new office passphrase after a leak"}
    result = CliRunner().invoke(main, ["passwd", "--rekey", "--store", str(store)], env=new)
    assert result.exit_code == 0, result.output
    Store.open(store, "a new office passphrase after a leak").close()
