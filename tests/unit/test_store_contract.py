"""Every write path reaches the disk, reads never share the cache, and values that would not
come back as they went in are refused at write (issue 12, Build 1 and 2)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from tinydb import operations as ops
from tinydb import where

from ips_field.errors import StoreWriteError
from ips_field.store.crypto import KdfParams
from ips_field.store.store import Store

PASS = "contract test passphrase"


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        KdfParams, "derive", lambda self, p, salt: hashlib.sha256(p.encode() + salt).digest()
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "s" / "v.ipsf"
    with Store.create(p, PASS, kdf=KdfParams.FOR_TESTS) as store:
        store.table("case").put_many(
            [{"id": f"c{i}", "status": "open", "n": i, "tags": ["a"]} for i in range(3)]
        )
    return p


def reopened(path: Path, name: str = "case") -> dict:
    with Store.open(path, PASS) as store:
        return {d["id"]: dict(d) for d in store.table(name).all()}


def test_update_multiple_on_idtable_survives_the_idle_lock(path: Path) -> None:
    with Store.open(path, PASS) as store:
        store.table("case").update_multiple([({"status": "closed"}, where("id") == "c1")])
        store.lock()
        store.unlock(PASS)
        assert store.table("case").get_id("c1")["status"] == "closed"
    assert reopened(path)["c1"]["status"] == "closed"


@pytest.mark.parametrize(
    ("op", "field", "want"),
    [
        (ops.set("status", "closed"), "status", "closed"),
        (ops.increment("n"), "n", 2),
        (ops.decrement("n"), "n", 0),
        (ops.add("n", 5), "n", 6),
        (ops.subtract("n", 1), "n", 0),
        (ops.delete("status"), "status", None),
    ],
)
def test_tinydb_operations_reach_disk(path: Path, op, field: str, want) -> None:
    with Store.open(path, PASS) as store:
        store.table("case").update(op, where("id") == "c1")
        assert store.table("case").get_id("c1").get(field) == want
    assert reopened(path)["c1"].get(field) == want


def test_remove_truncate_and_upsert_reach_disk(path: Path) -> None:
    with Store.open(path, PASS) as store:
        store.table("case").remove(where("id") == "c0")
        store.table("case").upsert({"id": "c2", "status": "closed", "n": 2, "tags": []})
    assert set(reopened(path)) == {"c1", "c2"} and reopened(path)["c2"]["status"] == "closed"
    with Store.open(path, PASS) as store:
        store.table("case").truncate()
    assert reopened(path) == {}


def test_drop_table_and_persist_empty_survive_reopen(path: Path) -> None:
    with Store.open(path, PASS) as store:
        store.db.drop_table("case")
        store.db.table("empty", persist_empty=True)
        assert store.db.tables() == {"empty"}
    with Store.open(path, PASS) as store:
        assert store.db.tables() == {"empty"}
        assert store.table("case").all() == []


def test_idtable_insert_without_an_id_is_a_clear_error(path: Path) -> None:
    with Store.open(path, PASS) as store, pytest.raises(TypeError, match="'id'"):
        store.table("case").insert({"status": "open"})


@pytest.mark.parametrize("read", ["all", "search", "get", "get_id", "iter"])
def test_changing_what_a_read_returned_never_changes_the_cache(path: Path, read: str) -> None:
    with Store.open(path, PASS) as store:
        table = store.table("case")
        doc = {
            "all": lambda: table.all()[0],
            "search": lambda: table.search(where("id") == "c0")[0],
            "get": lambda: table.get(where("id") == "c0"),
            "get_id": lambda: table.get_id("c0"),
            "iter": lambda: next(iter(table)),
        }[read]()
        doc["tags"].append("leaked")
        doc["status"] = "changed"
        again = table.get_id(doc["id"])
        assert again["tags"] == ["a"] and again["status"] == "open"
        store.db.storage.read()["case"][doc["id"]]["tags"].append("leaked")
        assert table.get_id(doc["id"])["tags"] == ["a"]


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        dt.date(2026, 11, 22),
        dt.datetime(2026, 11, 22, 10, 30),
        (1, 2),
        {1, 2},
        b"bytes",
        2**70,
        {"nested": [float("nan")]},
        {3: "int key"},
    ],
    ids=lambda v: type(v).__name__,
)
def test_a_value_that_would_not_round_trip_is_refused_and_nothing_changes(
    path: Path, value
) -> None:
    with Store.open(path, PASS) as store:
        before = path.read_bytes()
        with pytest.raises(StoreWriteError, match="cannot be stored; nothing was changed"):
            store.table("case").put({"id": "c0", "status": "open", "hours": value})
        assert "hours" not in store.table("case").get_id("c0")
        with pytest.raises(StoreWriteError):
            store.table("case").update({"hours": value}, where("id") == "c1")
        assert "hours" not in store.table("case").get_id("c1")
        assert path.read_bytes() == before
    assert "hours" not in reopened(path)["c0"]


def test_values_that_do_round_trip_come_back_exactly(path: Path) -> None:
    doc = {"id": "x", "f": 1.5, "i": -(2**63), "b": True, "n": None, "l": [1, [2.0, "s"]]}
    with Store.open(path, PASS) as store:
        store.table("other").put(doc)
    got = reopened(path, "other")["x"]
    assert got == doc and type(got["f"]) is float and type(got["b"]) is bool


def test_a_change_of_type_alone_is_written(path: Path) -> None:
    with Store.open(path, PASS) as store:
        store.table("case").update_multiple([({"n": True}, where("id") == "c1")])
    assert reopened(path)["c1"]["n"] is True  # 1 == True, but not the same stored value


@pytest.mark.parametrize("hours", [float("nan"), float("inf"), -1.0, 101, True, "2"])
def test_outreach_hours_that_are_not_a_sensible_number_are_refused(hours) -> None:
    from ips_field.domain.records import Outreach
    from ips_field.errors import ValidationError

    record = Outreach(on="2026-11-20", organisation="A school", hours=hours)
    with pytest.raises(ValidationError, match="hours"):
        record.validate()
    Outreach(on="2026-11-20", organisation="A school", hours=1.5).validate()
