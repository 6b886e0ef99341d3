"""The one set of checks for dates, text and money: the words a user reads when a date is in
the future or too early, a text shows nothing, or an amount is not pounds and pence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harken.core import checks
from harken.core.dates import today
from harken.core.errors import ApplicationError

from .strategies import CONTROL, ZERO_WIDTH


def _refusal(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kwargs)
    [(field, [message])] = caught.value.field_errors.items()
    return field, message


# --- Dates ----------------------------------------------------------------------------------


def test_a_missing_date_is_asked_for_by_its_label():
    """The message names the field the way the form does: "Enter the date of the decision"."""
    assert _refusal(checks.date, "decided_on", None, label="of the decision") == (
        "decided_on",
        "Enter the date of the decision.",
    )


def test_a_missing_optional_date_is_no_date():
    assert checks.date("sent_on", None, label="it was sent", required=False) is None


@given(st.integers(min_value=1, max_value=3650))
def test_a_date_in_the_future_is_refused(days):
    """Any day after today (London) is refused, with the field's own label."""
    later = today() + dt.timedelta(days=days)
    assert _refusal(checks.date, "paid_on", later, label="of the payment") == (
        "paid_on",
        "The date of the payment must be today or in the past.",
    )


@given(st.integers(min_value=1, max_value=3650))
def test_a_future_date_is_kept_where_the_field_allows_it(days):
    later = today() + dt.timedelta(days=days)
    assert checks.date("due_on", later, label="it is due", future=True) == later


@given(st.integers(min_value=0, max_value=3650), st.integers(min_value=0, max_value=3650))
@example(0, 0)
def test_today_and_any_day_after_the_earliest_are_kept(back, gap):
    """Today is in the past for this rule, and the earliest day itself is allowed."""
    value = today() - dt.timedelta(days=back)
    earliest = value - dt.timedelta(days=gap)
    assert checks.date("on", value, label="it was answered", not_before=earliest) == value


@given(st.integers(min_value=1, max_value=3650))
def test_a_date_before_the_earliest_is_refused_naming_it(gap):
    """Without a label for the earliest day, the day itself is named, as people read dates."""
    earliest = dt.date(2024, 1, 4)
    value = earliest - dt.timedelta(days=gap)
    assert _refusal(checks.date, "on", value, label="it was answered", not_before=earliest) == (
        "on",
        "The date it was answered must be on or after 4 January 2024.",
    )


def test_a_date_before_received_names_what_happened_then():
    received = dt.date(2024, 3, 1)
    assert _refusal(
        checks.date,
        "made_on",
        dt.date(2024, 2, 29),
        label="the recommendation was made",
        not_before=received,
        before_label="the case was received (1 March 2024)",
    ) == (
        "made_on",
        "The date the recommendation was made must be on or after the case was received "
        "(1 March 2024).",
    )


# --- Text -----------------------------------------------------------------------------------


def test_text_is_kept_trimmed():
    assert checks.required_text("reason", "  Late reply \n", "Enter the reason.") == "Late reply"


@given(st.one_of(st.just(""), st.just("   \n\t"), ZERO_WIDTH))
def test_text_that_shows_nothing_gets_the_services_own_message(value):
    assert _refusal(checks.required_text, "reason", value, "Enter the reason.") == (
        "reason",
        "Enter the reason.",
    )


@given(CONTROL)
def test_text_with_a_control_character_is_refused_by_its_field_name(char):
    field, message = _refusal(
        checks.required_text, "cancel_reason", f"Moved{char} away", "Give the reason."
    )
    assert field == "cancel_reason"
    assert message.startswith("Cancel reason ")


def test_text_is_compared_with_one_kind_of_line_ending():
    assert checks.normal_text("one\r\ntwo\rthree  \n") == "one\ntwo\nthree"


# --- Money ----------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=9_999_999_999))
def test_pounds_and_pence_are_kept_exactly(pence):
    amount = Decimal(pence) / 100
    assert checks.money("amount", str(amount), what="amount paid") == amount


