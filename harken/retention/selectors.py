"""What the schedule makes due, and the lists the pages and the API show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate

from harken.cases.models import Case, CaseParty, Kind, Status, TimelineEvent
from harken.core.dates import LONDON
from harken.registers.models import OmbudsmanCase

from .models import (
    Basis,
    DisposalRun,
    DisposedCase,
    LegalHold,
    RecordKind,
    RetentionEvent,
    RetentionRule,
)

ENDED = (Status.CLOSED, Status.WITHDRAWN, Status.DISCONTINUED)

# The case kinds each rule covers (a looked-after child's case follows its own rule).
CASE_KINDS: dict[str, tuple[str, ...]] = {
    RecordKind.COMPLAINT: (Kind.COMPLAINT,),
    RecordKind.CONTACT: (Kind.CONTACT,),
    RecordKind.COMPLIMENT: (Kind.COMPLIMENT,),
    RecordKind.REPRESENTATION: (Kind.ENQUIRY, Kind.COMMENT, Kind.SUGGESTION),
}


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 28 February for a 29 February that year lacks."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _looked_after() -> Exists:
    return Exists(CaseParty.objects.filter(case=OuterRef("pk"), person__looked_after=True))


def held() -> Q:
    """Cases a legal hold covers: one placed and not released, or an Ombudsman case linked to
    it that has no decision yet."""
    return Q(Exists(LegalHold.objects.filter(case=OuterRef("pk"), released_at__isnull=True))) | Q(
        Exists(OmbudsmanCase.objects.filter(case=OuterRef("pk"), decision_on__isnull=True))
    )


def due_cases(*, rule: RetentionRule, day: dt.date) -> QuerySet[Case]:
    """The cases `rule` makes due for disposal on `day`, not held and not yet disposed, each
    annotated with `counted_from` (the day its years run from)."""
    cases = (
        Case.objects.filter(status__in=ENDED)
        .exclude(Exists(DisposedCase.objects.filter(case=OuterRef("pk"))))
        .exclude(held())
    )
    if rule.kind == RecordKind.LOOKED_AFTER:
        cases = cases.filter(_looked_after())
    else:
        cases = cases.filter(kind__in=CASE_KINDS[rule.kind]).exclude(_looked_after())
    ended = Coalesce("closed_on", "withdrawn_on", "discontinued_on", output_field=DateField())
    counted: Any
    if rule.basis == Basis.CLOSURE:
        counted = ended
    elif rule.basis == Basis.LAST_ENTRY:
        last = (
            TimelineEvent.objects.filter(case=OuterRef("pk"))
            .order_by("-at")
            .annotate(day=TruncDate("at", tzinfo=LONDON))
            .values("day")[:1]
        )
        counted = Coalesce(Subquery(last, output_field=DateField()), ended)
    else:
        # The youngest looked-after child the case is about: kept until their birthday. A
        # case whose child's date of birth is not recorded is never due under this basis.
        youngest = (
            CaseParty.objects.filter(
                case=OuterRef("pk"), person__looked_after=True, person__date_of_birth__isnull=False
            )
            .order_by("-person__date_of_birth")
            .values("person__date_of_birth")[:1]
        )
        counted = Subquery(youngest, output_field=DateField())
    return cases.annotate(counted_from=counted).filter(
        counted_from__lte=years_before(day, rule.years)
    )


def rule_list() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.select_related("changed_by").order_by("kind")


def rule_get(*, kind: str) -> RetentionRule | None:
    return RetentionRule.objects.filter(kind=kind).select_related("changed_by").first()


def hold_list(*, active_only: bool = True) -> QuerySet[LegalHold]:
    holds = LegalHold.objects.select_related("case", "placed_by", "released_by")
    if active_only:
        holds = holds.filter(released_at__isnull=True)
    return holds.order_by("-placed_at", "-id")


def run_list() -> QuerySet[DisposalRun]:
    return (
        DisposalRun.objects.select_related("created_by", "decided_by")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def run_get(*, pk: int) -> DisposalRun | None:
    return run_list().filter(pk=pk).first()


def event_list(*, limit: int = 100) -> QuerySet[RetentionEvent]:
    return RetentionEvent.objects.select_related("actor").order_by("-at", "-id")[:limit]
