"""Node keys, fingerprints, canonical JSON and the limited parser (sync layer)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from ips_field.errors import IpsError, SyncError
from ips_field.store.table import MemoryStore
from sync import errors
from sync.canonical import canonical_json, parse_limited
from sync.keys import (
    NodeIdentity,
    PublicIdentity,
    fingerprint,
    fingerprint_bytes,
    load_or_create_identity,
)


def fixed_identity(node_id: str = "node-1", role: str = "volunteer") -> NodeIdentity:
    return NodeIdentity(
        node_id,
        role,
        Ed25519PrivateKey.from_private_bytes(bytes(range(32))),
        X25519PrivateKey.from_private_bytes(bytes(range(32, 64))),
    )


# -- canonical JSON ----------------------------------------------------------------------


def test_canonical_json_sorted_compact_utf8() -> None:
    data = {"b": 1, "a": [1, {"d": "é", "c": None}]}
    assert canonical_json(data) == '{"a":[1,{"c":null,"d":"é"}],"b":1}'.encode()


def test_canonical_json_same_bytes_whatever_the_key_order() -> None:
    assert canonical_json({"x": 1, "y": 2}) == canonical_json({"y": 2, "x": 1})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_canonical_json_refuses_non_finite_numbers(value: float) -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": value})


# -- limited parser ----------------------------------------------------------------------


def test_parse_limited_reads_ordinary_json() -> None:
    assert parse_limited(b'{"a":[1,2,3]}', 100, 3, 10) == {"a": [1, 2, 3]}


def test_parse_limited_size_limit() -> None:
    with pytest.raises(errors.BundleTooLarge):
        parse_limited(b"[" + b"1," * 100 + b"1]", 50, 5, 1000)


def test_parse_limited_depth_limit() -> None:
    assert parse_limited(b"[[[1]]]", 100, 4, 100) == [[[1]]]
    with pytest.raises(errors.BundleDamaged, match="nested too deeply"):
        parse_limited(b"[[[[1]]]]", 100, 4, 100)


def test_parse_limited_huge_nesting_is_a_clean_error() -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(errors.BundleDamaged):
        parse_limited(deep, 1_000_000, 32, 1000)


def test_parse_limited_item_limit() -> None:
    with pytest.raises(errors.BundleDamaged, match="too many items"):
        parse_limited(json.dumps(list(range(50))).encode(), 1000, 5, 20)


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe", b"{", b"NaN", b"[Infinity]", b'{"a":1,"a":2}', b"", b"1" * 5000],
)
def test_parse_limited_rejects_bad_input_with_sync_error(data: bytes) -> None:
    with pytest.raises(errors.BundleDamaged):
        parse_limited(data, 10_000, 5, 100)


def test_parse_limited_custom_error_class() -> None:
    with pytest.raises(errors.EnrolmentError):
        parse_limited(b"{", 100, 3, 10, error=errors.EnrolmentError)


# -- identities and fingerprints ---------------------------------------------------------


def test_fingerprint_is_stable_for_fixed_keys() -> None:
    # A golden value: if this changes, every enrolled fingerprint changes with it.
    assert fixed_identity().fingerprint() == "98513 79752 69360 37122 77957 46142 90312 27153"


def test_fingerprint_shape() -> None:
    text = NodeIdentity.generate(role="office").fingerprint()
    assert re.fullmatch(r"\d{5}( \d{5}){7}", text)


def test_fingerprint_changes_with_any_key_or_id() -> None:
    base = fixed_identity().public
    other_keys = NodeIdentity.generate("node-1", "volunteer").public
    renamed = PublicIdentity("node-2", base.role, base.sign_public, base.box_public)
    other_box = PublicIdentity(base.node_id, base.role, base.sign_public, other_keys.box_public)
    prints = {fingerprint(p) for p in (base, other_keys, renamed, other_box)}
    assert len(prints) == 4
    assert len(fingerprint_bytes(base)) == 32


def test_public_identity_round_trip_and_strict_parsing() -> None:
    public = NodeIdentity.generate(role="office").public
    assert PublicIdentity.from_dict(public.to_dict()) == public
    bad_variants = [
        {**public.to_dict(), "role": "admin"},
        {**public.to_dict(), "sign_public": "AAAA"},
        {**public.to_dict(), "box_public": "not base64!"},
        {**public.to_dict(), "extra": 1},
        {k: v for k, v in public.to_dict().items() if k != "node_id"},
        "a string",
    ]
    for bad in bad_variants:
        with pytest.raises(ValueError):
            PublicIdentity.from_dict(bad)


def test_secret_dict_round_trip_keeps_keys() -> None:
    me = NodeIdentity.generate(role="volunteer")
    again = NodeIdentity.from_secret_dict(json.loads(json.dumps(me.to_secret_dict())))
    assert again.public == me.public
    assert again.fingerprint() == me.fingerprint()


def test_repr_hides_keys_and_id() -> None:
    me = NodeIdentity.generate("node-secret-id", "volunteer")
    assert "node-secret-id" not in repr(me)
    assert me.to_secret_dict()["sign_secret"] not in repr(me)


def test_generate_refuses_unknown_role() -> None:
    with pytest.raises(ValueError):
        NodeIdentity.generate(role="admin")


def test_load_or_create_identity_keeps_one_identity_in_the_store() -> None:
    store = MemoryStore()
    store.table("meta").put({"id": "node", "node_id": "meta-node-id", "clock": [0, 0, ""]})
    first = load_or_create_identity(store, "volunteer")
    assert first.node_id == "meta-node-id"
    doc = store.table("identity").get_id("self")
    assert doc is not None and doc["node_id"] == "meta-node-id"
    second = load_or_create_identity(store, "volunteer")
    assert second.public == first.public
    with pytest.raises(ValueError):
        load_or_create_identity(store, "office")


def test_load_or_create_identity_uses_the_invitation_id() -> None:
    store = MemoryStore()
    made = load_or_create_identity(store, "volunteer", node_id="from-invitation")
    assert made.node_id == "from-invitation"
    with pytest.raises(ValueError):
        load_or_create_identity(store, "volunteer", node_id="another-id")


# -- errors ------------------------------------------------------------------------------


def test_every_sync_error_is_a_one_line_ips_error_with_a_reason() -> None:
    classes = [
        getattr(errors, name)
        for name in errors.__all__
        if name != "SyncError" and isinstance(getattr(errors, name), type)
    ]
    assert len(classes) >= 13
    for cls in classes:
        exc = cls()
        assert isinstance(exc, SyncError) and isinstance(exc, IpsError)
        assert str(exc) and "\n" not in str(exc)
        assert str(exc) == exc.line


def test_cannot_decrypt_is_both_damaged_and_not_for_us() -> None:
    exc = errors.CannotDecrypt()
    assert isinstance(exc, errors.BundleDamaged) and isinstance(exc, errors.NotForUs)


def test_sync_does_not_import_textual_or_rich() -> None:
    code = (
        "import sys, sync.bundle, sync.enrol, sync.keys, sync.roster;"
        "print([m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
