"""Atomic whole-file writes and crash leftovers, shared by the store and its key changes.

A whole file is written as a temp file beside its target (mode 0600, binary), flushed, closed
and only then moved over the target: Windows refuses to replace a file that is open, so
nothing of ours may hold either file at the move. A temp file left by a crash (an
interrupted compaction or passphrase change) is overwritten with zeros and removed the next
time the store opens.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from ips_field.store import osdeps

TMP_SUFFIX = ".tmp"


def tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}{TMP_SUFFIX}")


def replace_file(target: Path, blob: bytes) -> None:
    """Write ``blob`` as ``target`` atomically (temp, fsync, close, replace, folder fsync)."""
    tmp = tmp_name(target)
    fd = osdeps.open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        try:
            osdeps.write_all(fd, blob)
            osdeps.fsync(fd)
        finally:
            osdeps.close(fd)
        osdeps.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            wipe(tmp)
        raise
    osdeps.fsync_dir(target.parent)


def wipe(path: Path) -> None:
    """Overwrite a file with zeros and flush it (as far as the disk allows), then remove it."""
    with contextlib.suppress(OSError):
        size = path.stat().st_size
        fd = osdeps.open_private(path, os.O_WRONLY)
        try:
            zeros = bytes(min(size, 1 << 20))
            done = 0
            while done < size:
                n = min(len(zeros), size - done)
                osdeps.write_all(fd, zeros[:n])
                done += n
            osdeps.fsync(fd)
        finally:
            osdeps.close(fd)
    osdeps.unlink(path)


def leftovers(store_path: Path) -> list[Path]:
    """Temp files a crash left beside this store (its own, its ``.prev``'s and its seal's)."""
    prefix = f".{store_path.name}."
    try:
        names = os.listdir(store_path.parent)
    except OSError:
        return []
    return [store_path.parent / n for n in names if n.startswith(prefix) and n.endswith(TMP_SUFFIX)]


def clean_leftovers(store_path: Path) -> int:
    """Wipe and remove every leftover temp file; how many were removed."""
    removed = 0
    for path in leftovers(store_path):
        with contextlib.suppress(OSError):
            wipe(path)
            removed += 1
    return removed
