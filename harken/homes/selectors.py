"""Reads of the homes, visits and drop-ins, and the compliance rule (docs/adr/0180).

The rule, from the Children's Homes (England) Regulations 2015, regulation 44:
- a home is due a visit in every calendar month it is open on any day of (from the month it
  opened to the month it closed);
- a month is *made* when the home had a visit on a day of that month, *missed* when it did not
  and the month is over, and *not yet visited* while the month is still running;
- a visit's report is due with Ofsted by the last day of the month after the visit: it is
  *late* when it was sent after that day, or is still not sent once that day has passed.
Calendar months and days (the Regulations' words), not working days.

Each read costs what is in front of the user: the homes listed and the visits in the months
asked for (two queries), never the whole history.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from harken import access
from harken.access import Perm
from harken.accounts.models import User
from harken.core.dates import today
from harken.core.errors import AccessDenied

from .models import DropIn, Home, Issue, Ownership, Visit


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of each month from `first`'s month to `last`'s, both included."""
    out, month = [], month_start(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def ofsted_due(visited_on: dt.date) -> dt.date:
    """The last day the visit's report may reach Ofsted: the end of the month after it."""
    return month_end(add_months(visited_on, 1))


def report_late(visit: Visit, on: dt.date) -> bool:
    due = ofsted_due(visit.visited_on)
    if visit.sent_to_ofsted_on is not None:
        return visit.sent_to_ofsted_on > due
    return on > due


def is_due(home: Home, month: dt.date) -> bool:
    """Open on any day of the month."""
    return home.opened_on <= month_end(month) and (
        home.closed_on is None or home.closed_on >= month
    )


MADE, MISSED, NOT_YET, NOT_DUE = "made", "missed", "not_yet", "not_due"
STATUS_LABELS = {
    MADE: "Visited",
    MISSED: "No visit",
    NOT_YET: "Not yet visited",
    NOT_DUE: "Not open",
}


@dataclass
class HomeMonth:
    month: dt.date
    status: str
    visits: int = 0
    reports_late: int = 0

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class HomeCompliance:
    home: Home
    months: list[HomeMonth] = field(default_factory=list)

    @property
    def due(self) -> int:
        return sum(m.status != NOT_DUE for m in self.months)

    @property
    def made(self) -> int:
        return sum(m.status == MADE for m in self.months)

    @property
    def missed(self) -> int:
        return sum(m.status == MISSED for m in self.months)

    @property
    def visits(self) -> int:
        return sum(m.visits for m in self.months)

    @property
    def reports_late(self) -> int:
        return sum(m.reports_late for m in self.months)


def _homes_open_between(first: dt.date, last: dt.date) -> QuerySet[Home]:
    return Home.objects.filter(opened_on__lte=last).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=first)
    )


def compliance(
    *,
    first: dt.date,
    last: dt.date,
    homes: Iterable[Home] | None = None,
    on: dt.date | None = None,
) -> list[HomeCompliance]:
    """Visits made against visits due, per home and month, from `first`'s month to `last`'s
    (the homes open in any of them, unless `homes` is given). Two queries."""
    on = on or today()
    first, last = month_start(first), month_end(last)
    listed = list(homes) if homes is not None else list(_homes_open_between(first, last))
    visits: dict[tuple[int, dt.date], list[Visit]] = defaultdict(list)
    for visit in Visit.objects.filter(
        home__in=[h.pk for h in listed], visited_on__gte=first, visited_on__lte=last
    ).only("home_id", "visited_on", "sent_to_ofsted_on"):
        visits[(visit.home_id, month_start(visit.visited_on))].append(visit)
    out = []
    for home in listed:
        row = HomeCompliance(home)
        for month in months(first, last):
            made = visits.get((home.pk, month), [])
            if made:
                status = MADE
            elif not is_due(home, month):
                status = NOT_DUE
            elif month_end(month) < on:
                status = MISSED
            elif month <= on:
                status = NOT_YET
            else:
                status = NOT_DUE  # a month still to come is not yet due
            row.months.append(
                HomeMonth(month, status, len(made), sum(report_late(v, on) for v in made))
            )
        out.append(row)
    return out


