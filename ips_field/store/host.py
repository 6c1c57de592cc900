"""What the store's mixins (:mod:`~ips_field.store.writes`, :mod:`~ips_field.store.keys`)
use of :class:`~ips_field.store.store.Store`, for the type checker only.

The mixins import this under ``TYPE_CHECKING`` (at run time their base is ``object``): naming
``Store`` itself as their base would be a cycle, since ``Store`` is built from them.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from pathlib import Path
from typing import Any

from ips_field.store.crypto import KdfParams

Data = dict[str, dict[str, dict[str, Any]]]


class StoreHost:
    path: Path
    read_only: bool
    header: dict[str, Any]
    store_id: str
    generation: int
    kdf: KdfParams | None
    torn_tail_dropped: bool
    _lock: threading.RLock
    _dek: bytes | None
    _fd: int | None
    _seq: int
    _prev_hash: bytes
    _valid_end: int
    _base_bytes: int
    _journal_bytes: int
    _seal_raw: bytes
    _seal_start: int
    _seal_next: int

    @property
    @abstractmethod
    def prev_path(self) -> Path: ...

    @abstractmethod
    def _record_ad(self, seq: int, prev: bytes) -> bytes: ...

    @abstractmethod
    def _open_handle(self) -> None: ...

    @abstractmethod
    def _close_handle(self) -> None: ...

    @abstractmethod
    def _writable(self) -> Data: ...

    # from WritesMixin, used by KeySlotsMixin
    @abstractmethod
    def _rewrite(self, data: Data, *, keep_previous: bool, dek: bytes | None = None) -> None: ...

    @abstractmethod
    def _scrub_previous(self) -> None: ...
