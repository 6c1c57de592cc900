"""The encrypted store: one file, a base generation plus an encrypted append-only journal.

The file's regions are laid out in :mod:`ips_field.store.layout` (see docs/store-format.md).
The header holds format, store id, generation and the key slots. The data key (DEK)
opens from a slot; the header tag (HMAC under a key derived from the DEK) then proves the
whole header unaltered, the body AEAD binds the header's core fields, and each journal record
is sealed on its own with its sequence number and the hash of the record before it. The
seal between body and journal (:mod:`ips_field.store.journal`) records how far the journal
reached, so a journal cut short at a record boundary is refused as damage.

A change costs one appended record (O(change)); when the journal outgrows the base, the store
is compacted by an ordinary atomic rewrite (temp file, fsync, close, replace, folder fsync),
and the previous generation is kept as ``<store>.prev``. Writing to disk lives in
:mod:`ips_field.store.writes`, key changes in :mod:`ips_field.store.keys`.
"""

from __future__ import annotations

import contextlib
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
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

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
    KdfParams,
    make_passphrase_slot,
    open_recovery_slot,
    unseal,
)
from ips_field.store.files_atomic import clean_leftovers
from ips_field.store.journal import (
    check_against_seal,
    frame_hash,
    read_seal,
    scan,
)
from ips_field.store.keys import KeySlotsMixin, dek_from_passphrase
from ips_field.store.layout import (
    BODY_INFO,
    FORMAT,
    MAGIC,
    RECORD_INFO,
    TAG_BYTES,
    Parsed,
    chain_start,
    header_tag,
    loads_no_gc,
    parse,
)
from ips_field.store.table import IdTable, IdTinyDB
from ips_field.store.tinydb_storage import StoreStorage, apply_change, diff, put_docs
from ips_field.store.values import check_value
from ips_field.store.writes import WritesMixin

__all__ = ["MAGIC", "TAG_BYTES", "KdfParams", "Store", "StoreInfo", "default_store_path"]

COMPACT_MIN_BYTES = 4 * 1024 * 1024

default_store_path = osdeps.default_store_path

Data = dict[str, dict[str, dict[str, Any]]]
ABSENT: Any = object()  # "no document had this id" / "no such table" in an undo record


@dataclass
class StoreInfo:
    generation: int
    journal_records: int
    file_bytes: int
    torn_tail_dropped: bool
    counts: dict[str, int] = field(default_factory=dict)


