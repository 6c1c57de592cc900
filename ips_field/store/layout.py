"""The store file's bytes: its regions, the canonical header and the document JSON.

Layout (see docs/store-format.md)::

    MAGIC | u32 header length | header JSON | 32-byte header tag
          | 16-byte salt | u64 body length | body ciphertext
          | seal (2 x 80 bytes, only when the header says "sealed": true)
          | journal record* (u32 length | 16-byte salt | ciphertext)

Nothing here holds a key or state: :mod:`ips_field.store.store` seals, opens and writes.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import os
import struct
from dataclasses import dataclass
from typing import Any

import orjson

from ips_field.errors import StoreDamaged, StoreWriteError
from ips_field.store.crypto import SALT_BYTES, hkdf, seal
from ips_field.store.journal import SEAL_BYTES, SealState, seal_region

MAGIC = b"IPSF\x01\n"
FORMAT = 1
MAX_HEADER = 64 * 1024
TAG_BYTES = 32
BODY_INFO = b"ips-field body"
RECORD_INFO = b"ips-field journal record"
HEADER_INFO = b"ips-field header tag"


def canonical_dumps(obj: Any) -> bytes:
    """Canonical JSON for the header, whose bytes are authenticated and rebuilt on open."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def dumps_data(obj: Any) -> bytes:
    """Documents for the body and journal records. Nothing rebuilds these bytes (they are
    sealed as they are), so they need not be canonical; orjson writes them ~40x faster than
    the json module (a 1,000-note change: 0.6 ms against 24 ms)."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # orjson.JSONEncodeError: e.g. an integer beyond 64 bits
        raise StoreWriteError(
            "could not save: a value cannot be stored (too large or not text); nothing was changed"
        ) from None


@dataclass
class Parsed:
    """A store file split into its regions (nothing decrypted yet)."""

    header: dict[str, Any]
    header_bytes: bytes  # MAGIC | length | header JSON
    tag: bytes
    salt: bytes
    body: bytes
    body_ad: bytes
    journal_start: int
    raw: bytes
    seal: bytes = b""  # the seal region (empty in a store written before it existed)
    seal_start: int = 0


def core_ad(header: dict[str, Any]) -> bytes:
    core = {k: v for k, v in header.items() if k != "slots"}
    return MAGIC + canonical_dumps(core)


def parse(raw: bytes) -> Parsed:
    damaged = StoreDamaged("store file is damaged or was altered")
    if len(raw) < len(MAGIC) + 4 or raw[: len(MAGIC)] != MAGIC:
        raise StoreDamaged("not an ips-field store, or its first bytes are damaged")
    (hlen,) = struct.unpack(">I", raw[len(MAGIC) : len(MAGIC) + 4])
    pos = len(MAGIC) + 4
    if hlen > MAX_HEADER or len(raw) < pos + hlen + TAG_BYTES + SALT_BYTES + 8:
        raise damaged
    try:
        header = json.loads(raw[pos : pos + hlen])
    except (ValueError, RecursionError):  # RecursionError: a deeply nested header
        raise damaged from None
    check_header(header)
    head = raw[: pos + hlen]
    pos += hlen
    tag = raw[pos : pos + TAG_BYTES]
    pos += TAG_BYTES
    salt = raw[pos : pos + SALT_BYTES]
    pos += SALT_BYTES
    (blen,) = struct.unpack(">Q", raw[pos : pos + 8])
    body_ad = core_ad(header) + salt + raw[pos : pos + 8]
    pos += 8
    end = pos + blen
    seal_len = SEAL_BYTES if header.get("sealed") is True else 0
    if len(raw) < end + seal_len:
        raise StoreDamaged("store file is cut short (truncated)")
    return Parsed(
        header,
        head,
        tag,
        salt,
        raw[pos:end],
        body_ad,
        end + seal_len,
        raw,
        raw[end : end + seal_len],
        end,
    )


def check_header(header: Any) -> None:
    """Refuse, before any key derivation, a header not shaped as this program writes it."""
    damaged = StoreDamaged("store file is damaged or was altered (its header)")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise damaged
    if not isinstance(header.get("store_id"), str) or not isinstance(header.get("slots"), list):
        raise damaged
    gen = header.get("generation")
    if type(gen) is not int or gen < 0:
        raise damaged
    if not header["slots"] or len(header["slots"]) > 8:
        raise damaged
    for slot in header["slots"]:
        if not isinstance(slot, dict) or not isinstance(slot.get("type"), str):
            raise damaged
        for key, value in slot.items():
            if key == "kdf":
                if not isinstance(value, dict) or not all(
                    isinstance(v, str) or type(v) is int for v in value.values()
                ):
                    raise damaged
            elif not isinstance(value, str):
                raise damaged


def body_blob(dek: bytes, header: dict[str, Any], plain: bytes) -> tuple[bytes, bytes]:
    """A whole base generation's bytes (header, tag, salt, length, body, seal at sequence
    0 when the header says ``sealed``) and its body."""
    hb = header_bytes(header)
    salt = os.urandom(SALT_BYTES)
    # Seal needs the final body length in its AD; ChaCha20-Poly1305 adds 16 bytes.
    blen = struct.pack(">Q", len(plain) + 16)
    body = seal(dek, salt, BODY_INFO, plain, core_ad(header) + salt + blen)
    blob = hb + header_tag(dek, hb) + salt + blen + body
    if header.get("sealed") is True:
        state = SealState(header["generation"], 0, chain_start(body))
        blob += seal_region(dek, header["store_id"], state)
    return blob, body


def header_tag(dek: bytes, head: bytes) -> bytes:
    """HMAC of MAGIC, length and header JSON under a key derived from the data key."""
    return hmac.new(hkdf(dek, b"", HEADER_INFO), head, hashlib.sha256).digest()


def header_bytes(header: dict[str, Any]) -> bytes:
    body = canonical_dumps(header)
    return MAGIC + struct.pack(">I", len(body)) + body


def loads_no_gc(body: bytes) -> Any:
    """Parse without the cyclic collector: parsing builds only acyclic dicts and lists, and
    collections triggered part-way through tens of thousands of them only cost time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    finally:
        if enabled:
            gc.enable()


def chain_start(body: bytes) -> bytes:
    """The journal chain starts from the body's AEAD tag, which authenticates the whole body
    under a one-use key, so the base need not be hashed again on every open."""
    return hashlib.sha256(b"IPSJ-start" + body[-16:]).digest()
