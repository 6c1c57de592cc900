"""Enrolment by invitation file, one-time code and in-person fingerprint check."""

from __future__ import annotations

import re

import pytest

from sync import errors
from sync.enrol import (
    INVITE_MAGIC,
    make_invitation,
    make_reply,
    normalise_code,
    read_invitation,
    read_reply,
)
from sync.keys import NodeIdentity, fingerprint

VOLUNTEER_ID = "8d1f7c2e-1111-4a5b-9c3d-222222222222"


@pytest.fixture(scope="module")
def office() -> NodeIdentity:
    return NodeIdentity.generate(role="office")


@pytest.fixture(scope="module")
def volunteer() -> NodeIdentity:
    return NodeIdentity.generate(VOLUNTEER_ID, "volunteer")


@pytest.fixture(scope="module")
def invited(office) -> tuple[bytes, str]:
    return make_invitation(office, 4, VOLUNTEER_ID, "Priya Ramaswamy-Okafor")


def test_enrolment_with_the_right_code(office, volunteer, invited) -> None:
    data, code = invited
    invitation = read_invitation(data)
    assert invitation.volunteer_id == VOLUNTEER_ID and invitation.roster_version == 4
    # What the volunteer reads out at the office matches the office's own fingerprint.
    assert fingerprint(invitation.office) == office.fingerprint()
    reply = make_reply(invitation, code, volunteer)
    public = read_reply(reply, office, {VOLUNTEER_ID: (invitation.nonce, code)})
    assert public == volunteer.public
    assert fingerprint(public) == volunteer.fingerprint()


def test_code_looks_like_three_groups_of_four_digits(invited) -> None:
    _, code = invited
    assert re.fullmatch(r"\d{4} \d{4} \d{4}", code)
    assert normalise_code(code.replace(" ", "-")) == code.replace(" ", "")


def test_invitation_file_holds_no_code_and_no_name(invited) -> None:
    data, code = invited
    assert data.startswith(INVITE_MAGIC)
    assert code.replace(" ", "").encode() not in data
    assert b"Priya" not in data and b"Okafor" not in data


def test_codes_and_nonces_are_fresh(office) -> None:
    first = make_invitation(office, 1, VOLUNTEER_ID)
    second = make_invitation(office, 1, VOLUNTEER_ID)
    assert first[1] != second[1]
    assert read_invitation(first[0]).nonce != read_invitation(second[0]).nonce


def test_wrong_code_fails_on_the_volunteer_side(volunteer, invited) -> None:
    data, code = invited
    wrong = f"{(int(code.replace(' ', '')) + 1) % 10**12:012d}"
    with pytest.raises(errors.EnrolmentError, match="enrolment code does not match"):
        make_reply(read_invitation(data), wrong, volunteer)


def test_wrong_code_fails_on_the_office_side(office, volunteer, invited) -> None:
    data, code = invited
    invitation = read_invitation(data)
    reply = make_reply(invitation, code, volunteer)
    wrong = "000000000000" if code.replace(" ", "") != "000000000000" else "111111111111"
    with pytest.raises(errors.EnrolmentError, match="enrolment code does not match"):
        read_reply(reply, office, {VOLUNTEER_ID: (invitation.nonce, wrong)})


def test_swapped_office_keys_are_caught_by_the_code(office, volunteer, invited) -> None:
    data, code = invited
    attacker = NodeIdentity.generate(role="office")
    forged = data.replace(
        office.public.to_dict()["box_public"].encode(),
        attacker.public.to_dict()["box_public"].encode(),
    )
    assert forged != data
    with pytest.raises(errors.EnrolmentError, match="enrolment code does not match"):
        make_reply(read_invitation(forged), code, volunteer)


def test_reply_for_another_office_or_unknown_volunteer(office, volunteer, invited) -> None:
    data, code = invited
    invitation = read_invitation(data)
    reply = make_reply(invitation, code, volunteer)
    other_office = NodeIdentity.generate(role="office")
    with pytest.raises(errors.EnrolmentError, match="cannot be opened"):
        read_reply(reply, other_office, {VOLUNTEER_ID: (invitation.nonce, code)})
    with pytest.raises(errors.EnrolmentError, match="no invitation"):
        read_reply(reply, office, {})
    with pytest.raises(errors.EnrolmentError, match="does not match the invitation"):
        read_reply(reply, office, {VOLUNTEER_ID: (b"\0" * 16, code)})


def test_identity_must_be_the_invited_one(invited) -> None:
    data, code = invited
    stranger = NodeIdentity.generate(role="volunteer")
    with pytest.raises(errors.EnrolmentError):
        make_reply(read_invitation(data), code, stranger)


@pytest.mark.parametrize("bad", ["", "12345", "1234 5678 901x", "1234567890123", "١٢٣٤٥٦٧٨٩٠١٢"])
def test_badly_typed_codes_are_refused(bad) -> None:
    with pytest.raises(errors.EnrolmentError):
        normalise_code(bad)


def test_damaged_files_give_enrolment_errors(office, invited) -> None:
    data, _ = invited
    for broken in (b"", b"junk", data[:-40], INVITE_MAGIC + b"{}" + bytes(32)):
        with pytest.raises(errors.EnrolmentError):
            read_invitation(broken)
    for broken in (b"", b"IPS-REPLY-1\n", b"IPS-REPLY-1\n" + bytes(200)):
        with pytest.raises(errors.EnrolmentError):
            read_reply(broken, office, {})
