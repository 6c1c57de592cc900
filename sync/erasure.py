"""Erasure for good (DESIGN.md §5): erased cases are remembered by id, nothing else, and
the scrub of older copies is owed until it is done.

:func:`remember_erased` is called inside the transaction that removes a family's records,
so the removal, the remembered id and the pending scrub are **one** write. The scrub
(:func:`finish_scrub`: a compaction that also rewrites ``<store>.prev``) follows at once;
if the computer stops first, the next open of the sync node finishes it
(:class:`sync.node.SyncNode` calls :func:`finish_scrub`). Later operations on an erased
case are dropped by the merge and reported in the import summary.
"""

from __future__ import annotations

import contextlib
from typing import Any

from ips_field.errors import StoreError

ERASED = "sync_erased"  # {"id": case_id}: nothing else is kept
SCRUB = "sync_scrub"  # {"id": "pending"} while older copies may still hold an erased family
PENDING = "pending"


def erased_ids(store: Any) -> set[str]:
    """The ids of every case erased here."""
    return {d["id"] for d in store.table(ERASED).all()}


def is_erased(store: Any, case_id: str | None) -> bool:
    return bool(case_id) and store.table(ERASED).get_id(case_id) is not None


def remember_erased(store: Any, case_id: str) -> None:
    """Record ``case_id`` as erased and the scrub as owed (call inside the erasing write)."""
    with store.transaction():
        store.table(ERASED).put({"id": case_id})
        store.table(SCRUB).put({"id": PENDING})


def owe_scrub(store: Any) -> None:
    """Record a scrub of older copies as owed (call inside the write that removed data that
    must not survive in ``.prev`` or the journal, e.g. the laptop's retention purge)."""
    store.table(SCRUB).put({"id": PENDING})


def scrub_pending(store: Any) -> bool:
    return store.table(SCRUB).get_id(PENDING) is not None


def finish_scrub(store: Any) -> bool:
    """Rewrite the store and its previous generation if a scrub is owed; True if one ran.

    A store without generations on disk (the in-memory store) has nothing to scrub."""
    if not scrub_pending(store):
        return False
    compact = getattr(store, "compact", None)
    if compact is not None and getattr(store, "path", None) is not None:
        compact(scrub_previous=True)
    with store.transaction():
        store.table(SCRUB).delete_ids([PENDING])
    return True


def finish_owed_scrub(store: Any) -> None:
    """At every open of a store: finish an erasure's scrub that a crash interrupted.

    Best effort: if the disk refuses now, the scrub stays owed and is tried at the next open."""
    with contextlib.suppress(StoreError, OSError):
        finish_scrub(store)
