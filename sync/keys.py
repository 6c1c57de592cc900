"""Node identities: an Ed25519 signing key and an X25519 key per computer.

The secret half lives only inside the node's encrypted store (table ``identity``, document
``self``): it is never written to a file of its own. The public half travels in the
roster and in enrolment files. A *fingerprint* — short groups of digits from SHA-256 of
the canonical public identity — is read out and compared in person at enrolment, which is
what makes a public key trustworthy (the files themselves can be swapped on the way).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from sync.canonical import canonical_json

__all__ = [
    "IDENTITY_DOC",
    "IDENTITY_TABLE",
    "ROLES",
    "NodeIdentity",
    "PublicIdentity",
    "b64d",
    "b64e",
    "fingerprint",
    "fingerprint_bytes",
    "load_or_create_identity",
]

ROLES = ("volunteer", "office")
IDENTITY_TABLE = "identity"
IDENTITY_DOC = "self"
FINGERPRINT_GROUPS = 8  # 8 groups of 5 digits: about 133 bits to compare in person
_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw
_NO_ENC = serialization.NoEncryption()


def b64e(data: bytes) -> str:
    """Standard base64 text (with padding) for bytes inside JSON."""
    return base64.b64encode(data).decode("ascii")


def b64d(text: Any, length: int | None = None) -> bytes:
    """Strict base64 decode; ``ValueError`` unless canonical (and of ``length`` bytes)."""
    if not isinstance(text, str) or len(text) > 1_000_000:
        raise ValueError("expected base64 text")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("bad base64") from None
    if b64e(data) != text:
        raise ValueError("non-canonical base64")
    if length is not None and len(data) != length:
        raise ValueError("wrong key length")
    return data


def _check_node_id(node_id: Any) -> str:
    if not isinstance(node_id, str) or not 1 <= len(node_id) <= 64 or not node_id.isprintable():
        raise ValueError("bad node id")
    return node_id


def _check_role(role: Any) -> str:
    if not isinstance(role, str) or role not in ROLES:
        raise ValueError("bad role")
    return role


@dataclass(frozen=True)
class PublicIdentity:
    """What others know of a node: id, role and the two raw 32-byte public keys."""

    node_id: str
    role: str
    sign_public: bytes
    box_public: bytes

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form (keys as base64)."""
        return {
            "node_id": self.node_id,
            "role": self.role,
            "sign_public": b64e(self.sign_public),
            "box_public": b64e(self.box_public),
        }

    @classmethod
    def from_dict(cls, data: Any) -> PublicIdentity:
        """Parse :meth:`to_dict` output; ``ValueError`` if anything is off."""
        if not isinstance(data, dict) or set(data) != {
            "node_id",
            "role",
            "sign_public",
            "box_public",
        }:
            raise ValueError("bad public identity")
        return cls(
            node_id=_check_node_id(data["node_id"]),
            role=_check_role(data["role"]),
            sign_public=b64d(data["sign_public"], 32),
            box_public=b64d(data["box_public"], 32),
        )

    def sign_key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.sign_public)

    def box_key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.box_public)


def fingerprint_bytes(public: PublicIdentity) -> bytes:
    """SHA-256 of the canonical public identity (id, role and both keys)."""
    domain = b"ips-field/fingerprint/v1\x00"
    return hashlib.sha256(domain + canonical_json(public.to_dict())).digest()


def fingerprint(public: PublicIdentity) -> str:
    """Eight groups of five digits, e.g. ``"40318 77201 09934 51207 ..."``.

    Each group is the next 4 bytes of the SHA-256 digest taken modulo 100000 (the way
    Signal's safety numbers are built), so the 40 digits carry about 133 bits: far beyond
    what anyone could match by generating keys. Compare all groups, in person or by phone.
    """
    digest = fingerprint_bytes(public)
    groups = []
    for i in range(FINGERPRINT_GROUPS):
        chunk = digest[i * 4 : i * 4 + 4]
        groups.append(f"{int.from_bytes(chunk, 'big') % 100000:05d}")
    return " ".join(groups)


@dataclass(frozen=True)
class NodeIdentity:
    """This computer's own identity, with its secret keys. Keep inside the store."""

    node_id: str
    role: str
    sign_key: Ed25519PrivateKey
    box_key: X25519PrivateKey

    @classmethod
    def generate(cls, node_id: str | None = None, role: str = "volunteer") -> NodeIdentity:
        """Fresh keys from the OS random source (``node_id`` defaults to a new uuid4)."""
        return cls(
            node_id=_check_node_id(node_id or str(uuid.uuid4())),
            role=_check_role(role),
            sign_key=Ed25519PrivateKey.generate(),
            box_key=X25519PrivateKey.generate(),
        )

    @property
    def public(self) -> PublicIdentity:
        """The public half, as placed in the roster."""
        return PublicIdentity(
            node_id=self.node_id,
            role=self.role,
            sign_public=self.sign_key.public_key().public_bytes(_RAW, _RAW_PUB),
            box_public=self.box_key.public_key().public_bytes(_RAW, _RAW_PUB),
        )

    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def to_secret_dict(self) -> dict[str, Any]:
        """Secret form for the encrypted store only (never a file, log or bundle)."""
        return {
            "v": 1,
            "node_id": self.node_id,
            "role": self.role,
            "sign_secret": b64e(self.sign_key.private_bytes(_RAW, _RAW_PRIV, _NO_ENC)),
            "box_secret": b64e(self.box_key.private_bytes(_RAW, _RAW_PRIV, _NO_ENC)),
        }

    @classmethod
    def from_secret_dict(cls, data: dict[str, Any]) -> NodeIdentity:
        """Inverse of :meth:`to_secret_dict` (extra keys such as ``id`` are ignored)."""
        return cls(
            node_id=_check_node_id(data["node_id"]),
            role=_check_role(data["role"]),
            sign_key=Ed25519PrivateKey.from_private_bytes(b64d(data["sign_secret"], 32)),
            box_key=X25519PrivateKey.from_private_bytes(b64d(data["box_secret"], 32)),
        )

    def __repr__(self) -> str:  # never show secret key objects in tracebacks
        return f"NodeIdentity(node_id=..., role={self.role!r})"


def load_or_create_identity(store: Any, role: str, node_id: str | None = None) -> NodeIdentity:
    """This store's identity: loaded from table ``identity`` doc ``self``, or created.

    On creation the node id is ``node_id`` if given (a volunteer uses the id from their
    invitation), else the repository's node id from table ``meta`` doc ``node`` if there
    is one, else a new uuid4; the new identity is written in one store transaction.
    Raises ``ValueError`` if the stored identity has another role or node id than asked.
    """
    table = store.table(IDENTITY_TABLE)
    doc = table.get_id(IDENTITY_DOC)
    if doc is not None:
        identity = NodeIdentity.from_secret_dict(doc)
        if identity.role != role:
            raise ValueError("this store belongs to a node with another role")
        if node_id is not None and identity.node_id != node_id:
            raise ValueError("this store already has another node identity")
        return identity
    if node_id is None:
        meta = store.table("meta").get_id("node")
        node_id = meta["node_id"] if meta and meta.get("node_id") else None
    identity = NodeIdentity.generate(node_id, role)
    with store.transaction():
        table.put({"id": IDENTITY_DOC, **identity.to_secret_dict()})
    return identity
