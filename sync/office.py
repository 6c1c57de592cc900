"""The office's master record: enrolment, roster, routing to volunteers, assignment,
erasure, revocation, and the offline recovery key.

The master record is an encrypted store of its own with a Repository whose node is the
office. Volunteers' operations are merged into it; the office's own changes (assignments,
conflict decisions, acknowledgements) are routed into a per-volunteer feed by the case's
assignee, and a newly assigned volunteer receives the whole case as operations.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ips_field.domain.clock import Clock
from ips_field.domain.conflicts import check_conflicts
from ips_field.domain.records import Case, ConflictCheck, Family, Interest
from ips_field.errors import IpsError, ValidationError, WrongPassphrase
from ips_field.store.crypto import KdfParams, seal, unseal
from ips_field.store.files import write_new_file
from ips_field.store.osdeps import read_all
from ips_field.store.repository import OUTBOX, Repository
from ips_field.store.store import Store
from sync.enrol import make_invitation, make_reply, read_invitation, read_reply
from sync.erasure import finish_owed_scrub, finish_scrub
from sync.errors import EnrolmentError
from sync.exchange import export_bundle
from sync.keys import (
    IDENTITY_DOC,
    IDENTITY_TABLE,
    PublicIdentity,
    fingerprint,
)
from sync.merge import erase_case
from sync.node import SyncNode, b64, claim_unassigned_cases, rename_node, unb64
from sync.roster import Roster, sign_roster
from sync.routing import FEED, feed_add, route

PENDING = "sync_pending"
NAMES = "volunteer_names"
RECOVERY_MAGIC = b"IPSRK\x01"


# -- opening -------------------------------------------------------------------------------


def init_office(
    path: Path,
    passphrase: str,
    recovery_passphrase: str,
    recovery_out: Path,
    *,
    kdf: KdfParams | None = None,
) -> SyncNode:
    """A new master record, its signed roster, and the offline recovery key file."""
    if Path(recovery_out).exists():
        raise IpsError("the recovery key file already exists; nothing was changed")
    store = Store.create(path, passphrase, kdf=kdf)
    node = SyncNode.create(store, "office")
    recovery = X25519PrivateKey.generate()
    write_recovery_key(recovery, recovery_out, recovery_passphrase, kdf=kdf)
    public = recovery.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with store.transaction():
        node.save_state(
            roster=b64(
                sign_roster(
                    Roster.initial(node.identity.public, clock=node.repo.time), node.identity
                )
            ),
            roster_version=1,
            recovery_public=b64(public),
        )
    return node


def office_node(store: Any, *, clock: Clock | None = None) -> SyncNode:
    """The office node of an open master record; a volunteer's store (enrolled or not) is
    refused without writing to it (a new identity would otherwise be created in it)."""
    doc = store.table(IDENTITY_TABLE).get_id(IDENTITY_DOC)
    if doc is None or doc.get("role") != "office":
        raise IpsError("that store is not an office master record")
    finish_owed_scrub(store)  # an erasure interrupted before its scrub is finished now
    return SyncNode(store, "office", clock=clock)


def open_office(path: Path, passphrase: str) -> SyncNode:
    store = Store.open(path, passphrase)
    try:
        return office_node(store)
    except IpsError:
        store.close()
        raise


def write_recovery_key(
    key: X25519PrivateKey, out: Path, passphrase: str, *, kdf: KdfParams | None = None
) -> None:
    """The recovery private key, sealed under its own passphrase (Argon2id + ChaCha20-Poly1305)."""
    kdf = kdf or KdfParams.calibrate()
    salt = os.urandom(16)
    raw = key.private_bytes_raw()
    sealed = seal(
        kdf.derive(passphrase, salt), salt, b"ips-field recovery key", raw, RECOVERY_MAGIC
    )
    header = json.dumps(kdf.to_dict()).encode()
    blob = RECOVERY_MAGIC + len(header).to_bytes(2, "big") + header + salt + sealed
    write_new_file(Path(out), blob)  # binary (a text-mode write turns 0x0A into CRLF)


def read_recovery_key(path: Path, passphrase: str) -> X25519PrivateKey:
    blob = read_all(Path(path))
    if not blob.startswith(RECOVERY_MAGIC):
        raise IpsError("not a recovery key file")
    n = int.from_bytes(blob[6:8], "big")
    try:
        kdf = KdfParams.from_dict(json.loads(blob[8 : 8 + n]))
    except (ValueError, RecursionError):
        raise IpsError("the recovery key file is damaged or was altered") from None
    salt, sealed = blob[8 + n : 24 + n], blob[24 + n :]
    if len(salt) != 16 or len(sealed) != 48:
        raise IpsError("the recovery key file is damaged or was altered")
    try:
        raw = unseal(
            kdf.derive(passphrase, salt), salt, b"ips-field recovery key", sealed, RECOVERY_MAGIC
        )
    except InvalidTag:
        raise WrongPassphrase("wrong recovery passphrase") from None
    return X25519PrivateKey.from_private_bytes(raw)


def recover_volunteer_store(
    store_path: Path, key_file: Path, key_passphrase: str, new_passphrase: str
) -> None:
    """Passphrase recovery: open a volunteer's store with the offline key, set a new passphrase."""
    key = read_recovery_key(key_file, key_passphrase)
    with Store.open_with_recovery(store_path, key) as store:
        store.change_passphrase(new_passphrase)


