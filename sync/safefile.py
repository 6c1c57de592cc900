"""Files in an inbox or shared folder, handled as hostile (DESIGN.md §5 "Files").

Everything here refuses links (``O_NOFOLLOW`` and ``lstat``), never blocks on a FIFO or
device (``O_NONBLOCK``, then ``S_ISREG`` on the opened descriptor), checks the size with
``fstat`` before reading a byte, and creates what it writes exclusively without following
links (``O_CREAT | O_EXCL | O_NOFOLLOW``). Errors are :class:`NotABundle` with a one-line
reason that names no file (callers print the escaped name beside it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from ips_field.store import osdeps
from sync.errors import BundleTooLarge, NotABundle

__all__ = [
    "KINDS",
    "Candidate",
    "create_exclusive",
    "move_into",
    "read_regular",
    "remove_read_file",
    "sniff",
]

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _binary() -> int:
    """``O_BINARY`` on Windows (no newline translation), from the one platform module."""
    return osdeps.O_BINARY


def _read_flags() -> int:
    return os.O_RDONLY | NOFOLLOW | NONBLOCK | CLOEXEC | _binary()


HEAD = 16

#: What a file's first bytes say it is (only these are ever touched).
KINDS = {
    b"IPSBNDL2": "bundle",
    b"IPSBNDL1": "bundle",  # an older format: ours, refused with a reason
    b"IPS-REPLY-1\n": "reply",
    b"IPS-INVITE-1\n": "invitation",
}


@dataclass(frozen=True)
class Candidate:
    """A regular file whose magic says it is a bundle, reply or invitation."""

    path: Path
    kind: str
    size: int
    identity: tuple[int, int]  # (st_dev, st_ino) when sniffed


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    try:
        fd = os.open(path, _read_flags())
    except OSError as err:
        if err.errno in (errno.ELOOP, errno.EMLINK):
            raise NotABundle("is a link: left alone") from None
        raise NotABundle("cannot be read") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotABundle("is not a regular file: left alone")
    return fd, st


def _read_fd(fd: int, size: int) -> bytes:
    chunks, left = [], size + 1  # one byte more than fstat said: a growing file is refused
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    data = b"".join(chunks)
    if len(data) != size:
        raise NotABundle("changed while it was read")
    return data


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, or :class:`NotABundle`."""
    return read_checked(path, max_bytes)[0]


def read_checked(path: Path, max_bytes: int) -> tuple[bytes, tuple[int, int]]:
    """:func:`read_regular` and the file's (device, inode) as read."""
    if Path(path).is_symlink():  # Windows has no O_NOFOLLOW
        raise NotABundle("is a link: left alone")
    fd, st = _open_regular(Path(path))
    try:
        if st.st_size > max_bytes:
            raise BundleTooLarge()
        return _read_fd(fd, st.st_size), (st.st_dev, st.st_ino)
    finally:
        os.close(fd)


def sniff(path: Path) -> Candidate | None:
    """A :class:`Candidate` if ``path`` is a regular file with one of our magics, else None.

    ``lstat`` first (links, folders, FIFOs and devices are never opened), then the file
    is opened without following links and without blocking, and checked again on the
    descriptor; at most 16 bytes are read.
    """
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    try:
        fd, st = _open_regular(Path(path))
    except (NotABundle, OSError):
        return None
    try:
        head = os.read(fd, HEAD)
    except OSError:
        return None
    finally:
        os.close(fd)
    for magic, kind in KINDS.items():
        if head.startswith(magic):
            return Candidate(Path(path), kind, st.st_size, (st.st_dev, st.st_ino))
    return None


def create_exclusive(path: Path, data: bytes) -> None:
    """Write a new file (mode 0600): never replaces anything, never follows a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC | _binary()
    fd = os.open(path, flags, 0o600)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def _real_dir(folder: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode)
    except OSError:
        return False


def move_into(path: Path, folder: Path, reason: str, identity: tuple[int, int]) -> bool:
    """Move our own file ``path`` into ``folder`` with ``<name>.reason.txt`` beside it.

    Only if ``path`` is still the file that was examined (same device and inode, not a
    link). ``folder`` must be a real folder (made if missing); an existing name there is
    never replaced (a random suffix is added). False when nothing could be moved (for
    example read-only media); the reason file is best effort.
    """
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != identity:
            return False
        if not _real_dir(folder):
            folder.mkdir(mode=0o700)
        if not _real_dir(folder):
            return False
        target = folder / path.name
        if os.path.lexists(target) or os.path.lexists(_reason_path(target)):
            target = folder / f"{path.stem}-{secrets.token_hex(4)}{path.suffix}"
        os.link(path, target)  # fails rather than replace an existing name
        osdeps.unlink(path)  # retried while antivirus holds it (Windows)
    except OSError:
        return False
    with contextlib.suppress(OSError):
        create_exclusive(_reason_path(target), (reason + "\n").encode("utf-8"))
    return True


def _reason_path(target: Path) -> Path:
    return target.with_name(target.name + ".reason.txt")


def remove_read_file(path: Path, identity: tuple[int, int]) -> bool:
    """Overwrite with zeros, then delete, an imported bundle (same inode only).

    After a successful import the file is of no use and still opens with the recipient's
    key: it is overwritten and deleted (DESIGN.md §5 "Erasure is for good"). A file with
    other hard links is only unlinked here (its other names are not ours to change).
    False when that is not possible (read-only media, replaced meanwhile).
    """
    try:
        fd = os.open(path, os.O_WRONLY | NOFOLLOW | NONBLOCK | CLOEXEC | _binary())
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != identity:
            return False
        if st.st_nlink == 1:  # a hard-linked name: only this name goes, the file stays
            _write_all(fd, bytes(st.st_size))
            osdeps.fsync(fd)
    except OSError:
        return False
    finally:
        os.close(fd)
    try:
        osdeps.unlink(path)
    except OSError:
        return False
    return True
