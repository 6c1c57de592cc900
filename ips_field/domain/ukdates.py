"""Dates as a UK reader writes and reads them: ``01/12/2026`` (day first) or ``2026-12-01``.

Records keep ISO strings; screens show ``1 Dec 2026``-style text or ``01/12/2026`` and
accept both typed forms. No I/O.
"""

from __future__ import annotations

import datetime as dt
import re

_UK = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
HINT = "DD/MM/YYYY"


def parse_date(text: str) -> dt.date:
    """``01/12/2026``, ``1/12/2026``, ``01.12.2026`` or ``2026-12-01``; ValueError otherwise."""
    m = _ISO.match(text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _UK.match(text)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError("not a date")


def to_iso(text: str) -> str:
    """The ISO form of a typed date, or the text unchanged when it is not a date (so that
    the record's own validation says what is wrong with it)."""
    if not text.strip():
        return ""
    try:
        return parse_date(text).isoformat()
    except ValueError:
        return text.strip()


def to_iso_datetime(text: str) -> str:
    """``24/11/2026 10:00`` (or ISO) → ``2026-11-24T10:00``; what is not a date stays as typed,
    for the record's own validation to say what is wrong."""
    day, _, hour = text.strip().partition(" ")
    return f"{to_iso(day)}T{hour.strip()}"


def show_date(iso: str | None) -> str:
    """``2026-12-01`` → ``01/12/2026``; anything else unchanged."""
    if not iso:
        return ""
    try:
        return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def show_datetime(iso: str | None) -> str:
    """``2026-12-01T18:35:11+00:00`` → ``01/12/2026 18:35`` (no seconds, no zone)."""
    if not iso:
        return ""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return when.strftime("%d/%m/%Y %H:%M")
