"""Fuzzing the bundle reader: whatever the bytes, only a SyncError (or a valid payload).

Four sources of hostile input: random bytes; random mutations (bit flips, cuts,
insertions, splices) of a valid bundle; random frames sealed properly to the office (anyone
holding the office's public key can make those, so the parser behind the decryption must
be as tough as the one in front); and random JSON payloads signed by a roster member.
About 300 examples per source by default; ``-m long`` runs 10,000 each.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ips_field.errors import SyncError
from sync.bundle import (
    BUCKETS,
    MAGIC,
    OVERHEAD,
    encrypt_frame,
    make_frame,
    open_bundle,
    seal_bundle,
)
from sync.canonical import canonical_json
from sync.keys import NodeIdentity, fingerprint_bytes
from sync.roster import Roster

OFFICE = NodeIdentity.generate(role="office")
ALICE = NodeIdentity.generate(role="volunteer")
ROSTER = Roster.initial(OFFICE.public).with_volunteer(ALICE.public)
OPS = [
    {
        "id": "op-1",
        "seq": 1,
        "origin": ALICE.node_id,
        "kind": "note",
        "record_id": "r-1",
        "case_id": "c-1",
        "action": "put",
        "fields": {"text": "fuzz"},
        "clocks": {"text": [1, 0, ALICE.node_id]},
        "at": "2026-01-01T00:00:00+00:00",
    }
]
VALID = seal_bundle({"seq": 1, "roster_version": ROSTER.version, "ops": OPS}, ALICE, OFFICE.public)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))


def only_sync_errors(data: bytes) -> None:
    """Open ``data``; success must be a dict, failure a SyncError — nothing else."""
    try:
        payload = open_bundle(data, OFFICE, ROSTER)
    except SyncError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(payload, dict)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "set", "cut", "insert", "splice", "extend"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "splice":
            piece = draw(st.binary(min_size=1, max_size=64))
            data[at : at + len(piece)] = piece
        else:
            data += draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


@st.composite
def sealed_frames(draw: st.DrawFn) -> bytes:
    """Arbitrary frames, properly sealed to the office: fuzzes everything after decryption."""
    size = draw(st.sampled_from(BUCKETS[:2])) - OVERHEAD
    flag = draw(st.integers(0, 3))
    content = draw(st.binary(max_size=512))
    length = draw(st.one_of(st.just(len(content)), st.integers(0, 2**32 - 1)))
    sender = draw(st.sampled_from([fingerprint_bytes(ALICE.public), bytes(32)]))
    frame = struct.pack(">32sBI", sender, flag, length) + content
    frame = frame[:size] + bytes(max(0, size - len(frame)))
    return encrypt_frame(frame, OFFICE.public)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)
HEADER = {
    "v": 1,
    "bundle_id": "b",
    "sender": ALICE.node_id,
    "recipient": OFFICE.node_id,
    "seq": 1,
    "ack": 0,
    "roster_version": ROSTER.version,
    "hlc": None,
    "ops": [],
}


@st.composite
def signed_payloads(draw: st.DrawFn) -> bytes:
    """Header fields replaced by random JSON, signed by a roster member, sealed to the office."""
    payload = dict(HEADER)
    for key in draw(st.lists(st.sampled_from(sorted(HEADER)), max_size=4)):
        payload[key] = draw(JSON)
    if draw(st.booleans()):
        payload = draw(JSON)
    compress = draw(st.sampled_from([None, True, False]))
    frame = make_frame(canonical_json(payload), ALICE, OFFICE.public, compress=compress)
    return encrypt_frame(frame, OFFICE.public)


def test_valid_bundle_opens() -> None:
    assert open_bundle(VALID, OFFICE, ROSTER)["ops"] == OPS


@FAST
@given(st.binary(max_size=5000))
def test_random_bytes(data: bytes) -> None:
    only_sync_errors(data)


@FAST
@given(st.binary(min_size=4096 - len(MAGIC), max_size=4096 - len(MAGIC)))
def test_random_bytes_of_a_bucket_size_behind_the_magic(data: bytes) -> None:
    """Right magic and size: these reach HPKE decryption and must fail there cleanly."""
    only_sync_errors(MAGIC + data)


@FAST
@given(mutated())
def test_mutations_of_a_valid_bundle(data: bytes) -> None:
    if data != VALID:
        with pytest.raises(SyncError):
            open_bundle(data, OFFICE, ROSTER)


@FAST
@given(sealed_frames())
def test_random_sealed_frames(data: bytes) -> None:
    only_sync_errors(data)


@FAST
@given(signed_payloads())
def test_random_signed_payloads(data: bytes) -> None:
    only_sync_errors(data)


@pytest.mark.long
@LONG
@given(st.binary(max_size=9000))
def test_random_bytes_long(data: bytes) -> None:
    only_sync_errors(data)


@pytest.mark.long
@LONG
@given(mutated())
def test_mutations_of_a_valid_bundle_long(data: bytes) -> None:
    if data != VALID:
        with pytest.raises(SyncError):
            open_bundle(data, OFFICE, ROSTER)


@pytest.mark.long
@LONG
@given(sealed_frames())
def test_random_sealed_frames_long(data: bytes) -> None:
    only_sync_errors(data)


@pytest.mark.long
@LONG
@given(signed_payloads())
def test_random_signed_payloads_long(data: bytes) -> None:
    only_sync_errors(data)
