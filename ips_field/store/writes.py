"""The store's writes to disk: one journal record and its seal, or a whole new generation.

A change is one record appended in place (``truncate`` to the last whole record, write,
fsync), then the older of the two seal slots overwritten and fsynced; a compaction, a slot
change or a re-key is an atomic rewrite through :func:`replace_file`, with the store's own
handle closed first (Windows cannot replace an open file). Every failure puts the file back
as it was and raises :class:`StoreWriteError` in one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from typing import TYPE_CHECKING, Any

from ips_field.errors import StoreWriteError
from ips_field.store import osdeps
from ips_field.store.crypto import SALT_BYTES, seal
from ips_field.store.files_atomic import replace_file
from ips_field.store.journal import SEAL_BYTES, SLOT_BYTES, SealState, frame_bytes, seal_slot
from ips_field.store.layout import RECORD_INFO, body_blob, chain_start, dumps_data

if TYPE_CHECKING:
    from ips_field.store.host import StoreHost as _Base
else:
    _Base = object

SAVE_FAILED = "could not save (disk full or not writable); nothing was changed"
Data = dict[str, dict[str, dict[str, Any]]]


class WritesMixin(_Base):
    def _append(self, change: dict[str, Any]) -> None:
        assert self._dek is not None
        if self._fd is None:
            raise StoreWriteError(SAVE_FAILED)
        salt = os.urandom(SALT_BYTES)
        seq = self._seq + 1
        plain = dumps_data(change)
        sealed = seal(self._dek, salt, RECORD_INFO, plain, self._record_ad(seq, self._prev_hash))
        frame = frame_bytes(salt, sealed)
        fd = self._fd
        try:
            osdeps.truncate(fd, self._valid_end)  # drops a torn tail left by a crash
            osdeps.pwrite_all(fd, frame, self._valid_end)
            osdeps.fsync(fd)
            state = SealState(self.generation, seq, hashlib.sha256(frame).digest())
            self._write_seal(fd, state)
        except OSError:
            with contextlib.suppress(OSError):
                osdeps.truncate(fd, self._valid_end)
                osdeps.fsync(fd)
            raise StoreWriteError(SAVE_FAILED) from None
        self._seq = seq
        self._prev_hash = state.last
        self._valid_end += len(frame)
        self._journal_bytes += len(frame)
        self.torn_tail_dropped = False

    def _write_seal(self, fd: int, state: SealState) -> None:
        """Overwrite the older of the seal's two slots in place and flush it; on failure the
        slot gets its old bytes back, so the seal never claims a record that is not kept.
        (A store written before the seal existed has none until its next compaction.)"""
        assert self._dek is not None
        if len(self._seal_raw) != 2 * SLOT_BYTES:
            return
        i = self._seal_next
        slot = seal_slot(self._dek, self.store_id, state)
        old = self._seal_raw[i * SLOT_BYTES : (i + 1) * SLOT_BYTES]
        at = self._seal_start + i * SLOT_BYTES
        try:
            osdeps.pwrite_all(fd, slot, at)
            osdeps.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                osdeps.pwrite_all(fd, old, at)
                osdeps.fsync(fd)
            raise
        raw = bytearray(self._seal_raw)
        raw[i * SLOT_BYTES : (i + 1) * SLOT_BYTES] = slot
        self._seal_raw, self._seal_next = bytes(raw), 1 - i

    def _rewrite(self, data: Data, *, keep_previous: bool, dek: bytes | None = None) -> None:
        """Write a whole new generation atomically; state changes only after success.

        ``dek`` (re-keying) seals the new generation under a new data key."""
        assert self._dek is not None
        new_dek = dek or self._dek
        header = dict(self.header, sealed=True)
        if self._base_bytes:  # every rewrite after the first is a new generation
            header["generation"] = self.generation + 1
        blob, body = body_blob(new_dek, header, dumps_data(data))
        self._close_handle()  # Windows refuses to replace a file that is open
        try:
            if keep_previous and self.path.exists():
                old = osdeps.read_all(self.path)[: self._valid_end or None]
                replace_file(self.prev_path, old)
            replace_file(self.path, blob)
        except OSError:
            with contextlib.suppress(OSError):
                self._open_handle()
            raise StoreWriteError(SAVE_FAILED) from None
        self.header = header
        self.generation = header["generation"]
        self._dek = new_dek
        self._base_bytes = len(blob)
        self._valid_end = len(blob)
        self._journal_bytes = 0
        self._seq = 0
        self._prev_hash = chain_start(body)
        self._seal_start = len(blob) - SEAL_BYTES
        self._seal_raw = blob[self._seal_start :]
        self._seal_next = 1
        self.torn_tail_dropped = False
        self._open_handle()

    def compact(self, *, scrub_previous: bool = False) -> None:
        """Rewrite as one base generation; ``scrub_previous`` also rewrites ``.prev``.

        With ``scrub_previous`` the previous generation becomes a copy of the new one, so
        nothing removed before the call (purged or erased families) survives in either file.
        """
        with self._lock:
            data = self._writable()
            self._rewrite(data, keep_previous=not scrub_previous)
            if scrub_previous:
                self._scrub_previous()

    def _scrub_previous(self) -> None:
        try:
            replace_file(self.prev_path, osdeps.read_all(self.path))
        except OSError:
            raise StoreWriteError("could not rewrite the previous generation") from None
