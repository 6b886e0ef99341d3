"""The checks every service makes of dates, text and money, written once.

The cases, registers and learning services (and any service after them) ask these functions,
so the same mistake gets the same words wherever it is made: "The date of the decision must
be today or in the past." Each message is built from the field's label, which reads after
"the date" ("of the decision", "the request was received") or after "the" ("amount paid").

What counts as text (control characters, text with nothing visible) is `harken.core.text`'s
rule (ADR 0030); this module only turns its answers into the refusal a user reads. Each
check raises `ApplicationError.for_field`, so a form shows the message beside its field and
the API returns it under the field's name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, overload

from . import text
from .dates import format_date, today
from .errors import ApplicationError

# Pence of a larger amount cannot be worked out in a Decimal of the money columns.
MONEY_LIMIT = Decimal("100000000")
PENCE = Decimal("0.01")


@overload
def date(
    name: str,
    value: dt.date | None,
    *,
    label: str,
    required: Literal[True] = ...,
    future: bool = ...,
    not_before: dt.date | None = ...,
    before_label: str = ...,
) -> dt.date: ...


@overload
def date(
    name: str,
    value: dt.date | None,
    *,
    label: str,
    required: bool,
    future: bool = ...,
    not_before: dt.date | None = ...,
    before_label: str = ...,
) -> dt.date | None: ...


def date(
    name: str,
    value: dt.date | None,
    *,
    label: str,
    required: bool = True,
    future: bool = False,
    not_before: dt.date | None = None,
    before_label: str = "",
) -> dt.date | None:
    """A date: given (unless not `required`), today or in the past (unless `future` is
    allowed), and not before `not_before`, named in the message by `before_label` ("the
    complaint was received") or else as the date itself ("4 January 2024").

    `label` completes "the date ...": "of the decision", "the request was received"."""
    if value is None:
        if required:
            raise ApplicationError.for_field(name, f"Enter the date {label}.")
        return None
    if not future and value > today():
        raise ApplicationError.for_field(name, f"The date {label} must be today or in the past.")
    if not_before is not None and value < not_before:
        raise ApplicationError.for_field(
            name,
            f"The date {label} must be on or after {before_label or format_date(not_before)}.",
        )
    return value


def required_text(name: str, value: str | None, message: str) -> str:
    """The text, trimmed; refused with `message` if it shows nothing (empty, only spaces or
    zero-width characters), and with text's own words if it holds a control character."""
    value = (value or "").strip()
    if not text.has_visible(value):
        raise ApplicationError.for_field(name, message)
    found = text.problem(value)
    if found:
        raise ApplicationError.for_field(name, text.message(name.replace("_", " "), found))
    return value


def normal_text(value: str) -> str:
    """Text as compared and kept: one kind of line ending, no trailing blank space (a browser
    sends CRLF, a form trims, an e-mail or import may do neither)."""
    return value.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def money(name: str, value: Decimal | int | str | None, *, what: str) -> Decimal:
    """An amount of money: more than £0, less than £100,000,000, in pounds and pence.
    `what` completes "the ...": "amount paid"."""
    if value is None or value == "":
        raise ApplicationError.for_field(name, f"Enter the {what}.")
    try:
        amount = Decimal(str(value))
    except ArithmeticError as exc:
        raise ApplicationError.for_field(name, f"The {what} must be an amount of money.") from exc
    if not amount.is_finite():
        raise ApplicationError.for_field(name, f"The {what} must be an amount of money.")
    if amount <= 0:
        raise ApplicationError.for_field(name, f"The {what} must be more than £0.")
    if amount >= MONEY_LIMIT:  # first: pence of a huge number cannot be worked out
        raise ApplicationError.for_field(name, f"The {what} must be less than £100,000,000.")
    if amount != amount.quantize(PENCE):
        raise ApplicationError.for_field(name, f"The {what} must be in pounds and pence.")
    return amount


def count(name: str, value: int | None, *, what: str) -> int | None:
    """A number of things, if given: not negative. `what` completes "the number of ..."."""
    if value is not None and value < 0:
        raise ApplicationError.for_field(name, f"The number of {what} cannot be negative.")
    return value


def length(name: str, value: str, *, what: str, most: int, end: str = ".") -> str:
    """Text of at most `most` characters. `what` starts the refusal ("the name", "how it was
    sent"): "The name must be 120 characters or fewer." (`end=""` where a page's messages
    have no full stop)."""
    if len(value) > most:
        raise ApplicationError.for_field(
            name, f"{what[:1].upper()}{what[1:]} must be {most:,} characters or fewer{end}"
        )
    return value


def text_field(
    name: str,
    value: object,
    *,
    what: str,
    most: int,
    required: str | None = None,
    one_line: bool | None = None,
) -> str:
    """Text, trimmed, as every path into the records accepts it (`harken.core.text`): no
    control character (nor, on one line, a direction control), at most `most` characters.
    Text that shows nothing is refused with `required` (the whole sentence) or, where the
    field is optional (`required=None`), kept as "". One line unless `most` is over 300."""
    cleaned = str(value if value is not None else "").strip()
    found = text.problem(cleaned, one_line=most <= 300 if one_line is None else one_line)
    if found:
        raise ApplicationError.for_field(name, text.message(what, found))
    if not text.has_visible(cleaned):
        if required is not None:
            raise ApplicationError.for_field(name, required)
        return ""
    return length(name, cleaned, what=what, most=most)


def whole_number(name: str, value: object, *, what: str, lowest: int, highest: int) -> int:
    """A whole number from `lowest` to `highest`, given as a number or as typed. `what`
    completes "the number of ..."."""
    typed = str(value if value is not None else "").strip()
    if not typed:
        raise ApplicationError.for_field(name, f"Enter the number of {what}.")
    if not (typed.isascii() and typed.isdigit()) or len(typed) > len(str(highest)) + 1:
        raise ApplicationError.for_field(name, f"The number of {what} must be a whole number.")
    number = int(typed)
    if not lowest <= number <= highest:
        raise ApplicationError.for_field(
            name, f"The number of {what} must be between {lowest} and {highest}."
        )
    return number
