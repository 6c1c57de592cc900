"""The office-signed roster: who may send bundles, and from when a volunteer may not.

The office keeps the master roster in its store and ships the signed bytes to volunteers
*inside* bundles (a roster names node ids and dates, so it is never left as a loose file).
A client replaces its roster only with one that verifies under the office key it
enrolled with and has a strictly higher ``version`` (:meth:`Roster.newer_than`).

Revocation keeps the entry with ``status="revoked"`` and ``revoked_after_seq``: bundles
from that volunteer numbered up to the cut-off (work done before they left) are still
accepted; later ones are refused. ``revoked_after_seq=None`` refuses all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidSignature

from ips_field.domain.clock import Clock, default_clock
from sync.canonical import canonical_json, parse_limited
from sync.errors import BadSignature, BundleDamaged, StaleRoster
from sync.keys import NodeIdentity, PublicIdentity

__all__ = [
    "ROSTER_MAGIC",
    "Roster",
    "RosterEntry",
    "sign_roster",
    "verify_roster",
]

ROSTER_MAGIC = b"IPS-ROSTER-1\n"
ROSTER_DOMAIN = b"ips-field/roster/v1\x00"
SIG_LEN = 64
MAX_ROSTER_BYTES = 4 * 1024 * 1024
STATUSES = ("active", "revoked")


@dataclass(frozen=True)
class RosterEntry:
    """One volunteer: public keys, status, and the revocation cut-off."""

    public: PublicIdentity
    status: str = "active"
    revoked_after_seq: int | None = None
    enrolled_on: str = ""
    revoked_on: str | None = None
    revoked_in_version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "public": self.public.to_dict(),
            "status": self.status,
            "revoked_after_seq": self.revoked_after_seq,
            "enrolled_on": self.enrolled_on,
            "revoked_on": self.revoked_on,
            "revoked_in_version": self.revoked_in_version,
        }

    @classmethod
    def from_dict(cls, data: Any) -> RosterEntry:
        if not isinstance(data, dict):
            raise ValueError("bad roster entry")
        entry = cls(
            public=PublicIdentity.from_dict(data.get("public")),
            status=data.get("status", "active"),
            revoked_after_seq=data.get("revoked_after_seq"),
            enrolled_on=data.get("enrolled_on", ""),
            revoked_on=data.get("revoked_on"),
            revoked_in_version=data.get("revoked_in_version"),
        )
        if entry.status not in STATUSES or not isinstance(entry.enrolled_on, str):
            raise ValueError("bad roster entry")
        for number in (entry.revoked_after_seq, entry.revoked_in_version):
            if number is not None and (type(number) is not int or number < 0):
                raise ValueError("bad roster entry")
        return entry

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Roster:
    """A versioned list of volunteer keys, signed by the office.

    ``office`` is the office's public identity (trusted from enrolment, never from a
    bundle). ``version`` 0 is the *provisional* roster a volunteer holds between
    enrolment and the first office bundle: it knows only the office.
    """

    version: int
    office: PublicIdentity
    volunteers: dict[str, RosterEntry] = field(default_factory=dict)
    issued_at: str = ""

    # -- building (office side) --------------------------------------------------------

    @classmethod
    def initial(cls, office: PublicIdentity, *, clock: Clock | None = None) -> Roster:
        """Version 1 with no volunteers yet."""
        return cls(version=1, office=office, volunteers={}, issued_at=_now(clock))

    @classmethod
    def provisional(cls, office: PublicIdentity) -> Roster:
        """Version 0, office only: what a freshly enrolled volunteer holds."""
        return cls(version=0, office=office, volunteers={})

    def with_volunteer(
        self,
        public: PublicIdentity,
        enrolled_on: str | None = None,
        *,
        clock: Clock | None = None,
    ) -> Roster:
        """Next version, with ``public`` added (or re-activated) as an active volunteer."""
        if public.role != "volunteer" or public.node_id == self.office.node_id:
            raise ValueError("only volunteers are listed in the roster")
        entry = RosterEntry(public=public, enrolled_on=enrolled_on or _today(clock))
        return self._next({**self.volunteers, public.node_id: entry}, clock)

    def with_revoked(
        self,
        node_id: str,
        revoked_after_seq: int | None,
        revoked_on: str | None = None,
        *,
        clock: Clock | None = None,
    ) -> Roster:
        """Next version, with ``node_id`` revoked after its bundle ``revoked_after_seq``."""
        old = self.volunteers[node_id]
        entry = replace(
            old,
            status="revoked",
            revoked_after_seq=revoked_after_seq,
            revoked_on=revoked_on or _today(clock),
            revoked_in_version=self.version + 1,
        )
        return self._next({**self.volunteers, node_id: entry}, clock)

    def _next(self, volunteers: dict[str, RosterEntry], clock: Clock | None) -> Roster:
        return Roster(self.version + 1, self.office, volunteers, issued_at=_now(clock))

    # -- reading -----------------------------------------------------------------------

    def newer_than(self, other: Roster | None) -> bool:
        """True if this roster may replace ``other`` (strictly higher version)."""
        return other is None or self.version > other.version

    def is_office(self, node_id: str) -> bool:
        return node_id == self.office.node_id

    def public_of(self, node_id: str) -> PublicIdentity | None:
        """Public identity of the office or of a listed (even revoked) volunteer."""
        if self.is_office(node_id):
            return self.office
        entry = self.volunteers.get(node_id)
        return entry.public if entry else None

    def accepts(self, sender_id: str, seq: int) -> bool:
        """May a bundle from ``sender_id`` numbered ``seq`` be accepted at all?

        The office and active volunteers: yes. Revoked volunteers: only if ``seq`` is at
        most their ``revoked_after_seq``. Unknown senders: no.
        """
        if self.is_office(sender_id):
            return True
        entry = self.volunteers.get(sender_id)
        if entry is None:
            return False
        if entry.active:
            return True
        return entry.revoked_after_seq is not None and seq <= entry.revoked_after_seq

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": 1,
            "version": self.version,
            "issued_at": self.issued_at,
            "office": self.office.to_dict(),
            "volunteers": {k: e.to_dict() for k, e in sorted(self.volunteers.items())},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Roster:
        """Parse :meth:`to_dict` output; ``ValueError`` if anything is off."""
        if not isinstance(data, dict) or data.get("v") != 1:
            raise ValueError("bad roster")
        version = data.get("version")
        if type(version) is not int or version < 0:
            raise ValueError("bad roster version")
        office = PublicIdentity.from_dict(data.get("office"))
        if office.role != "office":
            raise ValueError("roster office is not an office")
        raw = data.get("volunteers")
        if not isinstance(raw, dict):
            raise ValueError("bad roster volunteers")
        volunteers = {}
        for node_id, item in raw.items():
            entry = RosterEntry.from_dict(item)
            if (
                entry.public.node_id != node_id
                or entry.public.role != "volunteer"
                or node_id == office.node_id
            ):
                raise ValueError("bad roster entry")
            volunteers[node_id] = entry
        issued_at = data.get("issued_at", "")
        if not isinstance(issued_at, str):
            raise ValueError("bad roster date")
        return cls(version, office, volunteers, issued_at)


def sign_roster(roster: Roster, office_identity: NodeIdentity) -> bytes:
    """``ROSTER_MAGIC | canonical JSON | Ed25519 signature`` by the office.

    The signature covers ``b"ips-field/roster/v1\\0" + JSON``. Raises ``ValueError`` if
    ``office_identity`` is not the roster's office.
    """
    if office_identity.public != roster.office:
        raise ValueError("only the roster's own office may sign it")
    body = canonical_json(roster.to_dict())
    return ROSTER_MAGIC + body + office_identity.sign_key.sign(ROSTER_DOMAIN + body)


def verify_roster(
    data: bytes, office_public: PublicIdentity, *, current: Roster | None = None
) -> Roster:
    """Check and parse signed roster bytes.

    Raises :class:`BundleDamaged` (not a roster / malformed), :class:`BadSignature`
    (signature fails, or signed for another office), and — when ``current`` is given —
    :class:`StaleRoster` unless the new roster is strictly newer.
    """
    data = bytes(data)
    if not data.startswith(ROSTER_MAGIC) or len(data) < len(ROSTER_MAGIC) + SIG_LEN + 2:
        raise BundleDamaged("roster is damaged or not a roster")
    if len(data) > MAX_ROSTER_BYTES:
        raise BundleDamaged("roster is larger than the allowed size")
    body, signature = data[len(ROSTER_MAGIC) : -SIG_LEN], data[-SIG_LEN:]
    try:
        office_public.sign_key().verify(signature, ROSTER_DOMAIN + body)
    except (InvalidSignature, ValueError):
        raise BadSignature("roster signature does not verify") from None
    parsed = parse_limited(body, MAX_ROSTER_BYTES, 8, 200_000, what="roster")
    try:
        roster = Roster.from_dict(parsed)
    except (ValueError, TypeError, KeyError):
        raise BundleDamaged("roster contents are malformed") from None
    if roster.office != office_public:
        raise BadSignature("roster was signed for another office")
    if current is not None and not roster.newer_than(current):
        raise StaleRoster("roster is not newer than the one in use")
    return roster


def _today(clock: Clock | None) -> str:
    return (clock or default_clock()).today().isoformat()


def _now(clock: Clock | None) -> str:
    return (clock or default_clock()).utc().isoformat(timespec="seconds")
