"""Sealing and opening sync bundles (DESIGN.md §5; byte layout in docs/formats.md).

A bundle file (format 2) is ``MAGIC | tag key | recipient tag | HPKE sealed box``
(X25519, HKDF-SHA256, ChaCha20-Poly1305, base mode, ``info`` bound to the recipient's
fingerprint and to the two header fields). The recipient tag lets the recipient — and
nobody without its X25519 secret key — tell "sealed for someone else" from "damaged"
without decrypting. The sealed plaintext is a fixed binary frame: the sender's
fingerprint, a compression flag, the content length, the content (optionally
zlib-compressed canonical JSON), an Ed25519 signature over all of that, zero padding up
to a size bucket. The signature is checked on those bounded bytes *before* anything is
decompressed or parsed, so an unauthenticated file costs one decryption and one
signature check, however it was made. Sender and recipient ids exist only inside.

:func:`open_bundle` runs the receiving checks in the order DESIGN.md fixes, up to and
including the roster version; sequence/replay, operation validation and authorisation
belong to the import and merge layers (``sync.exchange``, ``sync.merge``).
"""

from __future__ import annotations

import hmac
import os
import secrets
import struct
import uuid
import zlib
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.canonical import canonical_json, parse_limited
from sync.errors import (
    BadSignature,
    BundleDamaged,
    BundleTooLarge,
    NotABundle,
    NotForUs,
    RevokedSender,
    StaleRoster,
    UnknownSender,
)
from sync.keys import NodeIdentity, PublicIdentity, fingerprint_bytes
from sync.roster import Roster
from sync.safefile import read_regular

__all__ = [
    "BUCKETS",
    "BUNDLE_SUFFIX",
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_BUNDLE_BYTES",
    "MAX_PAYLOAD_BYTES",
    "OLD_MAGIC",
    "AddressedElsewhere",
    "OldFormat",
    "bundle_filename",
    "encrypt_frame",
    "make_frame",
    "open_bundle",
    "open_bundle_file",
    "seal_bundle",
]

MAGIC = b"IPSBNDL2"
OLD_MAGIC = b"IPSBNDL1"  # format 1 (parsed before it was authenticated): refused
FORMAT_VERSION = 1  # the payload's "v" (unchanged; the file format is the magic's)
BUNDLE_SUFFIX = ".ipsb"
SIGN_DOMAIN = b"ips-field/bundle/v2/sig\x00"
INFO_PREFIX = b"ips-field/bundle/v2/info\x00"  # + recipient fingerprint + tag key + tag
OLD_INFO_PREFIX = b"ips-field/bundle/v1/info\x00"  # format 1: + recipient fingerprint
TAG_INFO = b"ips-field/bundle/v2/tag\x00"
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
KEY_LEN = 32
TAG_KEY_LEN = 32
RTAG_LEN = 16
HEADER_LEN = len(MAGIC) + TAG_KEY_LEN + RTAG_LEN
ENC_LEN = 32
AEAD_TAG_LEN = 16
SIG_LEN = 64
FP_LEN = 32
FRAME_HEAD = struct.Struct(">32sBI")  # sender fingerprint, flags (0 stored, 1 zlib), length
FLAG_STORED = 0
FLAG_ZLIB = 1
OVERHEAD = HEADER_LEN + ENC_LEN + AEAD_TAG_LEN

#: File sizes a bundle may have: 4 KiB doubling up to 8 MiB (12 buckets).
BUCKETS: tuple[int, ...] = tuple(4096 << k for k in range(12))
MAX_BUNDLE_BYTES = BUCKETS[-1]
#: Hard limit on the decompressed content (the payload JSON).
MAX_PAYLOAD_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 2_000_000
MAX_INT = 2**63 - 1
REQUIRED_INTS = ("seq", "ack", "roster_version")


class OldFormat(NotABundle):
    """A format-1 bundle (``IPSBNDL1``): made by an older ips-field; not opened."""

    reason = "bundle is in an older format: update ips-field where it was made and export again"


class AddressedElsewhere(NotForUs):
    """The recipient tag does not match this computer: the bundle is someone else's."""

    reason = "bundle is addressed to another computer"


def bundle_filename() -> str:
    """A random file name (128 random bits, hex) ending ``.ipsb``: no ids, no dates."""
    return secrets.token_hex(16) + BUNDLE_SUFFIX


# -- recipient tag -----------------------------------------------------------------------


