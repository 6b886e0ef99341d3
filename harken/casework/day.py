"""Where the day starts: the start page's figures, the caseload's remembered filters and saved
views, bulk actions on several cases, and the caseload as a spreadsheet.

Reads start from `access.visible_cases(user)` (through `selectors.caseload`); writes to cases
go through the same services as one case at a time (`case_assign`, `case_update`), each case
in its own transaction, so a refusal of one leaves the others done and every case gets its
own timeline entry. Who may use what is `may(user, what)`, one small table (ADR 0111).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from harken import access
from harken.accounts.models import Team, User
from harken.cases import services
from harken.cases.models import Case, Kind, OpenTeamCase, Status
from harken.core import checks
from harken.core.audit import record_reads
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.spreadsheets import csv_cell, set_xlsx_cell
from harken.learning.models import OPEN_STATUSES, Action
from harken.subjectaccess import rules

from . import selectors
from .models import QUERY_MAX, RememberedFilters, SavedView

# --- Who may use what -------------------------------------------------------------------------

# What -> the permission of the table (harken/access/permissions.py) it needs.
DAY_PERMISSIONS: dict[str, access.Perm] = {
    # The start page: those who work cases every day.
    "start": access.Perm.DAY,
    # Re-assigning or adding cases to a team is recording the case work ("manage").
    "bulk": access.Perm.CASE_MANAGE,
    # The caseload as a file: whoever sees a caseload of case records.
    "download": access.Perm.CASELOAD_DOWNLOAD,
}


def may(user: User, what: str) -> bool:
    return access.may(user, DAY_PERMISSIONS[what])


# --- The filters as a query string ------------------------------------------------------------

NOT_FILTERS = ("page", "reset")


def canonical_query(form: Any, params: QueryDict) -> str:
    """The caseload filters in `params` that the filter form accepted, as a sorted query
    string: a value the form refused, an unknown key and the page number are left out, as is
    the default status (open)."""
    form.is_valid()
    kept: list[tuple[str, str]] = []
    for name in form.fields:
        value = form.cleaned_data.get(name)
        if value in (None, "", False) or (name == "status" and value == Status.OPEN):
            continue
        for key in params:
            # A date's day, month and year boxes are name_0, name_1 and name_2.
            if key == name or key.startswith(f"{name}_"):
                kept.extend((key, v) for v in params.getlist(key) if v != "")
    query = urlencode(sorted(kept))
    return query if len(query) <= QUERY_MAX else ""


def remember(user: User, query: str) -> None:
    """Keep `query` as the user's last caseload filters ("" forgets them)."""
    if not query:
        RememberedFilters.objects.filter(user=user).delete()
        return
    RememberedFilters.objects.update_or_create(user=user, defaults={"query": query})


def remembered(user: User) -> str:
    row = RememberedFilters.objects.filter(user=user).values_list("query", flat=True).first()
    return row or ""


# --- Saved views --------------------------------------------------------------------------

MAX_SAVED_VIEWS = 30


def saved_views(user: User) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=user).order_by("name", "id")


@transaction.atomic
def saved_view_create(*, user: User, name: str, query: str) -> SavedView:
    """Name the caseload's filters and sort. The name is the user's own and unique to them."""
    name = " ".join(name.split())
    if not name:
        raise ApplicationError.for_field("name", "Enter a name for the view")
    checks.length("name", name, what="the name", most=80, end="")
    if not name.isprintable():
        raise ApplicationError.for_field("name", "The name must be letters, numbers and spaces")
    if SavedView.objects.filter(user=user, name__iexact=name).exists():
        raise ApplicationError.for_field(
            "name", f"You already have a view called “{name}”: choose another name"
        )
    if SavedView.objects.filter(user=user).count() >= MAX_SAVED_VIEWS:
        raise ApplicationError.for_field(
            "name", f"You have {MAX_SAVED_VIEWS} saved views: delete one before saving another"
        )
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, name=name, query=query)
    except IntegrityError:  # the same name saved at the same moment from another tab
        raise ApplicationError.for_field(
            "name", f"You already have a view called “{name}”: choose another name"
        ) from None


def saved_view_delete(*, user: User, pk: int) -> bool:
    """Delete one of the user's own views (someone else's is never found)."""
    deleted, _ = SavedView.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


# --- The start page -----------------------------------------------------------------------


@dataclass
class Count_:
    key: str
    label: str
    count: int
    capped: bool
    query: str


@dataclass
class StartPage:
    mine: list[Count_]
    everyone: list[Count_] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    actions_total: int = 0
    actions_overdue: int = 0
    # Issue 14: the children's homes' missed visits and late reports (harken/homes), for
    # those who see the homes; None otherwise.
    homes: Any = None
    # Issue 14: the pool's DBS checks over three years old or within 30 days of it, for those
    # who keep the pool; None otherwise.
    dbs: Any = None


