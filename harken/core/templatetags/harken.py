"""Template filters: dates as "4 January 2024" in London time."""

from __future__ import annotations

import datetime as dt

from django import template

from harken.core.dates import format_date, format_datetime

register = template.Library()


@register.filter
def uk_date(value: dt.date | dt.datetime | None) -> str:
    return format_date(value)


@register.filter
def uk_datetime(value: dt.datetime | None) -> str:
    return format_datetime(value)
