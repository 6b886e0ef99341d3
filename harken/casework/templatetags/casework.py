"""Template helpers of the case-work pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from harken.core.dates import format_date

register = template.Library()


@register.filter
def change_value(value: Any) -> str:
    """A timeline old/new value as people read it: ISO dates as "4 January 2024"."""
    if value in (None, ""):
        return "nothing"
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return format_date(dt.date.fromisoformat(text))
        except ValueError:
            return text
    return text


@register.filter
def field_label(name: str) -> str:
    """A timeline field name as a phrase: "stage 1 acknowledged_on" -> "stage 1 acknowledged on"."""
    return str(name).replace("_", " ")


@register.filter
def tag_label(key: str) -> str:
    """The words of a deadline status tag ("Overdue")."""
    from harken.casework.selectors import TAGS

    return TAGS.get(key, ("", ""))[0]


@register.filter
def tag_colour(key: str) -> str:
    from harken.casework.selectors import TAGS

    return TAGS.get(key, ("", ""))[1]
