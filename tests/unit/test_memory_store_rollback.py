"""The in-memory store (demo and tests) puts every write of a failed transaction back."""

import pytest

from ips_field.store.table import MemoryStore


def test_a_failed_transaction_puts_back_every_kind_of_write() -> None:
    store = MemoryStore()
    cases = store.table("cases")
    cases.put({"id": "a", "tags": ["x"], "n": 1})
    cases.put({"id": "b", "n": 2})
    with pytest.raises(RuntimeError), store.transaction():
        cases.put({"id": "c", "n": 3})
        cases.update({"n": 9}, doc_ids=["a"])
        cases.update(lambda doc: doc["tags"].append("y"), doc_ids=["a"])
        cases.delete_ids(["b"])
        store.table("other").put({"id": "z"})
        cases.remove(doc_ids=["a"])  # TinyDB's own updater
        raise RuntimeError
    assert sorted(doc["id"] for doc in cases) == ["a", "b"]
    assert cases.get_id("a") == {"id": "a", "tags": ["x"], "n": 1}
    assert len(store.table("other")) == 0