def _tag(shared: bytes, tag_key: bytes, recipient_fp: bytes) -> bytes:
    hkdf = HKDF(hashes.SHA256(), RTAG_LEN, salt=tag_key, info=TAG_INFO + recipient_fp)
    return hkdf.derive(shared)


def _new_tag(recipient: PublicIdentity) -> bytes:
    """``tag key | tag``: a fresh X25519 share and HKDF of its exchange with the recipient."""
    ephemeral = X25519PrivateKey.generate()
    tag_key = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(recipient.box_key())
    return tag_key + _tag(shared, tag_key, fingerprint_bytes(recipient))


def addressed_to(data: bytes, me: NodeIdentity) -> bool:
    """Is this format-2 header addressed to ``me``? Needs only the first 56 bytes."""
    if len(data) < HEADER_LEN or not data.startswith(MAGIC):
        return False
    tag_key = data[len(MAGIC) : len(MAGIC) + TAG_KEY_LEN]
    tag = data[len(MAGIC) + TAG_KEY_LEN : HEADER_LEN]
    try:
        shared = me.box_key.exchange(X25519PublicKey.from_public_bytes(tag_key))
    except ValueError:  # a low-order point: nobody's bundle
        return False
    return hmac.compare_digest(_tag(shared, tag_key, fingerprint_bytes(me.public)), tag)


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
    return encrypt_frame(make_frame(canonical_json(full), sender, recipient), recipient)


def make_frame(
    body: bytes,
    signer: NodeIdentity,
    recipient: PublicIdentity,
    *,
    compress: bool | None = None,
    content: bytes | None = None,
    flag: int | None = None,
    sender_fp: bytes | None = None,
) -> bytes:
    """Frame the payload JSON ``body`` (compressed when it helps), sign it, pad it.

    The padding makes the final file size a bucket size. ``content``/``flag`` and
    ``sender_fp`` exist for test kits (a pre-made zlib stream, a claimed sender).
    """
    if len(body) > MAX_PAYLOAD_BYTES:
        raise BundleTooLarge("bundle would be larger than the allowed size")
    if content is None:
        content, flag = body, FLAG_STORED
        if compress is not False:
            packed = zlib.compress(body, 6)
            if compress or len(packed) < len(body):
                content, flag = packed, FLAG_ZLIB
    fp = sender_fp if sender_fp is not None else fingerprint_bytes(signer.public)
    head = FRAME_HEAD.pack(fp, flag if flag is not None else FLAG_STORED, len(content))
    need = len(head) + len(content) + SIG_LEN + OVERHEAD
    size = next((b for b in BUCKETS if b >= need), None)
    if size is None:
        raise BundleTooLarge("bundle would be larger than the allowed size")
    signed = head + content
    signature = signer.sign_key.sign(SIGN_DOMAIN + fingerprint_bytes(recipient) + signed)
    frame = signed + signature
    return frame + bytes(size - OVERHEAD - len(frame))


def encrypt_frame(frame: bytes, recipient: PublicIdentity) -> bytes:
    """``MAGIC | tag key | tag | HPKE(frame)`` sealed to ``recipient``."""
    header = MAGIC + _new_tag(recipient)
    info = INFO_PREFIX + fingerprint_bytes(recipient) + header[len(MAGIC) :]
    return header + SUITE.encrypt(frame, recipient.box_key(), info=info)


# -- opening ---------------------------------------------------------------------------


