"""The office-signed roster: signing, verification, versions and revocation rules."""

from __future__ import annotations

import pytest

from sync import errors
from sync.canonical import canonical_json
from sync.keys import NodeIdentity
from sync.roster import ROSTER_DOMAIN, ROSTER_MAGIC, Roster, sign_roster, verify_roster


@pytest.fixture(scope="module")
def office() -> NodeIdentity:
    return NodeIdentity.generate(role="office")


@pytest.fixture(scope="module")
def volunteers() -> list[NodeIdentity]:
    return [NodeIdentity.generate(role="volunteer") for _ in range(3)]


@pytest.fixture(scope="module")
def roster(office, volunteers) -> Roster:
    r = Roster.initial(office.public)
    for v in volunteers:
        r = r.with_volunteer(v.public, enrolled_on="2026-01-02")
    return r


def test_versions_go_up_one_per_change(office, volunteers, roster) -> None:
    assert Roster.initial(office.public).version == 1
    assert Roster.provisional(office.public).version == 0
    assert roster.version == 1 + len(volunteers)
    revoked = roster.with_revoked(volunteers[0].node_id, revoked_after_seq=7)
    assert revoked.version == roster.version + 1
    assert revoked.volunteers[volunteers[0].node_id].revoked_in_version == revoked.version
    assert roster.volunteers[volunteers[0].node_id].active  # the old one is untouched


def test_sign_and_verify_round_trip(office, roster) -> None:
    data = sign_roster(roster, office)
    assert data.startswith(ROSTER_MAGIC)
    assert verify_roster(data, office.public) == roster


def test_only_the_office_of_the_roster_signs_it(roster, volunteers) -> None:
    with pytest.raises(ValueError):
        sign_roster(roster, volunteers[0])


def test_any_change_breaks_the_signature(office, roster) -> None:
    data = sign_roster(roster, office)
    start = len(ROSTER_MAGIC)
    for index in (start, start + 40, len(data) // 2, len(data) - 70, len(data) - 1):
        altered = bytearray(data)
        altered[index] ^= 0x01
        with pytest.raises(errors.BadSignature):
            verify_roster(bytes(altered), office.public)


def test_roster_from_another_office_is_refused(office, roster) -> None:
    impostor = NodeIdentity.generate(role="office")
    forged = Roster(roster.version + 1, impostor.public, roster.volunteers)
    with pytest.raises(errors.BadSignature):
        verify_roster(sign_roster(forged, impostor), office.public)
    # Signed with the office's key but naming another office identity: refused as well.
    body = canonical_json(forged.to_dict())
    data = ROSTER_MAGIC + body + office.sign_key.sign(ROSTER_DOMAIN + body)
    with pytest.raises(errors.BadSignature):
        verify_roster(data, office.public)


def test_damaged_roster_is_a_clean_error(office) -> None:
    for data in (b"", b"hello", ROSTER_MAGIC + b"x" * 10):
        with pytest.raises(errors.BundleDamaged):
            verify_roster(data, office.public)


def test_validly_signed_nonsense_is_damage(office) -> None:
    body = b'{"v":1,"version":"two"}'
    data = ROSTER_MAGIC + body + office.sign_key.sign(ROSTER_DOMAIN + body)
    with pytest.raises(errors.BundleDamaged):
        verify_roster(data, office.public)


def test_clients_accept_only_a_strictly_newer_roster(office, volunteers, roster) -> None:
    newer = roster.with_revoked(volunteers[1].node_id, revoked_after_seq=3)
    assert newer.newer_than(roster) and not roster.newer_than(newer)
    assert not roster.newer_than(roster)
    assert roster.newer_than(None)
    assert verify_roster(sign_roster(newer, office), office.public, current=roster) == newer
    with pytest.raises(errors.StaleRoster):
        verify_roster(sign_roster(roster, office), office.public, current=roster)
    with pytest.raises(errors.StaleRoster):
        verify_roster(sign_roster(roster, office), office.public, current=newer)


def test_accepts_rules(office, volunteers, roster) -> None:
    a, b, c = (v.node_id for v in volunteers)
    revoked = roster.with_revoked(a, revoked_after_seq=5).with_revoked(b, revoked_after_seq=None)
    assert revoked.accepts(office.node_id, 10**9)
    assert revoked.accepts(c, 10**9)
    assert revoked.accepts(a, 5) and not revoked.accepts(a, 6)
    assert not revoked.accepts(b, 0)
    assert not revoked.accepts("someone-else", 1)
    assert revoked.public_of(a) == volunteers[0].public  # still known, for older bundles
    assert revoked.public_of("someone-else") is None


def test_revocation_survives_signing(office, volunteers, roster) -> None:
    revoked = roster.with_revoked(
        volunteers[2].node_id, revoked_after_seq=9, revoked_on="2026-02-01"
    )
    again = verify_roster(sign_roster(revoked, office), office.public)
    entry = again.volunteers[volunteers[2].node_id]
    assert entry.status == "revoked" and entry.revoked_after_seq == 9
    assert entry.revoked_on == "2026-02-01"
    assert not again.accepts(volunteers[2].node_id, 10)


def test_roster_lists_only_volunteers(office, roster) -> None:
    with pytest.raises(ValueError):
        roster.with_volunteer(office.public)
    with pytest.raises(ValueError):
        roster.with_volunteer(NodeIdentity.generate(role="office").public)
