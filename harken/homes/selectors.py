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
asked for, counted per home and month by the database (two queries), never the whole
history.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth

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


def visit_counts(
    *, home_ids: list[int], first: dt.date, last: dt.date, on: dt.date
) -> dict[tuple[int, dt.date], tuple[int, int]]:
    """{(home id, month): (visits made, reports late)} from `first` to `last`, counted by the
    database: one GROUP BY on the home, the visit's month and the month its report reached
    Ofsted, so the rows read follow homes x months, not the visits held. Every visit of a
    month shares one due day (the end of the next month), so a report is late when it
    reached Ofsted in a month two or more after the visit's, or has not reached it and that
    day has passed."""
    counts: dict[tuple[int, dt.date], tuple[int, int]] = {}
    rows = (
        Visit.objects.filter(home_id__in=home_ids, visited_on__gte=first, visited_on__lte=last)
        .annotate(month=TruncMonth("visited_on"), sent_month=TruncMonth("sent_to_ofsted_on"))
        .values_list("home_id", "month", "sent_month")
        .annotate(n=Count("id"))
        .order_by()
    )
    for home_id, month, sent_month, n in rows:
        month = _as_date(month)
        if sent_month is None:
            late = on > ofsted_due(month)
        else:
            late = _as_date(sent_month) >= add_months(month, 2)
        made, late_before = counts.get((home_id, month), (0, 0))
        counts[(home_id, month)] = (made + n, late_before + (n if late else 0))
    return counts


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    # TruncMonth of a DateField is a date on PostgreSQL and SQLite alike; a datetime (another
    # backend) is cut to its day.
    return value.date() if isinstance(value, dt.datetime) else value


def compliance(
    *,
    first: dt.date,
    last: dt.date,
    homes: Iterable[Home] | None = None,
    on: dt.date | None = None,
) -> list[HomeCompliance]:
    """Visits made against visits due, per home and month, from `first`'s month to `last`'s
    (the homes open in any of them, unless `homes` is given). Two queries: the homes, and
    the visits counted per home and month (`visit_counts`)."""
    on = on or today()
    first, last = month_start(first), month_end(last)
    listed = list(homes) if homes is not None else list(_homes_open_between(first, last))
    counts = visit_counts(home_ids=[h.pk for h in listed], first=first, last=last, on=on)
    out = []
    for home in listed:
        row = HomeCompliance(home)
        for month in months(first, last):
            made, late = counts.get((home.pk, month), (0, 0))
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
            row.months.append(HomeMonth(month, status, made, late))
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


# --- Who sees which home ---------------------------------------------------------------------
#
# Three reaches, each a permission of the table: the feedback team sees every home
# (`HOMES_VIEW`); a manager, when the council sets HARKEN_MANAGERS_SEE_TEAM_HOMES, the homes
# their teams are responsible for, read only (`HOMES_OF_TEAMS`); an independent visitor only
# their own visits and the homes of those visits (`HOMES_OWN_VISITS`). Every list and record
# below is filtered by `Reach`, so a record out of reach is "not there" (404).


@dataclass(frozen=True)
class Reach:
    everything: bool = False
    team_ids: tuple[int, ...] | None = None  # a manager's teams
    visitor: User | None = None  # an independent visitor

    @property
    def drop_ins(self) -> bool:
        """Drop-ins (and the compliance of homes) are the team's and managers', not a
        visitor's: a visitor sees their own visits only."""
        return self.everything or self.team_ids is not None


def managers_see_team_homes() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "HARKEN_MANAGERS_SEE_TEAM_HOMES", False))


def reach_of(user: User | None) -> Reach | None:
    """What of the homes `user` may see, or None: nothing."""
    if access.may(user, Perm.HOMES_VIEW):
        return Reach(everything=True)
    if user is not None and access.may(user, Perm.HOMES_OF_TEAMS) and managers_see_team_homes():
        return Reach(team_ids=tuple(access.manager_team_ids(user)))
    if access.may(user, Perm.HOMES_OWN_VISITS):
        return Reach(visitor=user)
    return None


def sees_homes(user: User | None) -> bool:
    return reach_of(user) is not None


def sees_drop_ins(user: User | None) -> bool:
    found = reach_of(user)
    return found is not None and found.drop_ins


def _reach(user: User) -> Reach:
    found = reach_of(user)
    if found is None:
        raise AccessDenied("You cannot see the children's homes.")
    return found


def _team_home_ids(reach: Reach) -> QuerySet[Any]:
    return Home.teams.through.objects.filter(team_id__in=reach.team_ids or ()).values("home_id")


def home_scope(reach: Reach) -> Q:
    """A filter on Home for what `reach` sees."""
    if reach.everything:
        return Q()
    if reach.team_ids is not None:
        return Q(pk__in=_team_home_ids(reach))
    return Q(pk__in=Visit.objects.filter(visitor__user=reach.visitor).values("home_id"))


def visit_scope(reach: Reach) -> Q:
    """A filter on Visit for what `reach` sees."""
    if reach.everything:
        return Q()
    if reach.team_ids is not None:
        return Q(home_id__in=_team_home_ids(reach))
    return Q(visitor__user=reach.visitor)


