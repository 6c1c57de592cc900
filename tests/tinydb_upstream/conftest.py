"""TinyDB's own test suite, run over this project's encrypted storage as well as TinyDB's.

The ``db`` fixture is upstream's (memory and JSON storage) with a third case, ``store``: a
plain ``TinyDB`` (TinyDB's own ``Table`` and every write method it has) over
:class:`ips_field.store.tinydb_storage.StoreStorage`. After each test the store is closed,
opened again from disk, and must hold exactly what TinyDB last saw: a write path that changes
the cache without reaching the disk fails here.

The KDF is replaced by a cheap hash for this directory only: these tests are about TinyDB's
contract, not about key derivation (tests/unit/test_store*.py cover that).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tinydb import JSONStorage, TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import MemoryStorage

from ips_field.store.crypto import KdfParams
from ips_field.store.store import Store
from ips_field.store.tinydb_storage import StoreStorage

PASS = "tinydb upstream suite"


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    def derive(self: KdfParams, passphrase: str, salt: bytes) -> bytes:
        return hashlib.sha256(passphrase.encode() + salt).digest()

    monkeypatch.setattr(KdfParams, "derive", derive)


def snapshot(store: Store) -> dict:
    return {name: {k: dict(v) for k, v in docs.items()} for name, docs in store._live().items()}


@pytest.fixture(params=["memory", "json", "store"])
def db(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "json":
        db_ = TinyDB(tmp_path / "test.db", storage=JSONStorage)
    elif request.param == "memory":
        db_ = TinyDB(storage=MemoryStorage)
    else:
        path = tmp_path / "store" / "test.ipsf"
        store = Store.create(path, PASS, kdf=KdfParams.FOR_TESTS)
        db_ = TinyDB(storage=lambda: StoreStorage(store))

    db_.drop_tables()
    db_.insert_multiple({"int": 1, "char": c} for c in "abc")

    yield db_

    if request.param == "store":
        seen = snapshot(store)
        tables = db_.tables()
        store.close()
        with Store.open(path, PASS) as again:
            assert snapshot(again) == seen, "a change TinyDB saw did not reach the disk"
            assert TinyDB(storage=lambda: StoreStorage(again)).tables() == tables


@pytest.fixture
def storage():
    return CachingMiddleware(MemoryStorage)()
