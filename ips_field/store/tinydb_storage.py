"""TinyDB's side of the store: its ``Storage``, and what a whole-database write changed.

TinyDB's own write methods (``update``, ``upsert``, ``update_multiple``, the
``tinydb.operations`` helpers, ``remove``, ``truncate``, ``drop_table``...) read the whole
database, change documents *in place* and write it all back. So what :meth:`read` hands out
is copied, table by table as TinyDB asks for one, and :func:`diff` compares what comes back
with the cache by value: an in-place change can neither reach the cache without a write nor
be lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinydb.storages import Storage

from ips_field.store.values import json_copy, same

if TYPE_CHECKING:
    from ips_field.store.store import Store

Docs = dict[str, dict[str, Any]]  # one table: id -> document
Data = dict[str, Docs]


class CopyOnRead(dict[str, Docs]):
    """The database as TinyDB reads it: each table is a deep copy made when it is looked up.

    Iterating (as ``_write`` does) sees the cache's own tables, which it only compares."""

    def __getitem__(self, name: str) -> Docs:
        copied: Docs = json_copy(super().__getitem__(name))
        return copied

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 - copies


class StoreStorage(Storage):
    """TinyDB storage over the store's write-through cache."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.lock = store._lock  # held by IdTable while it reads a table

    def read(self) -> Data | None:
        with self._store._lock:
            return CopyOnRead(self._store._live())

    def read_table(self, name: str) -> Docs:
        """The cache's own table, for IdTable, which copies what it hands out."""
        return self._store._live().get(name, {})

    def write(self, data: Data) -> None:
        self._store._write(data)

    def mutate(self, name: str, ids: set[str], updater: Any) -> None:
        self._store._mutate(name, ids, updater)

    def close(self) -> None:
        """The store closes itself."""


def diff(old: Data, new: Data) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The documents that differ in value (``None``: removed), per table, and dropped tables.

    A table that is the cache's own object (TinyDB passed it through untouched) is skipped
    without looking inside; a new empty table is kept as a change (``persist_empty``)."""
    tables: dict[str, dict[str, Any]] = {}
    for name in dict.keys(new):
        docs = dict.__getitem__(new, name)
        before = old.get(name)
        if docs is before:
            continue
        if before is None:
            tables[name] = {k: _plain(v) for k, v in docs.items()}
            continue
        changed = {
            k: _plain(v) for k, v in docs.items() if k not in before or not same(before[k], v)
        }
        changed.update({k: None for k in before.keys() - docs.keys()})
        if changed:
            tables[name] = changed
    dropped = [name for name in old if name not in new]
    return tables, dropped


def _plain(doc: Any) -> Any:
    """TinyDB's ``Document`` is a dict subclass; the store keeps plain copies."""
    return json_copy(dict(doc)) if isinstance(doc, dict) else doc


def put_docs(docs: dict[str, Any], table: dict[str, Any]) -> None:
    """Put each document into ``table``; ``None`` removes that id."""
    for doc_id, doc in docs.items():
        if doc is None:
            table.pop(doc_id, None)
        else:
            table[doc_id] = doc


def apply_change(data: Data, change: dict[str, Any]) -> None:
    for name in change.get("drop", []):
        data.pop(name, None)
    for name, docs in change.get("t", {}).items():
        put_docs(docs, data.setdefault(name, {}))