@dataclass
class Flags:
    """What the officer's start page and the daily digest show about the homes."""

    missed: list[tuple[Home, dt.date]] = field(default_factory=list)
    not_yet: list[Home] = field(default_factory=list)
    reports_overdue: list[Visit] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.missed) + len(self.not_yet) + len(self.reports_overdue)


# How far back a missed month stays on the start page: a year, then it is the report's.
FLAG_MONTHS = 12


def flags(*, on: dt.date | None = None) -> Flags:
    """The last twelve months' missed visits, this month's homes not yet visited, and the
    reports not yet sent to Ofsted past their day. Three queries however long the history."""
    on = on or today()
    this_month = month_start(on)
    rows = compliance(first=add_months(this_month, -FLAG_MONTHS), last=on, on=on)
    found = Flags()
    for row in rows:
        for m in row.months:
            if m.status == MISSED:
                found.missed.append((row.home, m.month))
            elif m.status == NOT_YET:
                found.not_yet.append(row.home)
    found.missed.sort(key=lambda item: (item[1], item[0].name), reverse=True)
    # A report is overdue from the first day of the second month after the visit: visits
    # before last month's start can be.
    found.reports_overdue = list(
        Visit.objects.filter(
            sent_to_ofsted_on__isnull=True,
            visited_on__gte=add_months(this_month, -FLAG_MONTHS),
            visited_on__lt=add_months(this_month, -1),
        )
        .select_related("home")
        .order_by("visited_on", "id")
    )
    return found


# --- Lists and records ----------------------------------------------------------------------


def _ensure_view(user: User) -> None:
    if not access.may(user, Perm.HOMES_VIEW):
        raise AccessDenied("You cannot see the children's homes.")


@dataclass(frozen=True)
class HomeFilters:
    ownership: str = ""
    status: str = ""  # "open", "closed" or ""
    name: str = ""


def home_list(*, user: User, filters: HomeFilters | None = None) -> QuerySet[Home]:
    _ensure_view(user)
    f = filters or HomeFilters()
    qs = Home.objects.all()
    if f.ownership in Ownership.values:
        qs = qs.filter(ownership=f.ownership)
    if f.status == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif f.status == "closed":
        qs = qs.filter(closed_on__isnull=False)
    if f.name.strip():
        qs = qs.filter(Q(name__icontains=f.name.strip()) | Q(ofsted_urn__iexact=f.name.strip()))
    return qs.annotate(n_visits=Count("visits")).order_by("name", "id")


def home_get(*, user: User, pk: int) -> Home:
    _ensure_view(user)
    found = Home.objects.filter(pk=pk).first()
    if found is None:
        raise AccessDenied("There is no home with that number.")
    return found


def _issues() -> Prefetch[Any]:
    return Prefetch(
        "issues",
        queryset=Issue.objects.select_related(
            "case", "passed_to", "advocacy_referral", "safeguarding_concern"
        ).order_by("id"),
    )


def visit_get(*, user: User, pk: int) -> Visit:
    _ensure_view(user)
    found = (
        Visit.objects.select_related("home")
        .prefetch_related(_issues(), "recommendations__actions__owner")  # type: ignore[misc]
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise AccessDenied("There is no visit with that number.")
    return found


def home_visits(*, home: Home, limit: int = 24) -> list[Visit]:
    """A home's latest visits (the home page shows two years' worth)."""
    return list(
        home.visits.annotate(n_issues=Count("issues", distinct=True)).order_by(
            "-visited_on", "-id"
        )[:limit]
    )


def drop_in_list(*, user: User) -> QuerySet[DropIn]:
    _ensure_view(user)
    return (
        DropIn.objects.select_related("home", "officer")
        .annotate(n_issues=Count("issues"))
        .order_by("-held_on", "-id")
    )


def drop_in_get(*, user: User, pk: int) -> DropIn:
    _ensure_view(user)
    found = (
        DropIn.objects.select_related("home", "officer")
        .prefetch_related(_issues())
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise AccessDenied("There is no drop-in with that number.")
    return found


def raised_at_for_case(case_id: int) -> list[Issue]:
    """Where a case was raised, for its page: the visit or drop-in (usually none or one)."""
    return list(
        Issue.objects.filter(case_id=case_id).select_related(
            "visit__home", "drop_in__home", "safeguarding_concern"
        )
    )
