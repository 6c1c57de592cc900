"""Plain files that leave the encrypted store on purpose (reports, subject access exports).

Written as a new file only (never over an existing one), readable by its owner only, binary,
and atomically, so a full disk or a crash leaves no half-written file. Errors are one line.
Owner-only modes mean nothing in a folder that other users can read (or, on Windows, outside
the user's own profile): :func:`shared_folder_warning` says so, for the caller to show.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ips_field.errors import IpsError
from ips_field.store import osdeps


def write_new_file(out: Path, data: str | bytes) -> Path:
    out = Path(out)
    if out.exists():
        raise IpsError(f"{out.name} already exists; choose another file name")
    if not out.parent.is_dir():
        raise IpsError(f"the folder {out.parent} does not exist")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        fd = osdeps.open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            osdeps.write_all(fd, raw)
            osdeps.fsync(fd)
        finally:
            osdeps.close(fd)
        if out.exists():  # os.replace would go over a file made meanwhile
            raise FileExistsError(17, "already exists")
        osdeps.replace(tmp, out)
    except OSError as err:
        with contextlib.suppress(OSError):
            osdeps.unlink(tmp)
        raise IpsError(f"could not write {out.name}: {err.strerror or err}") from None
    with contextlib.suppress(OSError):
        osdeps.fsync_dir(out.parent)
    return out


def shared_folder_warning(out: Path) -> str:
    """A sentence to show if others on this computer can read files saved beside ``out``."""
    if osdeps.others_can_read(Path(out).parent):
        return (
            " Other users of this computer can open that folder: move the file somewhere private."
        )
    return ""
