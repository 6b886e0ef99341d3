"""Partial updates with named fields: "not given" is a value of its own.

An update service names each field it may change as a keyword-only argument whose default is
`NOT_GIVEN`, so a caller changes only what it passes, a misspelt field is a `TypeError` (not
a silently ignored key) and mypy checks each value's type. `None` stays a value a caller may
give ("no date of birth"), which is why the default is not `None`
(docs/adr/0050-one-checks-module-and-typed-updates.md)."""

from __future__ import annotations

import enum
from typing import Any, Literal


class _NotGiven(enum.Enum):
    NOT_GIVEN = "not given"

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN = _NotGiven.NOT_GIVEN
# The type of `NOT_GIVEN`, for a parameter's annotation: `summary: str | NotGiven = NOT_GIVEN`.
NotGiven = Literal[_NotGiven.NOT_GIVEN]


def given(**values: Any) -> dict[str, Any]:
    """The values the caller gave, by name, in the order named."""
    return {name: value for name, value in values.items() if value is not NOT_GIVEN}
