"""Working-day numbering for `workdays(a, b)`: n(d), and the rows of the SQL's `kp_cal(day, n)` table.

A working day is Monday to Friday, less the calendar's holidays, plus its make-up working days (调休).  n(d)
counts the working days from 1 January of the calendar's first year through d, so `workdays(a, b)` is
n(date(b)) - n(date(a)): the working days after a's date, up to and including b's.  The same numbers go to
every engine as a table of literal rows (exact and portable, where generated date series are dialect-specific),
and to the Python reference counter, so both read one truth: the ruleset's lists, never a package's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Protocol


class CalendarLike(Protocol):
    """What numbering needs of the model's `Calendar`: its years, holidays and make-up working days."""

    @property
    def years(self) -> tuple[int, ...]: ...

    @property
    def holidays(self) -> frozenset[date]: ...

    @property
    def workdays(self) -> frozenset[date]: ...


def is_working_day(day: date, cal: CalendarLike) -> bool:
    """Monday to Friday and not a holiday, or a make-up working day."""
    if day in cal.workdays:
        return True
    return day.weekday() < 5 and day not in cal.holidays


def numbered_days(cal: CalendarLike) -> Iterator[tuple[date, int]]:
    """(day, n(day)) for every day of the calendar's years, in date order.

    The count runs from 1 January of the first year without a break, so a year missing from a list such as
    [2023, 2025] has no rows (its dates are outside the calendar) but its working days still separate the
    others: n is the same function whichever years are listed."""
    years = sorted(set(cal.years))
    if not years:
        return
    listed = set(years)
    day, last, n = date(years[0], 1, 1), date(years[-1], 12, 31), 0
    while day <= last:
        n += is_working_day(day, cal)
        if day.year in listed:
            yield day, n
        day += timedelta(days=1)


def numbering(cal: CalendarLike) -> dict[date, int]:
    """n(d) for every day of the calendar's years; a date outside them has no number (workdays is empty)."""
    return dict(numbered_days(cal))
