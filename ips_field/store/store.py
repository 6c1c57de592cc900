"""The encrypted store: one file, a base generation plus an encrypted append-only journal.

The file's regions are laid out in :mod:`ips_field.store.layout` (see docs/store-format.md).
The header holds format, store id, generation and the key slots. The data key (DEK)
opens from a slot; the header tag (HMAC under a key derived from the DEK) then proves the
whole header unaltered, the body AEAD binds the header's core fields, and each journal record
is sealed on its own with its sequence number and the hash of the record before it.

A change costs one appended record (O(change)); when the journal outgrows the base, the store
is compacted by an ordinary atomic rewrite (temp file, fsync, replace, folder fsync), and the
previous generation is kept as ``<store>.prev``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import struct
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from tinydb.storages import Storage

from ips_field.errors import (
    StoreDamaged,
    StoreExists,
    StoreLocked,
    StoreNotFound,
    StoreWriteError,
    WrongPassphrase,
)
from ips_field.store import osdeps
from ips_field.store.crypto import (
    KEY_BYTES,
    SALT_BYTES,
    KdfParams,
    make_passphrase_slot,
    make_recovery_slot,
    open_passphrase_slot,
    open_recovery_slot,
    seal,
    unseal,
)
from ips_field.store.layout import (
    BODY_INFO,
    FORMAT,
    MAGIC,
    RECORD_INFO,
    TAG_BYTES,
    Parsed,
    chain_start,
    core_ad,
    dumps_data,
    header_bytes,
    header_tag,
    loads_no_gc,
    parse,
)
from ips_field.store.table import IdTable, IdTinyDB

__all__ = ["MAGIC", "TAG_BYTES", "KdfParams", "Store", "StoreInfo", "default_store_path"]

COMPACT_MIN_BYTES = 4 * 1024 * 1024

default_store_path = osdeps.default_store_path

Data = dict[str, dict[str, dict]]
_ABSENT: Any = object()  # "no document had this id" in an undo record


@dataclass
class StoreInfo:
    generation: int
    journal_records: int
    file_bytes: int
    torn_tail_dropped: bool
    counts: dict[str, int] = field(default_factory=dict)


class _StoreStorage(Storage):
    """TinyDB storage over the store's write-through cache."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.lock = store._lock  # held by IdTable while it reads a table

    def read(self) -> Data | None:
        return self._store._read()

    def read_table(self, name: str) -> dict[str, dict]:
        return self._store._live().get(name, {})

    def write(self, data: Data) -> None:
        self._store._write(data)

    def mutate(self, name: str, ids: set[str], updater: Any) -> None:
        self._store._mutate(name, ids, updater)

    def close(self) -> None:
        """The store closes itself."""


