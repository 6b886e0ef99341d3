"""Dates as people read them: "4 January 2024", in London time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def format_date(value: dt.date | dt.datetime | None) -> str:
    """Format a date as "4 January 2024"; an aware datetime is first put in London time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: dt.datetime | None) -> str:
    """Format an aware datetime as "4 January 2024 at 2:05pm" in London time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{format_date(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def quantity(n: int, unit: str) -> str:
    """ "1 minute", "2 hours", "10 working days": a number of a unit, in words."""
    return f"{n} {unit}{'' if n == 1 else 's'}"


def idle_words(minutes: int) -> str:
    """A time someone may leave a page alone, in words: "2 hours", "90 minutes"."""
    return quantity(minutes // 60, "hour") if minutes % 60 == 0 else quantity(minutes, "minute")


def today() -> dt.date:
    """Today's date in London (not UTC: a case received at 00:30 BST is received today)."""
    return dt.datetime.now(tz=LONDON).date()
