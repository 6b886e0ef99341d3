"""Calendar months for subject access requests: same date, month end, next working day."""

import datetime as dt

import pytest

from harken.workdays.models import ClosureDay
from harken.workdays.rules import add_calendar_months, calendar_month_deadline

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2023, 12, 12), 1, D(2024, 1, 12)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
        (D(2022, 11, 30), 1, D(2022, 12, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # a three-month extension
        # Saturday 30 December 2023, then New Year's Day: Tuesday 2 January.
        (D(2023, 11, 30), 1, D(2024, 1, 2)),
        (D(2025, 2, 1), 1, D(2025, 3, 3)),  # a Saturday
        (D(2026, 1, 31), 1, D(2026, 3, 2)),  # 28 February 2026 is a Saturday
        (D(2024, 7, 26), 1, D(2024, 8, 27)),  # the late summer bank holiday
        (D(2025, 11, 25), 1, D(2025, 12, 29)),  # Christmas Day, Boxing Day, the weekend
        (D(2023, 12, 25), 0, D(2023, 12, 27)),  # 0 months: the start, moved on
    ],
)
def test_add_calendar_months(start, months, due):
    """Same date next month, the last day where there is none, moved to a working day."""
    assert add_calendar_months(start, months) == due
    assert calendar_month_deadline(start, months).due == due


def test_moved_deadline_keeps_why():
    """A moved deadline records the date it moved from, why, and the weekdays passed over."""
    deadline = calendar_month_deadline(D(2025, 11, 25), 1)
    assert deadline.moved_from == D(2025, 12, 25)
    assert deadline.moved_because == "Christmas Day"
    assert deadline.skipped == (D(2025, 12, 25), D(2025, 12, 26))
    assert deadline.unit == "calendar months"
    assert deadline.amount == 1


def test_not_moved_deadline():
    """A deadline on a working day is not moved and skips nothing."""
    deadline = calendar_month_deadline(D(2025, 1, 31), 1)
    assert deadline.moved_from is None
    assert deadline.moved_because is None
    assert deadline.skipped == ()


def test_a_closure_day_does_not_move_a_subject_access_request():
    """The ICO's calendar month moves only past weekends and bank holidays: a council closure
    day on the date is a working day, and the explanation says it counted."""
    ClosureDay.objects.create(date=D(2024, 1, 12), reason="Office move")
    deadline = calendar_month_deadline(D(2023, 12, 12), 1)
    assert deadline.due == D(2024, 1, 12)
    assert deadline.explain() == (
        "Due 12 January 2024: 1 calendar month after 12 December 2023; 12 January, a council "
        "closure day, counts as a working day."
    )


def test_closure_day_moves_a_calendar_month_target_that_skips_it():
    """Where closure days are skipped (a team's own target), one on the date moves the
    deadline on, and says so."""
    ClosureDay.objects.create(date=D(2024, 1, 12), reason="Office move")
    deadline = calendar_month_deadline(D(2023, 12, 12), 1, skip_closure_days=True)
    assert deadline.due == D(2024, 1, 15)
    assert deadline.explain() == (
        "Due 15 January 2024: 1 calendar month after 12 December 2023, moved from "
        "12 January 2024 (Council closure: Office move) to the next working day."
    )


def test_negative_months_are_refused():
    """A negative number of months is a mistake."""
    with pytest.raises(ValueError, match="negative"):
        add_calendar_months(D(2024, 1, 1), -1)
    with pytest.raises(ValueError, match="negative"):
        calendar_month_deadline(D(2024, 1, 1), -1)