# -- enrolment -----------------------------------------------------------------------------


def enrol(node: SyncNode, display_name: str) -> tuple[bytes, str, str]:
    """Invitation bytes, one-time code, new volunteer id; the pending entry is kept encrypted."""
    volunteer_id = str(uuid.uuid4())
    roster = node.roster
    assert roster is not None
    data, code = make_invitation(node.identity, roster.version, volunteer_id, display_name)
    nonce = read_invitation(data).nonce
    with node.store.transaction():
        node.store.table(PENDING).put({"id": volunteer_id, "nonce": b64(nonce), "code": code})
        node.store.table(NAMES).put({"id": volunteer_id, "name": display_name})
    return data, code, volunteer_id


def read_enrolment_reply(node: SyncNode, data: bytes) -> PublicIdentity:
    pending = {p["id"]: (unb64(p["nonce"]), p["code"]) for p in node.store.table(PENDING).all()}
    return read_reply(data, node.identity, pending)


def confirm_enrolment(node: SyncNode, volunteer: PublicIdentity, confirm: str) -> Roster:
    """Add the volunteer once the fingerprint read out in person matches."""
    if _digits(confirm) != _digits(fingerprint(volunteer)):
        raise EnrolmentError("fingerprint does not match; the volunteer was not added")
    roster = node.roster
    assert roster is not None
    new = roster.with_volunteer(volunteer, clock=node.repo.time)
    with node.store.transaction():
        node.save_state(roster=b64(sign_roster(new, node.identity)), roster_version=new.version)
        node.store.table(PENDING).delete_ids([volunteer.node_id])
    return new


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


# -- supervisor actions --------------------------------------------------------------------


def volunteer_interests(node: SyncNode, volunteer_id: str) -> list[Interest]:
    return [i for i in node.repo.all(Interest) if i.origin == volunteer_id]


OFFICE_CHECK = "assignment at the office"  # ConflictCheck.trigger of the office's own checks


class AssignmentBlocked(ValidationError):
    """The conflict check blocked an assignment; ``check`` is the check to keep (unsaved)."""

    def __init__(self, errors: dict[str, str], check: ConflictCheck) -> None:
        super().__init__(errors)
        self.check = check


def record_check(node: SyncNode, check: ConflictCheck) -> ConflictCheck:
    """Keep a check made at the office on the case (its origin is the office), so that the
    reports count it beside the checks made on laptops."""
    return node.repo.save(check)


