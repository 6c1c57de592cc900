"""The Windows double bites where Windows would, and the store lives with it (issue 12, 8).

The whole store, sync and office suites also run through the double in ``.ci/run``
(``IPS_PLATFORM_DOUBLE=windows``); these tests switch it on for themselves.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from ips_field.actions.office import read_recovery_key, write_recovery_key
from ips_field.store import osdeps
from ips_field.store.crypto import KdfParams
from ips_field.store.store import Store
from tests import windows_double

PASS = "windows double passphrase"


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        KdfParams, "derive", lambda self, p, salt: hashlib.sha256(p.encode() + salt).digest()
    )
    was_active = windows_double.active()
    windows_double.install()
    before = dict(windows_double.stats)
    yield windows_double.stats, before
    if not was_active:
        windows_double.uninstall()


def test_the_double_refuses_what_windows_refuses(windows, tmp_path: Path) -> None:
    target = tmp_path / "held.bin"
    target.write_bytes(b"x")
    other = tmp_path / "other.bin"
    other.write_bytes(b"y")
    with open(target, "rb"):
        with pytest.raises(PermissionError):
            os.replace(other, target)
        with pytest.raises(PermissionError):
            target.unlink()
    with pytest.raises(PermissionError):
        os.open(tmp_path, os.O_RDONLY)
    fd = os.open(tmp_path / "text.txt", os.O_WRONLY | os.O_CREAT)  # not binary
    os.write(fd, b"a\nb")
    os.close(fd)
    assert (tmp_path / "text.txt").read_bytes() == b"a\r\nb"


def test_store_compacts_changes_keys_and_rekeys_under_windows_semantics(
    windows, tmp_path: Path
) -> None:
    stats, before = windows
    path = tmp_path / "v.ipsf"
    with Store.create(path, PASS, kdf=KdfParams.FOR_TESTS) as store:
        store.table("note").put({"id": "n", "text": "one"})
        store.compact()
        store.change_passphrase("second windows passphrase")
        store.add_recovery_slot(X25519PrivateKey.generate().public_key())
        store.rekey("third windows passphrase")
        store.compact(scrub_previous=True)
        store.table("note").put({"id": "m", "text": "two"})
    with Store.open(path, "third windows passphrase") as store:
        assert {d["id"] for d in store.table("note").all()} == {"n", "m"}
    assert stats["av_refused"] > before["av_refused"]  # the retries rode out the scanner
    assert stats["sharing_refused"] == before["sharing_refused"]  # nothing of ours held a file


def test_recovery_key_with_newline_bytes_survives_windows(windows, tmp_path: Path) -> None:
    key = next(k for k in iter(X25519PrivateKey.generate, None) if b"\n" in k.private_bytes_raw())
    out = tmp_path / "office-recovery.key"
    write_recovery_key(key, out, "recovery key passphrase words", kdf=KdfParams.FOR_TESTS)
    back = read_recovery_key(out, "recovery key passphrase words")
    assert back.private_bytes_raw() == key.private_bytes_raw()


def test_a_text_mode_write_would_have_broken_that_key(windows, tmp_path: Path) -> None:
    fd = os.open(tmp_path / "k", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # the old way
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"\x00\n\x01")
    assert (tmp_path / "k").read_bytes() == b"\x00\r\n\x01"


def test_exports_warn_outside_the_profile_on_windows(windows, tmp_path: Path) -> None:
    from ips_field.store.files import shared_folder_warning

    outside = Path("/") / "srv" / "report.md"
    assert "Other users" in shared_folder_warning(outside)
    assert osdeps.WINDOWS


@pytest.mark.skipif(osdeps.WINDOWS, reason="POSIX modes")
def test_exports_warn_in_a_folder_others_can_read(tmp_path: Path) -> None:
    from ips_field.store.files import shared_folder_warning

    shared, private = tmp_path / "shared", tmp_path / "private"
    shared.mkdir(mode=0o755)
    private.mkdir(mode=0o700)
    os.chmod(shared, 0o755)
    os.chmod(private, 0o700)
    assert "Other users" in shared_folder_warning(shared / "summary.md")
    assert shared_folder_warning(private / "summary.md") == ""


def test_macos_flushes_with_f_fullfsync(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import fcntl

    calls: list[int] = []
    monkeypatch.setattr(osdeps, "MACOS", True)
    monkeypatch.setattr(fcntl, "F_FULLFSYNC", 51, raising=False)
    monkeypatch.setattr(fcntl, "fcntl", lambda fd, cmd, *a: calls.append(cmd) or 0)
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append(-1))
    fd = os.open(tmp_path / "f", os.O_WRONLY | os.O_CREAT)
    try:
        osdeps.fsync(fd)
    finally:
        os.close(fd)
    assert calls == [51]  # a full flush, not a plain fsync
