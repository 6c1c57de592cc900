"""Plain files that leave the encrypted store on purpose (reports, subject access exports).

Written as a new file only (never over an existing one), readable by its owner only, and
atomically, so a full disk or a crash leaves no half-written file. Errors are one line.
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
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, out)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise IpsError(f"could not write {out.name}: {err.strerror or err}") from None
    with contextlib.suppress(OSError):
        osdeps.fsync_dir(out.parent)
    return out
