"""Month arithmetic, calendar weeks and working days in England, with dates worked out by hand.

Facts used below (checked against a printed calendar): 1 Dec 2026 is a Tuesday; Christmas
Day 2026 is a Friday, so Boxing Day (Saturday) is kept on Monday 28 December; 1 Jan 2027
is a Friday; 1 Jan 2028 is a Saturday, kept on Monday 3 January; Good Friday 2027 is
26 March and Easter Monday 29 March; the late summer bank holiday is Monday 31 Aug 2026
and Monday 30 Aug 2027; 1 Sep 2029 is a Saturday.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_field.domain import calendar as cal

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),  # no 31 Feb: the month's last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # 29 Feb plus a year
        (D(2028, 2, 29), 1, D(2028, 3, 29)),  # the corresponding date when there is one
        (D(2026, 12, 15), 2, D(2027, 2, 15)),  # over a year end
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 8, 31), 1, D(2026, 9, 30)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 31), 12, D(2027, 12, 31)),
    ],
)
def test_add_months_goes_to_the_corresponding_date_or_the_last_day(start, months, expected):
    assert cal.add_months(start, months) == expected


def test_weeks_are_calendar_weeks() -> None:
    # 1 Dec 2026 + 42 days: 30 to reach 31 Dec, 12 more into January.
    assert cal.add_weeks(D(2026, 12, 1), 6) == D(2027, 1, 12)
    # + 140 days: 30 (Dec) + 31 (Jan) + 28 (Feb) + 31 (Mar) = 120, then 20 April.
    assert cal.add_weeks(D(2026, 12, 1), 20) == D(2027, 4, 20)
    assert cal.add_weeks(D(2028, 2, 1), 4) == D(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6 weeks", (6, "weeks")), ("1 month", (1, "months")), ("15 days", (15, "days"))],
)
def test_parse_period(text, expected) -> None:
    assert cal.parse_period(text) == expected


@pytest.mark.parametrize("text", ["six weeks", "6 fortnights", "-1 days", "6", "", "1e3 days"])
def test_parse_period_refuses_anything_else(text) -> None:
    with pytest.raises(ValueError):
        cal.parse_period(text)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 11, 23), D(2026, 11, 23)),  # a Monday: itself
        (D(2026, 11, 21), D(2026, 11, 23)),  # Saturday -> Monday
        (D(2026, 12, 25), D(2026, 12, 29)),  # Christmas Fri, weekend, Boxing Day kept Mon 28
        (D(2027, 12, 24), D(2027, 12, 24)),  # Christmas Eve is a working day
        (D(2027, 12, 25), D(2027, 12, 29)),  # Sat; both kept on Mon 27 and Tue 28
        (D(2027, 3, 26), D(2027, 3, 30)),  # Good Friday -> after Easter Monday
        (D(2026, 5, 25), D(2026, 5, 26)),  # spring bank holiday
        (D(2026, 8, 31), D(2026, 9, 1)),  # late summer bank holiday
        (D(2028, 1, 1), D(2028, 1, 4)),  # Sat, Sun, New Year kept on Mon 3 Jan
    ],
)
def test_next_working_day_skips_weekends_and_bank_holidays_in_england(day, expected) -> None:
    assert cal.next_working_day(day) == expected


def test_bank_holidays_are_england_not_scotland() -> None:
    assert not cal.is_working_day(D(2027, 8, 30))  # England's late summer holiday
    assert cal.is_working_day(D(2027, 8, 2))  # Scotland's summer holiday, not England's
    assert cal.is_working_day(D(2027, 1, 4))  # 2 January holiday is Scottish only


@pytest.mark.parametrize(
    ("ends", "expected"),
    [
        (D(2026, 12, 29), D(2027, 1, 4)),  # in the Christmas window: next working day in Jan
        (D(2026, 12, 25), D(2027, 1, 4)),
        (D(2026, 12, 31), D(2027, 1, 4)),
        (D(2027, 1, 1), D(2027, 1, 4)),  # 1 January is in the window too
        (D(2026, 12, 24), D(2026, 12, 24)),  # Thursday 24 Dec is outside it
        (D(2028, 1, 1), D(2028, 1, 4)),  # Sat; Mon 3 Jan 2028 is the kept New Year holiday
        (D(2028, 1, 2), D(2028, 1, 4)),  # outside the window, a Sunday: next working day
        (D(2027, 8, 10), D(2027, 9, 1)),  # August -> first working day in September (Wed)
        (D(2026, 8, 30), D(2026, 9, 1)),  # Sun 30 Aug; Mon 31 Aug is a bank holiday
        (D(2027, 8, 31), D(2027, 9, 1)),
        (D(2029, 8, 15), D(2029, 9, 3)),  # 1 Sep 2029 is a Saturday -> Monday 3 Sep
        (D(2027, 7, 31), D(2027, 8, 2)),  # Sat 31 July ends in July: next working day
        (D(2028, 12, 23), D(2028, 12, 27)),  # Sat 23 Dec: before the window; 25, 26 holidays
        (D(2027, 3, 20), D(2027, 3, 22)),  # Saturday -> Monday
        (D(2027, 3, 10), D(2027, 3, 10)),  # a Wednesday stays
    ],
)
def test_tribunal_deadline(ends, expected) -> None:
    assert cal.tribunal_deadline(ends) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-03-31", D(2026, 3, 31)), ("31/03/2026", D(2026, 3, 31)), (" 1/2/2027 ", D(2027, 2, 1))],
)
def test_parse_user_date(text, expected) -> None:
    assert cal.parse_user_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",
        "2026-02-30",
        "03/31/2026",
        "2026/03/31",
        "tomorrow",
        "",
        "20260331",
        "9999-12-31",  # 2 months on would not be a date at all
        "0001-01-01",
        "31/12/1999",
        "01/01/2100",
    ],
)
def test_parse_user_date_refuses(text) -> None:
    with pytest.raises(ValueError):
        cal.parse_user_date(text)


# --- properties over many dates -------------------------------------------------------------

DAYS = st.dates(min_value=cal.EARLIEST, max_value=cal.LATEST)


@given(DAYS)
def test_next_working_day_is_the_first_working_day_from_the_date(day) -> None:
    got = cal.next_working_day(day)
    assert got >= day and cal.is_working_day(got)
    probe = day
    while probe < got:
        assert not cal.is_working_day(probe)
        probe += cal.ONE_DAY


@given(DAYS)
def test_tribunal_deadline_is_a_working_day_out_of_the_window_it_ended_in(day) -> None:
    got = cal.tribunal_deadline(day)
    assert got >= day and cal.is_working_day(got)
    if cal.christmas_window(day) or day.month == 8:
        assert got.month != 8 and not cal.christmas_window(got)
    else:
        # A limit ending before the window or August moves only to the next working day,
        # which can fall inside them (Sat 23 Dec -> Wed 27 Dec; Sat 31 Jul -> Mon 2 Aug).
        assert got == cal.next_working_day(day)


@given(DAYS, st.integers(min_value=0, max_value=36))
def test_add_months_lands_in_the_right_month_and_never_past_the_day(day, months) -> None:
    got = cal.add_months(day, months)
    assert (got.year * 12 + got.month) - (day.year * 12 + day.month) == months
    assert got.day == day.day or (got.day < day.day and (got + cal.ONE_DAY).day == 1)
