"""Sealing and opening sync bundles (DESIGN.md §5; byte layout in docs/formats.md).

A bundle file is ``MAGIC | HPKE sealed box`` (X25519, HKDF-SHA256, ChaCha20-Poly1305,
base mode, ``info`` bound to the recipient's fingerprint). The sealed plaintext is a small
frame — compression flag, content length, content, zero padding up to a size bucket —
whose content (optionally zlib-compressed) is the canonical JSON payload followed by an
Ed25519 signature over a domain-separated copy of it. Sender and recipient ids exist only
inside. HPKE uses a fresh ephemeral key that is thrown away, so once sealed even the
sender cannot read its own bundle.

:func:`open_bundle` runs the receiving checks in the order DESIGN.md fixes, up to and
including the roster version; sequence/replay, operation validation and authorisation
belong to the merge layer (``sync.merge``), which calls this first.
"""

from __future__ import annotations

import os
import secrets
import struct
import uuid
import zlib
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke

from sync.canonical import canonical_json, parse_limited
from sync.errors import (
    BadSignature,
    BundleDamaged,
    BundleTooLarge,
    CannotDecrypt,
    NotABundle,
    NotForUs,
    RevokedSender,
    StaleRoster,
    UnknownSender,
)
from sync.keys import NodeIdentity, PublicIdentity, fingerprint_bytes
from sync.roster import Roster

__all__ = [
    "BUCKETS",
    "BUNDLE_SUFFIX",
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_BUNDLE_BYTES",
    "MAX_PAYLOAD_BYTES",
    "bundle_filename",
    "open_bundle",
    "open_bundle_file",
    "seal_bundle",
]

MAGIC = b"IPSBNDL1"
FORMAT_VERSION = 1
BUNDLE_SUFFIX = ".ipsb"
BUNDLE_DOMAIN = b"ips-field/bundle/v1\x00"  # signed: BUNDLE_DOMAIN + payload JSON
INFO_PREFIX = b"ips-field/bundle/v1/info\x00"  # HPKE info: INFO_PREFIX + SHA-256 fingerprint
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
ENC_LEN = 32
TAG_LEN = 16
SIG_LEN = 64
FRAME_HEAD = struct.Struct(">BI")  # flags (0 stored, 1 zlib), content length
FLAG_STORED = 0
FLAG_ZLIB = 1
OVERHEAD = len(MAGIC) + ENC_LEN + TAG_LEN

#: File sizes a bundle may have: 4 KiB doubling up to 8 MiB (12 buckets).
BUCKETS: tuple[int, ...] = tuple(4096 << k for k in range(12))
MAX_BUNDLE_BYTES = BUCKETS[-1]
#: Hard limit on the decompressed content (payload JSON plus signature).
MAX_PAYLOAD_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 2_000_000
MAX_INT = 2**63 - 1
REQUIRED_INTS = ("seq", "ack", "roster_version")


def bundle_filename() -> str:
    """A random file name (128 random bits, hex) ending ``.ipsb``: no ids, no dates."""
    return secrets.token_hex(16) + BUNDLE_SUFFIX


# -- sealing ---------------------------------------------------------------------------


def seal_bundle(payload: dict[str, Any], sender: NodeIdentity, recipient: PublicIdentity) -> bytes:
    """Sign ``payload`` as ``sender`` and seal it to ``recipient``; returns the file bytes.

    ``payload`` holds ``seq`` and ``roster_version`` (required), ``ack`` (default 0),
    ``hlc`` (default ``None``), ``ops`` (default ``[]``) and any extra keys (for example a
    signed roster as base64), all signed. ``v``, ``bundle_id`` (random uuid4), ``sender``
    and ``recipient`` are filled in when missing; if given they must match the
    identities. Raises :class:`BundleTooLarge` when the result would not fit the largest
    bucket (send fewer operations per bundle) and ``ValueError`` for a malformed payload.
    """
    full = dict(payload)
    full.setdefault("v", FORMAT_VERSION)
    full.setdefault("bundle_id", str(uuid.uuid4()))
    full.setdefault("sender", sender.node_id)
    full.setdefault("recipient", recipient.node_id)
    full.setdefault("ack", 0)
    full.setdefault("hlc", None)
    full.setdefault("ops", [])
    if full["sender"] != sender.node_id or full["recipient"] != recipient.node_id:
        raise ValueError("payload sender/recipient do not match the identities")
    _check_header(full, ValueError)
    body = sign_payload(full, sender)
    return encrypt_frame(make_frame(body), recipient)


