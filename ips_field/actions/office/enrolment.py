"""Enrolling a volunteer: the invitation file and its code, then the reply checked in person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from ips_field.errors import IpsError, ValidationError
from sync import audit
from sync.enrol import PENDING, _digits, make_invitation, read_enrolment_reply, read_invitation
from sync.errors import EnrolmentError
from sync.keys import PublicIdentity, fingerprint
from sync.node import NAMES, SyncNode, b64, volunteer_name
from sync.roster import Roster, sign_roster
from sync.safefile import create_exclusive


@dataclass(frozen=True)
class Invitation:
    path: Path
    code: str  # one-time code: given in person or by phone, never with the file
    volunteer_id: str


@dataclass(frozen=True)
class Reply:
    volunteer: PublicIdentity
    name: str
    volunteer_fingerprint: str
    office_fingerprint: str


def invite(node: SyncNode, name: str, out: Path) -> Invitation:
    """Write a new invitation file for ``name`` (never over another file) and audit it."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the volunteer's name"})
    with node.store.transaction():  # the invitation, its audit entry and the file, or none
        data, code, volunteer_id = enrol(node, name)
        audit.append(node, "enrol", f"invited {name}")
        path = Path(out)
        try:
            create_exclusive(path, data)  # never over another file, never through a link
        except FileExistsError:
            raise IpsError("that file already exists; choose another name") from None
        except OSError as err:
            raise IpsError(f"could not write the invitation: {err.strerror or 'error'}") from None
    return Invitation(path, code, volunteer_id)


def read_reply(node: SyncNode, data: bytes) -> Reply:
    """What to compare in person before the volunteer is added."""
    return reply_for(node, read_enrolment_reply(node, data))


def reply_for(node: SyncNode, public: PublicIdentity) -> Reply:
    """The names and fingerprints to compare for a reply already read and checked."""
    return Reply(
        public,
        volunteer_name(node, public.node_id),
        fingerprint(public),
        node.identity.fingerprint(),
    )


def confirm(node: SyncNode, reply: Reply, read_out: str) -> Roster:
    """Add the volunteer once the fingerprint they read out matches; audited."""
    with node.store.transaction():
        roster = confirm_enrolment(node, reply.volunteer, read_out)
        audit.append(node, "enrol", f"added {reply.name}")
    return roster


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
