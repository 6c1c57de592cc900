"""Shown text is neutralised; an unexpected error is one line and a private crash file;
an export to a full stick leaves nothing behind."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ips_field.cli.common import one_line_errors
from ips_field.crash import CRASH_DIR_ENV, crash_text, write_crash
from ips_field.domain.shown import shown

# -- shown -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hill School", "Hill School"),
        ("Zoë 😀 née O'Brien", "Zoë 😀 née O'Brien"),
        ("\x1b]0;owned\x07title", "\\x1b]0;owned\\x07title"),  # sets the window title
        ("\x1b[2J\x1b[31mFAKE", "\\x1b[2J\\x1b[31mFAKE"),  # clears, draws red
        ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
        ("x\u2066y\u2069", "x\\u2066y\\u2069"),  # isolates
        ("line\nforged", "line\\x0aforged"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("name\udcff.ipsb", "name\\udcff.ipsb"),  # undecodable byte in a file name
    ],
)
def test_shown_escapes_controls_and_bidi(raw: str, expected: str) -> None:
    assert shown(raw) == expected


def test_shown_multiline_keeps_newlines_but_not_escapes() -> None:
    assert shown("a\nb\tc\x1b[0m", multiline=True) == "a\nb\tc\\x1b[0m"
    assert shown(42) == "42"


# -- crash files -----------------------------------------------------------------------


def boom_with_locals() -> None:
    family_name = "Zebedee Quillfeather"  # a local a traceback with locals would print
    raise ValueError(f"cannot file {family_name}")


def test_crash_text_has_ids_only() -> None:
    try:
        boom_with_locals()
    except ValueError as err:
        text = crash_text("import", err)
    assert "Zebedee" not in text and "cannot file" not in text
    assert "builtins.ValueError" in text
    assert "test_shown_and_crash.py:" in text and "boom_with_locals" in text


def test_unexpected_error_in_a_command_is_one_line_and_a_private_file(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv(CRASH_DIR_ENV, str(tmp_path / "crashes"))

    @click.command()
    @one_line_errors("ips-office")
    def report() -> None:
        boom_with_locals()

    result = CliRunner().invoke(report, [])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ips-office: report failed unexpectedly")
    assert "Traceback" not in result.output and "Zebedee" not in result.output
    [crash] = list((tmp_path / "crashes").iterdir())
    assert stat.S_IMODE(crash.stat().st_mode) == 0o600
    assert "Zebedee" not in crash.read_text() and str(crash) in lines[0]


def test_crash_file_never_follows_a_planted_link(tmp_path: Path) -> None:
    try:
        boom_with_locals()
    except ValueError as err:
        path = write_crash("x", err, folder=tmp_path)
    assert path is not None and path.parent == tmp_path and not path.is_symlink()


# -- export to a full stick ------------------------------------------------------------


@pytest.mark.parametrize("fault", ["write", "fsync"])
def test_export_to_a_full_stick_leaves_no_partial_bundle(tmp_path: Path, monkeypatch, fault):
    from ips_field.actions import office as off
    from ips_field.domain.records import Case
    from ips_field.errors import SyncError
    from ips_field.store.store import KdfParams, Store
    from sync.exchange import export_bundle
    from sync.node import SyncNode

    k = KdfParams.FOR_TESTS
    office = off.init_office(tmp_path / "o.ipsf", "office words", "rw", tmp_path / "rk", kdf=k)
    store = Store.create(tmp_path / "v.ipsf", "volunteer passphrase", kdf=k)
    invite, code, vid = off.enrol(office, "Vee")
    reply, fp, _ = off.volunteer_enrol(store, invite, code)
    off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), fp)
    node = SyncNode(store, "volunteer")
    node.repo.save(Case(reference="V-1", school="S", opened_on="2026-11-01", assigned_to=vid))
    stick = tmp_path / "stick"
    stick.mkdir()
    before = node.peer(office.node_id)["sent_seq"]
    real_write, real_fsync = os.write, os.fsync
    stick_fds: set[int] = set()
    real_open = os.open

    def tracking_open(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if os.fspath(path).startswith(str(stick)):
            stick_fds.add(fd)
        return fd

    def full_write(fd, data):
        if fd in stick_fds and fault == "write":  # the stick fills up part way
            return real_write(fd, bytes(data)[:1000]) if len(data) > 3000 else _enospc()
        return real_write(fd, data)

    def full_fsync(fd):
        if fd in stick_fds and fault == "fsync":
            _enospc()
        return real_fsync(fd)

    monkeypatch.setattr(os, "open", tracking_open)
    monkeypatch.setattr(os, "write", full_write)
    monkeypatch.setattr(os, "fsync", full_fsync)
    with pytest.raises(SyncError) as caught:
        export_bundle(node, office.node_id, stick)
    monkeypatch.undo()
    assert "\n" not in str(caught.value) and "nothing was written" in str(caught.value)
    assert list(stick.iterdir()) == []  # no partial bundle, no temporary
    assert node.peer(office.node_id)["sent_seq"] == before  # nothing counted as sent


def _enospc() -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_cli_export_to_a_full_stick_exits_1_with_one_line(tmp_path: Path, monkeypatch) -> None:
    from ips_field.cli.volunteer import main
    from ips_field.errors import SyncError

    def full(*_args, **_kwargs):
        raise SyncError("could not write the whole bundle (is the disk full?); nothing was written")

    monkeypatch.setattr("sync.inbox.export_files", full)
    from ips_field.store.store import KdfParams, Store
    from sync.node import SyncNode

    path = tmp_path / "v.ipsf"
    with Store.create(path, "volunteer words here", kdf=KdfParams.FOR_TESTS) as store:
        SyncNode.create(store, "volunteer")  # keys made, as at enrolment
    env = {"IPS_FIELD_PASSPHRASE": "volunteer words here", "IPS_FIELD_STORE": str(path)}
    result = CliRunner().invoke(main, ["sync", "export", "--out", str(tmp_path / "s")], env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "ips-field: could not write the whole bundle (is the disk full?); nothing was written"
    ]


def test_one_line_errors_escape_text_from_records_and_arguments(capsys) -> None:
    import click as _click

    from ips_field.cli.common import one_line_errors
    from ips_field.errors import IpsError

    hostile = "REF\x1b]0;pwned\x07\x1b[31m\u202eevil"
    for err in (IpsError(f"no case {hostile}"), _click.ClickException(f"bad {hostile}")):

        @one_line_errors("ips-office")
        def command(err: Exception = err) -> None:
            raise err

        with pytest.raises(SystemExit):
            command()
        line = capsys.readouterr().err
        assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
        assert "REF\\x1b]0;pwned\\x07" in line
