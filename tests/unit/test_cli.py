"""The ips-field command line: each command, and each error as one line with exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.cli.volunteer import main
from ips_field.store.store import Store

PASS = "four words of passphrase"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPS_FIELD_TEST_KDF", "1")
    monkeypatch.delenv("IPS_FIELD_PASSPHRASE", raising=False)
    monkeypatch.delenv("IPS_FIELD_STORE", raising=False)


def run(args: list[str], env: dict[str, str] | None = None, stdin: str | None = None):
    return CliRunner().invoke(main, args, env=env, input=stdin)


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    prompts = ("New passphrase:", "Repeat it:", "Passphrase:")
    lines = [
        line for line in result.stderr.splitlines() if line.strip() and not line.startswith(prompts)
    ]
    assert len(lines) == 1 and lines[0].startswith("ips-field: "), result.stderr
    return lines[0]


def test_init_verify_passwd_export(tmp_path: Path) -> None:
    store = str(tmp_path / "s.ipsf")
    result = run(["init", "--store", store], stdin=f"{PASS}\n{PASS}\n")
    assert result.exit_code == 0, result.output
    ok = run(["verify", "--store", store], env={"IPS_FIELD_PASSPHRASE": PASS})
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: generation 0")
    changed = run(
        ["passwd", "--store", store],
        env={"IPS_FIELD_PASSPHRASE": PASS, "IPS_FIELD_NEW_PASSPHRASE": "another long passphrase"},
    )
    assert changed.exit_code == 0, changed.output
    assert "wrong passphrase" in one_line_error(
        run(["verify", "--store", store], env={"IPS_FIELD_PASSPHRASE": PASS})
    )
    exported = run(
        ["export", "--format", "json", "--store", store],
        env={"IPS_FIELD_PASSPHRASE": "another long passphrase"},
    )
    assert exported.exit_code == 0 and '"meta"' not in exported.stdout
    assert "NOT encrypted" in exported.stderr


def test_init_refuses_weak_and_mismatched(tmp_path: Path) -> None:
    store = tmp_path / "s.ipsf"
    assert "too weak" in one_line_error(run(["init", "--store", str(store)], stdin="abc\nabc\n"))
    assert "do not match" in one_line_error(
        run(["init", "--store", str(store)], stdin=f"{PASS}\n{PASS}x\n")
    )
    assert not store.exists()


def test_errors_are_one_line(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.ipsf")
    env = {"IPS_FIELD_PASSPHRASE": PASS}
    assert "no store" in one_line_error(run(["verify", "--store", missing], env=env))
    store = tmp_path / "s.ipsf"
    run(["init", "--store", str(store)], env=env)
    raw = bytearray(store.read_bytes())
    raw[-5] ^= 1
    store.write_bytes(bytes(raw))
    assert "damaged" in one_line_error(run(["verify", "--store", str(store)], env=env))


def test_store_in_use_and_demo(tmp_path: Path) -> None:
    store = tmp_path / "demo.ipsf"
    result = run(["demo", "--create-only", "--store", str(store)])
    assert result.exit_code == 0 and "passphrase is: demo" in result.stdout
    with Store.open(store, "demo"):
        line = one_line_error(
            run(["verify", "--store", str(store)], env={"IPS_FIELD_PASSPHRASE": "demo"})
        )
        assert "open elsewhere" in line
    ok = run(["verify", "--store", str(store)], env={"IPS_FIELD_PASSPHRASE": "demo"})
    assert "12 case" in ok.stdout and "36 note" in ok.stdout
    assert "7 key_date" in ok.stdout  # the demo's key dates, for the statutory timelines


def test_real_process_wrong_passphrase_has_no_traceback(tmp_path: Path) -> None:
    store = tmp_path / "demo.ipsf"
    run(["demo", "--create-only", "--store", str(store)])
    proc = subprocess.run(
        [sys.executable, "-m", "ips_field.cli.volunteer", "verify", "--store", str(store)],
        env={"IPS_FIELD_PASSPHRASE": "nope", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "ips-field: wrong passphrase"
    assert b"Ashdown" not in store.read_bytes()


@pytest.mark.parametrize(
    ("prog", "args", "start"),
    [
        ("ips-field", ["verify", "--bogus"], "ips-field: No such option"),
        ("ips-field", ["export", "--format", "xml"], "ips-field: Invalid value for '--format'"),
        ("ips-office", ["revoke"], "ips-office: Missing argument"),
    ],
)
def test_usage_errors_are_one_line(prog: str, args: list[str], start: str) -> None:
    from ips_field.cli import office, volunteer

    main = volunteer.main if prog == "ips-field" else office.main
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), result.output
