"""Short forms the office's tables show: the start of a note, who wrote it, a UK time, a value."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ips_field.domain.dates import uk_date

NOTE_WIDTH = 60  # the table shows the start of a note; the full text is shown below it


def writer(names: dict[str, str], clock: Any) -> str:
    """Who wrote a value, from its clock ``[wall_ms, counter, node]``."""
    node = str(clock[2]) if isinstance(clock, list) and len(clock) == 3 else ""
    return names.get(node, "office" if node else "")


def _uk() -> dt.tzinfo | None:
    """UK time; the computer's own zone where no time-zone data is installed (Windows)."""
    try:
        return ZoneInfo("Europe/London")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def uk_when(value: str | None, *, full: bool = False) -> str:
    """'22 Nov 10:30' (or '22 November 2026 at 10:30') in UK time from an ISO datetime."""
    if not value:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return ""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(_uk())
    if full:
        return f"{uk_date(stamp.date())} at {stamp:%H:%M}"
    return f"{stamp.day} {stamp:%b %H:%M}"


def short(text: str, most: int = 24) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else repr(value)