def _counts(*, user: User, base: dict[str, str], window: selectors.DueWindow) -> list[Count_]:
    """Overdue, due within 2 working days, due this week and all open, under `base` filters,
    each with the caseload query that lists them."""
    filters = selectors.CaseloadFilters(
        assigned=base.get("assigned", ""),
        team=int(base["team"]) if base.get("team") else None,
        kind=base.get("kind", ""),
    )
    tags = selectors.caseload_tag_counts(user=user, filters=filters, window=window)
    week = selectors.capped_count(
        selectors.caseload(
            user=user,
            filters=selectors.CaseloadFilters(
                assigned=filters.assigned, team=filters.team, kind=filters.kind, due_week=True
            ),
            window=window,
        )
    )
    total = sum(tags.values())
    rows = [
        ("overdue", "Overdue", tags[selectors.Tag.OVERDUE], {"tag": selectors.Tag.OVERDUE}),
        (
            "due_soon",
            "Due within 2 working days",
            tags[selectors.Tag.DUE_SOON],
            {"tag": selectors.Tag.DUE_SOON},
        ),
        ("due_week", "Due this week", week, {"due_week": "on"}),
        ("open", "All open", total, {}),
    ]
    return [
        Count_(
            key=key,
            label=label,
            count=min(n, selectors.COUNT_CAP),
            capped=n > selectors.COUNT_CAP,
            query=urlencode(sorted({**base, **extra}.items())),
        )
        for key, label, n, extra in rows
    ]


def start_page(*, user: User, window: selectors.DueWindow | None = None) -> StartPage:
    """What the user's day holds: their own cases by deadline; for those who see every case,
    everyone's; for a manager, their teams' open complaints and the actions they own."""
    window = window or selectors.DueWindow.now()
    page = StartPage(mine=_counts(user=user, base={"assigned": "me"}, window=window))
    if user.sees_all_cases:
        page.everyone = _counts(user=user, base={}, window=window)
    if access.may(user, access.Perm.CASES_OF_TEAMS):
        page.teams = team_complaints(user=user, window=window)
    owned = Action.objects.filter(owner=user, status__in=OPEN_STATUSES)
    totals = owned.aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=window.today)))
    page.actions_total, page.actions_overdue = totals["n"], totals["late"]
    page.actions = list(owned.select_related("recommendation__case").order_by("due_on", "id")[:10])
    if apps.is_installed("harken.homes") and access.may(user, access.Perm.HOMES_VIEW):
        from harken.homes.selectors import flags

        page.homes = flags(on=window.today)
    if apps.is_installed("harken.pool") and access.may(user, access.Perm.POOL_EDIT):
        from harken.pool.selectors import dbs_to_renew

        page.dbs = dbs_to_renew(window.today)
    return page


def team_complaints(*, user: User, window: selectors.DueWindow) -> list[dict[str, Any]]:
    """A manager's teams, each with its open complaints and how many are overdue: one GROUP BY
    over the cases the manager may see."""
    teams = list(Team.objects.filter(members=user).order_by("name"))
    open_complaints = access.visible_open_cases(user).filter(kind=Kind.COMPLAINT)
    # From the teams' open cases (ADR 0132), not from every case the teams ever had.
    rows: dict[int, Any] = {
        row["team_id"]: row
        for row in OpenTeamCase.objects.filter(team__in=teams, case__in=open_complaints)
        .values("team_id")
        .annotate(
            n_open=Count("case"),
            n_overdue=Count("case", filter=window.q(selectors.Tag.OVERDUE, via="case__")),
        )
        .order_by()
    }
    return [
        {
            "team": team,
            "open": rows.get(team.pk, {}).get("n_open", 0),
            "overdue": rows.get(team.pk, {}).get("n_overdue", 0),
            "query": urlencode({"kind": Kind.COMPLAINT, "team": team.pk}),
            "overdue_query": urlencode(
                {"kind": Kind.COMPLAINT, "tag": selectors.Tag.OVERDUE, "team": team.pk}
            ),
        }
        for team in teams
    ]


# --- Bulk actions -------------------------------------------------------------------------

MAX_BULK = 100


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)


