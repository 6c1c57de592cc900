"""TinyDB tables keyed by our UUID ``id`` field, and an in-memory store for tests.

Documents are stored under their own ``id`` (a uuid4 string), never under TinyDB's
integer ``doc_id``. Our own writes (``put``, ``put_many``, ``delete_ids``, ``update``) name
the ids they touch, so the store changes only those documents (in place, keeping what they
were for rollback) and never copies a whole table. TinyDB's own methods that IdTable
inherits (``update_multiple``, ``remove``, ``truncate``...) work on a deep copy of the table
and the store writes what differs in value. Every read hands out deep copies: changing a
returned document (or a list inside it) never changes the cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

from ips_field.store.values import json_copy, json_copy_flat

Docs = dict[str, dict[str, Any]]  # one table: id -> document


class IdTable(Table):
    """A TinyDB table whose document ids are our UUID strings.

    Over the encrypted store, writes change the table in place (the store keeps what each
    document was, for rollback and for the journal) and reads run under the store's lock,
    so a reader in another thread never sees a table change under it.
    """

    # TinyDB declares its ids as int; ours are uuid strings.
    document_id_class = str  # type: ignore[assignment]

    def _locked(self) -> contextlib.AbstractContextManager[Any]:
        lock = getattr(self._storage, "lock", None)
        return lock if lock is not None else contextlib.nullcontext()

    def _update_table(  # Any: TinyDB's own updaters, which call this too, say int ids
        self, updater: Callable[[dict[Any, Any]], None], *, replaces: bool = False
    ) -> None:
        """TinyDB's version converts every key twice per write; our keys are already
        strings. The table is a deep copy (the store's ``read`` copies it; TinyDB's memory
        storage is copied here), since TinyDB's updaters change documents in place; our own
        updaters only replace documents (``replaces``), so they need no copy."""
        with self._locked():
            tables = self._storage.read() or {}
            table = tables.get(self.name, {})
            if not replaces and not hasattr(self._storage, "mutate"):
                table = json_copy(table)
            table = dict(table)
            updater(table)
            tables[self.name] = table
            self._storage.write(tables)
        self.clear_cache()

    def _changed(self, updater: Callable[[Docs], None], ids: set[str]) -> None:
        """Run ``updater``, which touches only documents ``ids``: in place over the store
        (O(change)), or as a whole-table write over TinyDB's memory storage."""
        mutate = getattr(self._storage, "mutate", None)
        if mutate is not None:
            mutate(self.name, ids, updater)
            self.clear_cache()
        else:
            self._update_table(updater, replaces=True)

    def _read_table(self) -> dict[str, Mapping[str, Any]]:
        """The table's documents, without copying every table's entry (the store's own
        read gives TinyDB a fresh top-level dict, which only writes need)."""
        read_table = getattr(self._storage, "read_table", None)
        return read_table(self.name) if read_table is not None else super()._read_table()

    def _docs(self) -> Docs:
        """:meth:`_read_table` as it is at run time: TinyDB declares ``Mapping`` documents,
        but both storages (the store's cache and TinyDB's memory) hold plain dicts."""
        return cast(Docs, self._read_table())

    def __iter__(self) -> Iterator[Document]:
        with self._locked():
            docs = [
                Document(json_copy_flat(d), i)  # type: ignore[arg-type]  # TinyDB says int ids
                for i, d in self._docs().items()
            ]
        return iter(docs)

    def search(self, cond: Any) -> list[Document]:
        with self._locked():
            return [_copied(d) for d in super().search(cond)]

    def get(self, *args: Any, **kwargs: Any) -> Any:
        with self._locked():
            found = super().get(*args, **kwargs)
        if isinstance(found, list):
            return [_copied(d) for d in found]
        return _copied(found) if found is not None else None

    def put(self, doc: Mapping[str, Any]) -> str:
        """Insert or replace the document whose ``id`` is ``doc["id"]``."""
        doc_id = str(doc["id"])
        new = dict(doc)

        def updater(table: Docs) -> None:
            table[doc_id] = new

        self._changed(updater, {doc_id})
        return doc_id

    def put_many(self, docs: list[Mapping[str, Any]]) -> None:
        """Insert or replace several documents in one table write."""
        news = {str(d["id"]): dict(d) for d in docs}
        self._changed(lambda table: table.update(news), set(news))

    def get_id(self, doc_id: str) -> dict[str, Any] | None:
        """A copy of the document with this id, or ``None``."""
        with self._locked():
            found = self._docs().get(doc_id)
            return json_copy_flat(found) if found is not None else None

    def delete_ids(self, doc_ids: list[str]) -> None:
        """Remove documents for good (used by erasure and purge, not ordinary deletion)."""
        wanted = set(doc_ids)

        def updater(table: Docs) -> None:
            for doc_id in wanted:
                table.pop(doc_id, None)

        self._changed(updater, wanted)

    # type-ignored overrides below: they return our str ids, where TinyDB says int
    def insert(self, document: Mapping[str, Any]) -> str:  # type: ignore[override]
        if "id" in document:
            return self.put(document)
        raise TypeError("IdTable documents need an 'id' field (use put)")

    def insert_multiple(  # type: ignore[override]
        self, documents: Iterable[Mapping[str, Any]]
    ) -> list[str]:
        docs = list(documents)
        if not all("id" in d for d in docs):
            raise TypeError("IdTable documents need an 'id' field (use put_many)")
        self.put_many(docs)
        return [str(d["id"]) for d in docs]

    def update(  # type: ignore[override]
        self,
        fields: Mapping[str, Any] | Callable[[dict[str, Any]], None],
        cond: Any = None,
        doc_ids: Any = None,
    ) -> list[str]:
        """Like TinyDB's ``update`` but replaces each changed document object."""

        def apply(old: dict[str, Any]) -> dict[str, Any]:
            new: dict[str, Any] = json_copy(old)
            if callable(fields):
                fields(new)
            else:
                new.update(fields)
            return new

        with self._locked():
            table = self._docs()
            ids = list(doc_ids) if doc_ids is not None else list(table)
            news = {
                i: apply(table[i]) for i in ids if i in table and (cond is None or cond(table[i]))
            }
            self._changed(lambda t: t.update(news), set(news))
        return list(news)

    def upsert(  # type: ignore[override]
        self, document: Mapping[str, Any], cond: Any = None
    ) -> list[str]:
        if "id" in document:
            return [self.put(document)]
        raise TypeError("IdTable.upsert needs a document with an 'id' field")