def drop_in_scope(reach: Reach) -> Q:
    """A filter on DropIn for what `reach` sees (a visitor: none)."""
    if reach.everything:
        return Q()
    if reach.team_ids is not None:
        return Q(home_id__in=_team_home_ids(reach))
    return Q(pk__in=[])


# --- Lists and records ----------------------------------------------------------------------


def _ensure_drop_ins(user: User) -> Reach:
    reach = _reach(user)
    if not reach.drop_ins:
        raise AccessDenied("You cannot see the drop-ins.")
    return reach


@dataclass(frozen=True)
class HomeFilters:
    ownership: str = ""
    status: str = ""  # "open", "closed" or ""
    name: str = ""


def home_list(*, user: User, filters: HomeFilters | None = None) -> QuerySet[Home]:
    reach = _reach(user)
    f = filters or HomeFilters()
    qs = Home.objects.filter(home_scope(reach))
    if f.ownership in Ownership.values:
        qs = qs.filter(ownership=f.ownership)
    if f.status == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif f.status == "closed":
        qs = qs.filter(closed_on__isnull=False)
    if f.name.strip():
        qs = qs.filter(Q(name__icontains=f.name.strip()) | Q(ofsted_urn__iexact=f.name.strip()))
    # A visitor counts their own visits only.
    counted = Q(visits__visitor__user=reach.visitor) if reach.visitor is not None else Q()
    return qs.annotate(n_visits=Count("visits", filter=counted)).order_by("name", "id")


def home_get(*, user: User, pk: int) -> Home:
    reach = _reach(user)
    found = Home.objects.filter(home_scope(reach), pk=pk).first()
    if found is None:
        raise AccessDenied("There is no home with that number.")
    return found


def homes_compliance(
    *, user: User, first: dt.date, last: dt.date, on: dt.date | None = None
) -> list[HomeCompliance]:
    """The compliance table of the homes `user` sees in full (the team: all; a manager:
    their teams'). A visitor sees no compliance table."""
    reach = _ensure_drop_ins(user)
    if reach.everything:
        return compliance(first=first, last=last, on=on)
    homes = _homes_open_between(month_start(first), month_end(last)).filter(home_scope(reach))
    return compliance(first=first, last=last, homes=homes, on=on)


def _issues() -> Prefetch[Any]:
    return Prefetch(
        "issues",
        queryset=Issue.objects.select_related(
            "case", "passed_to", "advocacy_referral", "safeguarding_concern"
        ).order_by("id"),
    )


def visit_get(*, user: User, pk: int) -> Visit:
    reach = _reach(user)
    found = (
        Visit.objects.select_related("home", "visitor")
        .prefetch_related(_issues(), "recommendations__actions__owner")  # type: ignore[misc]
        .filter(visit_scope(reach), pk=pk)
        .first()
    )
    if found is None:
        raise AccessDenied("There is no visit with that number.")
    return found


def visit_list(
    *,
    user: User,
    home_id: int | None = None,
) -> QuerySet[Visit]:
    """The visits `user` sees, latest first (one home's with `home_id`)."""
    qs = Visit.objects.filter(visit_scope(_reach(user))).select_related("home")
    if home_id is not None:
        qs = qs.filter(home_id=home_id)
    return qs.order_by("-visited_on", "-id")


def home_visits(*, home: Home, limit: int = 24, user: User | None = None) -> list[Visit]:
    """A home's latest visits (the home page shows two years' worth); with `user`, only those
    they see (a visitor: their own)."""
    qs = home.visits.all()
    if user is not None:
        qs = qs.filter(visit_scope(_reach(user)))
    return list(
        qs.annotate(n_issues=Count("issues", distinct=True)).order_by("-visited_on", "-id")[:limit]
    )


def my_visits(*, user: User) -> list[Visit]:
    """An independent visitor's own visits, latest first, with their homes ("Your visits")."""
    if not access.may(user, Perm.HOMES_OWN_VISITS):
        raise AccessDenied("Only an independent visitor has visits of their own here.")
    return list(
        Visit.objects.filter(visitor__user=user)
        .select_related("home")
        .order_by("-visited_on", "-id")
    )


@dataclass(frozen=True)
class DropInFilters:
    home_id: int | None = None
    held_from: dt.date | None = None
    held_to: dt.date | None = None


def drop_in_list(*, user: User, filters: DropInFilters | None = None) -> QuerySet[DropIn]:
    reach = _ensure_drop_ins(user)
    f = filters or DropInFilters()
    qs = DropIn.objects.filter(drop_in_scope(reach))
    if f.home_id is not None:
        qs = qs.filter(home_id=f.home_id)
    if f.held_from is not None:
        qs = qs.filter(held_on__gte=f.held_from)
    if f.held_to is not None:
        qs = qs.filter(held_on__lte=f.held_to)
    return (
        qs.select_related("home", "officer")
        .annotate(n_issues=Count("issues"))
        .order_by("-held_on", "-id")
    )


def drop_in_get(*, user: User, pk: int) -> DropIn:
    reach = _ensure_drop_ins(user)
    found = (
        DropIn.objects.select_related("home", "officer")
        .prefetch_related(_issues())
        .filter(drop_in_scope(reach), pk=pk)
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
