"""Reads of the registers. List selectors decide the joins once (bounded queries); the
`*_get` selectors return one record the user may see and log the read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet, Sum

from harken.core.audit import record_reads
from harken.core.dates import today
from harken.core.errors import AccessDenied

from . import permissions
from .models import (
    AdvocacyReferral,
    ContactRestriction,
    InvestigationCost,
    OmbudsmanCase,
    OmbudsmanDecision,
    OmbudsmanRemedy,
    Payment,
    Register,
    RegisterEvent,
    RegisterRead,
    SubjectAccessRequest,
    restrictions_in_force,
)

if TYPE_CHECKING:
    from harken.accounts.models import User
    from harken.cases.models import Case

M = TypeVar("M", bound=Model)


def _between(
    qs: QuerySet[M], field: str, start: dt.date | None, end: dt.date | None
) -> QuerySet[M]:
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def log_cases_shown(records: Iterable[Model], user: User) -> None:
    """A register record of a case is a read of the case too: its trail says so (one
    statement for a whole page)."""
    record_reads(
        cases=[r.case_id for r in records if getattr(r, "case_id", None)],  # type: ignore[attr-defined]
        user=user,
        via="register",
    )


def _log_read(register: str, record: Model, user: User, via: str) -> None:
    RegisterRead.objects.create(register=register, record_id=record.pk, user=user, via=via)
    log_cases_shown([record], user)


def log_reads(register: str, records: Iterable[Model], user: User, via: str) -> None:
    """Records read in full in one go (a page of the API's list): one read each, and one of
    each case they are about."""
    records = list(records)
    RegisterRead.objects.bulk_create(
        RegisterRead(register=register, record_id=record.pk, user=user, via=via)
        for record in records
    )
    log_cases_shown(records, user)


def _get(qs: QuerySet[M], pk: int, what: str) -> M:
    try:
        return qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise AccessDenied(f"There is no {what} you can see.") from exc


def history(register: str, record_id: int) -> QuerySet[RegisterEvent]:
    """The audit trail of one register record, oldest first."""
    return (
        RegisterEvent.objects.filter(register=register, record_id=record_id)
        .select_related("actor")
        .order_by("at", "id")
    )


# --- Ombudsman cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class OmbudsmanFilters:
    decision: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    linked: str = ""  # "case" / "standalone" / ""
    remedies_outstanding: bool = False
    reference: str = ""


def ombudsman_visible(user: User) -> QuerySet[OmbudsmanCase]:
    return OmbudsmanCase.objects.filter(permissions.visible(user, person_fields=("person",)))


def ombudsman_list(
    *, user: User, filters: OmbudsmanFilters | None = None
) -> QuerySet[OmbudsmanCase]:
    f = filters or OmbudsmanFilters()
    qs = ombudsman_visible(user)
    if f.decision:
        qs = qs.filter(decision=f.decision)
    qs = _between(qs, "enquiry_received_on", f.received_from, f.received_to)
    if f.linked == "case":
        qs = qs.filter(case__isnull=False)
    elif f.linked == "standalone":
        qs = qs.filter(case__isnull=True)
    if f.reference:
        qs = qs.filter(
            Q(ombudsman_reference__icontains=f.reference.strip())
            | Q(case__reference__iexact=f.reference.strip())
        )
    outstanding = Count("remedies", filter=Q(remedies__complied_on__isnull=True), distinct=True)
    qs = qs.annotate(
        remedies_outstanding=outstanding, remedies_total=Count("remedies", distinct=True)
    )
    if f.remedies_outstanding:
        qs = qs.filter(remedies_outstanding__gt=0)
    return qs.select_related("case", "person").order_by("-enquiry_received_on", "-id")


def ombudsman_get(*, user: User, pk: int, via: str = "web") -> OmbudsmanCase:
    ombudsman_case = _get(
        ombudsman_visible(user).select_related("case", "person"), pk, "Ombudsman case"
    )
    _log_read(Register.OMBUDSMAN, ombudsman_case, user, via)
    return ombudsman_case


def ombudsman_for_change(*, user: User, pk: int) -> OmbudsmanCase:
    """The Ombudsman case to change (the service checks the user may); not logged as a read."""
    return _get(ombudsman_visible(user).select_related("case", "person"), pk, "Ombudsman case")


def remedy_for_change(*, user: User, ombudsman_pk: int, pk: int) -> OmbudsmanRemedy:
    qs = OmbudsmanRemedy.objects.filter(
        ombudsman_case__in=ombudsman_visible(user).values("pk"), ombudsman_case_id=ombudsman_pk
    ).select_related("ombudsman_case__case")
    return _get(qs, pk, "remedy")


def remedies(ombudsman_case: OmbudsmanCase) -> QuerySet[OmbudsmanRemedy]:
    return ombudsman_case.remedies.order_by("due_on", "id")


# --- Payments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentFilters:
    kind: str = ""
    paid_from: dt.date | None = None
    paid_to: dt.date | None = None
    recommended_by_ombudsman: bool = False


def payments_visible(user: User) -> QuerySet[Payment]:
    # A payment of a standalone Ombudsman case has no case: editors only.
    return Payment.objects.filter(
        permissions.visible(user, person_fields=("ombudsman_case__person",))
    )


def payment_list(*, user: User, filters: PaymentFilters | None = None) -> QuerySet[Payment]:
    f = filters or PaymentFilters()
    qs = payments_visible(user)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    qs = _between(qs, "paid_on", f.paid_from, f.paid_to)
    if f.recommended_by_ombudsman:
        qs = qs.filter(recommended_by_ombudsman=True)
    return qs.select_related("case", "ombudsman_case").order_by("-paid_on", "-id")


def total(qs: QuerySet[Any], field: str = "amount") -> Any:
    """The sum of `field` over `qs` (0 when empty), in one query."""
    return qs.order_by().aggregate(total=Sum(field))["total"] or Decimal("0.00")


def payment_get(*, user: User, pk: int, via: str = "web") -> Payment:
    payment = _get(payments_visible(user).select_related("case", "ombudsman_case"), pk, "payment")
    _log_read(Register.PAYMENT, payment, user, via)
    return payment


def payment_for_change(*, user: User, pk: int) -> Payment:
    return _get(payments_visible(user).select_related("case", "ombudsman_case"), pk, "payment")


# --- Investigation costs --------------------------------------------------------------------


@dataclass(frozen=True)
class CostFilters:
    role: str = ""
    incurred_from: dt.date | None = None
    incurred_to: dt.date | None = None
    stage_number: int | None = None


def costs_visible(user: User) -> QuerySet[InvestigationCost]:
    return InvestigationCost.objects.filter(permissions.visible(user))


def cost_list(*, user: User, filters: CostFilters | None = None) -> QuerySet[InvestigationCost]:
    f = filters or CostFilters()
    qs = costs_visible(user)
    if f.role:
        qs = qs.filter(role=f.role)
    if f.stage_number is not None:
        qs = qs.filter(stage_number=f.stage_number)
    qs = _between(qs, "incurred_on", f.incurred_from, f.incurred_to)
    return qs.select_related("case").order_by("-incurred_on", "-id")


def cost_get(*, user: User, pk: int, via: str = "web") -> InvestigationCost:
    cost = _get(costs_visible(user).select_related("case"), pk, "investigation cost")
    _log_read(Register.COST, cost, user, via)
    return cost


def cost_for_change(*, user: User, pk: int) -> InvestigationCost:
    return _get(costs_visible(user).select_related("case"), pk, "investigation cost")


# --- Restrictions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RestrictionFilters:
    status: str = ""  # "in_force" / "ended" / "review_due" / ""
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None


def restrictions_visible(user: User) -> QuerySet[ContactRestriction]:
    return ContactRestriction.objects.filter(permissions.visible(user, person_fields=("person",)))


def restriction_list(
    *, user: User, filters: RestrictionFilters | None = None, on: dt.date | None = None
) -> QuerySet[ContactRestriction]:
    f = filters or RestrictionFilters()
    day = on or today()
    qs = restrictions_visible(user)
    if f.status == "in_force":
        qs = qs.filter(restrictions_in_force(day))
    elif f.status == "ended":
        qs = qs.filter(ended_on__lte=day)
    elif f.status == "review_due":
        qs = qs.filter(restrictions_in_force(day), review_on__lte=day).filter(
            Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=F("review_on"))
        )
    qs = _between(qs, "decision_on", f.decided_from, f.decided_to)
    return qs.select_related("person", "case").order_by("-decision_on", "-id")


def restriction_get(*, user: User, pk: int, via: str = "web") -> ContactRestriction:
    restriction = _get(
        restrictions_visible(user).select_related("person", "case"), pk, "contact restriction"
    )
    _log_read(Register.RESTRICTION, restriction, user, via)
    return restriction


def restriction_for_change(*, user: User, pk: int) -> ContactRestriction:
    return _get(
        restrictions_visible(user).select_related("person", "case"), pk, "contact restriction"
    )


def restrictions_for_case(case: Case, *, on: dt.date | None = None) -> list[ContactRestriction]:
    """The persistent-contact restrictions in force on `on` (today) on anyone who is a party to
    `case`. For the banner: whoever can see the case sees it (appointees deal with them too)."""
    day = on or today()
    return list(
        ContactRestriction.objects.filter(restrictions_in_force(day), person__parties__case=case)
        .select_related("person")
        .distinct()
        .order_by("decision_on", "id")
    )


def restriction_for_case(case: Case, *, on: dt.date | None = None) -> ContactRestriction | None:
    """The first restriction in force on a party to `case` (None if there is none)."""
    found = restrictions_for_case(case, on=on)
    return found[0] if found else None


# --- Advocacy -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdvocacyFilters:
    provider: str = ""
    outcome: str = ""
    referred_from: dt.date | None = None
    referred_to: dt.date | None = None


def advocacy_visible(user: User) -> QuerySet[AdvocacyReferral]:
    return AdvocacyReferral.objects.filter(permissions.visible(user, person_fields=("child",)))


def advocacy_list(
    *, user: User, filters: AdvocacyFilters | None = None
) -> QuerySet[AdvocacyReferral]:
    f = filters or AdvocacyFilters()
    qs = advocacy_visible(user)
    if f.provider:
        qs = qs.filter(provider=f.provider)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    qs = _between(qs, "referred_on", f.referred_from, f.referred_to)
    return qs.select_related("child", "case").order_by("-referred_on", "-id")


def advocacy_get(*, user: User, pk: int, via: str = "web") -> AdvocacyReferral:
    referral = _get(advocacy_visible(user).select_related("child", "case"), pk, "advocacy referral")
    _log_read(Register.ADVOCACY, referral, user, via)
    return referral


def advocacy_for_change(*, user: User, pk: int) -> AdvocacyReferral:
    return _get(advocacy_visible(user).select_related("child", "case"), pk, "advocacy referral")


# --- Subject access requests ----------------------------------------------------------------


@dataclass(frozen=True)
class SarFilters:
    status: str = ""  # "open" / "overdue" / "sent" / ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    reference: str = ""


def sars_visible(user: User) -> QuerySet[SubjectAccessRequest]:
    # Standalone records: feedback officers and administrators only, and only of people they
    # may see (not someone who is on restricted cases only).
    if not permissions.can_change_registers(user):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(
        permissions.people_visible(user, ("requester", "subject"))
    )


def _final_due_before(day: dt.date) -> Q:
    return Q(extended_due_on__isnull=True, due_on__lt=day) | Q(extended_due_on__lt=day)


def sar_list(
    *, user: User, filters: SarFilters | None = None, on: dt.date | None = None
) -> QuerySet[SubjectAccessRequest]:
    f = filters or SarFilters()
    day = on or today()
    qs = sars_visible(user)
    if f.status == "open":
        qs = qs.filter(sent_on__isnull=True)
    elif f.status == "overdue":
        qs = qs.filter(_final_due_before(day), sent_on__isnull=True)
    elif f.status == "sent":
        qs = qs.filter(sent_on__isnull=False)
    qs = _between(qs, "received_on", f.received_from, f.received_to)
    if f.reference:
        qs = qs.filter(reference__iexact=f.reference.strip())
    return (
        qs.select_related("requester", "subject")
        .prefetch_related("pauses")
        .order_by("-received_on", "-id")
    )


def sar_get(*, user: User, pk: int, via: str = "web") -> SubjectAccessRequest:
    sar = _get(
        sars_visible(user).select_related("requester", "subject").prefetch_related("pauses"),
        pk,
        "request",
    )
    _log_read(Register.SAR, sar, user, via)
    return sar


def sar_for_change(*, user: User, pk: int) -> SubjectAccessRequest:
    return _get(sars_visible(user).select_related("requester", "subject"), pk, "request")


# --- The index and the case panel -----------------------------------------------------------


def register_counts(*, user: User, on: dt.date | None = None) -> dict[str, dict[str, int]]:
    """For the index page: each register's records and what needs attention."""
    day = on or today()
    ombudsman = ombudsman_visible(user).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(decision=OmbudsmanDecision.IN_PROGRESS))
    )
    remedies_overdue = OmbudsmanRemedy.objects.filter(
        ombudsman_case__in=ombudsman_visible(user).values("pk"),
        complied_on__isnull=True,
        due_on__lt=day,
    ).count()
    restrictions = restrictions_visible(user).aggregate(
        total=Count("pk"), in_force=Count("pk", filter=restrictions_in_force(day))
    )
    advocacy = advocacy_visible(user).aggregate(
        total=Count("pk"), pending=Count("pk", filter=Q(outcome="pending"))
    )
    sars = sars_visible(user).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(sent_on__isnull=True)),
        overdue=Count("pk", filter=Q(sent_on__isnull=True) & _final_due_before(day)),
    )
    return {
        "ombudsman": {**ombudsman, "remedies_overdue": remedies_overdue},
        "payments": {"total": payments_visible(user).count()},
        "costs": {"total": costs_visible(user).count()},
        "restrictions": restrictions,
        "advocacy": advocacy,
        "sars": sars,
    }


