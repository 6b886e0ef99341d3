"""The children's homes in the daily digest (docs/reminders.md): a month with no visit, a
home not yet visited this month, a report not sent to Ofsted by the end of the month after
the visit. For those who see the homes (`Perm.HOMES_VIEW`); nobody else gets the section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from harken import access
from harken.access import Perm

from . import selectors

if TYPE_CHECKING:
    from harken.accounts.models import User
    from harken.notifications.content import Section, Window


def homes_section(user: User, window: Window) -> Section | None:
    from harken.notifications import conf
    from harken.notifications.content import Item, Section

    if not access.may(user, Perm.HOMES_VIEW):
        return None
    found = selectors.flags(on=window.today)
    site = conf.site_url()
    items = [
        Item(
            str(home),
            f"No visit in {month:%B %Y}",
            selectors.month_end(month),
            site + reverse("homes:home", kwargs={"pk": home.pk}),
        )
        for home, month in found.missed
    ]
    items += [
        Item(
            f"{visit.home}, visit of {visit.visited_on:%-d %B %Y}",
            "Report to Ofsted",
            selectors.ofsted_due(visit.visited_on),
            site + reverse("homes:visit", kwargs={"pk": visit.pk}),
        )
        for visit in found.reports_overdue
    ]
    items += [
        Item(
            str(home),
            "Not yet visited this month",
            selectors.month_end(window.today),
            site + reverse("homes:home", kwargs={"pk": home.pk}),
        )
        for home in found.not_yet
    ]
    return Section(
        title="Children's homes",
        overdue=len(found.missed) + len(found.reports_overdue),
        open=len(found.not_yet),
        items=items[: conf.items_listed()],
    )
