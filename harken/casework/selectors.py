"""Reads for the staff case-work pages.

Each read starts from `access.visible_cases(user)`, decides its joins once, and lets the
database do the counting and grouping: nothing here loops over rows. The caseload uses the
stored `Case.next_due_on`/`next_due_label`/`paused` (index `case_open_due_idx`) so it stays
fast with a million cases; counts stop at `COUNT_CAP`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from harken import access
from harken.accounts.models import User
from harken.cases.models import (
    Case,
    CaseParty,
    Kind,
    OpenTeamCase,
    Person,
    Status,
    TimelineEvent,
)
from harken.cases.selectors import (
    CASE_FILTER_LOOKUPS,
    linked_to,
    name_q,
    referenced_cases,
    words_q,
)
from harken.core.dates import today
from harken.core.db import without_parallel_workers
from harken.core.web import whole_number
from harken.workdays.rules import add_working_days

# Counting stops here: "10,000+" is as useful as an exact figure and stays cheap.
COUNT_CAP = 10_000
PAGE_SIZE = 25
SEARCH_LIMIT = 100
SOON_WORKING_DAYS = 2


# --- Deadline status ------------------------------------------------------------------------


class Tag:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    PAUSED = "paused"
    ON_TRACK = "on_track"


# value -> (label, GOV.UK tag colour). The text says it, so colour is never the only cue.
TAGS: dict[str, tuple[str, str]] = {
    Tag.OVERDUE: ("Overdue", "govuk-tag--red"),
    Tag.DUE_SOON: ("Due within 2 working days", "govuk-tag--orange"),
    Tag.PAUSED: ("Paused", "govuk-tag--grey"),
    Tag.ON_TRACK: ("On track", "govuk-tag--green"),
}


@dataclass(frozen=True)
class DueWindow:
    """Today and the last day that counts as "due within 2 working days"."""

    today: dt.date
    soon: dt.date

    @classmethod
    def now(cls) -> DueWindow:
        day = today()
        return cls(today=day, soon=add_working_days(day, SOON_WORKING_DAYS))

    def q(self, tag: str, *, via: str = "") -> Q:
        """The filter on stored fields for an open case with this status tag (`via`: the path
        to the case from another model, "case__")."""
        due, paused = f"{via}next_due_on", f"{via}paused"
        later = Q(**{f"{due}__gt": self.soon}) | Q(**{f"{due}__isnull": True})
        return {
            Tag.OVERDUE: Q(**{f"{due}__lt": self.today}),
            Tag.DUE_SOON: Q(**{f"{due}__gte": self.today, f"{due}__lte": self.soon}),
            Tag.PAUSED: later & Q(**{paused: True}),
            Tag.ON_TRACK: later & Q(**{paused: False}),
        }[tag]

    @property
    def week_end(self) -> dt.date:
        """The Sunday that ends this week: "due this week" runs from today to it."""
        return self.today + dt.timedelta(days=6 - self.today.weekday())

    def q_this_week(self) -> Q:
        """Open work due from today to the end of the week (overdue work is counted apart)."""
        return Q(next_due_on__gte=self.today, next_due_on__lte=self.week_end)

    def annotation(self) -> SqlCase:
        """The tag of each row, worked out by the database ("" for a case that is not open)."""
        return SqlCase(
            When(~Q(status=Status.OPEN), then=Value("")),
            *(When(self.q(tag), then=Value(tag)) for tag in TAGS),
            default=Value(Tag.ON_TRACK),
        )


# --- Caseload -------------------------------------------------------------------------------

# Sort key -> ORDER BY. Every order ends on a unique column so pages never overlap.
SORTS: dict[str, tuple[Any, ...]] = {
    "deadline": (F("next_due_on").asc(nulls_last=True), "id"),
    "-deadline": (F("next_due_on").desc(nulls_last=True), "-id"),
    "received": ("received_on", "id"),
    "-received": ("-received_on", "-id"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "kind": ("kind", F("next_due_on").asc(nulls_last=True), "id"),
    "-kind": ("-kind", F("next_due_on").asc(nulls_last=True), "id"),
    "stage": (F("stage_number").asc(nulls_last=True), F("next_due_on").asc(nulls_last=True), "id"),
    "-stage": (
        F("stage_number").desc(nulls_last=True),
        F("next_due_on").asc(nulls_last=True),
        "id",
    ),
}
DEFAULT_SORT = "deadline"
ALL_STATUSES = "all"


@dataclass(frozen=True)
class CaseloadFilters:
    kind: str = ""
    procedure: str = ""
    stage: int | None = None
    status: str = Status.OPEN  # a Case status, or ALL_STATUSES
    tag: str = ""  # a deadline status tag (open cases only)
    team: int | None = None
    theme: int | None = None
    assigned: str = ""  # "me", "none" or a user's id
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False
    due_week: bool = False  # open cases due from today to the end of this week (Sunday)
    sort: str = DEFAULT_SORT


# The simple filters shared with the API's case list (same field names, same lookups).
SIMPLE_FILTERS = {
    name: CASE_FILTER_LOOKUPS[name]
    for name in ("kind", "procedure", "stage", "received_from", "received_to")
}


def _assigned_q(value: str, user: User) -> Q:
    if value == "me":
        return Q(assigned_to=user)
    if value == "none":
        return Q(assigned_to__isnull=True)
    user_id = whole_number(value)
    if user_id is not None:
        return Q(assigned_to_id=user_id)
    return Q()


def _filters_q(f: CaseloadFilters, *, user: User, window: DueWindow, with_tag: bool) -> Q:
    q = Q(
        **{lookup: getattr(f, name) for name, lookup in SIMPLE_FILTERS.items() if getattr(f, name)}
    )
    if f.status != ALL_STATUSES:
        q &= Q(status=f.status or Status.OPEN)
    if f.team and _open_only(f):
        # The team's open cases, from their table (ADR 0132): a few hundred rows, not every
        # link the team ever had.
        q &= Q(pk__in=OpenTeamCase.objects.filter(team_id=f.team).values("case_id"))
    elif f.team:
        q &= linked_to("teams", f.team)
    if f.theme:
        q &= linked_to("themes", f.theme)
    q &= _assigned_q(f.assigned, user)
    if f.due_week:
        q &= Q(status=Status.OPEN) & window.q_this_week()
    if with_tag and f.overdue:
        q &= Q(status=Status.OPEN) & window.q(Tag.OVERDUE)
    if with_tag and f.tag in TAGS:
        q &= Q(status=Status.OPEN) & window.q(f.tag)
    return q


def _open_only(filters: CaseloadFilters) -> bool:
    """Whether the list shows only open cases (the default)."""
    return filters.status != ALL_STATUSES and (filters.status or Status.OPEN) == Status.OPEN


def _visible(user: User, filters: CaseloadFilters) -> QuerySet[Case]:
    """The cases the list starts from: only the open ones when it shows only open cases."""
    if _open_only(filters):
        return access.visible_open_cases(user)
    return access.visible_cases(user)


def caseload(
    *, user: User, filters: CaseloadFilters, window: DueWindow | None = None
) -> QuerySet[Case]:
    """The cases `user` may see that match `filters`, most urgent first, ready to display:
    only the columns the caseload's table shows (`CASELOAD_COLUMNS`; not the details' free
    text, nor the assignee's password and second-factor secret), its teams not fetched (the
    download adds them)."""
    window = window or DueWindow.now()
    return (
        _visible(user, filters)
        .filter(_filters_q(filters, user=user, window=window, with_tag=True))
        .select_related("assigned_to")
        .only(*CASELOAD_COLUMNS)
        .annotate(due_tag=window.annotation())
        .order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))
    )


# What `casework/includes/case_table.html` and the caseload download show of a case, and the
# fields the status tag is worked out from.
CASELOAD_COLUMNS = (
    "reference",
    "kind",
    "summary",
    "status",
    "stage_number",
    "next_due_on",
    "next_due_label",
    "paused",
    "restricted",
    "received_on",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__username",
)


def capped_count(qs: QuerySet[Any], cap: int | None = None) -> int:
    """How many rows, counting no further than `cap` + 1 (shown as "more than 10,000")."""
    return qs.order_by().values("pk")[: (cap or COUNT_CAP) + 1].count()


def caseload_tag_counts(
    *, user: User, filters: CaseloadFilters, window: DueWindow | None = None
) -> dict[str, int]:
    """Open cases per status tag under the other filters ({} unless the list is of open cases).

    For those who see every case, each count is a range of an index ((status, next_due_on),
    or the partial index of paused cases) and stops at the cap. Anyone else sees a team's work
    at most, and one pass over it counts every tag (so a manager's team is scanned once).
    """
    window = window or DueWindow.now()
    if filters.status not in (Status.OPEN, ""):
        return {}
    base = access.visible_open_cases(user).filter(
        _filters_q(filters, user=user, window=window, with_tag=False)
    )
    if not user.sees_all_cases or filters.team or filters.theme:
        found = base.aggregate(**{f"n_{tag}": Count("pk", filter=window.q(tag)) for tag in TAGS})
        return {tag: found[f"n_{tag}"] for tag in TAGS}
    counts = {tag: capped_count(base.filter(window.q(tag))) for tag in TAGS if tag != Tag.ON_TRACK}
    total = capped_count(base)
    if total <= COUNT_CAP:
        counts[Tag.ON_TRACK] = max(0, total - sum(counts.values()))
    else:
        counts[Tag.ON_TRACK] = capped_count(base.filter(window.q(Tag.ON_TRACK)))
    return {tag: counts[tag] for tag in TAGS}


def caseload_total(filters: CaseloadFilters, counts: dict[str, int]) -> int | None:
    """How many cases the list holds, when the tag counts tell it (None when they do not)."""
    if not counts:
        return None
    if filters.overdue and filters.tag and filters.tag != Tag.OVERDUE:
        return 0
    if filters.overdue or filters.tag == Tag.OVERDUE:
        return counts[Tag.OVERDUE]
    if filters.tag in TAGS:
        return counts[filters.tag]
    return sum(counts.values())


@dataclass
class Page:
    """One page of a list, without counting every row (the count is capped separately)."""

    items: list[Any]
    number: int
    size: int
    has_next: bool
    total: int  # capped
    capped: bool

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1 if self.items else 0

    @property
    def last_number(self) -> int:
        return max(1, -(-self.total // self.size))


def paginate(
    qs: QuerySet[Any], *, number: int, size: int | None = None, total: int | None = None
) -> Page:
    """One page of `qs`; `total` when already known saves counting again."""
    size = size or PAGE_SIZE
    total = capped_count(qs) if total is None else total
    capped = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    last = max(1, -(-total // size))
    number = max(1, min(number, last))
    offset = (number - 1) * size
    rows = list(qs[offset : offset + size + 1])
    return Page(
        items=rows[:size],
        number=number,
        size=size,
        has_next=len(rows) > size,
        total=total,
        capped=capped,
    )


# --- Team view ------------------------------------------------------------------------------


def _workload_counts(window: DueWindow, *, via: str = "") -> dict[str, Count]:
    """Open cases and how many carry each status tag, as conditional counts (`via`: the path
    to the case, "case__" when counting the open cases of each team)."""
    # Named n_* so that no count takes the name of a field (`paused`) it filters on.
    case = via.removesuffix("__") or "pk"
    counts = {"n_open": Count(case)}
    for tag in TAGS:
        counts[f"n_{tag}"] = Count(case, filter=window.q(tag, via=via))
    counts["n_unassigned"] = Count(case, filter=Q(**{f"{via}assigned_to__isnull": True}))
    return counts


@dataclass
class Workload:
    people: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    totals: dict[str, int] = field(default_factory=dict)


def team_workload(*, user: User, window: DueWindow | None = None) -> Workload:
    """Open work per person and per team, with what is overdue: two GROUP BY queries, both
    starting from the open cases (of the user's teams, for a manager), never from every team
    link of the history.

    Feedback officers and administrators see everyone's; managers their own teams'.
    """
    window = window or DueWindow.now()
    open_cases = access.visible_open_cases(user)
    team_ids: list[int] = []
    if not user.sees_all_cases:
        # The team view shows the manager's teams' work only (not cases assigned to them
        # from other teams): the open cases of those teams, from their table (ADR 0132).
        team_ids = access.manager_team_ids(user)
        open_cases = open_cases.filter(
            pk__in=OpenTeamCase.objects.filter(team_id__in=team_ids).values("case_id")
        )
    counts = _workload_counts(window)
    people = cast(
        list[dict[str, Any]],
        list(
            open_cases.values(
                "assigned_to",
                "assigned_to__first_name",
                "assigned_to__last_name",
                "assigned_to__username",
            )
            .annotate(**counts)
            .order_by(  # type: ignore[misc]  # annotations the stubs cannot see
                "-n_overdue", "-n_open", "assigned_to__last_name", "assigned_to__first_name"
            )
        ),
    )
    # Each open case's rows of the open cases of each team (a few thousand at most), not the
    # teams' million links; from the cases, so that each is read once.
    of_teams = (
        Q(open_team_links__team_id__in=team_ids)
        if not user.sees_all_cases
        else Q(open_team_links__isnull=False)
    )
    by_team = cast(
        list[dict[str, Any]],
        list(
            open_cases.filter(of_teams)
            .values(
                team_id=F("open_team_links__team_id"), team__name=F("open_team_links__team__name")
            )
            .annotate(**counts)
            .order_by("-n_overdue", "-n_open", "team__name")  # type: ignore[misc]
        ),
    )
    # The page's names for the team's columns (as when these rows came from Case.teams).
    team_rows = [
        {"teams__id": row.pop("team_id"), "teams__name": row.pop("team__name"), **row}
        for row in by_team
    ]
    # The service's totals are the sums of the people's rows (a few dozen rows, not cases).
    totals = {key: sum(row[key] for row in people) for key in counts}
    return Workload(people=people, teams=team_rows, totals=totals)


# --- Search ---------------------------------------------------------------------------------

REFERENCE_RE = re.compile(r"^[A-Za-z]{1,10}-\d{4}-\d{1,10}$")


# The search counts matches this far and no further ("more than 1,000 cases found").
SEARCH_COUNT_CAP = 1_000
# A search by name reads this many of its (case, person) rows before walking the cases
# newest first (`_newest`): about as long as the walk it may save, at a million cases.
JOINED_ROWS = 2 * (SEARCH_COUNT_CAP + 1)


@dataclass
class SearchResult:
    cases: list[Case]
    more: bool
    found: int = 0  # how many cases match, counted no further than SEARCH_COUNT_CAP
    capped: bool = False  # more than SEARCH_COUNT_CAP match

    @property
    def found_text(self) -> str:
        """How many match, in words: "2,345" or "more than 1,000"."""
        return f"more than {SEARCH_COUNT_CAP:,}" if self.capped else f"{self.found:,}"


def _newest(
    matches: QuerySet[Case],
    limit: int,
    walked: QuerySet[Case] | None = None,
    joined: QuerySet[Case] | None = None,
) -> tuple[list[tuple[dt.date, int]], set[int], bool]:
    """The newest `limit` + 1 of `matches` as (received, id), every match's id when there are
    no more than SEARCH_COUNT_CAP, and whether there are more.

    First the matches in no order, stopping at the cap: a name or a word found in a few
    cases is a few index lookups (the GIN index, the people's names), whatever the history,
    where asking for them newest first lets PostgreSQL walk every case backwards looking for
    a word that is in none (15 s at a million cases). Only a match too common to count is
    then asked for newest first, and so many cases match that the walk stops early; from
    `walked` when given (the same cases, written for that walk).

    `joined`: the same matches as a join that may give a case more than once (a case with
    two people of the name), read first and as far as JOINED_ROWS: from the people to their
    cases, it stops after as many rows as it needs, where the semi-join `matches` walks every
    case's people in order of id (ADR 0300). When it ends before JOINED_ROWS it holds every
    match, which are then put in order here, not walked for (a full name such as "Amelia
    Smith", in one case in 600, would be walked for through 60,000 cases at a million).
    """
    unordered: list[tuple[dt.date, int]] | None = None
    if joined is not None:
        rows = list(joined.order_by().values_list("received_on", "pk")[:JOINED_ROWS])
        distinct = set(rows)
        if len(rows) < JOINED_ROWS:
            newest = sorted(distinct, reverse=True)[: limit + 1]
            if len(distinct) > SEARCH_COUNT_CAP:
                return newest, set(), True
            return newest, {pk for _received, pk in distinct}, False
        if len(distinct) > SEARCH_COUNT_CAP:
            unordered = list(distinct)
    if unordered is None:
        unordered = list(
            matches.order_by().values_list("received_on", "pk")[: SEARCH_COUNT_CAP + 1]
        )
    if len(unordered) <= SEARCH_COUNT_CAP:
        newest = sorted(unordered, reverse=True)[: limit + 1]
        return newest, {pk for _received, pk in unordered}, False
    newest = list(
        (matches if walked is None else walked)
        .order_by("-received_on", "-id")
        .values_list("received_on", "pk")[: limit + 1]
    )
    return newest, set(), True


def search_cases(*, user: User, words: str, limit: int | None = None) -> SearchResult:
    """Cases `user` may see whose reference is `words`, or whose people are named `words`, or
    whose summary or text has `words` (PostgreSQL full-text search; a simple match on SQLite).

    The `limit` (SEARCH_LIMIT) most recent, newest first, and how many match (counted as far
    as SEARCH_COUNT_CAP): each kind of match stops early (`_newest`), and the two are merged
    in that order; at most five queries whatever the size of the table, planned without
    parallel workers (`without_parallel_workers`, ADR 0300).
    """
    limit = SEARCH_LIMIT if limit is None else limit
    words = " ".join(words.split())[:200]
    if not words:
        return SearchResult(cases=[], more=False)
    visible = access.visible_cases(user)
    if REFERENCE_RE.match(words):
        by_reference = referenced_cases(visible, words.upper())
        if by_reference:
            return SearchResult(
                cases=list(_search_rows(by_reference)), more=False, found=len(by_reference)
            )
    people = Person.objects.filter(name_q(words)).values("pk")
    with without_parallel_workers():
        by_name, named, many_named = _newest(
            visible.filter(pk__in=CaseParty.objects.filter(person__in=people).values("case_id")),
            limit,
            joined=visible.filter(name_q(words, via="parties__person__")),
        )
        # Walked newest first, a case's text vector is worked out only once the rule says the
        # user may see it (ADR 0260).
        by_words, worded, many_worded = _newest(
            visible.filter(words_q(words)),
            limit,
            walked=access.visible_cases_checked_first(user, words_q(words)),
        )
    found = sorted(set(by_name) | set(by_words), reverse=True)
    ids = [pk for _received, pk in found[:limit]]
    capped = many_named or many_worded or len(named | worded) > SEARCH_COUNT_CAP
    return SearchResult(
        cases=list(_search_rows(ids)),
        more=len(found) > limit,
        found=SEARCH_COUNT_CAP if capped else len(named | worded),
        capped=capped,
    )


def _search_rows(ids: list[int]) -> QuerySet[Case]:
    """The rows to show for cases found (`ids` come only from the user's visible cases)."""
    window = DueWindow.now()
    return (
        Case.objects.filter(pk__in=ids)
        .select_related("assigned_to")
        .annotate(due_tag=window.annotation())
        .order_by("-received_on", "-id")
    )


# --- People ---------------------------------------------------------------------------------


def person_matches(
    *,
    user: User,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: dt.date | None = None,
    email: str = "",
    limit: int = 10,
) -> list[Person]:
    """People already recorded who may be this person, each with `open_parties`: their open
    cases that `user` may see. Two queries."""
    first_name, last_name, email = first_name.strip(), last_name.strip(), email.strip()
    alternatives: list[Q] = []
    if email:
        alternatives.append(Q(email__iexact=email))
    if last_name:
        same = Q(last_name__iexact=last_name)
        if first_name:
            same &= Q(first_name__istartswith=first_name[:1])
        alternatives.append(same)
    if date_of_birth and first_name:
        alternatives.append(Q(date_of_birth=date_of_birth, first_name__iexact=first_name))
    if date_of_birth and last_name:
        alternatives.append(Q(date_of_birth=date_of_birth, last_name__istartswith=last_name[:3]))
    if not alternatives:
        return []
    q = Q()
    for alternative in alternatives:
        q |= alternative
    open_cases = access.visible_cases(user).filter(status=Status.OPEN)
    return list(
        access.visible_people(user)
        .filter(q)
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=CaseParty.objects.filter(case__in=open_cases)
                .select_related("case")
                .order_by("case__received_on"),
                to_attr="open_parties",
            )
        )[:limit]
    )


def other_open_cases(*, user: User, case: Case) -> QuerySet[CaseParty]:
    """The open cases, other than `case`, of the people on `case` that `user` may see."""
    return (
        CaseParty.objects.filter(
            person_id__in=CaseParty.objects.filter(case=case).values("person_id"),
            case__in=access.visible_cases(user).filter(status=Status.OPEN),
        )
        .exclude(case=case)
        .select_related("case")
        .order_by("case__received_on", "case_id")
    )


# --- Around a case --------------------------------------------------------------------------


def case_notes(case: Case) -> QuerySet[Any]:
    return case.notes.select_related("created_by").order_by("-created_at", "-id")


def timeline(case: Case) -> QuerySet[TimelineEvent]:
    return case.events.select_related("actor").order_by("-at", "-id")


def team_managers(case: Case) -> QuerySet[User]:
    """The managers of the teams a case is about, who have an e-mail address."""
    return (
        User.objects.filter(
            role__in=access.roles_with(access.Perm.CASES_OF_TEAMS),
            is_active=True,
            teams__in=case.teams.values("pk"),
        )
        .exclude(email="")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def staff_users(perm: access.Perm) -> QuerySet[User]:
    """The active people whose role the permission table lets be chosen for `perm`."""
    return User.objects.filter(is_active=True, role__in=access.roles_with(perm)).order_by(
        "last_name", "first_name", "username"
    )


def recent_compliments(*, user: User, limit: int = 10) -> QuerySet[Case]:
    """The compliments `user` logged most recently, for the quick-log page."""
    return (
        access.visible_cases(user)
        .filter(kind=Kind.COMPLIMENT, created_by=user)
        .prefetch_related("teams")
        .order_by("-id")[:limit]
    )
