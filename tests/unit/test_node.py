"""Opening a sync node reads; only init and enrolment give a store its key pair."""

from __future__ import annotations

import pytest

from ips_field.store.table import MemoryStore
from sync.errors import NotEnrolled
from sync.keys import IDENTITY_DOC, IDENTITY_TABLE
from sync.node import SyncNode


def test_a_node_over_an_unenrolled_store_is_refused_and_writes_no_keys() -> None:
    store = MemoryStore()
    with pytest.raises(NotEnrolled, match="not enrolled"):
        SyncNode(store, "volunteer")
    assert store.table(IDENTITY_TABLE).get_id(IDENTITY_DOC) is None


def test_create_makes_one_identity_and_keeps_it() -> None:
    store = MemoryStore()
    first = SyncNode.create(store, "office")
    again = SyncNode(store, "office")
    assert again.identity.public == first.identity.public
    assert SyncNode.create(store, "office").node_id == first.node_id  # not a second key pair