class Store(WritesMixin, KeySlotsMixin):
    """An open, unlocked encrypted store. Create with :meth:`create` or :meth:`open`."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._os_lock = osdeps.FileLock(self.path.with_name(self.path.name + ".lock"))
        self._dek: bytes | None = None
        self._cache: Data | None = None
        self._undo: dict[str, dict[str, Any]] = {}  # table -> id -> value before this change
        self._undo_tables: dict[str, Any] = {}  # table -> ABSENT if created in this change
        self._depth = 0
        self._fd: int | None = None
        self.header: dict[str, Any] = {}
        self.store_id = ""
        self.generation = 0
        self.kdf: KdfParams | None = None
        self._seq = 0
        self._prev_hash = b""
        self._valid_end = 0
        self._base_bytes = 0
        self._journal_bytes = 0
        self._seal_raw = b""  # the seal region's bytes as on disk (empty: an older store)
        self._seal_start = 0
        self._seal_next = 0  # the slot the next seal write goes to (the other holds the newest)
        self.torn_tail_dropped = False
        self.leftovers_removed = 0
        self.db = IdTinyDB(self, storage=StoreStorage)

    @property
    def prev_path(self) -> Path:
        return self.path.with_name(self.path.name + ".prev")

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
                "sealed": True,
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
    def open(cls, path: Path | str, passphrase: str, *, read_only: bool = False) -> Store:
        """Open an existing store with its passphrase (``read_only``: never write a byte)."""
        return cls._open(
            Path(path), lambda header: dek_from_passphrase(header, passphrase), read_only
        )

    @classmethod
    def open_with_recovery(cls, path: Path | str, private_key: X25519PrivateKey) -> Store:
        """Open through the recovery slot with the office's offline recovery key."""

        def unlock(header: dict[str, Any]) -> bytes:
            for slot in header["slots"]:
                if slot.get("type") == "recovery":
                    with contextlib.suppress(WrongPassphrase):
                        return open_recovery_slot(slot, private_key, header["store_id"])
            raise WrongPassphrase("the recovery key does not open this store")

        return cls._open(Path(path), unlock, False)

    @classmethod
    def _open(cls, path: Path, unlock: Any, read_only: bool) -> Store:
        if not path.exists():
            raise StoreNotFound("no store found there")
        store = cls(path, read_only=read_only)
        store._os_lock.acquire()
        try:
            store._load(unlock)
            if not read_only:
                store.leftovers_removed = clean_leftovers(path)
                store._reconcile_previous()
        except BaseException:
            store._close_handle()
            store._os_lock.release()
            raise
        return store

    def _load(self, unlock: Any) -> None:
        raw = osdeps.read_all(self.path)
        parsed = parse(raw)
        dek = unlock(parsed.header)
        if not hmac.compare_digest(header_tag(dek, parsed.header_bytes), parsed.tag):
            raise StoreDamaged("store header was altered")
        try:
            body = unseal(dek, parsed.salt, BODY_INFO, parsed.body, parsed.body_ad)
            data = loads_no_gc(body)
        except (InvalidTag, ValueError, RecursionError):
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
        self._undo_tables = {}
        self.db.clear_cache()
        self._open_handle()

    def _replay_journal(self, data: Data, raw: bytes, parsed: Parsed) -> None:
        assert self._dek is not None
        self._seal_raw, self._seal_start = parsed.seal, parsed.seal_start
        sealed, newest = read_seal(self._dek, self.store_id, parsed.seal)
        self._seal_next = 1 - newest if newest is not None else 0
        found = scan(raw, parsed.journal_start)
        prev = chain_start(parsed.body)
        seq = 0
        end = parsed.journal_start
        torn = found.bad_tail
        for frame in found.frames:
            ad = self._record_ad(seq + 1, prev)
            try:
                change = json.loads(
                    unseal(self._dek, frame.salt, RECORD_INFO, frame.ciphertext, ad)
                )
            except (InvalidTag, ValueError, RecursionError):
                raise StoreDamaged(
                    "store journal is damaged or was altered (a change record fails its check)"
                ) from None
            apply_change(data, change)
            seq += 1
            prev = frame_hash(raw, frame)
            end = frame.end
        check_against_seal(sealed, self.generation, seq, bool(self.header.get("sealed")))
        self._seq = seq
        self._prev_hash = prev
        self._valid_end = end
        self._journal_bytes = end - parsed.journal_start
        self.torn_tail_dropped = torn

    def _record_ad(self, seq: int, prev: bytes) -> bytes:
        return b"IPSJ1" + self.store_id.encode() + struct.pack(">QQ", self.generation, seq) + prev

    def _open_handle(self) -> None:
        self._close_handle()
        if not self.read_only:
            self._fd = osdeps.open_private(self.path, os.O_RDWR)

    def _close_handle(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                osdeps.close(fd)

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
            self._undo_tables = {}
            self._depth = 0
            self.db.clear_cache()
            self._close_handle()

    def unlock(self, passphrase: str) -> None:
        """Reload from disk with the passphrase after :meth:`lock`."""
        with self._lock:
            self._load(lambda header: dek_from_passphrase(header, passphrase))

    def close(self) -> None:
        """Lock and release the OS lock; the lock is released whatever else fails."""
        with self._lock:
            try:
                self.lock()
            finally:
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

    def _read(self) -> Data:
        """The whole database as TinyDB reads it (each table copied when looked up)."""
        return self.db.storage.read() or {}

    def _live(self) -> Data:
        if self._cache is None:
            raise StoreLocked("the store is locked; unlock it with your passphrase")
        return self._cache

    def _writable(self) -> Data:
        if self.read_only:
            raise StoreWriteError("the store was opened read-only; nothing was changed")
        return self._live()

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

    def _mutate(self, name: str, ids: set[str], updater: Any) -> None:
        """Change documents ``ids`` of table ``name`` in place through ``updater``.

        Each id's value before the first change of this transaction is kept, so that a
        failed block or a failed disk write puts every document back, and the journal
        record holds exactly the documents touched: a change costs O(change), not O(table).
        """
        with self._lock:
            live = self._writable()
            table = live.get(name)
            if table is None:
                self._undo_tables.setdefault(name, ABSENT)
                table = live[name] = {}
            undo = self._undo.setdefault(name, {})
            for doc_id in ids:
                if doc_id not in undo:
                    undo[doc_id] = table.get(doc_id, ABSENT)
            self._run(lambda: updater(table))

    def _drop_table(self, name: str) -> None:
        with self._lock:
            live = self._writable()
            if name not in live:
                return

            def drop() -> None:
                undo = self._undo.setdefault(name, {})
                for doc_id, doc in live[name].items():
                    undo.setdefault(doc_id, doc)
                self._undo_tables.setdefault(name, live[name])
                del live[name]

            self._run(drop)

    def _run(self, action: Any) -> None:
        if self._depth:
            action()
            return
        try:
            action()
        except BaseException:
            self._rollback()
            raise
        self._commit()

    def _write(self, data: Data) -> None:
        """A whole-database write from TinyDB's own methods (``data`` holds copies of what
        it read): applied as the tables and documents that differ in value from the cache."""
        with self.transaction():
            live = self._writable()
            tables, dropped = diff(live, data)
            for name in dropped:
                self._drop_table(name)
            for name, docs in tables.items():
                self._mutate(name, set(docs), lambda t, docs=docs: put_docs(docs, t))

    def _rollback(self) -> None:
        live = self._cache
        undo, self._undo = self._undo, {}
        undo_tables, self._undo_tables = self._undo_tables, {}
        if live is not None:
            for name, originals in undo.items():
                before = {i: None if doc is ABSENT else doc for i, doc in originals.items()}
                put_docs(before, live.setdefault(name, {}))
            for name, table in undo_tables.items():
                if table is ABSENT:
                    live.pop(name, None)
                else:
                    live.setdefault(name, {})
        self.db.clear_cache()

    # -- writing ----------------------------------------------------------------------

    def _pending_change(self, live: Data) -> dict[str, Any] | None:
        """The journal record for this transaction, or ``None`` if nothing changed."""
        dropped = [n for n, t in self._undo_tables.items() if t is not ABSENT and n not in live]
        created = [n for n, t in self._undo_tables.items() if t is ABSENT and n in live]
        tables: dict[str, dict[str, Any]] = {name: {} for name in created}
        for name, originals in self._undo.items():
            if name in dropped:
                continue
            table = live.get(name, {})
            changed = {}
            for doc_id, before in originals.items():
                now = table.get(doc_id)
                if now is not before and not (now is None and before is ABSENT):
                    changed[doc_id] = now
            if changed:
                tables.setdefault(name, {}).update(changed)
        if not tables and not dropped:
            return None
        for docs in tables.values():
            for doc in docs.values():
                if doc is not None:
                    check_value(doc)
        return {"t": tables, "drop": dropped}

    def _commit(self) -> None:
        """Write what this transaction changed: one journal record, or a compaction."""
        live = self._cache
        if live is None or self._dek is None:
            self._undo, self._undo_tables = {}, {}
            raise StoreLocked("the store is locked; unlock it with your passphrase")
        try:
            change = self._pending_change(live)
            if change is not None:
                if self._journal_bytes > max(COMPACT_MIN_BYTES, self._base_bytes):
                    self._rewrite(live, keep_previous=True)
                else:
                    self._append(change)
        except BaseException:
            self._rollback()
            raise
        self._undo, self._undo_tables = {}, {}
        self.db.clear_cache()

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
