"""A double of the platform that enforces Windows file semantics, on Linux.

Switched on for a whole test run by ``IPS_PLATFORM_DOUBLE=windows`` (tests/conftest.py reads
it; ``.ci/run`` runs the store, sync and office tests through it). What it enforces, in this
process:

- a file that is open (any descriptor of this process, found through ``/proc/self/fd``)
  cannot be replaced, renamed over or deleted: ``PermissionError`` (EACCES), as Windows'
  sharing violation;
- a folder cannot be opened (so it cannot be fsynced);
- a file opened with ``os.open`` without ``O_BINARY`` translates ``\\n`` to ``\\r\\n`` on write,
  through ``os.write`` and through ``os.fdopen`` on that descriptor;
- an antivirus scanner or indexer holds every newly created file for a moment: the first
  attempt to replace or delete each file made with ``O_CREAT | O_EXCL`` fails with a sharing
  violation, the next works;
- ``ips_field.store.osdeps`` believes it is on Windows (``WINDOWS = True``, a real
  ``O_BINARY`` bit), except that its file lock stays ``flock`` (there is no ``msvcrt`` here).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

FAKE_O_BINARY = 1 << 30  # unused by Linux; stripped before the real open
_real = {
    name: getattr(os, name)
    for name in ("open", "write", "close", "replace", "rename", "unlink", "remove", "fdopen")
}
_text_fds: set[int] = set()
_av_held: set[str] = set()  # files written since their last replace or delete attempt
stats = {"sharing_refused": 0, "av_refused": 0, "folder_refused": 0, "translated": 0}


def _key(path: Any) -> str:
    return os.path.realpath(os.fspath(path))


def _open_paths() -> set[str]:
    out = set()
    fd_dir = "/proc/self/fd"
    for name in os.listdir(fd_dir):
        try:
            out.add(os.readlink(f"{fd_dir}/{name}"))
        except OSError:
            continue
    return out


def _sharing(path: Any, why: str) -> PermissionError:
    return PermissionError(errno.EACCES, f"(Windows double) {why}", os.fspath(path))


def _check_not_open(*paths: Any) -> None:
    held = _open_paths()
    for p in paths:
        key = _key(p)
        if key in held:
            stats["sharing_refused"] += 1
            raise _sharing(p, "the file is open and cannot be replaced or deleted")
        if key in _av_held:
            _av_held.discard(key)
            stats["av_refused"] += 1
            raise _sharing(p, "another program (antivirus) has the file open")


def _open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: Any = None) -> int:
    binary = bool(flags & FAKE_O_BINARY)
    flags &= ~FAKE_O_BINARY
    if dir_fd is None and os.path.isdir(path):
        stats["folder_refused"] += 1
        raise _sharing(path, "a folder cannot be opened")
    fd = _real["open"](path, flags, mode, dir_fd=dir_fd)
    writing = flags & (os.O_WRONLY | os.O_RDWR)
    if writing:
        if flags & os.O_CREAT and flags & os.O_EXCL:  # a new file: the scanner looks at it
            _av_held.add(_key(path))
        if not binary and stat.S_ISREG(os.fstat(fd).st_mode):
            _text_fds.add(fd)
    return fd


def _translate(fd: int, data: Any) -> Any:
    if fd in _text_fds:
        raw = bytes(data)
        if b"\n" in raw:
            stats["translated"] += 1
            return raw.replace(b"\n", b"\r\n")
    return data


def _write(fd: int, data: Any) -> int:
    translated = _translate(fd, data)
    n = _real["write"](fd, translated)
    return len(data) if translated is not data and n == len(translated) else n


def _close(fd: int) -> None:
    _text_fds.discard(fd)
    _real["close"](fd)


def _fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
    handle = _real["fdopen"](fd, *args, **kwargs)
    if fd in _text_fds and "b" in (args[0] if args else kwargs.get("mode", "r")):
        real_write = handle.write

        def write(data: Any) -> int:
            real_write(_translate(fd, data))
            return len(data)

        handle.write = write
    return handle


def _replace(src: Any, dst: Any, **kwargs: Any) -> None:
    _check_not_open(src, dst)
    _real["replace"](src, dst, **kwargs)


def _rename(src: Any, dst: Any, **kwargs: Any) -> None:
    _check_not_open(src, dst)
    _real["rename"](src, dst, **kwargs)


def _unlink(path: Any, **kwargs: Any) -> None:
    _check_not_open(path)
    _real["unlink"](path, **kwargs)


_saved: dict[str, Any] = {}


def install() -> None:
    """Put the double in place (for the rest of this process, or until :func:`uninstall`)."""
    from ips_field.store import osdeps

    if _saved:
        return
    _saved.update(
        {
            k: getattr(osdeps, k)
            for k in ("WINDOWS", "O_BINARY", "RETRY_SECONDS", "lock_fd", "unlock_fd")
        }
    )

    posix_lock, posix_unlock = osdeps.lock_fd, osdeps.unlock_fd

    def lock_fd(fd: int) -> None:
        osdeps.WINDOWS = False
        try:
            posix_lock(fd)
        finally:
            osdeps.WINDOWS = True

    def unlock_fd(fd: int) -> None:
        osdeps.WINDOWS = False
        try:
            posix_unlock(fd)
        finally:
            osdeps.WINDOWS = True

    os.open = _open  # type: ignore[assignment]
    os.write = _write  # type: ignore[assignment]
    os.close = _close  # type: ignore[assignment]
    os.fdopen = _fdopen  # type: ignore[assignment]
    os.replace = _replace  # type: ignore[assignment]
    os.rename = _rename  # type: ignore[assignment]
    os.unlink = _unlink  # type: ignore[assignment]
    os.remove = _unlink  # type: ignore[assignment]
    osdeps.WINDOWS = True
    osdeps.O_BINARY = FAKE_O_BINARY
    osdeps.RETRY_SECONDS = 0.001
    osdeps.lock_fd = lock_fd
    osdeps.unlock_fd = unlock_fd
    os.environ.setdefault("USERPROFILE", str(Path.home()))


def uninstall() -> None:
    from ips_field.store import osdeps

    for name, fn in _real.items():
        setattr(os, name, fn)
    for name, value in _saved.items():
        setattr(osdeps, name, value)
    _saved.clear()
    _text_fds.clear()
    _av_held.clear()


def active() -> bool:
    return os.environ.get("IPS_PLATFORM_DOUBLE") == "windows"