def _copied(doc: Document) -> Document:
    return Document(json_copy_flat(dict(doc)), doc.doc_id)


class IdTinyDB(TinyDB):
    table_class = IdTable

    def table(self, name: str, **kwargs: Any) -> IdTable:
        return cast(IdTable, super().table(name, **kwargs))  # built from table_class


class MemoryStore:
    """Same surface as :class:`ips_field.store.store.Store`, held in memory (tests, demo)."""

    def __init__(self, node_id: str | None = None) -> None:
        self.db = IdTinyDB(storage=MemoryStorage)
        self.store_id = "memory"
        self.generation = 0
        self.path = None
        self.locked = False

    def table(self, name: str) -> IdTable:
        return self.db.table(name, cache_size=0)

    def tables(self) -> set[str]:
        return self.db.tables()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        storage = cast(MemoryStorage, self.db.storage)  # as built in __init__
        # Every write replaces a table's dict and the documents it changes (TinyDB's own
        # updaters work on a copy, see _update_table), and reads hand out copies, so what
        # was there before is each table's dict as it stands: no document need be copied.
        # (The encrypted store keeps what it replaces the same way, in _mutate.)
        memory = storage.memory
        before = None if memory is None else {name: dict(docs) for name, docs in memory.items()}
        try:
            yield
        except BaseException:
            storage.memory = before
            self.db.clear_cache()
            raise

    def lock(self) -> None:
        self.locked = True

    def unlock(self, passphrase: str) -> None:
        self.locked = False

    def close(self) -> None:
        self.db.close()

    def compact(self, *, scrub_previous: bool = False) -> None:
        """Nothing to compact in memory."""
