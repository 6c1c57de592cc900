"""The encrypted store: round trip, wrong passphrase, tampering, truncation, faults, lock, modes."""

from __future__ import annotations

import json
import os
import stat
import struct
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from ips_field.errors import (
    StoreDamaged,
    StoreExists,
    StoreInUse,
    StoreLocked,
    StoreNotFound,
    StoreWriteError,
    UnsafeKdfParameters,
    WrongPassphrase,
)
from ips_field.store import crypto
from ips_field.store.journal import SEAL_BYTES
from ips_field.store.store import MAGIC, TAG_BYTES, KdfParams, Store

PASS = "correct horse battery staple"
MARKER = "ZEBRAFINCH-7731"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "volunteer.ipsf"


def make(path: Path, docs: int = 3) -> None:
    with Store.create(path, PASS, kdf=KdfParams.FOR_TESTS) as store:
        for i in range(docs):
            store.table("note").put({"id": f"n{i}", "text": f"{MARKER} note {i}"})


def regions(raw: bytes) -> dict[str, tuple[int, int]]:
    """Byte ranges of the file's regions, for targeted tampering."""
    (hlen,) = struct.unpack(">I", raw[len(MAGIC) : len(MAGIC) + 4])
    h0 = len(MAGIC) + 4
    tag0 = h0 + hlen
    salt0 = tag0 + TAG_BYTES
    blen0 = salt0 + 16
    (blen,) = struct.unpack(">Q", raw[blen0 : blen0 + 8])
    body0 = blen0 + 8
    seal0 = body0 + blen
    return {
        "magic": (0, len(MAGIC)),
        "header": (h0, tag0),
        "tag": (tag0, salt0),
        "salt": (salt0, blen0),
        "body": (body0, seal0),
        "seal": (seal0, seal0 + SEAL_BYTES),
        "journal": (seal0 + SEAL_BYTES, len(raw)),
    }


def test_round_trip(path: Path) -> None:
    make(path)
    with Store.open(path, PASS) as store:
        assert sorted(d["id"] for d in store.table("note").all()) == ["n0", "n1", "n2"]
        assert store.info().journal_records == 3


def test_create_refuses_existing_and_open_needs_a_file(path: Path) -> None:
    make(path)
    with pytest.raises(StoreExists):
        Store.create(path, PASS, kdf=KdfParams.FOR_TESTS)
    with pytest.raises(StoreNotFound):
        Store.open(path.with_name("other.ipsf"), PASS)


def test_wrong_passphrase_is_not_damage(path: Path) -> None:
    make(path)
    with pytest.raises(WrongPassphrase) as err:
        Store.open(path, "not the passphrase")
    assert str(err.value) == "wrong passphrase"
    assert not isinstance(err.value, StoreDamaged)


def _rewrite_header(path: Path, change) -> None:
    raw = path.read_bytes()
    r = regions(raw)
    header = json.loads(raw[r["header"][0] : r["header"][1]])
    change(header)
    body = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    path.write_bytes(MAGIC + struct.pack(">I", len(body)) + body + raw[r["header"][1] :])


@pytest.mark.parametrize(
    ("field", "value"),
    [("generation", 9), ("format", 2), ("aead", "aes-256-gcm"), ("extra", "x")],
)
def test_altered_header_field_is_damage(path: Path, field: str, value: object) -> None:
    make(path)
    _rewrite_header(path, lambda h: h.__setitem__(field, value))
    with pytest.raises(StoreDamaged):
        Store.open(path, PASS)


def test_altered_slot_reads_as_wrong_passphrase_or_damage(path: Path) -> None:
    """A changed key slot cannot be told from a wrong passphrase: both refuse to open."""
    make(path)

    def flip_salt(h: dict) -> None:
        salt = bytearray(crypto.unb64(h["slots"][0]["salt"]))
        salt[0] ^= 1
        h["slots"][0]["salt"] = crypto.b64(bytes(salt))

    _rewrite_header(path, flip_salt)
    with pytest.raises((WrongPassphrase, StoreDamaged)):
        Store.open(path, PASS)


