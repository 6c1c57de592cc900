"""A shortened or damaged journal, a tampered header, crash leftovers and re-keying (issue 12,
Build 3, 5, 6 and 7)."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.cli.volunteer import main
from ips_field.errors import StoreDamaged, WrongPassphrase
from ips_field.store import crypto
from ips_field.store.crypto import KdfParams
from ips_field.store.journal import SEAL_BYTES
from ips_field.store.layout import MAGIC, header_tag, parse
from ips_field.store.store import Store

PASS = "damage test passphrase"
NEW = "a brand new passphrase for this store"


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        KdfParams, "derive", lambda self, p, salt: hashlib.sha256(p.encode() + salt).digest()
    )


def make(path: Path, records: int = 4) -> None:
    with Store.create(path, PASS, kdf=KdfParams.FOR_TESTS) as store:
        for i in range(records):
            store.table("note").put({"id": f"n{i}", "text": "x" * (50 + i)})


def frames(raw: bytes) -> list[tuple[int, int]]:
    pos = parse(raw).journal_start
    out = []
    while pos < len(raw):
        (n,) = struct.unpack(">I", raw[pos : pos + 4])
        out.append((pos, pos + 4 + n))
        pos += 4 + n
    return out


def ids(path: Path) -> set[str]:
    with Store.open(path, PASS) as store:
        return {d["id"] for d in store.table("note").all()}


@pytest.mark.usefixtures("cheap_kdf")
def test_cutting_the_journal_at_any_record_boundary_is_damage(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    make(path)
    raw = path.read_bytes()
    for start, _ in frames(raw):
        path.write_bytes(raw[:start])
        with pytest.raises(StoreDamaged, match="cut short"):
            Store.open(path, PASS)
    path.write_bytes(raw)
    assert ids(path) == {"n0", "n1", "n2", "n3"}


@pytest.mark.usefixtures("cheap_kdf")
def test_every_flipped_bit_of_every_length_field_is_damage_never_a_silent_loss(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v.ipsf"
    make(path, records=3)
    raw = path.read_bytes()
    for start, _ in frames(raw):
        for bit in range(32):
            bad = bytearray(raw)
            bad[start + bit // 8] ^= 1 << (bit % 8)
            path.write_bytes(bytes(bad))
            with pytest.raises(StoreDamaged):
                Store.open(path, PASS)


@pytest.mark.usefixtures("cheap_kdf")
def test_both_seal_slots_damaged_is_damage_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    make(path)
    raw = path.read_bytes()
    seal0 = parse(raw).seal_start
    for slot in (0, 1):
        bad = bytearray(raw)
        bad[seal0 + slot * SEAL_BYTES // 2 + 20] ^= 1
        path.write_bytes(bytes(bad))
        assert ids(path) == {"n0", "n1", "n2", "n3"}
    bad = bytearray(raw)
    bad[seal0 + 20] ^= 1
    bad[seal0 + SEAL_BYTES // 2 + 20] ^= 1
    path.write_bytes(bytes(bad))
    with pytest.raises(StoreDamaged):
        Store.open(path, PASS)


@pytest.mark.usefixtures("cheap_kdf")
def test_verify_never_writes_even_over_damage(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    make(path)
    raw = path.read_bytes()
    env = {"IPS_FIELD_PASSPHRASE": PASS}
    runner = CliRunner()
    for content in (raw, raw + b"\x00\x00\x01", raw[: frames(raw)[-1][0]]):
        path.write_bytes(content)
        before = path.read_bytes()
        names = sorted(os.listdir(tmp_path))
        result = runner.invoke(main, ["verify", "--store", str(path)], env=env)
        assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == names
        assert result.exit_code == (0 if content != raw[: frames(raw)[-1][0]] else 1)


def _rewrite_header(path: Path, header_json: bytes) -> None:
    raw = path.read_bytes()
    (hlen,) = struct.unpack(">I", raw[len(MAGIC) : len(MAGIC) + 4])
    rest = raw[len(MAGIC) + 4 + hlen :]
    path.write_bytes(MAGIC + struct.pack(">I", len(header_json)) + header_json + rest)


@pytest.mark.parametrize(
    "header",
    [
        b"[" * 50_000 + b"]" * 50_000,
        b'{"format":1,"store_id":"x","generation":0,"slots":['
        + b"[" * 20_000
        + b"]" * 20_000
        + b"]}",
        b'{"format":1,"store_id":"x","generation":true,"slots":[{"type":"passphrase"}]}',
        b'{"format":1,"store_id":"x","generation":0,"slots":[]}',
        b'{"format":1,"store_id":"x","generation":0,"slots":[{"type":"passphrase","salt":1}]}',
        b'{"format":1,"store_id":"x","generation":0,"slots":[{"type":"passphrase",'
        b'"salt":"!!","wrapped":"","kdf":{"alg":"argon2id","m":65536,"t":1,"p":1}}]}',
    ],
    ids=["deep", "deep-slot", "bool-generation", "no-slot", "salt-number", "salt-not-base64"],
)
def test_a_malformed_header_is_one_line_before_any_key_derivation(
    tmp_path: Path, header: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v.ipsf"
    make(path, records=1)
    _rewrite_header(path, header)

    def no_kdf(*args, **kwargs):
        raise AssertionError("key derivation ran on a malformed header")

    monkeypatch.setattr(crypto, "Argon2id", no_kdf)
    with pytest.raises(StoreDamaged, match="damaged or was altered") as err:
        Store.open(path, PASS)
    assert "\n" not in str(err.value)
    result = CliRunner().invoke(
        main, ["verify", "--store", str(path)], env={"IPS_FIELD_PASSPHRASE": PASS}
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_raised_kdf_costs_are_refused_or_named_never_a_bare_wrong_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v.ipsf"
    make(path, records=1)
    raw = path.read_bytes()
    header = parse(raw).header
    for m, t, p in ((1024 * 1024, 10, 8), (65536, 4, 1)):
        header["slots"][0]["kdf"] = {"alg": "argon2id", "m": m, "t": t, "p": p}
        path.write_bytes(raw)
        _rewrite_header(path, json.dumps(header, sort_keys=True, separators=(",", ":")).encode())
        monkeypatch.setattr(crypto, "Argon2id", _no_kdf)
        with pytest.raises(StoreDamaged, match="altered"):
            Store.open(path, PASS)
    # Raised within the allowed box: the KDF runs, and the error says the file may be altered.
    header["slots"][0]["kdf"] = {"alg": "argon2id", "m": 512 * 1024, "t": 1, "p": 1}
    path.write_bytes(raw)
    _rewrite_header(path, json.dumps(header, sort_keys=True, separators=(",", ":")).encode())
    monkeypatch.undo()
    monkeypatch.setattr(KdfParams, "derive", lambda self, p, salt: bytes(32))
    with pytest.raises(WrongPassphrase, match="altered"):
        Store.open(path, PASS)


def _no_kdf(*args, **kwargs):
    raise AssertionError("key derivation ran on raised costs")


@pytest.mark.usefixtures("cheap_kdf")
def test_leftover_temp_files_are_wiped_and_removed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    make(path)
    left = [tmp_path / f".v.ipsf.{n}.tmp" for n in ("abc", "prev.def")]
    for p in left:
        p.write_bytes(b"secret" * 1000)
    other = tmp_path / ".other.ipsf.x.tmp"
    other.write_bytes(b"not ours")
    with Store.open(path, PASS) as store:
        assert store.leftovers_removed == 2
    assert not any(p.exists() for p in left) and other.exists()


@pytest.mark.usefixtures("cheap_kdf")
def test_prev_never_keeps_a_changed_passphrase_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    make(path)
    with Store.open(path, PASS) as store:
        store.compact()  # makes .prev
    prev = path.with_name("v.ipsf.prev")
    old_prev = prev.read_bytes()
    with Store.open(path, PASS) as store:
        store.change_passphrase(NEW)
    prev.write_bytes(old_prev)  # as if killed after the store, before .prev, was rewritten
    with Store.open(path, NEW):
        pass
    copy = tmp_path / "copy.ipsf"
    copy.write_bytes(prev.read_bytes())
    with pytest.raises(WrongPassphrase):
        Store.open(copy, PASS)
    Store.open(copy, NEW).close()


@pytest.mark.usefixtures("cheap_kdf")
def test_rekey_gives_a_new_data_key_and_old_copies_read_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    make(path)
    old_copy = path.read_bytes()
    with Store.open(path, PASS) as store:
        store.compact()
        old_dek = store._dek
        store.rekey(NEW)
        assert store._dek != old_dek
        store.table("note").put({"id": "after", "text": "written after the rekey"})
    with Store.open(path, NEW) as store:
        assert {d["id"] for d in store.table("note").all()} == {"n0", "n1", "n2", "n3", "after"}
    with pytest.raises(WrongPassphrase):
        Store.open(path, PASS)
    prev = path.with_name("v.ipsf.prev")
    assert parse(prev.read_bytes()).header["slots"] == parse(path.read_bytes()).header["slots"]
    # Whoever kept the old data key (an old copy and the old passphrase) opens neither file.
    for raw in (path.read_bytes(), prev.read_bytes()):
        parsed = parse(raw)
        assert header_tag(old_dek, parsed.header_bytes) != parsed.tag
    with pytest.raises(WrongPassphrase):  # and the old copy itself knows only the old key
        copy = tmp_path / "old.ipsf"
        copy.write_bytes(old_copy)
        Store.open(copy, NEW)


@pytest.mark.usefixtures("cheap_kdf")
def test_passwd_rekey_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "v.ipsf"
    make(path)
    env = {"IPS_FIELD_PASSPHRASE": PASS, "IPS_FIELD_NEW_PASSPHRASE": NEW}
    result = CliRunner().invoke(main, ["passwd", "--rekey", "--store", str(path)], env=env)
    assert result.exit_code == 0, result.output
    with Store.open(path, NEW) as store:
        assert len(store.table("note").all()) == 4
    weak = {"IPS_FIELD_PASSPHRASE": NEW, "IPS_FIELD_NEW_PASSPHRASE": "password1234"}
    result = CliRunner().invoke(main, ["passwd", "--rekey", "--store", str(path)], env=weak)
    assert result.exit_code == 1 and "too weak" in result.output
    Store.open(path, NEW).close()
