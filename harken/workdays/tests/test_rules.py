"""Known answers for working days, 2011 to 2028, in each part of the UK."""

import datetime as dt

import pytest
from django.test import override_settings

from harken.workdays import rules
from harken.workdays.rules import (
    add_working_days,
    is_working_day,
    non_working_reason,
    working_day_deadline,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "due", "skipped"),
    [
        # Christmas and New Year on weekdays.
        (D(2023, 12, 18), 10, D(2024, 1, 4), [D(2023, 12, 25), D(2023, 12, 26), D(2024, 1, 1)]),
        # 2020/21: Boxing Day on a Saturday, substitute Monday 28 December.
        (D(2020, 12, 24), 4, D(2021, 1, 4), [D(2020, 12, 25), D(2020, 12, 28), D(2021, 1, 1)]),
        # 2021/22: Christmas and Boxing Day at the weekend, New Year's Day on a Saturday.
        (D(2021, 12, 24), 4, D(2022, 1, 4), [D(2021, 12, 27), D(2021, 12, 28), D(2022, 1, 3)]),
        # 2022/23: Christmas Day and New Year's Day on Sundays.
        (D(2022, 12, 23), 4, D(2023, 1, 3), [D(2022, 12, 26), D(2022, 12, 27), D(2023, 1, 2)]),
        # 2027/28: Christmas at the weekend, then New Year's Day on a Saturday.
        (D(2027, 12, 24), 4, D(2028, 1, 4), [D(2027, 12, 27), D(2027, 12, 28), D(2028, 1, 3)]),
        # 2011/12: New Year's Day on a Sunday.
        (D(2011, 12, 30), 1, D(2012, 1, 3), [D(2012, 1, 2)]),
        # Easter: Good Friday and Easter Monday.
        (D(2019, 4, 17), 3, D(2019, 4, 24), [D(2019, 4, 19), D(2019, 4, 22)]),
        (D(2024, 3, 28), 5, D(2024, 4, 8), [D(2024, 3, 29), D(2024, 4, 1)]),
        (D(2025, 4, 17), 1, D(2025, 4, 22), [D(2025, 4, 18), D(2025, 4, 21)]),
        (D(2027, 3, 25), 1, D(2027, 3, 30), [D(2027, 3, 26), D(2027, 3, 29)]),
        # One-off holidays and the bank holidays they moved.
        (D(2012, 6, 1), 1, D(2012, 6, 6), [D(2012, 6, 4), D(2012, 6, 5)]),
        (D(2020, 5, 7), 1, D(2020, 5, 11), [D(2020, 5, 8)]),
        (D(2022, 6, 1), 1, D(2022, 6, 6), [D(2022, 6, 2), D(2022, 6, 3)]),
        (D(2022, 9, 16), 1, D(2022, 9, 20), [D(2022, 9, 19)]),
        (D(2023, 4, 28), 5, D(2023, 5, 9), [D(2023, 5, 1), D(2023, 5, 8)]),
        # Late summer bank holiday.
        (D(2024, 8, 23), 1, D(2024, 8, 27), [D(2024, 8, 26)]),
        # Nothing in the way: two plain weeks.
        (D(2024, 3, 1), 10, D(2024, 3, 15), []),
        # Starting on a non-working day: day 1 is the next working day.
        (D(2023, 12, 25), 1, D(2023, 12, 27), [D(2023, 12, 26)]),
        (D(2024, 3, 2), 1, D(2024, 3, 4), []),
    ],
)
def test_england_and_wales_known_answers(start, n, due, skipped):
    """N working days after D skips weekends and England and Wales bank holidays."""
    assert add_working_days(start, n) == due
    assert working_days_between(start, due) == n
    deadline = working_day_deadline(start, n)
    assert deadline.due == due
    assert list(deadline.skipped) == skipped


@pytest.mark.parametrize(
    "day",
    [
        D(2012, 5, 28),  # the spring bank holiday moved to 4 June for the Diamond Jubilee
        D(2020, 5, 4),  # the early May bank holiday moved to 8 May for VE Day
        D(2022, 5, 30),  # the spring bank holiday moved to 2 June for the Platinum Jubilee
        D(2023, 12, 27),
        D(2024, 1, 2),  # a holiday in Scotland only
        D(2025, 3, 17),  # a holiday in Northern Ireland only
        D(2024, 7, 12),  # a holiday in Northern Ireland only
        D(2024, 8, 5),  # a holiday in Scotland only
    ],
)
def test_england_and_wales_working_days(day):
    """Days that look like holidays, or are holidays elsewhere, are working days in England."""
    assert is_working_day(day)
    assert non_working_reason(day) is None


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2024, 3, 2), "Saturday"),
        (D(2024, 3, 3), "Sunday"),
        (D(2023, 12, 25), "Christmas Day"),
        (D(2023, 12, 26), "Boxing Day"),
        (D(2021, 12, 25), "Christmas Day"),  # a named day wins over the weekend
        (D(2021, 12, 27), "Christmas Day (substitute day)"),
        (D(2021, 12, 28), "Boxing Day (substitute day)"),
        (D(2024, 3, 29), "Good Friday"),
        (D(2024, 4, 1), "Easter Monday"),
        (D(2024, 5, 27), "Spring bank holiday"),
        (D(2024, 8, 26), "Late summer bank holiday"),
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Coronation of Charles III"),
        (D(2012, 6, 5), "Diamond Jubilee of Elizabeth II"),
        (D(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (D(2020, 5, 8), "May Day"),
    ],
)
def test_non_working_reasons(day, reason):
    """Each non-working day says why, in words fit for a letter."""
    assert not is_working_day(day)
    assert non_working_reason(day) == reason


