"""Small pieces of plain English shared by both apps and the command lines."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``1 case``, ``3 cases``; ``many`` for irregular plurals (``2 children``)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def when(stamp: str) -> str:
    """``2026-11-23 10:28`` from a stored ISO time, or ``never``."""
    return stamp[:16].replace("T", " ") if stamp else "never"