@dataclass
class CasePanel:
    restrictions: list[ContactRestriction]
    show_registers: bool
    can_change: bool
    ombudsman_cases: list[OmbudsmanCase]
    payments: list[Payment]
    costs: list[InvestigationCost]
    advocacy_referrals: list[AdvocacyReferral]
    payments_total: Any
    costs_total: Any


def _registers_held(case: Case, *, with_registers: bool) -> dict[str, bool]:
    """Which registers hold a record of `case` (and whether a party has a restriction in
    force today), as one statement of EXISTS tests; the registers only `with_registers`."""
    from harken.cases.models import Case as CaseModel

    tests: dict[str, Any] = {
        "restrictions": Exists(
            ContactRestriction.objects.filter(
                restrictions_in_force(today()), person__parties__case=OuterRef("pk")
            )
        )
    }
    if with_registers:
        tests |= {
            "ombudsman": Exists(OmbudsmanCase.objects.filter(case=OuterRef("pk"))),
            "payments": Exists(Payment.objects.filter(case=OuterRef("pk"))),
            "costs": Exists(InvestigationCost.objects.filter(case=OuterRef("pk"))),
            "advocacy": Exists(AdvocacyReferral.objects.filter(case=OuterRef("pk"))),
        }
    # Prefixed: the case has relations called `payments` and the like.
    found = (
        CaseModel.objects.filter(pk=case.pk)
        .values(**{f"held_{name}": test for name, test in tests.items()})
        .first()
    ) or {}
    return {
        name: bool(found.get(f"held_{name}"))
        for name in ("restrictions", "ombudsman", "payments", "costs", "advocacy")
    }


