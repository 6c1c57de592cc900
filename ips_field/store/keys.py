"""The store's key slots: passphrase change, re-keying, the recovery slot, ``.prev``'s slots.

A passphrase change rewrites only the slot (and the header tag) in the store and in
``.prev``; the data key stays, so an old copy of the store opens with the old passphrase and
reads everything written since. :meth:`KeySlotsMixin.rekey` is for a passphrase someone may
have seen: a new data key, a new generation sealed under it, and ``.prev`` scrubbed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from ips_field.errors import StoreDamaged, StoreWriteError, UnsafeKdfParameters, WrongPassphrase
from ips_field.store import osdeps
from ips_field.store.crypto import (
    KEY_BYTES,
    KdfParams,
    make_passphrase_slot,
    make_recovery_slot,
    open_passphrase_slot,
    unb64,
)
from ips_field.store.files_atomic import replace_file
from ips_field.store.layout import TAG_BYTES, header_bytes, header_tag, parse

if TYPE_CHECKING:
    from ips_field.store.host import StoreHost as _Base
else:
    _Base = object

ALTERED_KDF = (
    "wrong passphrase, or the store's key settings were altered "
    "(they ask for more work than this program ever sets)"
)


def dek_from_passphrase(header: dict[str, Any], passphrase: str) -> bytes:
    slots = [s for s in header["slots"] if s.get("type") == "passphrase"]
    if not slots:
        raise StoreDamaged("store file is damaged or was altered (no key slot)")
    slot = slots[0]
    kdf = KdfParams.from_dict(slot.get("kdf"))  # bounds checked before any derivation
    try:
        unb64(slot["salt"]), unb64(slot["wrapped"])
    except (KeyError, ValueError, TypeError):
        raise StoreDamaged("store file is damaged or was altered (key slot)") from None
    try:
        return open_passphrase_slot(slot, passphrase, kdf, header["store_id"])
    except WrongPassphrase:
        if kdf.memory_kib > KdfParams.DEFAULT.memory_kib or kdf.iterations > 3:
            raise WrongPassphrase(ALTERED_KDF) from None
        raise
    except (KeyError, ValueError, TypeError):
        raise StoreDamaged("store file is damaged or was altered (key slot)") from None


def _slot_of(header: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((s for s in header.get("slots", []) if s.get("type") == kind), None)


class KeySlotsMixin(_Base):
    def change_passphrase(self, new: str, *, kdf: KdfParams | None = None) -> None:
        """Replace the passphrase slot; the data key and the encrypted body stay as they are."""
        with self._lock:
            self._writable()
            assert self._dek is not None
            kdf = kdf or self.kdf or KdfParams.calibrate()
            slot = make_passphrase_slot(self._dek, new, kdf, self.store_id)
            slot["kdf"] = kdf.to_dict()
            slots = [s for s in self.header["slots"] if s.get("type") != "passphrase"]
            self._rewrite_slots([slot, *slots])
            self.kdf = kdf

    def rekey(self, new: str, *, kdf: KdfParams | None = None) -> None:
        """A new data key and passphrase: the store is rewritten as a new generation under the
        new key, the recovery slot (if any) resealed to the same office key, and ``.prev``
        scrubbed to a copy of the new generation. Old copies of the store still open with
        the old passphrase, but hold nothing written after this."""
        with self._lock:
            data = self._writable()
            assert self._dek is not None
            kdf = kdf or self.kdf or KdfParams.calibrate()
            dek = os.urandom(KEY_BYTES)
            slot = make_passphrase_slot(dek, new, kdf, self.store_id)
            slot["kdf"] = kdf.to_dict()
            slots = [slot]
            recovery = _slot_of(self.header, "recovery")
            if recovery is not None:
                public = X25519PublicKey.from_public_bytes(unb64(recovery["recipient"]))
                slots.append(make_recovery_slot(dek, public, self.store_id))
            old_header = self.header
            self.header = dict(self.header, slots=slots)
            try:
                self._rewrite(data, keep_previous=False, dek=dek)
            except BaseException:
                self.header = old_header
                raise
            self.kdf = kdf
            self._scrub_previous()

    def add_recovery_slot(self, public_key: X25519PublicKey) -> None:
        """Seal the data key to the office's offline recovery key (replacing any earlier one)."""
        with self._lock:
            self._writable()
            assert self._dek is not None
            slot = make_recovery_slot(self._dek, public_key, self.store_id)
            slots = [s for s in self.header["slots"] if s.get("type") != "recovery"]
            self._rewrite_slots([*slots, slot])

    def has_recovery_slot(self) -> bool:
        return any(s.get("type") == "recovery" for s in self.header.get("slots", []))

    def _with_slots(self, raw: bytes, slots: list[dict[str, Any]]) -> bytes:
        assert self._dek is not None
        parsed = parse(raw)
        hb = header_bytes(dict(parsed.header, slots=slots))
        return hb + header_tag(self._dek, hb) + raw[len(parsed.header_bytes) + TAG_BYTES :]

    def _rewrite_slots(self, slots: list[dict[str, Any]]) -> None:
        """Swap the header's slots in ``.prev`` and then in this file; bodies are copied
        unchanged. ``.prev`` goes first, and :meth:`_reconcile_previous` puts right on the
        next open whatever a crash between the two left, so ``.prev`` never keeps a
        passphrase that was changed."""
        assert self._dek is not None
        blobs: list[tuple[Path, bytes]] = []
        if self.prev_path.exists():
            blobs.append((self.prev_path, self._with_slots(osdeps.read_all(self.prev_path), slots)))
        main = self._with_slots(osdeps.read_all(self.path)[: self._valid_end], slots)
        blobs.append((self.path, main))
        self._close_handle()  # Windows refuses to replace a file that is open
        try:
            for target, blob in blobs:
                replace_file(target, blob)
        except (OSError, StoreDamaged):
            with contextlib.suppress(OSError):
                self._open_handle()
            raise StoreWriteError("could not save the new key slot; nothing was changed") from None
        shift = len(main) - self._valid_end
        self.header = dict(self.header, slots=slots)
        self._valid_end += shift
        self._base_bytes += shift
        self._seal_start += shift
        self._open_handle()

    def _reconcile_previous(self) -> None:
        """After a crash in a key change, ``.prev`` may hold other slots than the store: give
        it the store's slots, or (another data key: an interrupted re-key) scrub it."""
        prev = self.prev_path
        if not prev.exists():
            return
        try:
            raw = osdeps.read_all(prev)
            head = parse(raw)
        except (OSError, StoreDamaged, UnsafeKdfParameters):
            head = None
        if head is not None and head.header.get("slots") == self.header["slots"]:
            return
        assert self._dek is not None
        try:
            same_key = head is not None and header_tag(self._dek, head.header_bytes) == head.tag
            if same_key:
                replace_file(prev, self._with_slots(raw, self.header["slots"]))
            else:
                self._scrub_previous()
        except (OSError, StoreDamaged, StoreWriteError):
            pass  # tried again at the next open
