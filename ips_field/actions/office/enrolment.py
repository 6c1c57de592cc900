"""Enrolling a volunteer: the invitation file and its code, then the reply checked in person."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ips_field.errors import IpsError, ValidationError
from sync import audit
from sync import office as off
from sync.keys import PublicIdentity, fingerprint
from sync.node import SyncNode
from sync.roster import Roster
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
        data, code, volunteer_id = off.enrol(node, name)
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
    return reply_for(node, off.read_enrolment_reply(node, data))


def reply_for(node: SyncNode, public: PublicIdentity) -> Reply:
    """The names and fingerprints to compare for a reply already read and checked."""
    return Reply(
        public,
        off.volunteer_name(node, public.node_id),
        fingerprint(public),
        node.identity.fingerprint(),
    )


def confirm(node: SyncNode, reply: Reply, read_out: str) -> Roster:
    """Add the volunteer once the fingerprint they read out matches; audited."""
    with node.store.transaction():
        roster = off.confirm_enrolment(node, reply.volunteer, read_out)
        audit.append(node, "enrol", f"added {reply.name}")
    return roster