def case_panel(*, case: Case, user: User) -> CasePanel:
    """What the case page's registers panel shows: the restriction banner to anyone who can
    see the case, and the case's register records to those who read registers."""
    show = permissions.can_read_registers(user)
    ombudsman_cases: list[OmbudsmanCase] = []
    payments: list[Payment] = []
    costs: list[InvestigationCost] = []
    referrals: list[AdvocacyReferral] = []
    # One statement says which of the case's registers hold anything (most cases have none):
    # only those are read (issue 17: five look-ups a page, usually empty, became one).
    held = _registers_held(case, with_registers=show)
    if held["ombudsman"]:
        ombudsman_cases = list(
            OmbudsmanCase.objects.filter(case=case)
            .annotate(
                remedies_outstanding=Count("remedies", filter=Q(remedies__complied_on__isnull=True))
            )
            .order_by("-enquiry_received_on", "-id")
        )
    if held["payments"]:
        payments = list(Payment.objects.filter(case=case).order_by("-paid_on", "-id"))
    if held["costs"]:
        costs = list(InvestigationCost.objects.filter(case=case).order_by("-incurred_on", "-id"))
    if held["advocacy"]:
        referrals = list(
            AdvocacyReferral.objects.filter(case=case)
            .select_related("child")
            .order_by("-referred_on")
        )
    return CasePanel(
        restrictions=restrictions_for_case(case) if held["restrictions"] else [],
        show_registers=show,
        can_change=permissions.can_change_registers(user),
        ombudsman_cases=ombudsman_cases,
        payments=payments,
        costs=costs,
        advocacy_referrals=referrals,
        payments_total=sum((p.amount for p in payments), start=Decimal("0.00")),
        costs_total=sum((c.amount for c in costs), start=Decimal("0.00")),
    )
