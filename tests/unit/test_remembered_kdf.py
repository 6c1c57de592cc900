"""The suite's remembered Argon2id (tests/conftest.py) gives the real key, derives anew for
any other input, refuses what the real one refuses, and is where the store derives."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from ips_field.errors import WrongPassphrase
from ips_field.store import crypto
from ips_field.store.store import KdfParams, Store
from tests.conftest import REAL_KDF_ENV, RememberedArgon2id

PARAMS = {"length": 32, "iterations": 1, "lanes": 1, "memory_cost": 64 * 1024}


def test_remembered_key_is_the_real_key() -> None:
    salt = b"s" * 16
    real = Argon2id(salt=salt, **PARAMS).derive(b"words")
    assert RememberedArgon2id(salt=salt, **PARAMS).derive(b"words") == real
    assert RememberedArgon2id(salt=salt, **PARAMS).derive(b"words") == real  # recalled
    assert RememberedArgon2id(salt=salt, **PARAMS).derive(b"other") != real
    assert RememberedArgon2id(salt=b"t" * 16, **PARAMS).derive(b"words") != real


def test_bad_parameters_are_refused_as_by_the_real_class() -> None:
    with pytest.raises(ValueError):
        RememberedArgon2id(salt=b"short", **PARAMS)


def test_the_store_derives_through_it_and_a_wrong_passphrase_still_fails(tmp_path, monkeypatch):
    if crypto.Argon2id is Argon2id:
        pytest.skip(f"{REAL_KDF_ENV}=1: every derivation is real")
    path = tmp_path / "s.ipsf"
    with Store.create(path, "right words", kdf=KdfParams.FOR_TESTS):
        pass
    remembered = len(RememberedArgon2id.answers)
    with Store.open(path, "right words"):
        pass
    assert len(RememberedArgon2id.answers) == remembered  # the reopen was recalled
    with pytest.raises(WrongPassphrase):
        Store.open(path, "wrong words")
    assert len(RememberedArgon2id.answers) == remembered + 1
