"""A private crash file for an error nobody foresaw: ids only, never values (DESIGN.md §6).

Both command lines (``cli_common.one_line_errors``) and the apps' workers call
:func:`report_crash`: it writes the exception's *type* and the frames' ``file:line
function`` — no message, no locals, no arguments, since any of them may hold decrypted
record text — to a new file, mode 0600, created exclusively, and returns the one line
to show. No Textual, no Rich.
"""

from __future__ import annotations

import os
import secrets
import traceback
from pathlib import Path

from ips_field.domain.clock import Clock, default_clock

__all__ = ["CRASH_DIR_ENV", "crash_folder", "report_crash", "write_crash"]

CRASH_DIR_ENV = "IPS_FIELD_CRASH_DIR"


def crash_folder() -> Path:
    """``$IPS_FIELD_CRASH_DIR``, else ``crashes/`` in the user's data folder."""
    env = os.environ.get(CRASH_DIR_ENV)
    if env:
        return Path(env)
    from ips_field.store.osdeps import default_store_path

    return default_store_path().parent / "crashes"


def crash_text(operation: str, err: BaseException) -> str:
    """Operation, exception type and frames (file:line function): nothing else."""
    lines = [f"operation: {operation}", f"error: {type(err).__module__}.{type(err).__qualname__}"]
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {Path(frame.filename).name}:{frame.lineno} {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append(f"caused by: {type(current).__module__}.{type(current).__qualname__}")
    return "\n".join(lines) + "\n"


def write_crash(
    operation: str, err: BaseException, *, folder: Path | None = None, clock: Clock | None = None
) -> Path | None:
    """Write the crash file; its path, or None if it could not be written."""
    return write_crash_text(crash_text(operation, err), folder=folder, clock=clock)


def write_crash_text(
    text: str, *, folder: Path | None = None, clock: Clock | None = None
) -> Path | None:
    """A new crash file (0600, created exclusively, never through a link) holding ``text``,
    which the caller made of ids and code locations only; None if it could not be written."""
    folder = folder or crash_folder()
    stamp = (clock or default_clock()).utc().strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"crash-{stamp}-{secrets.token_hex(4)}.txt"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, flags, 0o600)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        return None
    return path


def report_crash(operation: str, err: BaseException, *, clock: Clock | None = None) -> str:
    """Write the crash file and return the one line to show the user."""
    path = write_crash(operation, err, clock=clock)
    where = f"; details (no record text) in {path}" if path else ""
    return f"{operation} failed unexpectedly ({type(err).__name__}){where}"
