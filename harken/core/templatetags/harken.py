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


# The query parameter that hides a list page's filter panel (MOJ filter layout), so that the
# "Hide filter" and "Show filter" toggle is a link that works without JavaScript.
FILTER_HIDDEN_PARAM = "filter"
FILTER_HIDDEN_VALUE = "hidden"


@register.inclusion_tag("includes/filter_toggle.html", takes_context=True)
def filter_toggle(context: template.Context) -> dict[str, object]:
    """The toggle above a filter layout: whether the panel is hidden, and the link that flips
    it, keeping the filters, sort and page the list has now."""
    request = context["request"]
    params = request.GET.copy()
    hidden = params.get(FILTER_HIDDEN_PARAM) == FILTER_HIDDEN_VALUE
    if hidden:
        params.pop(FILTER_HIDDEN_PARAM, None)
    else:
        params[FILTER_HIDDEN_PARAM] = FILTER_HIDDEN_VALUE
    query = params.urlencode()
    return {"hidden": hidden, "url": f"{request.path}?{query}" if query else request.path}


@register.simple_tag(takes_context=True)
def filter_hidden(context: template.Context) -> bool:
    """Whether the list page's filter panel is hidden (see `filter_toggle`)."""
    request = context["request"]
    return bool(request.GET.get(FILTER_HIDDEN_PARAM) == FILTER_HIDDEN_VALUE)
