"""Everything that differs by platform: file locks, flushing, replacing, file modes, folders.

POSIX, macOS and Windows branches live side by side here so the rest of the store never asks
which system it runs on. Every file operation the store makes goes through a function here
(``write_all``, ``fsync``, ``replace``, ``unlink``, ``close``), so that tests can inject faults
and a double of Windows file semantics (``tests/windows_double.py``) can stand in for the
platform.

Windows differs in four ways the store has to respect: a file that is open (by us, by an
antivirus scanner or an indexer) cannot be replaced or deleted, so the store closes its own
handle first and retries briefly on a sharing violation; a folder cannot be opened to fsync;
a file not opened binary translates newlines; and owner-only modes mean nothing on NTFS.
On macOS ``fsync`` does not flush the drive's cache: ``F_FULLFSYNC`` does.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from pathlib import Path
from typing import IO

import platformdirs

from ips_field.errors import StoreInUse

WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"
APP_NAME = "ips-field"
O_BINARY = getattr(os, "O_BINARY", 0)
O_NOINHERIT = getattr(os, "O_NOINHERIT", 0)
RETRIES = 20  # sharing violations: antivirus and indexers hold a new file for a moment
RETRY_SECONDS = 0.05
SHARING_ERRNOS = {errno.EACCES, errno.EBUSY, errno.EPERM}


def default_store_path(name: str = "volunteer.ipsf", app: str = APP_NAME) -> Path:
    """Where a store lives by default: the user's data folder (platformdirs)."""
    return Path(platformdirs.user_data_dir(app, appauthor=False)) / name


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) readable by the owner only."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not WINDOWS:
        os.chmod(folder, 0o700)


def open_private(path: Path, flags: int) -> int:
    """Open a file descriptor, binary, with mode 0600 (owner only)."""
    return os.open(path, flags | O_BINARY | O_NOINHERIT, 0o600)


def open_read(path: Path) -> int:
    return os.open(path, os.O_RDONLY | O_BINARY | O_NOINHERIT)


def read_all(path: Path) -> bytes:
    """A whole file's bytes, read binary through one descriptor that is closed at once."""
    fd = open_read(path)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        close(fd)


def write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def pwrite_all(fd: int, data: bytes, offset: int) -> None:
    """Write ``data`` at ``offset`` (seek + write: ``os.pwrite`` does not exist on Windows)."""
    os.lseek(fd, offset, os.SEEK_SET)
    write_all(fd, data)


def truncate(fd: int, size: int) -> None:
    os.ftruncate(fd, size)


def fsync(fd: int) -> None:
    """Flush a file to the drive: ``F_FULLFSYNC`` on macOS, where ``fsync`` is not a full flush."""
    if MACOS:
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            try:
                fcntl.fcntl(fd, full)
                return
            except OSError:
                pass  # some file systems (network shares) refuse it: fall back to fsync
    os.fsync(fd)


def close(fd: int) -> None:
    os.close(fd)


def _retrying(action, *args) -> None:  # type: ignore[no-untyped-def]
    for attempt in range(RETRIES):
        try:
            action(*args)
            return
        except FileNotFoundError:
            raise
        except OSError as err:
            if err.errno not in SHARING_ERRNOS or attempt == RETRIES - 1:
                raise
            time.sleep(RETRY_SECONDS)


def replace(src: Path, dst: Path) -> None:
    """``os.replace``, retried briefly while another program holds either file."""
    _retrying(os.replace, src, dst)


def unlink(path: Path) -> None:
    """Remove a file, retried briefly while another program holds it."""
    _retrying(os.unlink, path)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries so a rename survives power loss (no-op on Windows, where a
    folder cannot be opened for it and NTFS journals the rename itself)."""
    if WINDOWS:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fsync(fd)
    finally:
        os.close(fd)


def others_can_read(folder: Path) -> bool:
    """Can other users of this computer read files saved in ``folder``?

    POSIX: the folder is readable or searchable by group or others. Windows: NTFS modes are
    not checked here; a folder outside the user's own profile (a shared drive, ``C:\\Users\\
    Public``, the root of a USB stick) is taken as readable by others.
    """
    folder = Path(folder)
    if WINDOWS:
        home = Path(os.environ.get("USERPROFILE") or Path.home())
        try:
            folder.resolve().relative_to(home.resolve())
        except ValueError:
            return True
        return "public" in (p.lower() for p in folder.resolve().parts)
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH))


class FileLock:
    """An exclusive, non-blocking OS lock on ``<store>.lock`` held while a store is open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        handle = os.fdopen(open_private(self.path, os.O_RDWR | os.O_CREAT), "r+b")
        try:
            lock_fd(handle.fileno())
        except OSError:
            handle.close()
            raise StoreInUse("store is open elsewhere (another window or program)") from None
        self._handle = handle

    def release(self) -> None:
        """Release the lock; the handle is closed (which releases it too) whatever happens."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            unlock_fd(handle.fileno())
        except OSError:
            pass  # closing the handle below releases the lock as well
        finally:
            with contextlib.suppress(OSError):
                handle.close()


def lock_fd(fd: int) -> None:
    """Take an exclusive non-blocking lock on an open file (raises ``OSError`` if held)."""
    if WINDOWS:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def unlock_fd(fd: int) -> None:
    if WINDOWS:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
