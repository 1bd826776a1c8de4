"""jintai-orders' working-day calendar against chinese-calendar, day by day (issue 11).

The ruleset's own lists decide every result: kaoping never reads a package at run time, so an update of a
holiday package cannot change a published table.  This test is how the shipped lists are known to be right:
chinese-calendar (pinned in the test extra, built from the State Council's notices) must agree on every day
of 2023 and 2024.  A pinned version, because a newer one might correct a day: then this test fails, and a
person decides whether the ruleset's list (a new version of it) should follow.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import kaoping
from kaoping.orders.calendar import numbering

from .conftest import ROOT

RULESET = ROOT / "rulesets" / "jintai-orders" / "2024.02.yaml"


def calendar():
    orders = kaoping.load(str(RULESET)).model.orders
    assert orders is not None and orders.calendar is not None
    return orders.calendar


def test_the_package_is_the_pinned_version():
    assert chinese_calendar.__version__ == "1.11.0"


def test_every_day_of_2023_and_2024_is_a_working_day_exactly_when_chinese_calendar_says_so():
    cal = calendar()
    assert cal.years == (2023, 2024)
    day, differ = date(2023, 1, 1), []
    while day <= date(2024, 12, 31):
        if cal.is_workday(day) != chinese_calendar.is_workday(day):
            differ.append(day.isoformat())
        day += timedelta(days=1)
    assert differ == []


def test_the_working_days_of_february_2024_as_written_out_by_hand():
    # 1, 2, 4 (调休, a Sunday), 5-9, then the Spring Festival 10-17, 18 (调休, a Sunday), 19-23, 26-29
    by_hand = [1, 2, 4, 5, 6, 7, 8, 9, 18, 19, 20, 21, 22, 23, 26, 27, 28, 29]
    cal = calendar()
    found = [d for d in range(1, 30) if cal.is_workday(date(2024, 2, d))]
    assert found == by_hand


def test_workdays_across_the_spring_festival_counts_the_make_up_sunday_only():
    n = numbering(calendar())
    # dispatched Fri 2024-02-09, returned Sun 2024-02-18 (a make-up working day): one working day later
    assert n[date(2024, 2, 18)] - n[date(2024, 2, 9)] == 1
    # a Mon-Fri count would say 5 (12, 13, 14, 15, 16): the holidays are not working days
    assert n[date(2024, 2, 16)] - n[date(2024, 2, 9)] == 0
    # 2023 by hand: 1 January is a Sunday, so 52 whole weeks plus Sunday 31 December give 260 weekdays.
    # Weekday holidays: 01-02 (1), 01-23..27 (5), 04-05 (1), 05-01..03 (3), 06-22..23 (2), 09-29 and
    # 10-02..06 (6): 18.  Make-up weekend days: 01-28, 01-29, 04-23, 05-06, 06-25, 10-07, 10-08: 7.
    assert n[date(2023, 12, 31)] == 260 - 18 + 7 == 249
