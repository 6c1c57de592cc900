"""Dates as people read them in the UK: '3 December 2026', '10:30' (no I/O)."""

from __future__ import annotations

import datetime as dt

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def uk_date(value: str | dt.date | None) -> str:
    """'3 December 2026' from an ISO date or datetime; '' when missing or not a date."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def uk_time(value: str | None) -> str:
    """'10:30' from an ISO datetime with a time; '' otherwise."""
    if not value or len(value) < 16:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return ""
    return stamp.strftime("%H:%M")