def open_bundle_file(
    path: str | os.PathLike[str],
    me: NodeIdentity,
    roster: Roster,
    *,
    max_bytes: int = MAX_BUNDLE_BYTES,
) -> dict[str, Any]:
    """:func:`open_bundle` on a file: a regular file, not a link, size checked first."""
    data = read_regular(Path(path), max_bytes)
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

    1. size ≤ ``max_bytes`` (:class:`BundleTooLarge`); magic (:class:`NotABundle`, or
       :class:`OldFormat` for format 1); size is a bucket size (:class:`BundleDamaged`);
    2. recipient tag (:class:`AddressedElsewhere`, a :class:`NotForUs`);
    3. HPKE decryption (:class:`BundleDamaged`: the tag says it is ours);
    4. frame: the sender fingerprint is the office's or a roster volunteer's
       (:class:`UnknownSender`); length and zero padding (:class:`BundleDamaged`);
    5. Ed25519 signature over the frame with that sender's key (:class:`BadSignature`)
       — all on bounded bytes, before anything is decompressed or parsed;
    6. decompression within ``max_payload_bytes`` (:class:`BundleTooLarge`), JSON within
       size/depth/item limits, header well-formed (:class:`BundleDamaged`), ``sender``
       is the signer (:class:`BadSignature`);
    7. sender not revoked, or ``seq`` ≤ its cut-off (:class:`RevokedSender`);
    8. ``recipient`` is ``me`` (:class:`NotForUs`);
    9. roster version (:class:`StaleRoster`): a bundle *from the office* made under an
       older roster than ours is refused, a newer one is fine; a bundle *from a volunteer*
       may name an older roster but never a newer one than ours.
    """
    sender, content, flag = _authenticate(data, me, roster, max_bytes)
    body = _inflate(content, flag, max_payload_bytes)
    payload: dict[str, Any] = parse_limited(body, max_payload_bytes, MAX_DEPTH, MAX_ITEMS)
    _check_header(payload, BundleDamaged)
    if payload["sender"] != sender.node_id:
        raise BadSignature("bundle names another sender than the one who signed it")
    if not roster.accepts(sender.node_id, payload["seq"]):
        raise RevokedSender()
    if payload["recipient"] != me.node_id:
        raise NotForUs()
    claimed = payload["roster_version"]
    if roster.is_office(sender.node_id):
        if claimed < roster.version:
            raise StaleRoster("bundle from the office was made under an older roster")
    elif claimed > roster.version:
        raise StaleRoster("bundle names a roster version this computer does not have")
    return payload


def _senders(roster: Roster) -> dict[bytes, PublicIdentity]:
    out = {fingerprint_bytes(roster.office): roster.office}
    for entry in roster.volunteers.values():
        out[fingerprint_bytes(entry.public)] = entry.public
    return out


def _authenticate(
    data: bytes, me: NodeIdentity, roster: Roster, max_bytes: int
) -> tuple[PublicIdentity, bytes, int]:
    """Steps 1-5: (signer, content, flag), or a ``SyncError``. Nothing is parsed here."""
    if len(data) > max_bytes:
        raise BundleTooLarge()
    if data[: len(OLD_MAGIC)] == OLD_MAGIC:
        _old_format(data, me)
    if data[: len(MAGIC)] != MAGIC:
        raise NotABundle()
    if len(data) not in BUCKETS:
        raise BundleDamaged("bundle is truncated or damaged")
    if not addressed_to(data, me):
        raise AddressedElsewhere()
    my_fp = fingerprint_bytes(me.public)
    info = INFO_PREFIX + my_fp + bytes(data[len(MAGIC) : HEADER_LEN])
    try:
        frame = SUITE.decrypt(bytes(data[HEADER_LEN:]), me.box_key, info=info)
    except Exception:  # InvalidTag, or ValueError for a malformed key share
        raise BundleDamaged() from None
    if len(frame) < FRAME_HEAD.size + SIG_LEN:
        raise BundleDamaged()
    fp, flag, length = FRAME_HEAD.unpack_from(frame)
    sender = _senders(roster).get(fp)
    if sender is None:
        raise UnknownSender()
    end = FRAME_HEAD.size + length
    if flag not in (FLAG_STORED, FLAG_ZLIB) or end + SIG_LEN > len(frame):
        raise BundleDamaged()
    if frame[end + SIG_LEN :].count(0) != len(frame) - end - SIG_LEN:
        raise BundleDamaged("bundle padding is damaged")
    signed, signature = frame[:end], frame[end : end + SIG_LEN]
    try:
        sender.sign_key().verify(signature, SIGN_DOMAIN + my_fp + signed)
    except (InvalidSignature, ValueError):
        raise BadSignature() from None
    return sender, signed[FRAME_HEAD.size :], flag


def _old_format(data: bytes, me: NodeIdentity) -> None:
    """A format-1 file: ours if it decrypts (never decompressed or parsed), else left alone.

    Format 1 has no recipient tag, so during an upgrade a shared folder may hold old
    bundles for others: those must not be quarantined.
    """
    info = OLD_INFO_PREFIX + fingerprint_bytes(me.public)
    try:
        SUITE.decrypt(bytes(data[len(OLD_MAGIC) :]), me.box_key, info=info)
    except Exception:
        raise AddressedElsewhere(
            "bundle in an older format, not for this computer (or damaged): left alone"
        ) from None
    raise OldFormat()


def _inflate(content: bytes, flag: int, limit: int) -> bytes:
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
        and 0 <= hlc[0] <= MAX_INT
        and 0 <= hlc[1] <= MAX_INT
        and isinstance(hlc[2], str)
    ):
        raise bad("hlc")
    if not isinstance(payload.get("ops"), list):
        raise bad("ops")