def sign_payload(payload: dict[str, Any], sender: NodeIdentity) -> bytes:
    """Canonical JSON of ``payload`` followed by the sender's Ed25519 signature."""
    data = canonical_json(payload)
    return data + sender.sign_key.sign(BUNDLE_DOMAIN + data)


def make_frame(body: bytes, *, compress: bool | None = None) -> bytes:
    """Frame ``body`` (compressed when it helps, or as ``compress`` says) and pad it.

    The frame is padded with zeros so that the final file size is a bucket size.
    """
    if len(body) > MAX_PAYLOAD_BYTES:
        raise BundleTooLarge("bundle would be larger than the allowed size")
    content, flag = body, FLAG_STORED
    if compress is not False:
        packed = zlib.compress(body, 6)
        if compress or len(packed) < len(body):
            content, flag = packed, FLAG_ZLIB
    need = FRAME_HEAD.size + len(content) + OVERHEAD
    size = next((b for b in BUCKETS if b >= need), None)
    if size is None:
        raise BundleTooLarge("bundle would be larger than the allowed size")
    frame = FRAME_HEAD.pack(flag, len(content)) + content
    return frame + bytes(size - OVERHEAD - len(frame))


def encrypt_frame(frame: bytes, recipient: PublicIdentity) -> bytes:
    """``MAGIC | HPKE(frame)`` sealed to ``recipient`` with its fingerprint in ``info``."""
    return MAGIC + SUITE.encrypt(frame, recipient.box_key(), info=_info(recipient))


def _info(public: PublicIdentity) -> bytes:
    return INFO_PREFIX + fingerprint_bytes(public)


# -- opening ---------------------------------------------------------------------------


def open_bundle_file(
    path: str | os.PathLike[str],
    me: NodeIdentity,
    roster: Roster,
    *,
    max_bytes: int = MAX_BUNDLE_BYTES,
) -> dict[str, Any]:
    """:func:`open_bundle` on a file, refusing an oversized file before reading it."""
    path = Path(path)
    try:
        if path.stat().st_size > max_bytes:
            raise BundleTooLarge()
        data = path.read_bytes()
    except OSError:
        raise NotABundle("bundle file cannot be read") from None
    return open_bundle(data, me, roster, max_bytes=max_bytes)


def open_bundle(
    data: bytes,
    me: NodeIdentity,
    roster: Roster,
    *,
    max_bytes: int = MAX_BUNDLE_BYTES,
    max_payload_bytes: int = MAX_PAYLOAD_BYTES,
) -> dict[str, Any]:
    """Open a bundle addressed to ``me``; return its verified payload dict.

    Checks, in this order (each failure raises the named ``SyncError`` subclass):

    1. size ≤ ``max_bytes`` (:class:`BundleTooLarge`); magic (:class:`NotABundle`);
       size is a bucket size (:class:`BundleDamaged`, e.g. truncated);
    2. HPKE decryption with our X25519 key (:class:`CannotDecrypt`, which is both a
       :class:`BundleDamaged` and a :class:`NotForUs`: the two cannot be told apart);
    3. frame, decompression within ``max_payload_bytes`` (bomb: :class:`BundleTooLarge`),
       JSON parsed within size/depth/item limits, header fields well-formed
       (:class:`BundleDamaged`);
    4. sender is the office or on the roster (:class:`UnknownSender`) and, if revoked,
       ``seq`` ≤ its ``revoked_after_seq`` (:class:`RevokedSender`);
    5. Ed25519 signature with the sender's roster key (:class:`BadSignature`);
    6. ``recipient`` is ``me`` (:class:`NotForUs`);
    7. roster version (:class:`StaleRoster`): a bundle *from the office* made under an
       older roster than ours is refused (it predates something we already hold), a newer
       one is fine (the office is the roster's source); a bundle *from a volunteer* may
       name an older roster (they may not have the latest yet) but never a newer one than
       ours (only the office makes rosters).

    Sequence/replay, operation validation and authorisation are the merge layer's job.
    """
    payload, signed, signature = _decrypt_and_parse(data, me, max_bytes, max_payload_bytes)
    sender = payload["sender"]
    public = roster.public_of(sender)
    if public is None:
        raise UnknownSender()
    if not roster.accepts(sender, payload["seq"]):
        raise RevokedSender()
    try:
        public.sign_key().verify(signature, BUNDLE_DOMAIN + signed)
    except (InvalidSignature, ValueError):
        raise BadSignature() from None
    if payload["recipient"] != me.node_id:
        raise NotForUs()
    claimed = payload["roster_version"]
    if roster.is_office(sender):
        if claimed < roster.version:
            raise StaleRoster("bundle from the office was made under an older roster")
    elif claimed > roster.version:
        raise StaleRoster("bundle names a roster version this computer does not have")
    return payload