class Store:
    """An open, unlocked encrypted store. Create with :meth:`create` or :meth:`open`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._os_lock = osdeps.FileLock(self.path.with_name(self.path.name + ".lock"))
        self._dek: bytes | None = None
        self._cache: Data | None = None
        self._undo: dict[str, dict[str, Any]] = {}  # table -> id -> value before this change
        self._depth = 0
        self._fh: Any = None
        self.header: dict[str, Any] = {}
        self.store_id = ""
        self.generation = 0
        self.kdf: KdfParams | None = None
        self._seq = 0
        self._prev_hash = b""
        self._valid_end = 0
        self._base_bytes = 0
        self._journal_bytes = 0
        self.torn_tail_dropped = False
        self.db = IdTinyDB(self, storage=_StoreStorage)

    # -- opening --------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, passphrase: str, *, kdf: KdfParams | None = None) -> Store:
        """A new empty store at ``path``, its KDF calibrated unless ``kdf`` is given."""
        path = Path(path)
        if path.exists():
            raise StoreExists("a store already exists there")
        osdeps.make_private_dir(path.parent)
        kdf = kdf or KdfParams.calibrate()
        kdf.check_bounds()
        store = cls(path)
        store._os_lock.acquire()
        try:
            store.store_id = str(uuid.uuid4())
            store.kdf = kdf
            dek = os.urandom(KEY_BYTES)
            slot = make_passphrase_slot(dek, passphrase, kdf, store.store_id)
            slot["kdf"] = kdf.to_dict()
            store.header = {
                "format": FORMAT,
                "store_id": store.store_id,
                "generation": 0,
                "aead": "chacha20poly1305",
                "slots": [slot],
            }
            store._dek = dek
            store._cache = {}
            store._rewrite({}, keep_previous=False)
        except BaseException:
            store._os_lock.release()
            raise
        return store

    @classmethod
    def open(cls, path: Path | str, passphrase: str) -> Store:
        """Open an existing store with its passphrase."""
        return cls._open(Path(path), lambda header: cls._dek_from_passphrase(header, passphrase))

    @classmethod
    def open_with_recovery(cls, path: Path | str, private_key: X25519PrivateKey) -> Store:
        """Open through the recovery slot with the office's offline recovery key."""

        def unlock(header: dict[str, Any]) -> bytes:
            for slot in header["slots"]:
                if slot.get("type") == "recovery":
                    with contextlib.suppress(WrongPassphrase):
                        return open_recovery_slot(slot, private_key, header["store_id"])
            raise WrongPassphrase("the recovery key does not open this store")

        return cls._open(Path(path), unlock)

    @staticmethod
    def _dek_from_passphrase(header: dict[str, Any], passphrase: str) -> bytes:
        slots = [
            s for s in header["slots"] if isinstance(s, dict) and s.get("type") == "passphrase"
        ]
        if not slots:
            raise StoreDamaged("store file is damaged or was altered (no key slot)")
        slot = slots[0]
        kdf = KdfParams.from_dict(slot.get("kdf"))  # bounds checked before any derivation
        try:
            return open_passphrase_slot(slot, passphrase, kdf, header["store_id"])
        except (KeyError, ValueError, TypeError):
            raise StoreDamaged("store file is damaged or was altered (key slot)") from None

    @classmethod
    def _open(cls, path: Path, unlock: Any) -> Store:
        if not path.exists():
            raise StoreNotFound("no store found there")
        store = cls(path)
        store._os_lock.acquire()
        try:
            store._load(unlock)
        except BaseException:
            store._os_lock.release()
            raise
        return store

    def _load(self, unlock: Any) -> None:
        raw = self.path.read_bytes()
        parsed = parse(raw)
        dek = unlock(parsed.header)
        if not hmac.compare_digest(header_tag(dek, parsed.header_bytes), parsed.tag):
            raise StoreDamaged("store header was altered")
        try:
            body = unseal(dek, parsed.salt, BODY_INFO, parsed.body, parsed.body_ad)
            data = loads_no_gc(body)
        except (InvalidTag, ValueError):
            raise StoreDamaged("store file is damaged or was altered") from None
        header = parsed.header
        self.header = header
        self.store_id = header["store_id"]
        self.generation = header["generation"]
        pslots = [s for s in header["slots"] if s.get("type") == "passphrase"]
        self.kdf = KdfParams.from_dict(pslots[0]["kdf"]) if pslots else None
        self._dek = dek
        self._base_bytes = parsed.journal_start
        self._replay_journal(data, raw, parsed)
        self._cache = data
        self._undo = {}
        self.db.clear_cache()
        self._open_handle()

    def _replay_journal(self, data: Data, raw: bytes, parsed: Parsed) -> None:
        assert self._dek is not None
        pos = parsed.journal_start
        prev = chain_start(parsed.body)
        seq = 0
        self.torn_tail_dropped = False
        while pos < len(raw):
            if len(raw) - pos < 4:
                self.torn_tail_dropped = True
                break
            (length,) = struct.unpack(">I", raw[pos : pos + 4])
            end = pos + 4 + length
            if length < SALT_BYTES + 16 or end > len(raw):
                self.torn_tail_dropped = True
                break
            salt = raw[pos + 4 : pos + 4 + SALT_BYTES]
            ad = self._record_ad(seq + 1, prev)
            try:
                change = json.loads(
                    unseal(self._dek, salt, RECORD_INFO, raw[pos + 4 + SALT_BYTES : end], ad)
                )
            except (InvalidTag, ValueError):
                raise StoreDamaged(
                    "store journal is damaged or was altered (a change record fails its check)"
                ) from None
            _apply_change(data, change)
            seq += 1
            prev = hashlib.sha256(raw[pos:end]).digest()
            pos = end
        self._seq = seq
        self._prev_hash = prev
        self._valid_end = pos
        self._journal_bytes = pos - parsed.journal_start

    def _record_ad(self, seq: int, prev: bytes) -> bytes:
        return b"IPSJ1" + self.store_id.encode() + struct.pack(">QQ", self.generation, seq) + prev

    def _open_handle(self) -> None:
        self._close_handle()
        self._fh = open(self.path, "r+b")  # noqa: SIM115 - held for appends while open

    def _close_handle(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    # -- session ----------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._dek is None

    def lock(self) -> None:
        """Drop the data key and every decrypted document; the OS lock stays held."""
        with self._lock:
            self._dek = None
            self._cache = None
            self._undo = {}
            self._depth = 0
            self.db.clear_cache()
            self._close_handle()

    def unlock(self, passphrase: str) -> None:
        """Reload from disk with the passphrase after :meth:`lock`."""
        with self._lock:
            self._load(lambda header: self._dek_from_passphrase(header, passphrase))

    def close(self) -> None:
        with self._lock:
            self.lock()
            self._os_lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- tables and transactions ----------------------------------------------------

    def table(self, name: str) -> IdTable:
        return self.db.table(name, cache_size=0)

    def tables(self) -> set[str]:
        return {name for name, docs in self._live().items() if docs}

    def _live(self) -> Data:
        if self._cache is None:
            raise StoreLocked("the store is locked; unlock it with your passphrase")
        return self._cache

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group changes into one atomic write; nothing is written if the block raises."""
        with self._lock:
            self._live()
            outer = self._depth == 0
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._rollback()
                raise
            self._depth -= 1
            if outer:
                self._commit()

    def _read(self) -> Data:
        with self._lock:
            return dict(self._live())

    def _mutate(self, name: str, ids: set[str], updater: Any) -> None:
        """Change documents ``ids`` of table ``name`` in place through ``updater``.

        Each id's value before the first change of this transaction is kept, so that a
        failed block or a failed disk write puts every document back, and the journal
        record holds exactly the documents touched: a change costs O(change), not O(table).
        """
        with self._lock:
            live = self._live()
            table = live.get(name)
            if table is None:
                table = live[name] = {}
            undo = self._undo.setdefault(name, {})
            for doc_id in ids:
                if doc_id not in undo:
                    undo[doc_id] = table.get(doc_id, _ABSENT)
            if self._depth:
                updater(table)
                return
            try:
                updater(table)
            except BaseException:
                self._rollback()
                raise
            self._commit()

    def _write(self, data: Data) -> None:
        """A whole-database write from TinyDB's own methods: applied as the documents that
        differ (by object identity) from what is held."""
        with self.transaction():
            change = _diff(self._live(), data)
            for name, docs in change["t"].items():
                self._mutate(name, set(docs), functools.partial(_put_docs, docs))
            for name in change["drop"]:
                gone = set(self._live().get(name, {}))
                self._mutate(name, gone, functools.partial(_put_docs, dict.fromkeys(gone)))

    def _rollback(self) -> None:
        live = self._cache
        undo, self._undo = self._undo, {}
        if live is not None:
            for name, originals in undo.items():
                before = {i: None if doc is _ABSENT else doc for i, doc in originals.items()}
                _put_docs(before, live.setdefault(name, {}))
        self.db.clear_cache()

    # -- writing ----------------------------------------------------------------------

    def _commit(self) -> None:
        """Write what this transaction changed: one journal record, or a compaction."""
        live = self._cache
        if live is None or self._dek is None:
            self._undo = {}
            raise StoreLocked("the store is locked; unlock it with your passphrase")
        tables: dict[str, dict[str, Any]] = {}
        for name, originals in self._undo.items():
            table = live.get(name, {})
            changed = {}
            for doc_id, before in originals.items():
                now = table.get(doc_id)
                if now is not before and not (now is None and before is _ABSENT):
                    changed[doc_id] = now
            if changed:
                tables[name] = changed
        if not tables:
            self._undo = {}
            return
        try:
            if self._journal_bytes > max(COMPACT_MIN_BYTES, self._base_bytes):
                self._rewrite(live, keep_previous=True)
            else:
                self._append({"t": tables, "drop": []})
        except BaseException:
            self._rollback()
            raise
        self._undo = {}
        self.db.clear_cache()

    def _append(self, change: dict[str, Any]) -> None:
        assert self._dek is not None and self._fh is not None
        salt = os.urandom(SALT_BYTES)
        seq = self._seq + 1
        sealed = seal(
            self._dek,
            salt,
            RECORD_INFO,
            dumps_data(change),
            self._record_ad(seq, self._prev_hash),
        )
        frame = struct.pack(">I", len(salt) + len(sealed)) + salt + sealed
        fh = self._fh
        try:
            fh.seek(self._valid_end)
            fh.truncate()  # drops a torn tail left by a crash
            fh.write(frame)
            fh.flush()
            os.fsync(fh.fileno())
        except OSError:
            with contextlib.suppress(OSError):
                fh.seek(self._valid_end)
                fh.truncate()
                fh.flush()
            raise StoreWriteError(
                "could not save (disk full or not writable); nothing was changed"
            ) from None
        self._seq = seq
        self._prev_hash = hashlib.sha256(frame).digest()
        self._valid_end += len(frame)
        self._journal_bytes += len(frame)
        self.torn_tail_dropped = False

    def _rewrite(self, data: Data, *, keep_previous: bool) -> None:
        """Write a whole new generation atomically; state changes only after success."""
        assert self._dek is not None
        header = dict(self.header)
        if self._base_bytes:  # every rewrite after the first is a new generation
            header["generation"] = self.generation + 1
        hb = header_bytes(header)
        salt = os.urandom(SALT_BYTES)
        plain = dumps_data(data)
        # Seal needs the final body length in its AD; ChaCha20-Poly1305 adds 16 bytes.
        blen = struct.pack(">Q", len(plain) + 16)
        body = seal(self._dek, salt, BODY_INFO, plain, core_ad(header) + salt + blen)
        blob = hb + header_tag(self._dek, hb) + salt + blen + body
        prev = self.path.with_name(self.path.name + ".prev")
        try:
            if keep_previous and self.path.exists():
                self._replace_file(prev, self.path.read_bytes()[: self._valid_end or None])
            self._replace_file(self.path, blob)
        except OSError:
            raise StoreWriteError(
                "could not save (disk full or not writable); nothing was changed"
            ) from None
        self.header = header
        self.generation = header["generation"]
        self._base_bytes = len(blob)
        self._valid_end = len(blob)
        self._journal_bytes = 0
        self._seq = 0
        self._prev_hash = chain_start(body)
        self.torn_tail_dropped = False
        self._open_handle()

    def _replace_file(self, target: Path, blob: bytes) -> None:
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        fd = osdeps.open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            try:
                view = memoryview(blob)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        osdeps.fsync_dir(target.parent)

    def compact(self, *, scrub_previous: bool = False) -> None:
        """Rewrite as one base generation; ``scrub_previous`` also rewrites ``.prev``.

        With ``scrub_previous`` the previous generation becomes a copy of the new one, so
        nothing removed before the call (purged or erased families) survives in either file.
        """
        with self._lock:
            data = self._live()
            self._rewrite(data, keep_previous=not scrub_previous)
            if scrub_previous:
                prev = self.path.with_name(self.path.name + ".prev")
                try:
                    self._replace_file(prev, self.path.read_bytes())
                except OSError:
                    raise StoreWriteError("could not rewrite the previous generation") from None

    # -- key slots --------------------------------------------------------------------

    def change_passphrase(self, new: str, *, kdf: KdfParams | None = None) -> None:
        """Replace the passphrase slot; the data key and the encrypted body stay as they are."""
        with self._lock:
            self._live()
            assert self._dek is not None
            kdf = kdf or self.kdf or KdfParams.calibrate()
            slot = make_passphrase_slot(self._dek, new, kdf, self.store_id)
            slot["kdf"] = kdf.to_dict()
            slots = [s for s in self.header["slots"] if s.get("type") != "passphrase"]
            self._rewrite_slots([slot, *slots])
            self.kdf = kdf

    def add_recovery_slot(self, public_key: X25519PublicKey) -> None:
        """Seal the data key to the office's offline recovery key (replacing any earlier one)."""
        with self._lock:
            self._live()
            assert self._dek is not None
            slot = make_recovery_slot(self._dek, public_key, self.store_id)
            slots = [s for s in self.header["slots"] if s.get("type") != "recovery"]
            self._rewrite_slots([*slots, slot])

    def has_recovery_slot(self) -> bool:
        return any(s.get("type") == "recovery" for s in self.header.get("slots", []))

    def _rewrite_slots(self, slots: list[dict]) -> None:
        """Swap the header's slots in this file and in ``.prev``; bodies are copied unchanged."""
        assert self._dek is not None
        prev = self.path.with_name(self.path.name + ".prev")
        targets = [self.path] + ([prev] if prev.exists() else [])
        blobs: list[tuple[Path, bytes]] = []
        for target in targets:
            raw = target.read_bytes()
            if target == self.path:
                raw = raw[: self._valid_end]
            parsed = parse(raw)
            hb = header_bytes(dict(parsed.header, slots=slots))
            rest = raw[len(parsed.header_bytes) + TAG_BYTES :]
            blobs.append((target, hb + header_tag(self._dek, hb) + rest))
        try:
            for target, blob in blobs:
                self._replace_file(target, blob)
        except OSError:
            raise StoreWriteError("could not save the new key slot; nothing was changed") from None
        shift = len(blobs[0][1]) - self._valid_end
        self.header = dict(self.header, slots=slots)
        self._valid_end += shift
        self._base_bytes += shift
        self._open_handle()

    # -- information ------------------------------------------------------------------

    def info(self) -> StoreInfo:
        with self._lock:
            live = self._live()
            return StoreInfo(
                generation=self.generation,
                journal_records=self._seq,
                file_bytes=self.path.stat().st_size,
                torn_tail_dropped=self.torn_tail_dropped,
                counts={name: len(docs) for name, docs in live.items()},
            )


def _diff(old: Data, new: Data) -> dict[str, Any]:
    """What changed, by object identity: IdTable replaces documents, never mutates them."""
    tables: dict[str, dict[str, Any]] = {}
    for name, docs in new.items():
        before = old.get(name, {})
        if docs is before:
            continue
        changed = {k: v for k, v in docs.items() if before.get(k) is not v}
        changed.update({k: None for k in before.keys() - docs.keys()})
        if changed:
            tables[name] = changed
    dropped = [name for name in old if name not in new]
    return {"t": tables, "drop": dropped}


def _put_docs(docs: dict[str, Any], table: dict[str, Any]) -> None:
    """Put each document into ``table``; ``None`` removes that id."""
    for doc_id, doc in docs.items():
        if doc is None:
            table.pop(doc_id, None)
        else:
            table[doc_id] = doc


def _apply_change(data: Data, change: dict[str, Any]) -> None:
    for name in change.get("drop", []):
        data.pop(name, None)
    for name, docs in change.get("t", {}).items():
        _put_docs(docs, data.setdefault(name, {}))
