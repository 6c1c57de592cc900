"""Drafts: what a volunteer was typing, kept inside the encrypted store, never synced.

A draft is keyed by the screen it belongs to (``"meeting-note:<meeting id>"``) and holds
the text of that screen's fields. It is written as it is typed (the screen debounces),
before a lock and on an unexpected error, so that a lock, a crash or a quit loses nothing;
the screen offers it back the next time it opens. Drafts never reach the outbox: they are
the volunteer's unfinished work, not records.
"""

from __future__ import annotations

from typing import Any

from ips_field.domain.clock import Clock, default_clock

DRAFTS = "drafts"
MAX_FIELDS = 64
MAX_CHARS = 20_000  # per field: a long preparation box, not a file


class Drafts:
    """Put, read and drop drafts in one store (any object with ``table(name)``)."""

    def __init__(self, store: Any, clock: Clock | None = None) -> None:
        self.store = store
        self.time = clock or default_clock()

    def _table(self) -> Any:
        return self.store.table(DRAFTS)

    def save(self, key: str, fields: dict[str, str], *, label: str = "") -> None:
        """Keep ``fields`` (field id → text) for ``key``; an all-empty draft is dropped."""
        clean = {
            str(k)[:100]: str(v)[:MAX_CHARS]
            for k, v in list(fields.items())[:MAX_FIELDS]
            if isinstance(v, str)
        }
        if not any(v.strip() for v in clean.values()):
            self.drop(key)
            return
        old = self._table().get_id(key)
        if old is not None and old.get("fields") == clean:
            return  # nothing new: no store write
        doc = {
            "id": key,
            "fields": clean,
            "label": label[:200],
            "saved_at": self.time.utc().isoformat(timespec="seconds"),
        }
        self._table().put(doc)

    def get(self, key: str) -> dict[str, Any] | None:
        """The draft for ``key`` (``fields``, ``label``, ``saved_at``), or None."""
        doc = self._table().get_id(key)
        return dict(doc) if doc is not None else None

    def drop(self, key: str) -> None:
        if self._table().get_id(key) is not None:
            self._table().delete_ids([key])

    def all(self) -> list[dict[str, Any]]:
        """Every kept draft, newest first."""
        docs = [dict(d) for d in self._table().all()]
        return sorted(docs, key=lambda d: d.get("saved_at", ""), reverse=True)