def _decrypt_and_parse(
    data: bytes, me: NodeIdentity, max_bytes: int, max_payload_bytes: int
) -> tuple[dict[str, Any], bytes, bytes]:
    data = bytes(data)
    if len(data) > max_bytes:
        raise BundleTooLarge()
    if not data.startswith(MAGIC):
        raise NotABundle()
    if len(data) not in BUCKETS:
        raise BundleDamaged("bundle is truncated or damaged")
    try:
        frame = SUITE.decrypt(data[len(MAGIC) :], me.box_key, info=_info(me.public))
    except Exception:  # InvalidTag, or ValueError for a malformed key share
        raise CannotDecrypt() from None
    body = _unframe(frame, max_payload_bytes)
    if len(body) <= SIG_LEN:
        raise BundleDamaged("bundle contents are damaged or malformed")
    signed, signature = body[:-SIG_LEN], body[-SIG_LEN:]
    payload = parse_limited(signed, max_payload_bytes, MAX_DEPTH, MAX_ITEMS)
    _check_header(payload, BundleDamaged)
    return payload, signed, signature


def _unframe(frame: bytes, limit: int) -> bytes:
    if len(frame) < FRAME_HEAD.size:
        raise BundleDamaged()
    flag, length = FRAME_HEAD.unpack_from(frame)
    end = FRAME_HEAD.size + length
    if flag not in (FLAG_STORED, FLAG_ZLIB) or end > len(frame):
        raise BundleDamaged()
    if frame[end:].count(0) != len(frame) - end:
        raise BundleDamaged("bundle padding is damaged")
    content = frame[FRAME_HEAD.size : end]
    if flag == FLAG_STORED:
        if len(content) > limit:
            raise BundleTooLarge("bundle contents are larger than the allowed size")
        return content
    inflater = zlib.decompressobj()
    try:
        body = inflater.decompress(content, limit + 1)
    except zlib.error:
        raise BundleDamaged("bundle contents are damaged") from None
    if len(body) > limit:
        raise BundleTooLarge("bundle expands beyond the allowed size")
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise BundleDamaged("bundle contents are damaged")
    return body


def _check_header(payload: Any, error: type[Exception]) -> None:
    """Header fields exist and have sane types; ``ops`` is a list (not checked further)."""

    def bad(field: str) -> Exception:
        return error(f"bundle header field {field} is malformed")

    if not isinstance(payload, dict):
        raise error("bundle contents are malformed")
    if payload.get("v") != FORMAT_VERSION or type(payload.get("v")) is not int:
        raise error("bundle format version is not supported")
    for name in ("bundle_id", "sender", "recipient"):
        value = payload.get(name)
        if not isinstance(value, str) or not 1 <= len(value) <= 64:
            raise bad(name)
    for name in REQUIRED_INTS:
        value = payload.get(name)
        if type(value) is not int or not 0 <= value <= MAX_INT:
            raise bad(name)
    hlc = payload.get("hlc")
    if hlc is not None and not (
        isinstance(hlc, list)
        and len(hlc) == 3
        and type(hlc[0]) is int
        and type(hlc[1]) is int
        and isinstance(hlc[2], str)
    ):
        raise bad("hlc")
    if not isinstance(payload.get("ops"), list):
        raise bad("ops")