@pytest.mark.parametrize("region", ["magic", "tag", "salt", "body", "journal"])
def test_flipped_byte_in_each_region_is_refused(path: Path, region: str) -> None:
    make(path)
    raw = bytearray(path.read_bytes())
    start, end = regions(bytes(raw))[region]
    raw[(start + end) // 2] ^= 0x40
    path.write_bytes(bytes(raw))
    with pytest.raises(StoreDamaged):
        Store.open(path, PASS)


def test_truncated_base_is_damage(path: Path) -> None:
    make(path)
    raw = path.read_bytes()
    body_end = regions(raw)["body"][1]
    path.write_bytes(raw[: body_end - 10])
    with pytest.raises(StoreDamaged):
        Store.open(path, PASS)


def test_torn_journal_tail_is_dropped_and_reported(path: Path) -> None:
    make(path, docs=2)
    seal0, seal1 = regions(path.read_bytes())["seal"]
    seal_before = path.read_bytes()[seal0:seal1]
    with Store.open(path, PASS) as store:
        store.table("note").put({"id": "n2", "text": "unacknowledged"})
    raw = bytearray(path.read_bytes())
    raw[seal0:seal1] = seal_before  # a crash mid-append: the seal not yet moved on
    path.write_bytes(bytes(raw[:-7]))  # and the record cut short
    with Store.open(path, PASS) as store:
        assert store.info().torn_tail_dropped
        assert sorted(d["id"] for d in store.table("note").all()) == ["n0", "n1"]
        store.table("note").put({"id": "n9", "text": "after"})
    with Store.open(path, PASS) as store:
        assert sorted(d["id"] for d in store.table("note").all()) == ["n0", "n1", "n9"]
        assert not store.info().torn_tail_dropped


def _records(raw: bytes) -> tuple[bytes, list[bytes]]:
    pos = regions(raw)["journal"][0]
    base, out = raw[:pos], []
    while pos < len(raw):
        (n,) = struct.unpack(">I", raw[pos : pos + 4])
        out.append(raw[pos : pos + 4 + n])
        pos += 4 + n
    return base, out


@pytest.mark.parametrize("how", ["reorder", "remove_middle", "replay"])
def test_journal_reordered_removed_or_replayed_is_damage(path: Path, how: str) -> None:
    make(path, docs=3)
    base, recs = _records(path.read_bytes())
    if how == "reorder":
        recs = [recs[1], recs[0], recs[2]]
    elif how == "remove_middle":
        recs = [recs[0], recs[2]]
    else:
        recs = [*recs, recs[1]]
    path.write_bytes(base + b"".join(recs))
    with pytest.raises(StoreDamaged):
        Store.open(path, PASS)


@pytest.mark.parametrize(
    "kdf",
    [
        {"alg": "argon2id", "m": 1024, "t": 3, "p": 4},
        {"alg": "argon2id", "m": 2 * 1024 * 1024, "t": 3, "p": 4},
        {"alg": "argon2id", "m": 65536, "t": 0, "p": 4},
        {"alg": "argon2id", "m": 65536, "t": 11, "p": 4},
        {"alg": "argon2id", "m": 65536, "t": 3, "p": 9},
        {"alg": "pbkdf2", "m": 65536, "t": 3, "p": 1},
    ],
)
def test_weakened_kdf_refused_before_derivation(path: Path, kdf: dict, monkeypatch) -> None:
    make(path)
    _rewrite_header(path, lambda h: h["slots"][0].__setitem__("kdf", kdf))

    def no_kdf(*args, **kwargs):
        raise AssertionError("key derivation ran on an unsafe header")

    monkeypatch.setattr(crypto, "Argon2id", no_kdf)
    with pytest.raises(UnsafeKdfParameters):
        Store.open(path, PASS)


def test_fsync_failure_leaves_old_file_and_store_usable(path: Path, monkeypatch) -> None:
    make(path)
    before = path.read_bytes()
    with Store.open(path, PASS) as store:
        real = os.fsync

        def broken(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", broken)
        with pytest.raises(StoreWriteError):
            store.table("note").put({"id": "lost", "text": "x"})
        assert store.table("note").get_id("lost") is None
        monkeypatch.setattr(os, "fsync", real)
        assert path.read_bytes() == before
        store.table("note").put({"id": "kept", "text": "y"})
    with Store.open(path, PASS) as store:
        ids = {d["id"] for d in store.table("note").all()}
        assert "kept" in ids and "lost" not in ids


def test_replace_failure_during_compaction_keeps_old_generation(path: Path, monkeypatch) -> None:
    make(path)
    with Store.open(path, PASS) as store:
        before = path.read_bytes()

        def broken(src, dst):
            raise OSError(5, "I/O error")

        monkeypatch.setattr(os, "replace", broken)
        with pytest.raises(StoreWriteError):
            store.compact()
        monkeypatch.undo()
        assert path.read_bytes() == before
        assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
        store.table("note").put({"id": "after", "text": "z"})
    with Store.open(path, PASS) as store:
        assert store.table("note").get_id("after") is not None


def test_transaction_is_one_write_or_none(path: Path) -> None:
    make(path, docs=0)
    with Store.open(path, PASS) as store:
        with store.transaction():
            store.table("case").put({"id": "c1"})
            store.table("note").put({"id": "n1"})
        assert store.info().journal_records == 1
        with pytest.raises(RuntimeError), store.transaction():
            store.table("case").put({"id": "c2"})
            raise RuntimeError("boom")
        assert store.table("case").get_id("c2") is None
        assert store.info().journal_records == 1
    with Store.open(path, PASS) as store:
        assert store.table("case").get_id("c2") is None
        assert store.table("note").get_id("n1") is not None


def test_failed_write_puts_replaced_and_deleted_documents_back(path: Path, monkeypatch) -> None:
    make(path)
    with Store.open(path, PASS) as store:
        notes = store.table("note")
        before = {d["id"]: dict(d) for d in notes.all()}

        def broken(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", broken)
        with pytest.raises(StoreWriteError), store.transaction():
            notes.put({"id": "n0", "text": "replaced"})
            notes.delete_ids(["n1"])
            notes.put({"id": "n9", "text": "new"})
            store.table("case").put({"id": "c1"})
        monkeypatch.undo()
        assert {d["id"]: dict(d) for d in notes.all()} == before
        assert store.table("case").all() == []
        notes.put({"id": "n0", "text": "second try"})
    with Store.open(path, PASS) as store:
        texts = {d["id"]: d["text"] for d in store.table("note").all()}
        assert texts == {**{k: v["text"] for k, v in before.items()}, "n0": "second try"}


def test_a_value_the_store_cannot_hold_is_refused_and_changes_nothing(path: Path) -> None:
    make(path)
    with Store.open(path, PASS) as store:
        before = path.read_bytes()
        with pytest.raises(StoreWriteError, match="cannot be stored"), store.transaction():
            store.table("note").put({"id": "n0", "text": "replaced"})
            store.table("note").put({"id": "big", "count": 2**70})
        assert store.table("note").get_id("big") is None
        assert store.table("note").get_id("n0")["text"] == f"{MARKER} note 0"
        assert path.read_bytes() == before


def test_failed_compaction_on_commit_puts_documents_back(path: Path, monkeypatch) -> None:
    make(path)
    with Store.open(path, PASS) as store:
        monkeypatch.setattr(store, "_journal_bytes", 10**9)  # the next commit compacts

        def broken(src, dst):
            raise OSError(5, "I/O error")

        monkeypatch.setattr(os, "replace", broken)
        with pytest.raises(StoreWriteError):
            store.table("note").put({"id": "n0", "text": "lost"})
        assert store.table("note").get_id("n0")["text"] == f"{MARKER} note 0"


def test_reader_in_another_thread_sees_whole_transactions_only(path: Path) -> None:
    """A writer adds and removes documents two at a time; a reader in another thread must
    never fail on a table changing under it, nor see half of a transaction."""
    make(path, docs=0)
    with Store.open(path, PASS) as store:
        notes = store.table("note")
        notes.put_many([{"id": f"old{i}", "text": "z"} for i in range(4000)])
        problems: list[str] = []
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                try:
                    count = len(notes.all())
                    found = notes.search(lambda d: True)
                except Exception as err:  # any failure is the finding
                    problems.append(repr(err))
                    return
                if count % 2 or len(found) % 2:
                    problems.append(f"saw half a transaction ({count}, {len(found)})")
                    return

        reader = threading.Thread(target=read)
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # switch threads often, mid-iteration included
        reader.start()
        try:
            for i in range(150):
                with store.transaction():
                    notes.put({"id": f"a{i}", "text": "x"})
                    notes.put({"id": f"b{i}", "text": "y"})
                if i % 3 == 0:
                    with store.transaction():
                        notes.delete_ids([f"a{i}"])
                        notes.delete_ids([f"b{i}"])
        finally:
            done.set()
            reader.join()
            sys.setswitchinterval(interval)
        assert problems == []
        assert len(notes.all()) == 4000 + 2 * (150 - 50)


def test_second_process_is_refused(path: Path) -> None:
    make(path)
    with Store.open(path, PASS):
        code = (
            "import sys\n"
            "from ips_field.store.store import Store\n"
            "from ips_field.errors import StoreInUse\n"
            "try:\n"
            f"    Store.open({str(path)!r}, {PASS!r})\n"
            "except StoreInUse as e:\n"
            "    print(e); sys.exit(3)\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.returncode == 3, result.stderr
        assert "open elsewhere" in result.stdout
    with pytest.raises(StoreInUse), Store.open(path, PASS), Store.open(path, PASS):
        pass


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_file_and_folder_modes(path: Path) -> None:
    make(path)
    with Store.open(path, PASS) as store:
        store.compact()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for name in (path, path.with_name(path.name + ".prev")):
        assert stat.S_IMODE(name.stat().st_mode) == 0o600


def test_passphrase_change_keeps_body_and_refuses_old(path: Path) -> None:
    make(path)
    body_before = _body(path)
    with Store.open(path, PASS) as store:
        store.change_passphrase("a brand new passphrase", kdf=KdfParams.FOR_TESTS)
    assert _body(path) == body_before  # only the slot was rewritten
    with pytest.raises(WrongPassphrase):
        Store.open(path, PASS)
    with Store.open(path, "a brand new passphrase") as store:
        assert len(store.table("note").all()) == 3


def _body(path: Path) -> bytes:
    raw = path.read_bytes()
    s, e = regions(raw)["body"]
    return raw[s:e]


def test_recovery_slot_opens_with_office_key(path: Path) -> None:
    make(path)
    office = X25519PrivateKey.generate()
    with Store.open(path, PASS) as store:
        store.add_recovery_slot(office.public_key())
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(path, X25519PrivateKey.generate())
    with Store.open_with_recovery(path, office) as store:
        assert len(store.table("note").all()) == 3
        store.change_passphrase("recovered passphrase", kdf=KdfParams.FOR_TESTS)
    with Store.open(path, "recovered passphrase") as store:
        assert len(store.table("note").all()) == 3


def test_lock_drops_everything_until_unlock(path: Path) -> None:
    make(path)
    with Store.open(path, PASS) as store:
        store.lock()
        assert store.locked
        with pytest.raises(StoreLocked):
            store.table("note").all()
        with pytest.raises(WrongPassphrase):
            store.unlock("nope")
        store.unlock(PASS)
        assert len(store.table("note").all()) == 3


def test_scrubbed_compaction_leaves_no_trace(path: Path) -> None:
    make(path)
    with Store.open(path, PASS) as store:
        store.compact()
        store.table("note").delete_ids(["n0", "n1", "n2"])
        store.compact(scrub_previous=True)
    with Store.open(path, PASS) as store:
        assert store.table("note").all() == []
    prev = path.with_name(path.name + ".prev")
    # Decrypt both generations and look for the marker in the plaintext.
    for name in (path, prev):
        tmp = name.with_name("check.ipsf")
        tmp.write_bytes(name.read_bytes())
        with Store.open(tmp, PASS) as copy:
            assert MARKER not in json.dumps(copy.db.storage.read())
        tmp.unlink()
        tmp.with_name("check.ipsf.lock").unlink(missing_ok=True)


def test_no_plaintext_in_folder_or_temp(path: Path) -> None:
    temp_before = set(Path(tempfile.gettempdir()).iterdir())
    make(path, docs=5)
    with Store.open(path, PASS) as store:
        store.compact()
        store.table("note").put({"id": "x", "text": MARKER})
    needle = MARKER.encode()
    for f in path.parent.iterdir():
        assert needle not in f.read_bytes(), f.name
    for f in set(Path(tempfile.gettempdir()).iterdir()) - temp_before:
        if f.is_file():
            assert needle not in f.read_bytes()


def test_kdf_bounds_and_calibration_floor() -> None:
    KdfParams.DEFAULT.check_bounds()
    KdfParams.FOR_TESTS.check_bounds()
    with pytest.raises(UnsafeKdfParameters):
        KdfParams(32 * 1024, 3, 4).check_bounds()
    assert KdfParams(256 * 1024, 3, 4) == KdfParams.DEFAULT