@override_settings(HARKEN_UK_PART="SCT")
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 1, 2), False),  # 2 January
        (D(2021, 1, 4), False),  # 2 January fell on a Saturday
        (D(2024, 4, 1), True),  # no Easter Monday in Scotland
        (D(2024, 3, 29), False),  # Good Friday
        (D(2024, 8, 5), False),  # summer bank holiday: the first Monday in August
        (D(2024, 8, 26), True),  # not the last Monday
        (D(2023, 11, 30), False),  # St Andrew's Day
        (D(2024, 12, 2), False),  # St Andrew's Day fell on a Saturday
        (D(2025, 12, 1), False),  # ... and on a Sunday
        (D(2022, 9, 19), False),
        (D(2023, 5, 8), False),
    ],
)
def test_scotland(day, working):
    """HARKEN_UK_PART=SCT uses Scotland's bank holidays."""
    assert is_working_day(day) is working


@override_settings(HARKEN_UK_PART="SCT")
def test_scotland_deadlines():
    """Scottish deadlines skip 2 January and St Andrew's Day but run through Easter Monday."""
    assert add_working_days(D(2023, 12, 29), 1) == D(2024, 1, 3)
    assert add_working_days(D(2024, 3, 28), 1) == D(2024, 4, 1)
    assert add_working_days(D(2024, 11, 29), 1) == D(2024, 12, 3)
    assert non_working_reason(D(2024, 12, 2)) == "Saint Andrew's Day (substitute day)"


@override_settings(HARKEN_UK_PART="NIR")
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 3, 17), False),  # St Patrick's Day
        (D(2024, 3, 18), False),  # St Patrick's Day fell on a Sunday
        (D(2023, 7, 12), False),  # Battle of the Boyne
        (D(2026, 7, 13), False),  # ... on a Sunday in 2026
        (D(2024, 4, 1), False),  # Easter Monday
        (D(2024, 8, 26), False),
        (D(2024, 1, 2), True),
    ],
)
def test_northern_ireland(day, working):
    """HARKEN_UK_PART=NIR uses Northern Ireland's bank holidays."""
    assert is_working_day(day) is working


def test_the_part_is_read_at_call_time():
    """Changing the setting changes the answer at once (the cache is keyed by part)."""
    assert add_working_days(D(2025, 3, 14), 1) == D(2025, 3, 17)
    with override_settings(HARKEN_UK_PART="NIR"):
        assert add_working_days(D(2025, 3, 14), 1) == D(2025, 3, 18)
    assert add_working_days(D(2025, 3, 14), 1) == D(2025, 3, 17)


@pytest.mark.parametrize("part", ["WLS", "wls", " eng "])
def test_wales_counts_as_england_and_wales(part):
    """HARKEN_UK_PART=WLS is England and Wales: one list of bank holidays (reg 2), not an error;
    the part is read whatever its capitals and spaces."""
    with override_settings(HARKEN_UK_PART=part):
        assert rules.uk_part() == "ENG"
        assert not is_working_day(D(2024, 4, 1))  # Easter Monday
        assert is_working_day(D(2024, 1, 2))  # 2 January is Scotland's
        assert add_working_days(D(2023, 12, 18), 10) == D(2024, 1, 4)


@override_settings(HARKEN_UK_PART="XYZ")
def test_an_unknown_part_is_a_configuration_error():
    """A mistyped HARKEN_UK_PART fails loudly rather than counting the wrong holidays."""
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="ENG"):
        is_working_day(D(2024, 1, 2))


@override_settings(HARKEN_UK_PART="XYZ")
def test_an_unknown_part_is_refused_in_one_line_by_every_command():
    """`harken check` (run by every command that serves or migrates) names the setting and
    what it may be, in one line, with no traceback."""
    from django.core import checks

    errors = [e for e in checks.run_checks() if e.id == "harken.E001"]
    assert len(errors) == 1
    assert str(errors[0].msg) == (
        "HARKEN_UK_PART must be ENG (England and Wales; WLS also means England and Wales), "
        "SCT or NIR, not 'XYZ'."
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 3, 1), D(2024, 3, 1), 0),
        (D(2024, 3, 5), D(2024, 3, 1), 0),
        (D(2024, 3, 1), D(2024, 3, 2), 0),  # a Saturday
        (D(2024, 3, 1), D(2024, 3, 4), 1),
        (D(2023, 12, 22), D(2024, 1, 2), 4),  # 27, 28, 29 December and 2 January
        (D(2023, 1, 1), D(2023, 12, 31), 251),  # 2023: 260 weekdays less 9 bank holidays
        (D(2024, 1, 1), D(2024, 12, 31), 254),  # 262 weekdays less 1 January (day 0) and 7
    ],
)
def test_working_days_between(start, end, expected):
    """Working days after start up to and including end."""
    assert working_days_between(start, end) == expected


def test_zero_days_is_the_start():
    """0 working days after D is D, even when D is not a working day."""
    assert add_working_days(D(2023, 12, 25), 0) == D(2023, 12, 25)


def test_negative_days_are_refused():
    """A negative count is a mistake, not a request to count backwards."""
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2024, 1, 1), -1)


def test_long_deadlines_cross_years():
    """300 working days is well over a year and still exact."""
    start = D(2023, 12, 20)
    due = add_working_days(start, 300)
    assert working_days_between(start, due) == 300
    assert is_working_day(due)
    assert working_days_between(start, due - dt.timedelta(days=1)) == 299
