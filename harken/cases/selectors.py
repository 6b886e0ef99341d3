"""Reads of cases: each decides its joins once, and every read of a case record is logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from harken import access
from harken.accounts.models import User
from harken.core.audit import record_read
from harken.core.dates import today
from harken.core.errors import AccessDenied

from .models import Case, CaseParty, Element, Person, Stage, Status, TimelineEvent


@dataclass(frozen=True)
class CaseFilters:
    kind: str = ""
    status: str = ""
    procedure: str = ""
    stage: int | None = None
    team: int | None = None
    theme: int | None = None
    assigned_to: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False
    q: str = ""


def linked_to(relation: str, pk: int) -> Q:
    """Cases linked to the team or theme `pk` (`relation` "teams" or "themes").

    EXISTS rather than a join, so each case comes back once without DISTINCT and a sorted,
    limited list can stop early.
    """
    through = {
        "teams": (Case.teams.through, "team_id"),
        "themes": (Case.themes.through, "theme_id"),
    }
    model, column = through[relation]
    return Q(Exists(model._default_manager.filter(case_id=OuterRef("pk"), **{column: pk})))


# Each simple filter: the CaseFilters field and the lookup it becomes.
CASE_FILTER_LOOKUPS = {
    "kind": "kind",
    "status": "status",
    "procedure": "procedure_version__procedure__code",
    "stage": "stage_number",
    "assigned_to": "assigned_to_id",
    "received_from": "received_on__gte",
    "received_to": "received_on__lte",
}


# --- Search, shared by the staff search page and the API's case list ---------------------

# The text searched; must stay the expression of the GIN index of the casework migration
# 0001_search_indexes
# ({t} is the table qualifier, empty in the index).
SEARCH_DOCUMENT = (
    "to_tsvector('english'::regconfig, {t}reference || ' ' || {t}summary || ' ' || {t}details)"
)


def words_q(words: str) -> Q:
    """The complaint's reference, summary or text contains the words."""
    if connection.vendor == "postgresql":
        document = SEARCH_DOCUMENT.format(t=f'"{Case._meta.db_table}".')
        # The words are a parameter; only the fixed document expression is SQL text.
        return Q(
            RawSQL(  # noqa: S611
                f"{document} @@ websearch_to_tsquery('english'::regconfig, %s)",
                (words,),
                output_field=BooleanField(),
            )
        )
    q = Q()
    for word in words.split():
        q &= Q(summary__icontains=word) | Q(details__icontains=word) | Q(reference__icontains=word)
    return q


def reference_q(reference: str) -> Q:
    """The case with this reference, one that had it before (an initial contact that passed
    it to its complaint), and the record linked to either (the contact progressed to a
    complaint, or the complaint it became): either reference finds both."""
    named = Q(reference=reference) | Q(previous_reference=reference)
    linked = Case.objects.filter(named)
    return (
        named
        | Q(progressed_from__in=linked.values("pk"))
        | Q(pk__in=linked.exclude(progressed_from=None).values("progressed_from"))
    )


def referenced_cases(visible: QuerySet[Case], reference: str) -> list[int]:
    """The ids among `visible` that `reference_q` finds, by index look-ups (an OR of
    subqueries would walk the whole table): the case with the reference or that had it,
    then the record linked to each."""
    found = list(
        visible.filter(Q(reference=reference) | Q(previous_reference=reference)).values_list(
            "pk", "progressed_from_id"
        )
    )
    if not found:
        return []
    ids = {pk for pk, _ in found}
    linked = {contact for _, contact in found if contact is not None}
    linked |= set(visible.filter(progressed_from__in=list(ids)).values_list("pk", flat=True))
    if linked - ids:
        ids |= set(visible.filter(pk__in=list(linked - ids)).values_list("pk", flat=True))
    return sorted(ids)


def name_q(words: str, *, via: str = "") -> Q:
    """A person's name: one word matches the start of a first or last name; several words
    match the start of the first name and the start of the last name (case-insensitive).
    `via`: the path to the person ("parties__person__" from a case)."""
    parts = words.split()
    if not parts:
        return Q(pk__in=[])
    first, last = f"{via}first_name", f"{via}last_name"
    if len(parts) == 1:
        return Q(**{f"{last}__istartswith": parts[0]}) | Q(**{f"{first}__istartswith": parts[0]})
    return Q(
        **{f"{first}__istartswith": parts[0], f"{last}__istartswith": " ".join(parts[1:])}
    ) | Q(**{f"{last}__iexact": words})


