"""Faults at write, fsync, replace and close, and a really full disk: a failed write leaves
memory and disk as they were, says so in one line, and ``close()`` always releases the lock
(issue 12, Build 4)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from ips_field.errors import StoreWriteError
from ips_field.store import osdeps
from ips_field.store.crypto import KdfParams
from ips_field.store.store import Store

PASS = "fault test passphrase"
FULL = OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        KdfParams, "derive", lambda self, p, salt: hashlib.sha256(p.encode() + salt).digest()
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "s" / "v.ipsf"
    with Store.create(p, PASS, kdf=KdfParams.FOR_TESTS) as store:
        store.table("note").put_many([{"id": f"n{i}", "text": "kept"} for i in range(3)])
    return p


def folder_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


def broken_once(real):  # type: ignore[no-untyped-def]
    calls = {"n": 0}

    def fake(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise FULL
        return real(*args, **kwargs)

    return fake


def always_broken(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise FULL


WRITES = {
    "append": lambda s: s.table("note").put({"id": "lost", "text": "x"}),
    "compact": lambda s: s.compact(),
    "scrubbed compaction": lambda s: s.compact(scrub_previous=True),
    "passphrase change": lambda s: s.change_passphrase("another long passphrase here"),
    "rekey": lambda s: s.rekey("another long passphrase here"),
}


# The calls each write makes: an append writes in place; the others are atomic rewrites.
CASES = [("append", f) for f in ("truncate", "pwrite_all", "fsync")] + [
    (w, f) for w in WRITES if w != "append" for f in ("write_all", "fsync", "replace")
]


@pytest.mark.parametrize(("write", "fault"), CASES)
def test_a_failed_write_leaves_memory_and_disk_as_they_were(
    path: Path, fault: str, write: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(path, PASS) as store:
        store.compact()  # so that .prev exists too
        before_disk = folder_bytes(path)
        before_docs = store.table("note").all()
        with monkeypatch.context() as m:
            m.setattr(osdeps, fault, always_broken)
            with pytest.raises(StoreWriteError) as err:
                WRITES[write](store)
            assert "\n" not in str(err.value) and "nothing was changed" in str(err.value)
        assert folder_bytes(path) == before_disk
        assert store.table("note").all() == before_docs
        store.table("note").put({"id": "after", "text": "the store still works"})
    with Store.open(path, PASS) as store:
        assert {d["id"] for d in store.table("note").all()} == {"n0", "n1", "n2", "after"}


def test_a_refused_save_is_not_on_disk_after_space_comes_back(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(path, PASS)
    monkeypatch.setattr(osdeps, "fsync", broken_once(osdeps.fsync))
    with pytest.raises(StoreWriteError):
        store.table("note").put({"id": "refused", "text": "x"})
    store.close()  # space is back: nothing buffered may reach the disk now
    with Store.open(path, PASS) as again:
        assert again.table("note").get_id("refused") is None


def test_close_releases_the_lock_even_when_closing_fails(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(path, PASS)
    with monkeypatch.context() as m:
        m.setattr(osdeps, "close", always_broken)
        m.setattr(osdeps, "unlock_fd", always_broken)
        store.close()
    Store.open(path, PASS).close()  # the OS lock is free again


def test_a_failed_seal_write_puts_the_old_slot_back(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(path, PASS) as store:
        before = folder_bytes(path)
        real = osdeps.fsync
        calls = {"n": 0}

        def fsync(fd: int) -> None:  # the record's fsync works, the seal's fails
            calls["n"] += 1
            if calls["n"] == 2:
                raise FULL
            real(fd)

        with monkeypatch.context() as m:
            m.setattr(osdeps, "fsync", fsync)
            with pytest.raises(StoreWriteError):
                store.table("note").put({"id": "lost", "text": "x"})
        assert folder_bytes(path) == before
    assert Store.open(path, PASS).table("note").get_id("lost") is None


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    mount = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
            check=True,
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a small file system here")
    yield mount
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(["umount", str(mount)], check=False, capture_output=True, timeout=10)


def test_a_really_full_disk(tiny_disk: Path) -> None:
    path = tiny_disk / "v.ipsf"
    saved: list[str] = []
    store = Store.create(path, PASS, kdf=KdfParams.FOR_TESTS)
    try:
        failures = 0
        for i in range(400):
            try:
                store.table("note").put({"id": f"n{i}", "text": os.urandom(4000).hex()})
                saved.append(f"n{i}")
            except StoreWriteError as err:
                assert "nothing was changed" in str(err)
                failures += 1
                assert store.table("note").get_id(f"n{i}") is None
                if failures > 5:
                    break
        assert failures, "the disk never filled"
        assert {d["id"] for d in store.table("note").all()} == set(saved)
    finally:
        store.close()
    with Store.open(path, PASS) as again:
        assert {d["id"] for d in again.table("note").all()} == set(saved)
