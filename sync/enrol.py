"""Enrolment: an invitation file from the office, a sealed reply from the volunteer.

1. The office calls :func:`make_invitation`: the file holds the office's public identity,
   the volunteer's new node id, a random nonce and the roster version, plus a MAC keyed
   from the one-time *code*. The code is **not** in the file: the office prints it and
   gives it to the volunteer in person or by phone.
2. The volunteer opens the file (:func:`read_invitation`), types the code;
   :func:`make_reply` first checks the invitation's MAC with it (a wrong code, or office
   keys swapped on the way, fails here), then seals the volunteer's public identity to
   the office with HPKE, MACed with the code and signed with the volunteer's new key.
3. The office calls :func:`read_reply` with its pending invitations; a wrong code fails
   with "enrolment code does not match".
4. Both sides then read out and compare **fingerprints in person** (or on a call with
   someone they know): ``sync.keys.fingerprint``. The code stops strangers; the
   fingerprint comparison is what proves the keys are the right ones.

The MAC keys come from Argon2id(code, salt=nonce) so a stolen invitation file does not
let anyone try all codes quickly (12 digits ≈ 40 bits, each guess costs ~0.1 s of a
64 MiB memory-hard function).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ips_field.store.repository import Repository
from ips_field.store.store import Store
from sync.bundle import SUITE
from sync.canonical import canonical_json, parse_limited
from sync.errors import EnrolmentError
from sync.keys import NodeIdentity, PublicIdentity, b64d, b64e, fingerprint, fingerprint_bytes
from sync.node import SyncNode, claim_unassigned_cases, rename_node, unb64

__all__ = [
    "CODE_DIGITS",
    "INVITE_MAGIC",
    "REPLY_MAGIC",
    "Invitation",
    "make_invitation",
    "make_reply",
    "normalise_code",
    "read_invitation",
    "read_reply",
]

INVITE_MAGIC = b"IPS-INVITE-1\n"
REPLY_MAGIC = b"IPS-REPLY-1\n"
CODE_DIGITS = 12
NONCE_LEN = 16
MAC_LEN = 32
MAX_FILE = 64 * 1024
KDF_MEMORY_KIB = 64 * 1024
KDF_ITERATIONS = 2
REPLY_INFO = b"ips-field/enrol/reply/v1\x00"
POP_DOMAIN = b"ips-field/enrol/pop/v1\x00"
WRONG_CODE = "enrolment code does not match"


def normalise_code(code: str) -> str:
    """Digits only (spaces and dashes dropped); ``EnrolmentError`` unless 12 digits."""
    digits = "".join(ch for ch in str(code) if ch not in " -\t")
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        raise EnrolmentError(f"enrolment code must be {CODE_DIGITS} digits")
    return digits


def _format_code(digits: str) -> str:
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def _keys(code: str, nonce: bytes) -> tuple[bytes, bytes]:
    """(invitation MAC key, reply MAC key) from Argon2id(code, nonce) and HKDF."""
    master = Argon2id(
        salt=nonce,
        length=32,
        iterations=KDF_ITERATIONS,
        lanes=1,
        memory_cost=KDF_MEMORY_KIB,
    ).derive(normalise_code(code).encode("ascii"))
    out = []
    for label in (b"invite", b"reply"):
        hkdf = HKDF(hashes.SHA256(), 32, salt=None, info=b"ips-field/enrol/" + label)
        out.append(hkdf.derive(master))
    return out[0], out[1]


def _mac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, "sha256").digest()


@dataclass(frozen=True)
class Invitation:
    """A parsed invitation file (not yet checked against the code)."""

    office: PublicIdentity
    volunteer_id: str
    nonce: bytes
    roster_version: int
    body: bytes
    mac: bytes

    def check_code(self, code: str) -> None:
        """Raise :class:`EnrolmentError` unless ``code`` is the one this was made with."""
        invite_key, _ = _keys(code, self.nonce)
        if not hmac.compare_digest(_mac(invite_key, self.body), self.mac):
            raise EnrolmentError(WRONG_CODE)


def make_invitation(
    office: NodeIdentity, roster_version: int, volunteer_id: str, display_name: str = ""
) -> tuple[bytes, str]:
    """Invitation file bytes and the one-time code (e.g. ``"4821 0937 5516"``).

    ``display_name`` is deliberately not written to the file (files carry no names); it
    is accepted so callers can keep one call for their pending-invitation record. The
    office must keep ``(volunteer_id, invitation.nonce, code)`` in its encrypted store
    for :func:`read_reply` (``read_invitation(file).nonce`` gives the nonce).
    """
    del display_name  # never written anywhere by this function
    if office.role != "office":
        raise ValueError("only the office makes invitations")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    nonce = secrets.token_bytes(NONCE_LEN)
    body = canonical_json(
        {
            "v": 1,
            "office": office.public.to_dict(),
            "volunteer_id": volunteer_id,
            "nonce": b64e(nonce),
            "roster_version": roster_version,
        }
    )
    invite_key, _ = _keys(code, nonce)
    return INVITE_MAGIC + body + _mac(invite_key, body), _format_code(code)


def read_invitation(data: bytes) -> Invitation:
    """Parse an invitation file (no code needed: shows the office fingerprint)."""
    data = bytes(data)
    if not data.startswith(INVITE_MAGIC) or len(data) > MAX_FILE:
        raise EnrolmentError("not an enrolment invitation")
    body, mac = data[len(INVITE_MAGIC) : -MAC_LEN], data[-MAC_LEN:]
    parsed = parse_limited(body, MAX_FILE, 4, 100, error=EnrolmentError, what="invitation")
    try:
        if not isinstance(parsed, dict) or parsed.get("v") != 1:
            raise ValueError
        office = PublicIdentity.from_dict(parsed["office"])
        volunteer_id = parsed["volunteer_id"]
        version = parsed["roster_version"]
        nonce = b64d(parsed["nonce"], NONCE_LEN)
        if office.role != "office" or type(version) is not int or version < 0:
            raise ValueError
        if not isinstance(volunteer_id, str) or not 1 <= len(volunteer_id) <= 64:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise EnrolmentError("enrolment invitation is damaged") from None
    return Invitation(office, volunteer_id, nonce, version, body, mac)


def make_reply(invitation: Invitation, code: str, volunteer: NodeIdentity) -> bytes:
    """The reply file for the office: checks the code first, then seals the keys.

    ``volunteer`` must have been created with ``invitation.volunteer_id`` as node id
    (``load_or_create_identity(store, "volunteer", node_id=invitation.volunteer_id)``).
    """
    if volunteer.role != "volunteer" or volunteer.node_id != invitation.volunteer_id:
        raise EnrolmentError("this identity is not the one the invitation is for")
    invitation.check_code(code)
    _, reply_key = _keys(code, invitation.nonce)
    public = volunteer.public.to_dict()
    nonce = b64e(invitation.nonce)
    office_fp = b64e(fingerprint_bytes(invitation.office))
    pop = volunteer.sign_key.sign(
        POP_DOMAIN + canonical_json({"nonce": nonce, "office": office_fp, "volunteer": public})
    )
    body = canonical_json({"v": 1, "volunteer": public, "nonce": nonce, "pop": b64e(pop)})
    inner = body + _mac(reply_key, body)
    info = REPLY_INFO + fingerprint_bytes(invitation.office)
    return REPLY_MAGIC + SUITE.encrypt(inner, invitation.office.box_key(), info=info)


def read_reply(
    data: bytes, office: NodeIdentity, pending: dict[str, tuple[bytes, str]]
) -> PublicIdentity:
    """The volunteer's public identity from a reply, checked against ``pending``.

    ``pending`` maps volunteer id → (invitation nonce, code). Raises
    :class:`EnrolmentError`: not a reply, cannot be opened here, no pending invitation,
    "enrolment code does not match", or a bad proof-of-possession signature.
    """
    data = bytes(data)
    if not data.startswith(REPLY_MAGIC) or len(data) > MAX_FILE:
        raise EnrolmentError("not an enrolment reply")
    info = REPLY_INFO + fingerprint_bytes(office.public)
    try:
        inner = SUITE.decrypt(data[len(REPLY_MAGIC) :], office.box_key, info=info)
    except Exception:  # InvalidTag or malformed key share
        raise EnrolmentError("enrolment reply cannot be opened here") from None
    body, mac = inner[:-MAC_LEN], inner[-MAC_LEN:]
    parsed: Any = parse_limited(body, MAX_FILE, 4, 100, error=EnrolmentError, what="reply")
    try:
        if not isinstance(parsed, dict) or parsed.get("v") != 1:
            raise ValueError
        volunteer = PublicIdentity.from_dict(parsed["volunteer"])
        nonce = b64d(parsed["nonce"], NONCE_LEN)
        pop = b64d(parsed["pop"], 64)
    except (ValueError, KeyError, TypeError):
        raise EnrolmentError("enrolment reply is damaged") from None
    if volunteer.role != "volunteer":
        raise EnrolmentError("enrolment reply is not from a volunteer")
    expected = pending.get(volunteer.node_id)
    if expected is None:
        raise EnrolmentError("no invitation is waiting for this reply")
    pending_nonce, code = expected
    if not hmac.compare_digest(bytes(pending_nonce), nonce):
        raise EnrolmentError("enrolment reply does not match the invitation")
    _, reply_key = _keys(code, nonce)
    if not hmac.compare_digest(_mac(reply_key, body), mac):
        raise EnrolmentError(WRONG_CODE)
    signed = canonical_json(
        {
            "nonce": parsed["nonce"],
            "office": b64e(fingerprint_bytes(office.public)),
            "volunteer": volunteer.to_dict(),
        }
    )
    try:
        volunteer.sign_key().verify(pop, POP_DOMAIN + signed)
    except Exception:
        raise EnrolmentError("enrolment reply signature does not verify") from None
    return volunteer


PENDING = "sync_pending"


def read_enrolment_reply(node: SyncNode, data: bytes) -> PublicIdentity:
    pending = {p["id"]: (unb64(p["nonce"]), p["code"]) for p in node.store.table(PENDING).all()}
    return read_reply(data, node.identity, pending)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def volunteer_enrol(store: Store, invitation: bytes, code: str) -> tuple[bytes, str, str]:
    """Volunteer side: the reply file bytes, our fingerprint and the office's fingerprint."""
    invite = read_invitation(invitation)
    invite.check_code(code)
    old = Repository(store).node_id  # makes the node record if the store is new
    if old != invite.volunteer_id:
        if store.table("sync_state").get_id("self"):
            raise EnrolmentError("this store is already enrolled with an office")
        rename_node(store, old, invite.volunteer_id)
    claim_unassigned_cases(store, invite.volunteer_id)
    node = SyncNode.create(store, "volunteer", node_id=invite.volunteer_id)
    identity = node.identity
    reply = make_reply(invite, code, identity)
    with store.transaction():
        node.save_state(office=invite.office.to_dict(), roster_version=0)
    return reply, identity.fingerprint(), fingerprint(invite.office)