def _one_by_one(
    *, actor: User, references: list[str], change: Any, outcome: BulkOutcome
) -> BulkOutcome:
    """Run `change(case)` on each case the actor can see, each in its own transaction: what
    the service refuses for one case is reported and the rest go ahead."""
    seen: set[str] = set()
    for typed in references[:MAX_BULK]:
        reference = access.reference_as_typed(typed)
        if reference is None or reference in seen:
            continue
        seen.add(reference)
        case = access.visible_case(actor, reference)
        if case is None:
            outcome.refused.append((reference, "There is no case with this reference you can see."))
            continue
        try:
            with transaction.atomic():
                # A bulk action is processing of everyone on the case (ADR 0150).
                rules.ensure_case_not_restricted(case, "this case was left as it was")
                changed = change(case)
        except (ApplicationError, AccessDenied) as error:
            outcome.refused.append((case.reference, _message(error)))
            continue
        (outcome.done if changed else outcome.unchanged).append(case.reference)
    return outcome


def _message(error: ApplicationError) -> str:
    return str(error.message)


def cases_assign(*, actor: User, references: list[str], user: User | None) -> BulkOutcome:
    """Assign each case to `user` (or to nobody) through `case_assign`."""

    def change(case: Case) -> bool:
        if case.assigned_to_id == (user.pk if user else None):
            return False
        services.case_assign(case=case, user=user, actor=actor)
        return True

    return _one_by_one(actor=actor, references=references, change=change, outcome=BulkOutcome())


def cases_add_team(*, actor: User, references: list[str], team: Team) -> BulkOutcome:
    """Add `team` to each case's teams through `case_update`, keeping the teams it has."""

    def change(case: Case) -> bool:
        teams = list(case.teams.all())
        if team in teams:
            return False
        services.case_update(case=case, actor=actor, teams=[*teams, team])
        return True

    return _one_by_one(actor=actor, references=references, change=change, outcome=BulkOutcome())


# --- The caseload as a file ---------------------------------------------------------------

DOWNLOAD_LIMIT = selectors.COUNT_CAP
HEADINGS = (
    "Reference",
    "Kind",
    "Summary",
    "Stage",
    "Next deadline",
    "Deadline",
    "Status",
    "Assigned to",
    "Teams",
    "Received",
    "Processing restricted",
)
RESTRICTED_NOTE = (
    "{n} case(s) concern a person whose processing is restricted (UK GDPR art. 18), marked "
    "in the column 'Processing restricted': use them only as the restriction allows."
)


def download_rows(
    *, user: User, filters: selectors.CaseloadFilters
) -> tuple[list[list[Any]], bool]:
    """The caseload as filtered, at most DOWNLOAD_LIMIT rows, each case's read recorded.
    Returns the rows and whether there were more."""
    window = selectors.DueWindow.now()
    cases = list(
        selectors.caseload(user=user, filters=filters, window=window).prefetch_related("teams")[
            : DOWNLOAD_LIMIT + 1
        ]
    )
    more = len(cases) > DOWNLOAD_LIMIT
    cases = cases[:DOWNLOAD_LIMIT]
    record_reads(cases=cases, user=user, via="caseload download")
    restricted = rules.restricted_case_ids(c.pk for c in cases)
    rows: list[list[Any]] = []
    for case in cases:
        tag = selectors.TAGS.get(case.due_tag)  # type: ignore[attr-defined]
        rows.append(
            [
                case.reference,
                case.get_kind_display(),
                case.summary,
                case.stage_number,
                case.next_due_on,
                case.next_due_label,
                tag[0] if tag else case.get_status_display(),
                str(case.assigned_to) if case.assigned_to else "",
                "; ".join(sorted(str(t) for t in case.teams.all())),
                case.received_on,
                "Yes" if case.pk in restricted else "",
            ]
        )
    return rows, more


def restricted_count(rows: list[list[Any]]) -> int:
    """How many rows of a download are marked "Processing restricted"."""
    return sum(1 for row in rows if row[-1] == "Yes")


def as_csv(rows: list[list[Any]]) -> Iterator[str]:
    """CSV text, dates as 2024-01-04, text escaped so that no cell is a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow(
            [
                v.isoformat() if isinstance(v, dt.date) else csv_cell("" if v is None else v)
                for v in row
            ]
        )
    yield buffer.getvalue()


def as_xlsx(rows: list[list[Any]], *, more: bool) -> bytes:
    """An Excel workbook: one sheet, dates as dates shown "4 January 2024", text as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Caseload"
    sheet.append(list(HEADINGS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            set_xlsx_cell(cell, value)
            if isinstance(value, dt.date):
                cell.number_format = "d mmmm yyyy"
    note_row = len(rows) + 3
    if more:
        sheet.cell(
            row=note_row, column=1
        ).value = (
            f"Only the first {DOWNLOAD_LIMIT:,} cases: filter the caseload to download the rest."
        )
        note_row += 1
    marked = restricted_count(rows)
    if marked:
        sheet.cell(row=note_row, column=1).value = RESTRICTED_NOTE.format(n=marked)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
