"""Month arithmetic and working days in England: the one place statutory dates are counted.

Pure functions of dates; no clock, no I/O. Bank holidays come from the ``holidays``
library (``holidays.country_holidays("GB", subdiv="ENG")``), which is data, not a lookup.

- *N months from a date* is the corresponding date N months later, or that month's last
  day when it has no such date (31 January + 1 month = 28 or 29 February). This is how the
  ICO counts "one calendar month" for a subject access request and how the tribunal counts
  "2 months after" a decision letter.
- *Weeks* are calendar weeks: 6 weeks from Tuesday 1 December is Tuesday 12 January.
- A *working day* is Monday to Friday and not a bank holiday in England (the tribunal
  rules' "working day": not a Saturday, Sunday, Christmas Day, Good Friday or bank holiday).
- The SEND Tribunal's own rule for starting an appeal (Tribunal Procedure (First-tier
  Tribunal) (HESC Chamber) Rules 2008, rule 12): a time limit ending on any day from
  25 December to 1 January moves to the first working day after 1 January; one ending in
  August to the first working day after 31 August; otherwise one that ends on a day that
  is not a working day moves to the next working day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable

ONE_DAY = dt.timedelta(days=1)
# Dates a statutory timeline counts from: wide enough for any case, narrow enough that
# every count (up to 999 months) and every holiday lookup stays inside what dates can hold.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
UNITS = ("days", "weeks", "months")
_PERIOD = re.compile(r"^\s*(\d{1,3})\s+(day|days|week|weeks|month|months)\s*$")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months: the corresponding date, or the month's last day if none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_weeks(day: dt.date, weeks: int) -> dt.date:
    """``day`` plus calendar weeks (7 days each)."""
    return day + dt.timedelta(weeks=weeks)


def add_period(day: dt.date, count: int, unit: str) -> dt.date:
    """``day`` plus ``count`` days, weeks or months."""
    if unit == "days":
        return day + dt.timedelta(days=count)
    if unit == "weeks":
        return add_weeks(day, count)
    if unit == "months":
        return add_months(day, count)
    raise ValueError(f"unknown unit {unit!r}")


def parse_period(text: str) -> tuple[int, str]:
    """``"6 weeks"`` -> ``(6, "weeks")``; raises ValueError for anything else."""
    match = _PERIOD.match(text)
    if not match:
        raise ValueError("not a period like '6 weeks', '2 months' or '15 days'")
    count, unit = int(match.group(1)), match.group(2)
    return count, unit if unit.endswith("s") else unit + "s"


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays  # data only; imported on first use so the CLI starts quickly

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holiday(day: dt.date) -> bool:
    """Whether ``day`` is a bank holiday in England (substitute days included)."""
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a bank holiday in England."""
    return day.weekday() < 5 and not bank_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def first_working_day_after(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    return next_working_day(day + ONE_DAY)


def christmas_window(day: dt.date) -> bool:
    """Whether ``day`` is from 25 December to 1 January inclusive."""
    return (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1)


def tribunal_deadline(day: dt.date) -> dt.date:
    """Where the SEND Tribunal moves a time limit for an appeal that ends on ``day``."""
    if christmas_window(day):
        new_year = dt.date(day.year + 1 if day.month == 12 else day.year, 1, 1)
        return first_working_day_after(new_year)
    if day.month == 8:
        return first_working_day_after(dt.date(day.year, 8, 31))
    return next_working_day(day)


ADJUSTMENTS: dict[str, Callable[[dt.date], dt.date]] = {
    "none": lambda day: day,
    "next_working_day": next_working_day,
    "tribunal": tribunal_deadline,
}


def adjust(day: dt.date, how: str) -> dt.date:
    """Apply a named adjustment (``none``, ``next_working_day``, ``tribunal``)."""
    return ADJUSTMENTS[how](day)


def in_range(day: dt.date) -> bool:
    """Whether ``day`` is one a timeline can count from (2000 to 2099)."""
    return EARLIEST <= day <= LATEST


def parse_user_date(text: str) -> dt.date:
    """A date typed by a person: ``YYYY-MM-DD`` or ``DD/MM/YYYY``, from 2000 to 2099;
    ValueError otherwise."""
    value = text.strip()
    day: dt.date | None = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = dt.date.fromisoformat(value)
    elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
        d, m, y = (int(g) for g in match.groups())
        day = dt.date(y, m, d)
    if day is None or not in_range(day):
        raise ValueError("not a date like 2026-03-31 or 31/03/2026 (2000 to 2099)")
    return day
