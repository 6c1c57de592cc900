"""Everything that differs by platform: file locks, folder fsync, file modes, data folder.

POSIX and Windows branches live side by side here so the rest of the store never asks
which system it runs on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

import platformdirs

from ips_field.errors import StoreInUse

WINDOWS = sys.platform == "win32"
APP_NAME = "ips-field"


def default_store_path(name: str = "volunteer.ipsf", app: str = APP_NAME) -> Path:
    """Where a store lives by default: the user's data folder (platformdirs)."""
    return Path(platformdirs.user_data_dir(app, appauthor=False)) / name


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) readable by the owner only."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not WINDOWS:
        os.chmod(folder, 0o700)


def open_private(path: Path, flags: int) -> int:
    """Open a file descriptor with mode 0600 (owner only)."""
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
    return os.open(path, flags, 0o600)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries so a rename survives power loss (no-op on Windows)."""
    if WINDOWS:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileLock:
    """An exclusive, non-blocking OS lock on ``<store>.lock`` held while a store is open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def acquire(self) -> None:
        handle = os.fdopen(open_private(self.path, os.O_RDWR | os.O_CREAT), "r+b")
        try:
            if WINDOWS:
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StoreInUse("store is open elsewhere (another window or program)") from None
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            if WINDOWS:
                import msvcrt

                self._handle.seek(0)
                msvcrt.locking(self._handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        finally:
            self._handle.close()
            self._handle = None