@given(st.decimals(max_value=0, allow_nan=False, allow_infinity=False, places=2))
def test_nothing_or_a_negative_amount_is_refused(amount):
    assert _refusal(checks.money, "amount", amount, what="amount paid") == (
        "amount",
        "The amount paid must be more than £0.",
    )


@given(st.integers(min_value=1, max_value=99_999_999), st.integers(min_value=1, max_value=9))
def test_parts_of_a_penny_are_refused(pounds, tenth_of_a_penny):
    amount = f"{pounds}.99{tenth_of_a_penny}"
    assert _refusal(checks.money, "amount", amount, what="amount paid") == (
        "amount",
        "The amount paid must be in pounds and pence.",
    )


@given(st.integers(min_value=100_000_000, max_value=10**30))
def test_too_many_digits_is_refused_before_the_pence(pounds):
    """A huge amount with fractions gets the limit, not a server error working out pence."""
    amount = f"{pounds}.123456789"
    assert _refusal(checks.money, "amount", amount, what="amount to pay") == (
        "amount",
        "The amount to pay must be less than £100,000,000.",
    )


@pytest.mark.parametrize("value", ["ten pounds", "NaN", "Infinity", "1e"])
def test_something_that_is_not_money_is_refused(value):
    assert _refusal(checks.money, "amount", value, what="amount") == (
        "amount",
        "The amount must be an amount of money.",
    )


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_amount_is_asked_for(value):
    assert _refusal(checks.money, "amount", value, what="amount paid") == (
        "amount",
        "Enter the amount paid.",
    )


def test_a_negative_count_is_refused_and_none_is_no_count():
    assert checks.count("pages_disclosed", None, what="pages") is None
    assert checks.count("pages_disclosed", 0, what="pages") == 0
    assert _refusal(checks.count, "pages_disclosed", -1, what="pages") == (
        "pages_disclosed",
        "The number of pages cannot be negative.",
    )


# --- Length, text with a length, whole numbers (retention, subject access, letters...) ------


def test_text_over_its_length_is_refused_in_words_built_from_what_it_is():
    assert checks.length("name", "x" * 120, what="the name", most=120) == "x" * 120
    assert _refusal(checks.length, "name", "x" * 121, what="the name", most=120) == (
        "name",
        "The name must be 120 characters or fewer.",
    )
    assert _refusal(checks.length, "text", "x" * 10001, what="the text", most=10000, end="") == (
        "text",
        "The text must be 10,000 characters or fewer",
    )


def test_text_field_trims_keeps_optional_empty_and_asks_for_required():
    assert checks.text_field("source", "  Act 1989 ", what="the source", most=300) == "Act 1989"
    assert checks.text_field("source", "\u200b\u2060", what="the source", most=300) == ""
    assert _refusal(
        checks.text_field, "reason", " ", what="the reason", most=500, required="Enter why."
    ) == ("reason", "Enter why.")
    field, message = _refusal(checks.text_field, "source", "Act\x07", what="the source", most=300)
    assert field == "source"
    assert message.startswith("The source")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the number of years."),
        ("seven", "The number of years must be a whole number."),
        ("-1", "The number of years must be a whole number."),
        ("١٢", "The number of years must be a whole number."),  # Arabic-Indic digits
        ("0", "The number of years must be between 1 and 120."),
        ("121", "The number of years must be between 1 and 120."),
    ],
)
def test_a_whole_number_outside_its_range_or_not_a_number_is_refused(typed, message):
    assert _refusal(checks.whole_number, "years", typed, what="years", lowest=1, highest=120) == (
        "years",
        message,
    )


def test_a_whole_number_may_be_given_as_typed_or_as_a_number():
    assert checks.whole_number("years", " 15 ", what="years", lowest=1, highest=120) == 15
    assert checks.whole_number("years", 120, what="years", lowest=1, highest=120) == 120
