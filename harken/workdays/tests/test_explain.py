"""Deadline.explain(): one plain-English sentence saying how a due date was reached."""

import datetime as dt

import pytest

from harken.workdays.rules import (
    Deadline,
    calendar_month_deadline,
    format_dates,
    working_day_deadline,
)

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "sentence"),
    [
        (
            D(2023, 12, 18),
            10,
            "Due 4 January 2024: 10 working days after 18 December 2023, "
            "not counting 25 and 26 December and 1 January.",
        ),
        (D(2024, 3, 1), 10, "Due 15 March 2024: 10 working days after 1 March 2024."),
        (
            D(2024, 3, 28),
            5,
            "Due 8 April 2024: 5 working days after 28 March 2024, "
            "not counting 29 March and 1 April.",
        ),
        (
            D(2023, 5, 5),
            1,
            "Due 9 May 2023: 1 working day after 5 May 2023, not counting 8 May.",
        ),
        (
            D(2022, 6, 1),
            2,
            "Due 7 June 2022: 2 working days after 1 June 2022, not counting 2 and 3 June.",
        ),
        (D(2024, 3, 1), 0, "Due 1 March 2024: 0 working days after 1 March 2024."),
    ],
)
def test_working_day_sentences(start, n, sentence):
    """Skipped weekdays are listed by month in natural English; weekends are not listed."""
    assert working_day_deadline(start, n).explain() == sentence


def test_after_names_the_start():
    """`after` replaces the start date with the event the clock runs from."""
    deadline = working_day_deadline(
        D(2023, 12, 18), 10, after="the acknowledgement on 18 December 2023"
    )
    assert deadline.explain() == (
        "Due 4 January 2024: 10 working days after the acknowledgement on 18 December 2023, "
        "not counting 25 and 26 December and 1 January."
    )


def test_years_appear_when_a_month_comes_round_twice():
    """Over a year, each month carries its year so "1 January" is not ambiguous."""
    sentence = working_day_deadline(D(2023, 12, 20), 300).explain()
    assert sentence.startswith("Due 27 February 2025: 300 working days after 20 December 2023")
    assert "not counting 25 and 26 December 2023, 1 January 2024, 29 March 2024," in sentence
    assert sentence.endswith("25 and 26 December 2024 and 1 January 2025.")


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ([D(2024, 5, 8)], "8 May"),
        ([D(2024, 6, 1), D(2024, 6, 2), D(2024, 6, 3)], "1, 2 and 3 June"),
        ([D(2024, 3, 29), D(2024, 4, 1)], "29 March and 1 April"),
        ([D(2024, 4, 1), D(2024, 3, 29)], "29 March and 1 April"),
        (
            [D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27)],
            "29 March, 1 April and 6 and 27 May",
        ),
    ],
)
def test_format_dates(days, text):
    """Dates are sorted and grouped by month; lists of three or more take commas."""
    assert format_dates(days) == text


@pytest.mark.parametrize(
    ("start", "months", "sentence"),
    [
        (D(2023, 12, 12), 1, "Due 12 January 2024: 1 calendar month after 12 December 2023."),
        (
            D(2025, 1, 31),
            1,
            "Due 28 February 2025: 1 calendar month after 31 January 2025 (February has no 31st).",
        ),
        (
            D(2025, 2, 1),
            1,
            "Due 3 March 2025: 1 calendar month after 1 February 2025, "
            "moved from Saturday 1 March 2025 to the next working day.",
        ),
        (
            D(2026, 1, 31),
            1,
            "Due 2 March 2026: 1 calendar month after 31 January 2026 (February has no 31st), "
            "moved from Saturday 28 February 2026 to the next working day.",
        ),
        (
            D(2025, 11, 25),
            1,
            "Due 29 December 2025: 1 calendar month after 25 November 2025, "
            "moved from 25 December 2025 (Christmas Day) to the next working day.",
        ),
        (
            D(2023, 11, 30),
            3,
            "Due 29 February 2024: 3 calendar months after 30 November 2023 "
            "(February has no 30th).",
        ),
    ],
)
def test_calendar_month_sentences(start, months, sentence):
    """Calendar-month deadlines say when the month was short and when the date moved."""
    assert calendar_month_deadline(start, months).explain() == sentence


def test_calendar_month_after():
    """`after` works for calendar months too."""
    deadline = calendar_month_deadline(D(2025, 1, 31), 1, after="the request on 31 January 2025")
    assert deadline.explain() == (
        "Due 28 February 2025: 1 calendar month after the request on 31 January 2025 "
        "(February has no 31st)."
    )


def test_explain_uses_only_the_deadline_fields():
    """A stored Deadline explains itself the same way later, whatever the calendar says then."""
    deadline = Deadline(
        due=D(2024, 1, 5),
        start=D(2023, 12, 18),
        amount=10,
        unit="working days",
        skipped=(D(2023, 12, 25), D(2023, 12, 26), D(2023, 12, 27), D(2024, 1, 1)),
    )
    assert deadline.explain() == (
        "Due 5 January 2024: 10 working days after 18 December 2023, "
        "not counting 25, 26 and 27 December and 1 January."
    )
