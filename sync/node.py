"""A sync node (volunteer or office): identity, roster and per-peer state inside its store."""

from __future__ import annotations

import base64
from typing import Any

from ips_field.domain.clock import Clock
from ips_field.domain.records import KINDS
from ips_field.store.repository import OUTBOX, Repository, Unchecked
from sync.errors import NotEnrolled
from sync.keys import (
    IDENTITY_DOC,
    IDENTITY_TABLE,
    NodeIdentity,
    PublicIdentity,
    load_or_create_identity,
)
from sync.roster import Roster, verify_roster

STATE = "sync_state"
PEERS = "sync_peer"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def node_repository(store: Any, role: str, clock: Clock | None) -> Repository:
    """A volunteer's store writes under the consent and conflict rules; the office's master
    record holds what volunteers already wrote under them and is the one named exception."""
    if role == "office":
        return Repository(store, clock=clock, unchecked=Unchecked.OFFICE_MASTER)
    return Repository(store, clock=clock)


class SyncNode:
    """Everything sync keeps in a store: who we are, who we trust, what each peer has seen."""

    def __init__(
        self,
        store: Any,
        role: str,
        *,
        repo: Repository | None = None,
        clock: Clock | None = None,
    ) -> None:
        """The node of a store that has its identity already (reads only; ``NotEnrolled``
        when there is none: ``SyncNode.create`` makes one, at init and enrolment)."""
        self.store = store
        self.role = role
        self.repo = repo or node_repository(store, role, clock)
        if store.table(IDENTITY_TABLE).get_id(IDENTITY_DOC) is None:
            raise NotEnrolled()
        self.identity: NodeIdentity = load_or_create_identity(store, role, self.repo.node_id)
        self._roster_cache: tuple[tuple[str, bytes], Roster] | None = None

    @classmethod
    def create(
        cls,
        store: Any,
        role: str,
        *,
        node_id: str | None = None,
        repo: Repository | None = None,
        clock: Clock | None = None,
    ) -> SyncNode:
        """Give the store its key pair (once: an existing identity is kept) and open it."""
        repo = repo or node_repository(store, role, clock)
        load_or_create_identity(store, role, node_id or repo.node_id)
        return cls(store, role, repo=repo)

    @property
    def node_id(self) -> str:
        return self.identity.node_id

    # -- state -------------------------------------------------------------------------

    @property
    def state(self) -> dict[str, Any]:
        return self.store.table(STATE).get_id("self") or {"id": "self"}

    def save_state(self, **changes: Any) -> None:
        self.store.table(STATE).put({**self.state, **changes})

    @property
    def office_public(self) -> PublicIdentity | None:
        if self.role == "office":
            return self.identity.public
        data = self.state.get("office")
        return PublicIdentity.from_dict(data) if data else None

    @property
    def roster(self) -> Roster | None:
        signed = self.state.get("roster")
        office = self.office_public
        if office is None:
            return None
        if not signed:
            return Roster.provisional(office)
        key = (signed, office.sign_public)
        cached = self._roster_cache
        if cached is not None and cached[0] == key:
            return cached[1]  # the same signed bytes and key verify the same way
        roster = verify_roster(unb64(signed), office)
        self._roster_cache = (key, roster)
        return roster

    def set_roster(self, signed: bytes) -> Roster:
        office = self.office_public
        assert office is not None
        roster = verify_roster(signed, office, current=self._current_or_none())
        self.save_state(roster=b64(signed), roster_version=roster.version)
        return roster

    def _current_or_none(self) -> Roster | None:
        return self.roster if self.state.get("roster") else None

    # -- peers -------------------------------------------------------------------------

    def peer(self, peer_id: str) -> dict[str, Any]:
        return self.store.table(PEERS).get_id(peer_id) or {
            "id": peer_id,
            "sent_seq": 0,  # last bundle sequence we sent them
            "seen_seq": 0,  # last bundle sequence we accepted from them
            "received_n": 0,  # highest stream position of theirs we applied (our ack)
            "their_ack": 0,  # highest stream position of ours they applied
            "last_sent_at": "",
            "last_received_at": "",
            "bundles_received": 0,  # bundles from them we imported
        }

    def save_peer(self, peer: dict[str, Any]) -> None:
        self.store.table(PEERS).put(peer)

    def now(self) -> str:
        """Now, from the repository's clock, as ISO seconds."""
        return self.repo.now().isoformat(timespec="seconds")


def rename_node(store: Any, old: str, new: str) -> None:
    """Give a volunteer store the node id its enrolment invitation names (one transaction).

    Records made before enrolment carry the old id as origin, owner and clock node; they
    are rewritten so the office sees one volunteer.
    """
    if old == new:
        return

    def fix(value: Any) -> Any:
        if value == old:
            return new
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    with store.transaction():
        for name in [*KINDS, OUTBOX, "meta"]:
            table = store.table(name)
            docs = [fix(d) for d in table.all()]
            if docs:
                table.put_many(docs)
        if store.table(IDENTITY_TABLE).get_id("self") is not None:
            store.table(IDENTITY_TABLE).delete_ids(["self"])


def claim_unassigned_cases(store: Any, node_id: str) -> None:
    """At enrolment, cases that name no volunteer become this volunteer's, in the records
    and in the operations not yet sent: the office accepts a new case only from the
    volunteer it is assigned to, so one blank case would hold back every later bundle."""
    with store.transaction():
        cases = [
            {**d, "assigned_to": node_id}
            for d in store.table("case").all()
            if not d.get("assigned_to")
        ]
        if cases:
            store.table("case").put_many(cases)
        ops = [
            {**op, "fields": {**op["fields"], "assigned_to": node_id}}
            for op in store.table(OUTBOX).all()
            if op.get("kind") == "case" and op.get("fields", {}).get("assigned_to") == ""
        ]
        if ops:
            store.table(OUTBOX).put_many(ops)


NAMES = "volunteer_names"


def volunteer_name(node: SyncNode, volunteer_id: str) -> str:
    doc = node.store.table(NAMES).get_id(volunteer_id)
    return doc["name"] if doc else volunteer_id[:8]
