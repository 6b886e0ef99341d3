"""DBS checks to renew in the daily digest (docs/reminders.md), for those who keep the pool
(`Perm.POOL_EDIT`).

The Pool page and "Your day" list every check to renew every day. The digest does not: a
check lapses slowly, and the same line every morning for weeks is soon read past. A person is
in the digest on the first day the council is open on or after the day their check is 30 days
from lapsing, on or after the day it lapses, and, while it stays lapsed and they stay in the
pool, on the first open day of each month. Nothing is stored to do this: each digest looks at
the days since the one before."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse

from harken import access
from harken.access import Perm
from harken.workdays.rules import is_working_day

from . import selectors

if TYPE_CHECKING:
    from harken.accounts.models import User
    from harken.notifications.content import Section, Window


def _previous_open_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_working_day(day, skip_closure_days=True):
        day -= dt.timedelta(days=1)
    return day


def reminder_due(lapses_on: dt.date, today: dt.date) -> bool:
    """Whether this digest (on `today`, after the one on the previous open day) tells of a
    check lapsing on `lapses_on`."""
    since = _previous_open_day(today)
    moments = {lapses_on - dt.timedelta(days=selectors.DBS_NOTICE_DAYS), lapses_on}
    month_start = today.replace(day=1)
    if month_start > lapses_on:
        moments.add(month_start)
    return any(since < moment <= today for moment in moments)


def dbs_section(user: User, window: Window) -> Section | None:
    from harken.notifications import conf
    from harken.notifications.content import Item, Section

    if not access.may(user, Perm.POOL_EDIT):
        return None
    site = conf.site_url()
    due = [
        entry
        for entry in selectors.dbs_to_renew(window.today)
        if reminder_due(entry.dbs_lapse, window.today)  # type: ignore[attr-defined]
    ]
    if not due:
        return None
    lapsed = [e for e in due if e.dbs_lapse <= window.today]  # type: ignore[attr-defined]
    return Section(
        title="DBS checks to renew",
        overdue=len(lapsed),
        open=len(due) - len(lapsed),
        items=[
            Item(
                str(entry),
                "DBS check over three years old"
                if entry.dbs_lapse <= window.today  # type: ignore[attr-defined]
                else "DBS check three years old",
                entry.dbs_lapse,  # type: ignore[attr-defined]
                site + reverse("pool:entry", kwargs={"pk": entry.pk}),
            )
            for entry in due[: conf.items_listed()]
        ],
    )