def assign_case(node: SyncNode, case_id: str, volunteer_id: str, *, reason: str = "") -> Case:
    """Assign (or reassign) after checking the volunteer's declared interests.

    The check is kept as a ``ConflictCheck`` made at the office, in the same write as the
    assignment; a block raises :class:`AssignmentBlocked` carrying the check (the caller
    keeps it in a write of its own, since the refusal rolls back this one)."""
    case = node.repo.get(Case, case_id)
    if case is None:
        raise ValidationError({"case": "No such case"})
    roster = node.roster
    if (
        roster is None
        or volunteer_id not in roster.volunteers
        or not roster.volunteers[volunteer_id].active
    ):
        raise ValidationError({"volunteer": "That volunteer is not active on the roster"})
    families = node.repo.for_case(Family, case_id)
    people = [p.get("name", "") for f in families for p in f.parents]
    result = check_conflicts(
        volunteer_interests(node, volunteer_id),
        school=case.school,
        people=people,
        area=families[0].area if families else "",
    )
    check = ConflictCheck(
        case_id=case_id,
        volunteer_id=volunteer_id,
        checked_at=node.repo.now().isoformat(timespec="seconds"),
        trigger=OFFICE_CHECK,
        outcome=result.outcome,
        reasons=list(result.reasons),
        override_reason=reason if result.outcome == "warn" else "",
    )
    if result.outcome == "block":
        raise AssignmentBlocked({"volunteer": "Blocked: " + "; ".join(result.reasons)}, check)
    if result.outcome == "warn" and not reason:
        raise ValidationError(
            {"reason": "Warning: " + "; ".join(result.reasons) + " (give a reason)"}
        )
    previous = case.assigned_to
    with node.store.transaction():
        record_check(node, check)
        case = node.repo.save(case.replace(assigned_to=volunteer_id, blocked_reason=""))
        last = node.repo.outbox()[-1]
        node.repo.table(OUTBOX).put({**last, "previous_assignee": previous})
        route(node)
    return case


def erase_family(node: SyncNode, case_id: str, *, scrub: bool = True) -> dict[str, Any]:
    """Erase every trace of a family here and tell the volunteer holding it to do the same.

    ``scrub=False``: the caller's outer transaction holds this write, and the caller
    runs ``finish_scrub`` after it (the scrub is owed in the same write either way)."""
    case = node.repo.raw("case", case_id)
    if case is None:
        raise ValidationError({"case": "No such case"})
    target = case.get("assigned_to")
    with node.store.transaction():
        counts = erase_case(node.repo, case_id)
        feed = node.store.table(FEED)
        feed.delete_ids([e["id"] for e in feed.all() if e["op"].get("case_id") == case_id])
        op = {
            "id": str(uuid.uuid4()),
            "seq": 1,
            "origin": node.node_id,
            "record_id": case_id,
            "case_id": case_id,
            "action": "erase",
            "at": node.now(),
        }
        if target:
            feed_add(node, target, op)
        stub = {
            "id": case_id,
            "reference": case.get("reference", ""),
            "erased_at": node.now(),
            "records": counts,
        }
        node.store.table("erasure_stub").put(stub)
    if scrub:
        finish_scrub(node.store)  # owed in the same write as the erasure: redone on next open
    return stub


def revoke(node: SyncNode, volunteer_id: str) -> Roster:
    """Refuse the volunteer's later bundles; queue a signed wipe instruction for them."""
    roster = node.roster
    assert roster is not None
    if volunteer_id not in roster.volunteers:
        raise ValidationError({"volunteer": "No such volunteer on the roster"})
    seen = node.peer(volunteer_id)["seen_seq"]
    new = roster.with_revoked(volunteer_id, seen, clock=node.repo.time)
    with node.store.transaction():
        node.save_state(
            roster=b64(sign_roster(new, node.identity)),
            roster_version=new.version,
            wipe=[*node.state.get("wipe", []), volunteer_id],
        )
    return new


def export_for(node: SyncNode, volunteer_id: str, out_dir: Path) -> Path:
    """A bundle for one volunteer with the roster, recovery key and any wipe instruction."""
    from sync import audit

    extra: dict[str, Any] = {
        "roster": node.state["roster"],
        "recovery_public": node.state.get("recovery_public"),
        "audit_head": audit.head(node),  # anchored on the laptop (sync/audit.py)
    }
    if volunteer_id in node.state.get("wipe", []):
        extra["wipe"] = True
    return export_bundle(node, volunteer_id, out_dir, extra)


def export_targets(node: SyncNode, only: str | None = None) -> list[str]:
    """The volunteers an export writes to: active ones, and revoked ones owed a wipe."""
    roster = node.roster
    assert roster is not None
    targets = [only] if only else list(roster.volunteers)
    out = []
    for vid in targets:
        entry = roster.volunteers.get(vid)
        if entry is None:
            raise ValidationError({"volunteer": "No such volunteer on the roster"})
        if entry.active or vid in node.state.get("wipe", []):
            out.append(vid)
    return out


def export_all(node: SyncNode, out_dir: Path, only: str | None = None) -> list[Path]:
    return [export_for(node, vid, out_dir) for vid in export_targets(node, only)]


def volunteer_name(node: SyncNode, volunteer_id: str) -> str:
    doc = node.store.table(NAMES).get_id(volunteer_id)
    return doc["name"] if doc else volunteer_id[:8]
