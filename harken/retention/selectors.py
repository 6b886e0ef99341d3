"""What the schedule makes due, and the lists the pages and the API show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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

from harken import access
from harken.cases.models import Case, CaseParty, Kind, Status, TimelineEvent
from harken.core.dates import LONDON
from harken.registers.models import OmbudsmanCase, SubjectAccessRequest

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


def open_sars() -> QuerySet[SubjectAccessRequest]:
    """Subject access requests not yet answered: each holds the records of the person it is
    about (the subject, or the requester asking for their own)."""
    return SubjectAccessRequest.objects.filter(sent_on__isnull=True)


def held_people() -> Q:
    """A `person_id` lookup for the people whose every record is held: by a person-wide hold
    in force, or by a live subject access request about them (docs/adr/0104)."""
    by_hold = LegalHold.objects.filter(person__isnull=False, released_at__isnull=True)
    sars = open_sars()
    return (
        Q(person_id__in=by_hold.values("person_id"))
        | Q(person_id__in=sars.filter(subject__isnull=False).values("subject_id"))
        | Q(person_id__in=sars.filter(subject__isnull=True).values("requester_id"))
    )


def held() -> Q:
    """Cases a legal hold covers: one placed on the case and not released, one placed on a
    person on the case, a live subject access request about a person on it, or an Ombudsman
    case linked to it that has no decision yet."""
    on_case = LegalHold.objects.filter(case=OuterRef("pk"), released_at__isnull=True)
    person_held = CaseParty.objects.filter(held_people(), case=OuterRef("pk"))
    ombudsman = OmbudsmanCase.objects.filter(case=OuterRef("pk"), decision_on__isnull=True)
    return Q(Exists(on_case)) | Q(Exists(person_held)) | Q(Exists(ombudsman))


def due_cases(*, rule: RetentionRule, day: dt.date, with_held: bool = False) -> QuerySet[Case]:
    """The cases `rule` makes due for disposal on `day`, not held (unless `with_held`) and not
    yet disposed, each annotated with `counted_from` (the day its years run from)."""
    cases = Case.objects.filter(status__in=ENDED).exclude(
        Exists(DisposedCase.objects.filter(case=OuterRef("pk")))
    )
    if not with_held:
        cases = cases.exclude(held())
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


def due_for(*, rule: RetentionRule, day: dt.date, with_held: bool = False) -> QuerySet[Any]:
    """What `rule` makes due on `day`: cases, or the register records of a standalone kind
    (harken/retention/standalone.py), each annotated with `counted_from`."""
    from .standalone import STANDALONE, due_records

    if rule.kind in STANDALONE:
        return due_records(
            kind=rule.kind, basis=rule.basis, years=rule.years, day=day, with_held=with_held
        )
    return due_cases(rule=rule, day=day, with_held=with_held)


def rule_list() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.select_related("changed_by").order_by("kind")


def rule_get(*, kind: str) -> RetentionRule | None:
    return RetentionRule.objects.filter(kind=kind).select_related("changed_by").first()


@dataclass(frozen=True)
class HeldFromDisposal:
    """A hold that keeps records out of a disposal: a legal hold, or a live subject access
    request (held automatically while it is open), and how many records it keeps: cases, and
    records not linked to a case (register records, rights requests, e-mails)."""

    hold: LegalHold | None
    sar: SubjectAccessRequest | None
    count: int
    case_ids: frozenset[int] = frozenset()  # the records it keeps (the page's reads)
    records: frozenset[tuple[str, int]] = frozenset()  # (kind, id) of the others it keeps

    @property
    def cases(self) -> int:
        return len(self.case_ids)

    @property
    def other_records(self) -> int:
        return len(self.records)


MAX_HOLDS_SHOWN = 200


def _held_records(
    people: set[int], day: dt.date, rules: list[RetentionRule]
) -> dict[int, set[tuple[str, int]]]:
    """For each of these people, the records not linked to a case that the schedule makes due
    and a hold on them keeps: one statement per kind and person field (a fixed number)."""
    from harken.cases.models import Person

    from .standalone import STANDALONE, due_records

    found: dict[int, set[tuple[str, int]]] = {}
    rules = [r for r in rules if r.kind in STANDALONE]
    if not people:
        return found
    addresses: dict[str, set[int]] = {}
    for pk, email in (
        Person.objects.filter(pk__in=people).exclude(email="").values_list("pk", "email")
    ):
        addresses.setdefault(email.lower(), set()).add(pk)
    for rule in rules:
        spec = STANDALONE[rule.kind]
        due = due_records(
            kind=rule.kind, basis=rule.basis, years=rule.years, day=day, with_held=True
        )
        for field in spec.people:
            pairs = due.filter(**{f"{field}_id__in": people}).values_list(f"{field}_id", "pk")
            for person_id, pk in pairs:
                found.setdefault(person_id, set()).add((rule.kind, pk))
        if spec.address and addresses:
            pairs = due.filter(**{f"{spec.address}__in": list(addresses)}).values_list(
                spec.address, "pk"
            )
            for address, pk in pairs:
                for person_id in addresses.get(str(address).lower(), ()):
                    found.setdefault(person_id, set()).add((rule.kind, pk))
    return found


def held_from_run(run: DisposalRun) -> list[HeldFromDisposal]:
    """What the holds in force keep out of a preview: each hold (on a case or a person) and
    each live subject access request that covers a record the schedule would otherwise make
    due on the run's day: its cases, and its person's records not linked to a case (register
    records, rights requests, e-mails from their address). A record two holds cover counts
    under both.

    A fixed number of statements however many holds or held cases there are: the cases due
    are one subquery (the rules cover disjoint kinds, so a case is due under one rule at
    most), the held cases are found for every person and every held case in one statement
    each, and the other records in one statement per kind."""
    case_kinds = [*CASE_KINDS, RecordKind.LOOKED_AFTER]
    # Every rule, not only those with a line: a hold may keep back every record of a kind.
    every_rule = list(RetentionRule.objects.all())
    rules = [r for r in every_rule if r.kind in case_kinds]
    due = Q(pk__in=[])
    for rule in rules:
        due |= Q(pk__in=due_cases(rule=rule, day=run.due_on, with_held=True).values("pk"))
    due_ids = Case.objects.filter(due).values("pk")

    holds = list(
        LegalHold.objects.filter(released_at__isnull=True)
        .select_related("case", "person", "placed_by")
        .order_by("placed_at", "pk")[:MAX_HOLDS_SHOWN]
    )
    sars = list(
        open_sars()
        .select_related("requester", "subject")
        .order_by("received_on", "pk")[:MAX_HOLDS_SHOWN]
    )
    people = {h.person_id for h in holds if h.person_id is not None} | {
        s.subject_id or s.requester_id for s in sars if s.subject_id or s.requester_id
    }
    by_person: dict[int, set[int]] = {}
    if people and rules:
        pairs = (
            CaseParty.objects.filter(person_id__in=people, case_id__in=due_ids)
            .values_list("person_id", "case_id")
            .distinct()
        )
        for person_id, case_id in pairs:
            by_person.setdefault(person_id, set()).add(case_id)
    records_of = _held_records(people, run.due_on, every_rule)
    held_cases = {h.case_id for h in holds if h.case_id is not None}
    due_held: set[int] = set()
    if held_cases and rules:
        due_held = set(Case.objects.filter(due, pk__in=held_cases).values_list("pk", flat=True))

    found: list[HeldFromDisposal] = []
    for hold in holds:
        others: set[tuple[str, int]] = set()
        if hold.person_id is not None:
            kept = by_person.get(hold.person_id, set())
            others = records_of.get(hold.person_id, set())
        else:
            kept = {hold.case_id} if hold.case_id in due_held else set()
        if kept or others:
            found.append(
                HeldFromDisposal(
                    hold, None, len(kept) + len(others), frozenset(kept), frozenset(others)
                )
            )
    for sar in sars:
        person_id = sar.subject_id or sar.requester_id or 0
        kept = by_person.get(person_id, set())
        # A live request does not hold itself back (it is not due: it is running).
        others = {r for r in records_of.get(person_id, set()) if r != ("sar", sar.pk)}
        if kept or others:
            found.append(
                HeldFromDisposal(
                    None, sar, len(kept) + len(others), frozenset(kept), frozenset(others)
                )
            )
    return found


def held_total(held: list[HeldFromDisposal]) -> int:
    """How many records the holds keep out, each counted once (two holds may cover one)."""
    cases = {pk for h in held for pk in h.case_ids}
    others = {r for h in held for r in h.records}
    return len(cases) + len(others)


def hold_list(*, active_only: bool = True) -> QuerySet[LegalHold]:
    holds = LegalHold.objects.select_related("case", "person", "placed_by", "released_by")
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


def visible_holds(user: Any, holds: QuerySet[LegalHold]) -> QuerySet[LegalHold]:
    """The holds a user may see: on a case they can see, or on a person they can see."""
    return holds.filter(
        Q(case__in=access.visible_cases(user)) | Q(person__in=access.visible_people(user))
    )
