"""The journal's records and the seal that makes a shortened journal visible.

Each journal record is ``u32 length | 16-byte salt | ciphertext``, sealed with its sequence
number and the hash of the frame before it (see :mod:`ips_field.store.store`). A chain of
records proves order and that nothing was removed from the middle, but a file cut at a record
boundary is itself a valid shorter chain. So the file keeps a *seal* between the body and the
journal: two fixed-size slots, each sealing (generation, sequence number, hash of the last
frame) under the data key. After every fsynced append the older slot is overwritten in
place and fsynced, so one slot is always whole even if a crash tears the other. On open the
journal must reach the newest sealed sequence number, or the store is damaged.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag

from ips_field.errors import StoreDamaged
from ips_field.store.crypto import SALT_BYTES, seal, unseal

SEAL_INFO = b"ips-field seal"
SEAL_MAGIC = b"IPSS1"
_PAYLOAD = struct.Struct(">QQ32s")  # generation, sequence, SHA-256 of the last frame
SLOT_BYTES = SALT_BYTES + _PAYLOAD.size + 16
SEAL_BYTES = 2 * SLOT_BYTES


@dataclass(frozen=True)
class Frame:
    start: int
    end: int
    salt: bytes
    ciphertext: bytes


@dataclass
class Scan:
    frames: list[Frame]
    end: int  # the end of the last whole frame
    bad_tail: bool  # bytes after ``end`` that are not a whole frame


def frame_bytes(salt: bytes, sealed: bytes) -> bytes:
    return struct.pack(">I", len(salt) + len(sealed)) + salt + sealed


def scan(raw: bytes, start: int) -> Scan:
    """Split the journal region into frames by their length fields (nothing opened yet)."""
    frames: list[Frame] = []
    pos = start
    while pos < len(raw):
        if len(raw) - pos < 4:
            return Scan(frames, pos, True)
        (length,) = struct.unpack(">I", raw[pos : pos + 4])
        end = pos + 4 + length
        if length < SALT_BYTES + 16 or end > len(raw):
            return Scan(frames, pos, True)
        frames.append(
            Frame(pos, end, raw[pos + 4 : pos + 4 + SALT_BYTES], raw[pos + 4 + SALT_BYTES : end])
        )
        pos = end
    return Scan(frames, pos, False)


def frame_hash(raw: bytes, frame: Frame) -> bytes:
    return hashlib.sha256(raw[frame.start : frame.end]).digest()


@dataclass(frozen=True)
class SealState:
    generation: int
    seq: int
    last: bytes


def seal_slot(dek: bytes, store_id: str, state: SealState) -> bytes:
    salt = os.urandom(SALT_BYTES)
    payload = _PAYLOAD.pack(state.generation, state.seq, state.last)
    return salt + seal(dek, salt, SEAL_INFO, payload, SEAL_MAGIC + store_id.encode())


def seal_region(dek: bytes, store_id: str, state: SealState) -> bytes:
    """A whole seal region with both slots holding ``state``."""
    return seal_slot(dek, store_id, state) + seal_slot(dek, store_id, state)


def read_seal(dek: bytes, store_id: str, raw: bytes) -> tuple[SealState | None, int | None]:
    """The newest whole slot and its index, or ``None`` if neither opens."""
    best: SealState | None = None
    index: int | None = None
    for i in range(2):
        slot = raw[i * SLOT_BYTES : (i + 1) * SLOT_BYTES]
        if len(slot) != SLOT_BYTES:
            continue
        try:
            payload = unseal(
                dek, slot[:SALT_BYTES], SEAL_INFO, slot[SALT_BYTES:], SEAL_MAGIC + store_id.encode()
            )
        except InvalidTag:
            continue
        state = SealState(*_PAYLOAD.unpack(payload))
        if best is None or (state.generation, state.seq) > (best.generation, best.seq):
            best, index = state, i
    return best, index


def check_against_seal(
    sealed: SealState | None, generation: int, frames: int, required: bool
) -> None:
    """Refuse a journal shorter than its seal, or a store file older than its seal."""
    if sealed is None:
        if required:
            raise StoreDamaged("store file is damaged or was altered (its seal)")
        return
    if sealed.generation != generation:
        raise StoreDamaged("store file is damaged or was altered (its seal)")
    if frames < sealed.seq:
        raise StoreDamaged(
            "store journal is damaged or was cut short (changes that were saved are missing)"
        )