def case_list(*, user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases `user` may see, filtered; ordered by what is due first."""
    f = filters or CaseFilters()
    qs = access.visible_cases(user).filter(
        **{
            lookup: getattr(f, name)
            for name, lookup in CASE_FILTER_LOOKUPS.items()
            if getattr(f, name)
        }
    )
    if f.team:
        qs = qs.filter(linked_to("teams", f.team))
    if f.theme:
        qs = qs.filter(linked_to("themes", f.theme))
    if f.overdue:
        qs = qs.filter(status=Status.OPEN, next_due_on__lt=today())
    if f.q:
        # The staff search page's matches: reference, a person's name, or words of the case.
        words = " ".join(f.q.split())[:200]
        people = Person.objects.filter(name_q(words)).values("pk")
        qs = qs.filter(
            reference_q(words.upper())
            | Q(external_reference__iexact=words)
            | words_q(words)
            | Q(pk__in=CaseParty.objects.filter(person__in=people).values("case_id"))
        )
    return (
        qs.select_related("procedure_version__procedure", "assigned_to")
        .prefetch_related("teams", "themes")
        .order_by("next_due_on", "received_on", "id")
    )


def case_get(*, user: User, reference: str, via: str = "web") -> Case:
    """One case with what its page shows; the read is logged. Refuses cases the user cannot see."""
    typed = access.reference_as_typed(reference)
    if typed is None:
        raise AccessDenied("There is no case with that reference you can see.")
    try:
        case = (
            access.visible_cases(user)
            .select_related("procedure_version__procedure", "assigned_to", "progressed_from")
            .prefetch_related(
                "teams",
                "themes",
                "restricted_to",
                "safeguarding",
                Prefetch("parties", queryset=CaseParty.objects.select_related("person")),
                Prefetch("elements", queryset=Element.objects.select_related("theme", "team")),
                Prefetch(
                    "stages",
                    queryset=Stage.objects.prefetch_related(
                        "extensions", "appointments__user", "appointments__pool_entry", "outcomes"
                    ),
                ),
            )
            .get(reference=typed)
        )
    except Case.DoesNotExist as exc:
        raise AccessDenied("There is no case with that reference you can see.") from exc
    record_read(case=case, user=user, via=via)
    return case


def case_timeline(*, case: Case) -> QuerySet[TimelineEvent]:
    return case.events.select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class OpenTeamDifferences:
    """How the open cases of each team (`OpenTeamCase`) differ from `status = open` joined to
    the team links: the (team id, case id) pairs missing from the table (an open case its
    team's manager would not see) and those in it that should not be (a closed case or a link
    gone: shown to no one, since every read also asks `status = open`)."""

    rows: int
    missing: list[tuple[int, int]]
    extra: list[tuple[int, int]]
    limit: int

    @property
    def complete(self) -> bool:
        """Whether the lists hold every difference (neither stopped at the limit)."""
        return len(self.missing) < self.limit and len(self.extra) < self.limit

    @property
    def case_ids(self) -> list[int]:
        return sorted({case_id for _team, case_id in [*self.missing, *self.extra]})


def open_team_differences(*, limit: int = 1000) -> OpenTeamDifferences:
    """Compare the table with the truth (three set-based statements; at most `limit` pairs
    each way). Its cost follows the open cases, not the history."""
    from .models import OpenTeamCase

    truth = Case.teams.through.objects.filter(
        case__in=Case.objects.filter(status=Status.OPEN).values("pk")
    ).values_list("team_id", "case_id")
    table = OpenTeamCase.objects.values_list("team_id", "case_id")
    missing = list(truth.difference(table).order_by("case_id", "team_id")[:limit])
    extra = list(table.difference(truth).order_by("case_id", "team_id")[:limit])
    return OpenTeamDifferences(rows=table.count(), missing=missing, extra=extra, limit=limit)
