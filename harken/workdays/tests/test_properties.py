"""Property tests: the fast arithmetic agrees with a plain day-by-day reading of reg 2.

Each test draws whether the council's closure days are skipped: by reg 2 (the default) they
are working days and change nothing; the team's own targets may skip them."""

import datetime as dt
from functools import cache

import holidays
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from harken.workdays import rules

PARTS = ["ENG", "SCT", "NIR"]
FIRST, LAST = dt.date(2012, 1, 1), dt.date(2027, 12, 31)
dates = st.dates(min_value=FIRST, max_value=LAST)
counts = st.integers(min_value=0, max_value=120)
# A few council closure days around the dates drawn, and whether the count skips them.
closure_sets = st.frozensets(dates, max_size=6)
skips = st.booleans()
# Drawn rather than parametrised: each part gets a third of the examples, in a third the time.
parts = st.sampled_from(PARTS)
examples = settings(max_examples=200, deadline=None, database=None)


@cache
def _days_off(part):
    """The package's bank holidays for `part` plus the days reg 2 names, as plain dates."""
    bank_holidays = holidays.country_holidays("GB", subdiv=part, years=range(2011, 2030))
    named = set()
    for year in range(2011, 2030):
        named |= {dt.date(year, 12, 25), dt.date(year, 12, 26)}
        named.add(easter(year) - dt.timedelta(days=2))
    return frozenset(bank_holidays) | named


def naive_is_working_day(day, part, closures=frozenset()):
    """Reg 2 read literally, one day at a time; `closures`: closure days skipped as well."""
    return not (day.weekday() >= 5 or day in _days_off(part) or day in closures)


def naive_count(start, end, part, closures=frozenset()):
    total, day = 0, start + dt.timedelta(days=1)
    while day <= end:
        total += naive_is_working_day(day, part, closures)
        day += dt.timedelta(days=1)
    return total


@examples
@given(part=parts, day=dates, closures=closure_sets, skip=skips)
def test_is_working_day_agrees_with_reg_2(part, day, closures, skip):
    """is_working_day matches the day-by-day reading; closure days only where skipped."""
    off = closures if skip else frozenset()
    with override_settings(HARKEN_UK_PART=part), rules.override_closure_days(closures):
        working = rules.is_working_day(day, skip_closure_days=skip)
        assert working is naive_is_working_day(day, part, off)
        assert (rules.non_working_reason(day, skip_closure_days=skip) is None) is working


@examples
@given(part=parts, start=dates, n=counts, closures=closure_sets, skip=skips)
def test_add_working_days(part, start, n, closures, skip):
    """The n-th working day after start: a working day, later, counted as n, and minimal; the
    explanation names the closure days in the stretch, skipped or counted."""
    off = closures if skip else frozenset()
    counted = {"skip_closure_days": skip}
    with override_settings(HARKEN_UK_PART=part), rules.override_closure_days(closures):
        due = rules.add_working_days(start, n, **counted)
        assert rules.working_days_between(start, due, **counted) == n
        assert naive_count(start, due, part, off) == n
        if n == 0:
            assert due == start
            return
        assert due > start
        assert naive_is_working_day(due, part, off)
        assert rules.working_days_between(start, due - dt.timedelta(days=1), **counted) == n - 1
        assert rules.add_working_days(start, n - 1, **counted) < due
        deadline = rules.working_day_deadline(start, n, **counted)
        assert deadline.due == due
        expected_skipped = [
            d
            for d in (start + dt.timedelta(days=i) for i in range(1, (due - start).days))
            if d.weekday() < 5 and not naive_is_working_day(d, part, off)
        ]
        assert list(deadline.skipped) == expected_skipped
        assert list(deadline.closures) == sorted(
            d for d in closures if start < d <= due and naive_is_working_day(d, part)
        )


@examples
@given(part=parts, start=dates, end=dates, closures=closure_sets, skip=skips)
def test_working_days_between_agrees_with_counting(part, start, end, closures, skip):
    """working_days_between counts like walking the calendar (short spans; 0 backwards)."""
    end = min(end, start + dt.timedelta(days=400))
    off = closures if skip else frozenset()
    with override_settings(HARKEN_UK_PART=part), rules.override_closure_days(closures):
        counted = rules.working_days_between(start, end, skip_closure_days=skip)
        assert counted == naive_count(start, end, part, off)


@examples
@given(
    part=parts,
    start=dates,
    months=st.integers(min_value=0, max_value=3),
    closures=closure_sets,
    skip=skips,
)
def test_calendar_month_deadline(part, start, months, closures, skip):
    """The due date is a working day on or after the same date `months` later, and the
    first such day."""
    same_date = start + relativedelta(months=months)
    off = closures if skip else frozenset()
    with override_settings(HARKEN_UK_PART=part), rules.override_closure_days(closures):
        deadline = rules.calendar_month_deadline(start, months, skip_closure_days=skip)
        assert deadline.due == rules.add_calendar_months(start, months, skip_closure_days=skip)
    assert deadline.due >= same_date
    assert naive_is_working_day(deadline.due, part, off)
    day = same_date
    while day < deadline.due:
        assert not naive_is_working_day(day, part, off)
        day += dt.timedelta(days=1)
    assert (deadline.moved_from is None) is (deadline.due == same_date)
