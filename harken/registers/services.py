"""Every change to a register record. Keyword-only; each checks who may make it, validates
the record's whole new state, saves it and writes its audit rows in one transaction.

A change is a `RegisterEvent`; a change to a record linked to a case is also an event on the
case's timeline (with the same old and new values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import F, Model

from harken.accounts.models import User
from harken.cases import services as case_services
from harken.cases.models import Case, Person, TimelineEvent
from harken.core import checks
from harken.core.audit import record_event, set_fields
from harken.core.dates import format_date
from harken.core.errors import ApplicationError
from harken.core.updates import NOT_GIVEN, NotGiven, given
from harken.workdays.rules import (
    Deadline,
    calendar_month_deadline,
    is_working_day,
    non_working_reason,
)

from . import permissions
from .models import (
    AdvocacyOutcome,
    AdvocacyProvider,
    AdvocacyReferral,
    ContactRestriction,
    CostRole,
    InvestigationCost,
    OmbudsmanCase,
    OmbudsmanDecision,
    OmbudsmanRemedy,
    Payment,
    PaymentKind,
    Register,
    RegisterEvent,
    RemedyKind,
    SarCounter,
    SarPause,
    SarPauseReason,
    SubjectAccessRequest,
    format_money,
)

Verb = TimelineEvent.Verb

Changes = dict[str, list[str | None]]

# --- Shared checks --------------------------------------------------------------------------


def _choice(name: str, value: str, choices: list[str], message: str) -> str:
    if value not in choices:
        raise ApplicationError.for_field(name, message)
    return value


def _person(
    *,
    person: Person | None,
    details: Mapping[str, Any] | None,
    actor: User,
    field: str,
    label: str,
    required: bool = True,
) -> Person | None:
    """An existing person, or a new one from `details` (first_name, last_name, …)."""
    if person is not None:
        return person
    if details:
        try:
            return case_services.person_create(actor=actor, **case_services.person_details(details))
        except ApplicationError as exc:
            messages = [m for ms in exc.field_errors.values() for m in ms] or [exc.message]
            raise ApplicationError(
                exc.message, field_errors={field: messages, **exc.field_errors}
            ) from exc
    if required:
        raise ApplicationError.for_field(field, f"Choose {label} or enter their name.")
    return None


def _audit(
    *,
    register: str,
    record: Model,
    case: Case | None,
    actor: User | None,
    verb: TimelineEvent.Verb,
    description: str,
    changes: Changes | None = None,
) -> None:
    """The register's audit row and, for a record linked to a case, the case's timeline event."""
    RegisterEvent.objects.create(
        register=register,
        record_id=record.pk,
        actor=actor,
        verb=verb,
        description=description[:500],
        changes=changes or {},
    )
    if case is not None:
        record_event(
            case=case, actor=actor, verb=verb, description=description, changes=changes or {}
        )


def _save(obj: Model, actor: User, *, creating: bool = False) -> None:
    if creating:
        obj.created_by = actor  # type: ignore[attr-defined]
    obj.modified_by = actor  # type: ignore[attr-defined]
    obj.save()


def _created_changes(obj: Model, fields: list[str]) -> Changes:
    """A new record's values as changes from nothing, for the audit trail."""
    changes: Changes = {}
    for name in fields:
        value = getattr(obj, name)
        if value in (None, "", False):
            continue
        changes[name] = [None, _as_text(value)]
    return changes


def _update(
    record: Model,
    *,
    actor: User,
    values: Mapping[str, Any],
    fields: Iterable[str],
    check: Callable[[dict[str, Any]], dict[str, Any]],
    register: str,
    case_of: Callable[[], Case | None],
    describe: Callable[[Changes], tuple[TimelineEvent.Verb, str]],
    audited: Model | None = None,
) -> Changes:
    """What every register update shares: the record's current values with `values` laid over
    them, checked as a whole by `check`, then saved and audited only if something changed.
    `case_of()` is the case the change belongs to, read after the change (a payment may move);
    `describe(changes)` gives the audit's verb and description; `audited` is the record the
    audit row is filed under when it is not `record` itself (a remedy: its Ombudsman case)."""
    new = check({**{f: getattr(record, f) for f in fields}, **values})
    changes = set_fields(record, new)
    if changes:
        _save(record, actor)
        verb, description = describe(changes)
        _audit(
            register=register,
            record=audited or record,
            case=case_of(),
            actor=actor,
            verb=verb,
            description=description,
            changes=changes,
        )
    return changes


def _as_text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- Ombudsman cases ------------------------------------------------------------------------

OMBUDSMAN_FIELDS = [
    "case",
    "person",
    "summary",
    "ombudsman_reference",
    "enquiry_received_on",
    "response_due_on",
    "response_sent_on",
    "decision",
    "decision_on",
    "injustice",
    "notes",
]


def _check_ombudsman(values: dict[str, Any], *, pk: int | None) -> dict[str, Any]:
    values["ombudsman_reference"] = checks.required_text(
        "ombudsman_reference", values["ombudsman_reference"], "Enter the Ombudsman's reference."
    )
    clash = OmbudsmanCase.objects.filter(ombudsman_reference__iexact=values["ombudsman_reference"])
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ApplicationError.for_field(
            "ombudsman_reference", "An Ombudsman case with this reference is already recorded."
        )
    case: Case | None = values["case"]
    values["summary"] = (values.get("summary") or "").strip()
    if case is None:
        if values["person"] is None:
            raise ApplicationError.for_field(
                "person", "Choose who went to the Ombudsman or enter their name."
            )
        values["summary"] = checks.required_text(
            "summary", values["summary"], "Enter a summary of what the complaint is about."
        )
    received = checks.date(
        "enquiry_received_on",
        values["enquiry_received_on"],
        label="the Ombudsman's enquiry was received",
    )
    assert received is not None  # noqa: S101
    after_received = {"not_before": received, "before_label": "the enquiry was received"}
    checks.date(
        "response_due_on",
        values["response_due_on"],
        label="our response is due",
        required=False,
        future=True,
        **after_received,  # type: ignore[call-overload]
    )
    checks.date(
        "response_sent_on",
        values["response_sent_on"],
        label="our response was sent",
        required=False,
        **after_received,  # type: ignore[call-overload]
    )
    decision = _choice(
        "decision", values["decision"], OmbudsmanDecision.values, "Choose the decision."
    )
    if decision == OmbudsmanDecision.IN_PROGRESS:
        if values["decision_on"] is not None:
            raise ApplicationError.for_field(
                "decision_on", "Choose the decision, or leave the decision date empty."
            )
    else:
        checks.date(
            "decision_on",
            values["decision_on"],
            label="of the Ombudsman's decision",
            **after_received,  # type: ignore[call-overload]
        )
    if decision == OmbudsmanDecision.UPHELD:
        if values["injustice"] is None:
            raise ApplicationError.for_field(
                "injustice", "Say whether the Ombudsman found injustice."
            )
    else:
        values["injustice"] = None
    return values


def _check_remedies_after_decision(ombudsman_case: OmbudsmanCase) -> None:
    """No remedy may have been complied with before the decision it answers."""
    start = ombudsman_case.decision_on or ombudsman_case.enquiry_received_on
    early = ombudsman_case.remedies.filter(complied_on__lt=start).first()
    if early is not None:
        raise ApplicationError.for_field(
            "decision_on",
            f"A remedy ({early}) was complied with on {format_date(early.complied_on)}, before "
            f"this date. Correct the remedy first.",
        )


def _flag_case(case: Case | None, actor: User) -> None:
    if case is not None and not case.ombudsman_involved:
        case_services.ombudsman_flag(case=case, involved=True, actor=actor)


@transaction.atomic
def ombudsman_case_create(
    *,
    actor: User,
    ombudsman_reference: str,
    enquiry_received_on: dt.date | None,
    case: Case | None = None,
    person: Person | None = None,
    person_details: Mapping[str, Any] | None = None,
    summary: str = "",
    response_due_on: dt.date | None = None,
    response_sent_on: dt.date | None = None,
    decision: str = OmbudsmanDecision.IN_PROGRESS,
    decision_on: dt.date | None = None,
    injustice: bool | None = None,
    notes: str = "",
) -> OmbudsmanCase:
    """Record an Ombudsman enquiry, about a case or standalone (then naming the person)."""
    permissions.ensure_can_change(actor, case)
    person = _person(
        person=person,
        details=person_details,
        actor=actor,
        field="person",
        label="the person",
        required=False,
    )
    values = _check_ombudsman(
        {
            "case": case,
            "person": person,
            "summary": summary,
            "ombudsman_reference": ombudsman_reference,
            "enquiry_received_on": enquiry_received_on,
            "response_due_on": response_due_on,
            "response_sent_on": response_sent_on,
            "decision": decision,
            "decision_on": decision_on,
            "injustice": injustice,
            "notes": (notes or "").strip(),
        },
        pk=None,
    )
    ombudsman_case = OmbudsmanCase(**values)
    try:
        with transaction.atomic():
            _save(ombudsman_case, actor, creating=True)
    except IntegrityError as exc:  # a concurrent request with the same reference
        raise ApplicationError.for_field(
            "ombudsman_reference", "An Ombudsman case with this reference is already recorded."
        ) from exc
    _audit(
        register=Register.OMBUDSMAN,
        record=ombudsman_case,
        case=case,
        actor=actor,
        verb=Verb.OMBUDSMAN_CASE_RECORDED,
        description=f"Ombudsman case {ombudsman_case.ombudsman_reference} recorded",
        changes=_created_changes(ombudsman_case, OMBUDSMAN_FIELDS),
    )
    _flag_case(case, actor)
    return ombudsman_case


@transaction.atomic
def ombudsman_case_update(
    *,
    ombudsman_case: OmbudsmanCase,
    actor: User,
    case: Case | NotGiven | None = NOT_GIVEN,
    person: Person | NotGiven | None = NOT_GIVEN,
    summary: str | NotGiven = NOT_GIVEN,
    ombudsman_reference: str | NotGiven = NOT_GIVEN,
    enquiry_received_on: dt.date | NotGiven | None = NOT_GIVEN,
    response_due_on: dt.date | NotGiven | None = NOT_GIVEN,
    response_sent_on: dt.date | NotGiven | None = NOT_GIVEN,
    decision: str | NotGiven = NOT_GIVEN,
    decision_on: dt.date | NotGiven | None = NOT_GIVEN,
    injustice: bool | NotGiven | None = NOT_GIVEN,
    notes: str | NotGiven = NOT_GIVEN,
) -> OmbudsmanCase:
    """Change an Ombudsman case: dates, decision, notes, or link it to a case."""
    values = given(
        case=case,
        person=person,
        summary=summary,
        ombudsman_reference=ombudsman_reference,
        enquiry_received_on=enquiry_received_on,
        response_due_on=response_due_on,
        response_sent_on=response_sent_on,
        decision=decision,
        decision_on=decision_on,
        injustice=injustice,
        notes=notes,
    )
    permissions.ensure_can_change(actor, ombudsman_case.case)
    if values.get("case") is not None and values["case"] != ombudsman_case.case:
        permissions.ensure_can_change(actor, values["case"])
    new = _check_ombudsman(
        {**{f: getattr(ombudsman_case, f) for f in OMBUDSMAN_FIELDS}, **values},
        pk=ombudsman_case.pk,
    )
    new["notes"] = (new["notes"] or "").strip()
    changes = set_fields(ombudsman_case, new)
    if not changes:
        return ombudsman_case
    _check_remedies_after_decision(ombudsman_case)
    try:
        with transaction.atomic():
            _save(ombudsman_case, actor)
    except IntegrityError as exc:
        raise ApplicationError.for_field(
            "ombudsman_reference", "An Ombudsman case with this reference is already recorded."
        ) from exc
    description = f"Ombudsman case {ombudsman_case.ombudsman_reference} updated"
    if "decision" in changes:
        description = (
            f"Ombudsman case {ombudsman_case.ombudsman_reference}: "
            f"decision {ombudsman_case.decision_label.lower()}"
        )
    _audit(
        register=Register.OMBUDSMAN,
        record=ombudsman_case,
        case=ombudsman_case.case,
        actor=actor,
        verb=Verb.OMBUDSMAN_CASE_UPDATED,
        description=description,
        changes=changes,
    )
    # A payment of a standalone Ombudsman case now linked to a case belongs to that case too.
    if ombudsman_case.case is not None:
        ombudsman_case.payments.filter(case__isnull=True).update(case=ombudsman_case.case)
    _flag_case(ombudsman_case.case, actor)
    return ombudsman_case


# --- Remedies -------------------------------------------------------------------------------

REMEDY_FIELDS = ["kind", "description", "amount", "due_on", "complied_on", "evidence"]


def _check_remedy(ombudsman_case: OmbudsmanCase, values: dict[str, Any]) -> dict[str, Any]:
    kind = _choice("kind", values["kind"], RemedyKind.values, "Choose the kind of remedy.")
    values["description"] = (values.get("description") or "").strip()
    values["evidence"] = (values.get("evidence") or "").strip()
    if kind == RemedyKind.PAYMENT:
        values["amount"] = checks.money("amount", values["amount"], what="amount to pay")
    elif values["amount"] not in (None, ""):
        raise ApplicationError.for_field("amount", "Only a payment has an amount.")
    else:
        values["amount"] = None
    if kind in (RemedyKind.SERVICE_IMPROVEMENT, RemedyKind.OTHER) and not values["description"]:
        raise ApplicationError.for_field("description", "Describe what was agreed.")
    checks.date(
        "due_on",
        values["due_on"],
        label="the remedy is due",
        required=False,
        future=True,
        not_before=ombudsman_case.enquiry_received_on,
        before_label="the enquiry was received",
    )
    if values["complied_on"] is not None:
        if ombudsman_case.decision_on is not None:
            start, start_label = ombudsman_case.decision_on, "the Ombudsman's decision"
        else:
            start, start_label = ombudsman_case.enquiry_received_on, "the enquiry was received"
        checks.date(
            "complied_on",
            values["complied_on"],
            label="we complied",
            not_before=start,
            before_label=f"{start_label} ({format_date(start)})",
        )
        values["evidence"] = checks.required_text(
            "evidence", values["evidence"], "Describe the evidence that we complied."
        )
    return values


@transaction.atomic
def ombudsman_remedy_add(
    *,
    ombudsman_case: OmbudsmanCase,
    actor: User,
    kind: str,
    description: str = "",
    amount: Decimal | None = None,
    due_on: dt.date | None = None,
    complied_on: dt.date | None = None,
    evidence: str = "",
) -> OmbudsmanRemedy:
    """Record a remedy agreed with the Ombudsman (an apology, a payment with its amount, a
    service improvement), its due date and, once done, the evidence of compliance."""
    permissions.ensure_can_change(actor, ombudsman_case.case)
    values = _check_remedy(
        ombudsman_case,
        {
            "kind": kind,
            "description": description,
            "amount": amount,
            "due_on": due_on,
            "complied_on": complied_on,
            "evidence": evidence,
        },
    )
    remedy = OmbudsmanRemedy(ombudsman_case=ombudsman_case, **values)
    _save(remedy, actor, creating=True)
    _audit(
        register=Register.OMBUDSMAN,
        record=ombudsman_case,
        case=ombudsman_case.case,
        actor=actor,
        verb=Verb.OMBUDSMAN_REMEDY_ADDED,
        description=f"Ombudsman case {ombudsman_case.ombudsman_reference}: remedy agreed "
        f"({remedy})",
        changes=_created_changes(remedy, REMEDY_FIELDS),
    )
    return remedy


@transaction.atomic
def ombudsman_remedy_update(
    *,
    remedy: OmbudsmanRemedy,
    actor: User,
    kind: str | NotGiven = NOT_GIVEN,
    description: str | NotGiven = NOT_GIVEN,
    amount: Decimal | NotGiven | None = NOT_GIVEN,
    due_on: dt.date | NotGiven | None = NOT_GIVEN,
    complied_on: dt.date | NotGiven | None = NOT_GIVEN,
    evidence: str | NotGiven = NOT_GIVEN,
) -> OmbudsmanRemedy:
    """Change a remedy, or record that we complied (the date and the evidence)."""
    values = given(
        kind=kind,
        description=description,
        amount=amount,
        due_on=due_on,
        complied_on=complied_on,
        evidence=evidence,
    )
    ombudsman_case = remedy.ombudsman_case
    permissions.ensure_can_change(actor, ombudsman_case.case)

    def describe(changes: Changes) -> tuple[TimelineEvent.Verb, str]:
        what = "complied with" if "complied_on" in changes and remedy.complied_on else "updated"
        return (
            Verb.OMBUDSMAN_REMEDY_UPDATED,
            f"Ombudsman case {ombudsman_case.ombudsman_reference}: remedy {what} ({remedy})",
        )

    _update(
        remedy,
        actor=actor,
        values=values,
        fields=REMEDY_FIELDS,
        check=partial(_check_remedy, ombudsman_case),
        register=Register.OMBUDSMAN,
        case_of=lambda: ombudsman_case.case,
        describe=describe,
        audited=ombudsman_case,
    )
    return remedy


# --- Payments -------------------------------------------------------------------------------

PAYMENT_FIELDS = [
    "case",
    "ombudsman_case",
    "kind",
    "amount",
    "paid_on",
    "reason",
    "recommended_by_ombudsman",
    "remedy",
]
# The evidence a remedy is given when its payments comply with it.
PAID_EVIDENCE = "(payment recorded in Harken)."


def _check_remedy_payment(values: dict[str, Any]) -> None:
    """A payment for a remedy: a payment remedy, of the payment's Ombudsman case (which it
    then belongs to), paid once the Ombudsman had decided."""
    remedy: OmbudsmanRemedy | None = values.get("remedy")
    if remedy is None:
        return
    if remedy.kind != RemedyKind.PAYMENT:
        raise ApplicationError.for_field(
            "remedy", "Only a payment remedy is complied with by a payment."
        )
    ombudsman_case = remedy.ombudsman_case
    chosen = values["ombudsman_case"]
    if chosen is not None and chosen.pk != ombudsman_case.pk:
        raise ApplicationError.for_field(
            "remedy", f"That remedy is of Ombudsman case {ombudsman_case.ombudsman_reference}."
        )
    case = values["case"]
    if case is not None and ombudsman_case.case_id not in (None, case.pk):
        raise ApplicationError.for_field("remedy", f"That remedy is not about {case.reference}.")
    values["ombudsman_case"] = ombudsman_case
    values["recommended_by_ombudsman"] = True
    decided = ombudsman_case.decision_on
    paid = values["paid_on"]
    if decided is not None and paid is not None and paid < decided:
        raise ApplicationError.for_field(
            "paid_on",
            f"The payment was made on {format_date(paid)}, before the Ombudsman's decision "
            f"({format_date(decided)}): it cannot be the payment of this remedy.",
        )


def _check_payment(values: dict[str, Any]) -> dict[str, Any]:
    _check_remedy_payment(values)
    case: Case | None = values["case"]
    ombudsman_case: OmbudsmanCase | None = values["ombudsman_case"]
    if ombudsman_case is not None and ombudsman_case.case is not None:
        if case is not None and case.pk != ombudsman_case.case_id:
            raise ApplicationError.for_field(
                "ombudsman_case", f"That Ombudsman case is not about {case.reference}."
            )
        values["case"] = case = ombudsman_case.case
    if case is None and ombudsman_case is None:
        raise ApplicationError.for_field(
            "case", "Say which case or Ombudsman case the payment is for."
        )
    _choice("kind", values["kind"], PaymentKind.values, "Choose the kind of payment.")
    values["amount"] = checks.money("amount", values["amount"], what="amount paid")
    start = case.received_on if case is not None else None
    checks.date(
        "paid_on",
        values["paid_on"],
        label="of the payment",
        not_before=start,
        before_label=f"the case was received ({format_date(start)})" if start else "",
    )
    values["reason"] = checks.required_text(
        "reason", values["reason"], "Enter the reason for the payment."
    )
    values["recommended_by_ombudsman"] = bool(values["recommended_by_ombudsman"])
    return values


@transaction.atomic
def payment_create(
    *,
    actor: User,
    amount: Decimal | None,
    paid_on: dt.date | None,
    reason: str,
    case: Case | None = None,
    ombudsman_case: OmbudsmanCase | None = None,
    kind: str = PaymentKind.COMPENSATION,
    recommended_by_ombudsman: bool = False,
    remedy: OmbudsmanRemedy | None = None,
) -> Payment:
    """Record compensation or a financial remedy paid, for a case or an Ombudsman case; a
    payment of an Ombudsman payment `remedy` marks it complied with once paid in full."""
    permissions.ensure_can_change(actor, case)
    if ombudsman_case is not None:
        permissions.ensure_can_change(actor, ombudsman_case.case)
    if remedy is not None:
        permissions.ensure_can_change(actor, remedy.ombudsman_case.case)
    values = _check_payment(
        {
            "case": case,
            "ombudsman_case": ombudsman_case,
            "kind": kind,
            "amount": amount,
            "paid_on": paid_on,
            "reason": reason,
            "recommended_by_ombudsman": recommended_by_ombudsman,
            "remedy": remedy,
        }
    )
    payment = Payment(**values)
    _save(payment, actor, creating=True)
    _audit(
        register=Register.PAYMENT,
        record=payment,
        case=payment.case,
        actor=actor,
        verb=Verb.PAYMENT_RECORDED,
        description=f"{payment.get_kind_display()} of {format_money(payment.amount)} paid on "
        f"{format_date(payment.paid_on)} recorded",
        changes=_created_changes(payment, PAYMENT_FIELDS),
    )
    if payment.remedy is not None:
        _remedy_paid(payment.remedy, actor)
    return payment


def _remedy_paid(remedy: OmbudsmanRemedy, actor: User) -> None:
    """A payment remedy is complied with on the day its payments reach its amount, with the
    payments as evidence; if corrected payments fall short again, that compliance goes."""
    remedy = OmbudsmanRemedy.objects.select_for_update().get(pk=remedy.pk)
    paid: list[Payment] = list(remedy.payments.order_by("paid_on", "id"))
    total, reached = Decimal(0), None
    for payment in paid:
        total += payment.amount
        if remedy.amount is not None and total >= remedy.amount:
            reached = payment.paid_on
            break
    by_payments = remedy.evidence.endswith(PAID_EVIDENCE)
    values: dict[str, Any]
    if reached is not None and (remedy.complied_on is None or by_payments):
        paid_text = "; ".join(f"{format_money(p.amount)} on {format_date(p.paid_on)}" for p in paid)
        values = {"complied_on": reached, "evidence": f"Paid {paid_text} {PAID_EVIDENCE}"}
    elif reached is None and by_payments:
        values = {"complied_on": None, "evidence": ""}
    else:
        return
    ombudsman_case = remedy.ombudsman_case

    def describe(changes: Changes) -> tuple[TimelineEvent.Verb, str]:
        what = "complied with" if remedy.complied_on else "no longer complied with"
        return (
            Verb.OMBUDSMAN_REMEDY_UPDATED,
            f"Ombudsman case {ombudsman_case.ombudsman_reference}: remedy {what} by payment "
            f"({remedy})",
        )

    _update(
        remedy,
        actor=actor,
        values=values,
        fields=REMEDY_FIELDS,
        check=partial(_check_remedy, ombudsman_case),
        register=Register.OMBUDSMAN,
        case_of=lambda: ombudsman_case.case,
        describe=describe,
        audited=ombudsman_case,
    )


@transaction.atomic
def payment_update(
    *,
    payment: Payment,
    actor: User,
    case: Case | NotGiven | None = NOT_GIVEN,
    ombudsman_case: OmbudsmanCase | NotGiven | None = NOT_GIVEN,
    kind: str | NotGiven = NOT_GIVEN,
    amount: Decimal | NotGiven | None = NOT_GIVEN,
    paid_on: dt.date | NotGiven | None = NOT_GIVEN,
    reason: str | NotGiven = NOT_GIVEN,
    recommended_by_ombudsman: bool | NotGiven = NOT_GIVEN,
    remedy: OmbudsmanRemedy | NotGiven | None = NOT_GIVEN,
) -> Payment:
    values = given(
        case=case,
        ombudsman_case=ombudsman_case,
        kind=kind,
        amount=amount,
        paid_on=paid_on,
        reason=reason,
        recommended_by_ombudsman=recommended_by_ombudsman,
        remedy=remedy,
    )
    permissions.ensure_can_change(actor, payment.case)
    before = payment.remedy
    for key in ("case", "ombudsman_case"):
        other = values.get(key)
        if other is not None:
            permissions.ensure_can_change(actor, other if key == "case" else other.case)
    _update(
        payment,
        actor=actor,
        values=values,
        fields=PAYMENT_FIELDS,
        check=_check_payment,
        register=Register.PAYMENT,
        case_of=lambda: payment.case,
        describe=lambda changes: (
            Verb.PAYMENT_UPDATED,
            f"Payment of {format_money(payment.amount)} updated",
        ),
    )
    for remedy in {r.pk: r for r in (before, payment.remedy) if r is not None}.values():
        _remedy_paid(remedy, actor)
    return payment


# --- Investigation costs --------------------------------------------------------------------

COST_FIELDS = [
    "stage_number",
    "role",
    "amount",
    "incurred_on",
    "supplier",
    "invoice_reference",
    "notes",
]


def _check_cost(case: Case, values: dict[str, Any]) -> dict[str, Any]:
    _choice("role", values["role"], CostRole.values, "Choose what the cost was for.")
    values["amount"] = checks.money("amount", values["amount"], what="amount")
    checks.date("incurred_on", values["incurred_on"], label="of the cost")
    stage_number = values["stage_number"]
    if stage_number is not None and not case.stages.filter(number=stage_number).exists():
        raise ApplicationError.for_field(
            "stage_number", f"{case.reference} has no stage {stage_number}."
        )
    for name in ("supplier", "invoice_reference", "notes"):
        values[name] = (values.get(name) or "").strip()
    return values


@transaction.atomic
def cost_create(
    *,
    case: Case,
    actor: User,
    role: str,
    amount: Decimal | None,
    incurred_on: dt.date | None,
    stage_number: int | None = None,
    supplier: str = "",
    invoice_reference: str = "",
    notes: str = "",
) -> InvestigationCost:
    """Record a cost of investigating a case: IO, IP or panel fees."""
    permissions.ensure_can_change(actor, case)
    values = _check_cost(
        case,
        {
            "stage_number": stage_number,
            "role": role,
            "amount": amount,
            "incurred_on": incurred_on,
            "supplier": supplier,
            "invoice_reference": invoice_reference,
            "notes": notes,
        },
    )
    cost = InvestigationCost(case=case, **values)
    _save(cost, actor, creating=True)
    _audit(
        register=Register.COST,
        record=cost,
        case=case,
        actor=actor,
        verb=Verb.COST_RECORDED,
        description=f"Investigation cost recorded: {cost}",
        changes=_created_changes(cost, COST_FIELDS),
    )
    return cost


@transaction.atomic
def cost_update(
    *,
    cost: InvestigationCost,
    actor: User,
    stage_number: int | NotGiven | None = NOT_GIVEN,
    role: str | NotGiven = NOT_GIVEN,
    amount: Decimal | NotGiven | None = NOT_GIVEN,
    incurred_on: dt.date | NotGiven | None = NOT_GIVEN,
    supplier: str | NotGiven = NOT_GIVEN,
    invoice_reference: str | NotGiven = NOT_GIVEN,
    notes: str | NotGiven = NOT_GIVEN,
) -> InvestigationCost:
    values = given(
        stage_number=stage_number,
        role=role,
        amount=amount,
        incurred_on=incurred_on,
        supplier=supplier,
        invoice_reference=invoice_reference,
        notes=notes,
    )
    permissions.ensure_can_change(actor, cost.case)
    _update(
        cost,
        actor=actor,
        values=values,
        fields=COST_FIELDS,
        check=partial(_check_cost, cost.case),
        register=Register.COST,
        case_of=lambda: cost.case,
        describe=lambda changes: (Verb.COST_UPDATED, f"Investigation cost updated: {cost}"),
    )
    return cost


# --- Persistent or vexatious contact --------------------------------------------------------

RESTRICTION_FIELDS = [
    "decision_on",
    "reason",
    "letter_issued_on",
    "restrictions",
    "single_point_of_contact",
    "review_on",
    "reviewed_on",
    "ended_on",
    "end_reason",
]


def _check_restriction(values: dict[str, Any]) -> dict[str, Any]:
    decided = checks.date("decision_on", values["decision_on"], label="of the decision")
    assert decided is not None  # noqa: S101
    after = {"not_before": decided, "before_label": "the decision"}
    values["reason"] = checks.required_text(
        "reason", values["reason"], "Enter the reason for the decision."
    )
    values["restrictions"] = checks.required_text(
        "restrictions", values["restrictions"], "Describe the restrictions on contact."
    )
    values["single_point_of_contact"] = (values.get("single_point_of_contact") or "").strip()
    values["end_reason"] = (values.get("end_reason") or "").strip()
    checks.date(
        "letter_issued_on",
        values["letter_issued_on"],
        label="the letter was issued",
        required=False,
        **after,  # type: ignore[call-overload]
    )
    review_on = values["review_on"]
    if review_on is not None and review_on <= decided:
        raise ApplicationError.for_field("review_on", "The review date must be after the decision.")
    checks.date(
        "reviewed_on",
        values["reviewed_on"],
        label="of the review",
        required=False,
        **after,  # type: ignore[call-overload]
    )
    if values["ended_on"] is not None:
        checks.date(
            "ended_on",
            values["ended_on"],
            label="the restrictions ended",
            future=True,
            **after,  # type: ignore[call-overload]
        )
        values["end_reason"] = checks.required_text(
            "end_reason", values["end_reason"], "Enter why the restrictions ended."
        )
    return values


@transaction.atomic
def restriction_create(
    *,
    actor: User,
    decision_on: dt.date | None,
    reason: str,
    restrictions: str,
    person: Person | None = None,
    person_details: Mapping[str, Any] | None = None,
    case: Case | None = None,
    letter_issued_on: dt.date | None = None,
    single_point_of_contact: str = "",
    review_on: dt.date | None = None,
) -> ContactRestriction:
    """Record a decision that a person's contact is unreasonably persistent or vexatious and
    the restrictions on it. While in force, every case of theirs shows a banner."""
    permissions.ensure_can_change(actor, case)
    values = _check_restriction(
        {
            "decision_on": decision_on,
            "reason": reason,
            "letter_issued_on": letter_issued_on,
            "restrictions": restrictions,
            "single_point_of_contact": single_point_of_contact,
            "review_on": review_on,
            "reviewed_on": None,
            "ended_on": None,
            "end_reason": "",
        }
    )
    chosen = _person(
        person=person, details=person_details, actor=actor, field="person", label="the person"
    )
    restriction = ContactRestriction(person=chosen, case=case, **values)
    _save(restriction, actor, creating=True)
    _audit(
        register=Register.RESTRICTION,
        record=restriction,
        case=case,
        actor=actor,
        verb=Verb.RESTRICTION_RECORDED,
        description="Persistent contact decision recorded: contact restricted from "
        f"{format_date(restriction.decision_on)}",
        changes=_created_changes(restriction, RESTRICTION_FIELDS),
    )
    return restriction


@transaction.atomic
def restriction_update(
    *,
    restriction: ContactRestriction,
    actor: User,
    decision_on: dt.date | NotGiven | None = NOT_GIVEN,
    reason: str | NotGiven = NOT_GIVEN,
    letter_issued_on: dt.date | NotGiven | None = NOT_GIVEN,
    restrictions: str | NotGiven = NOT_GIVEN,
    single_point_of_contact: str | NotGiven = NOT_GIVEN,
    review_on: dt.date | NotGiven | None = NOT_GIVEN,
    reviewed_on: dt.date | NotGiven | None = NOT_GIVEN,
    ended_on: dt.date | NotGiven | None = NOT_GIVEN,
    end_reason: str | NotGiven = NOT_GIVEN,
) -> ContactRestriction:
    """Change a restriction: the letter, the review, or end it (`ended_on`, `end_reason`)."""
    values = given(
        decision_on=decision_on,
        reason=reason,
        letter_issued_on=letter_issued_on,
        restrictions=restrictions,
        single_point_of_contact=single_point_of_contact,
        review_on=review_on,
        reviewed_on=reviewed_on,
        ended_on=ended_on,
        end_reason=end_reason,
    )
    permissions.ensure_can_change(actor, restriction.case)

    def describe(changes: Changes) -> tuple[TimelineEvent.Verb, str]:
        if "ended_on" in changes and restriction.ended_on is not None:
            return (
                Verb.RESTRICTION_ENDED,
                f"Contact restrictions end on {format_date(restriction.ended_on)}",
            )
        return Verb.RESTRICTION_UPDATED, "Persistent contact decision updated"

    _update(
        restriction,
        actor=actor,
        values=values,
        fields=RESTRICTION_FIELDS,
        check=_check_restriction,
        register=Register.RESTRICTION,
        case_of=lambda: restriction.case,
        describe=describe,
    )
    return restriction


# --- Advocacy -------------------------------------------------------------------------------

ADVOCACY_FIELDS = [
    "referred_on",
    "provider",
    "provider_name",
    "outcome",
    "outcome_on",
    "outcome_notes",
]


def _check_advocacy(values: dict[str, Any]) -> dict[str, Any]:
    referred = checks.date("referred_on", values["referred_on"], label="of the referral")
    _choice(
        "provider",
        values["provider"],
        AdvocacyProvider.values,
        "Choose in-house or independent advocacy.",
    )
    values["provider_name"] = (values.get("provider_name") or "").strip()
    values["outcome_notes"] = (values.get("outcome_notes") or "").strip()
    outcome = _choice("outcome", values["outcome"], AdvocacyOutcome.values, "Choose the outcome.")
    if outcome == AdvocacyOutcome.PENDING:
        if values["outcome_on"] is not None:
            raise ApplicationError.for_field(
                "outcome_on", "Choose the outcome, or leave the outcome date empty."
            )
    else:
        checks.date(
            "outcome_on",
            values["outcome_on"],
            label="of the outcome",
            not_before=referred,
            before_label="the referral",
        )
    if outcome == AdvocacyOutcome.OTHER and not values["outcome_notes"]:
        raise ApplicationError.for_field("outcome_notes", "Describe the outcome.")
    return values


@transaction.atomic
def advocacy_referral_create(
    *,
    actor: User,
    referred_on: dt.date | None,
    provider: str,
    child: Person | None = None,
    child_details: Mapping[str, Any] | None = None,
    case: Case | None = None,
    provider_name: str = "",
    outcome: str = AdvocacyOutcome.PENDING,
    outcome_on: dt.date | None = None,
    outcome_notes: str = "",
) -> AdvocacyReferral:
    """Record a child's referral to an in-house or independent advocate."""
    permissions.ensure_can_change(actor, case)
    values = _check_advocacy(
        {
            "referred_on": referred_on,
            "provider": provider,
            "provider_name": provider_name,
            "outcome": outcome,
            "outcome_on": outcome_on,
            "outcome_notes": outcome_notes,
        }
    )
    chosen = _person(
        person=child, details=child_details, actor=actor, field="child", label="the child"
    )
    referral = AdvocacyReferral(child=chosen, case=case, **values)
    _save(referral, actor, creating=True)
    _audit(
        register=Register.ADVOCACY,
        record=referral,
        case=case,
        actor=actor,
        verb=Verb.ADVOCACY_REFERRED,
        description=f"Referred for {referral.get_provider_display().lower()} advocacy on "
        f"{format_date(referral.referred_on)}",
        changes=_created_changes(referral, ADVOCACY_FIELDS),
    )
    return referral


@transaction.atomic
def advocacy_referral_update(
    *,
    referral: AdvocacyReferral,
    actor: User,
    referred_on: dt.date | NotGiven | None = NOT_GIVEN,
    provider: str | NotGiven = NOT_GIVEN,
    provider_name: str | NotGiven = NOT_GIVEN,
    outcome: str | NotGiven = NOT_GIVEN,
    outcome_on: dt.date | NotGiven | None = NOT_GIVEN,
    outcome_notes: str | NotGiven = NOT_GIVEN,
) -> AdvocacyReferral:
    """Change a referral or record its outcome."""
    values = given(
        referred_on=referred_on,
        provider=provider,
        provider_name=provider_name,
        outcome=outcome,
        outcome_on=outcome_on,
        outcome_notes=outcome_notes,
    )
    permissions.ensure_can_change(actor, referral.case)

    def describe(changes: Changes) -> tuple[TimelineEvent.Verb, str]:
        if "outcome" in changes:
            return (
                Verb.ADVOCACY_UPDATED,
                f"Advocacy referral outcome: {referral.get_outcome_display().lower()}",
            )
        return Verb.ADVOCACY_UPDATED, "Advocacy referral updated"

    _update(
        referral,
        actor=actor,
        values=values,
        fields=ADVOCACY_FIELDS,
        check=_check_advocacy,
        register=Register.ADVOCACY,
        case_of=lambda: referral.case,
        describe=describe,
    )
    return referral


# --- Subject access requests ----------------------------------------------------------------

# A calendar month to answer (UK GDPR art. 12(3)); two more for a complex request.
SAR_MONTHS = 1
SAR_EXTENDED_MONTHS = 3


def sar_deadline(
    received_on: dt.date, identity_verified_on: dt.date | None, *, months: int = SAR_MONTHS
) -> Deadline:
    """When a subject access request is due, and why.

    The month runs from receipt; where the requester's identity was verified later, from the
    verification (ICO guidance: the time limit starts when the information needed to confirm
    identity arrives). The same date the next month, or the month's last day where there is
    none, moved on to the next working day.
    """
    if identity_verified_on is not None and identity_verified_on > received_on:
        start = identity_verified_on
        after = (
            f"the requester's identity was verified on {format_date(start)} "
            f"(received {format_date(received_on)})"
        )
    else:
        start, after = received_on, f"receipt on {format_date(received_on)}"
    return calendar_month_deadline(start, months, after=after)


@dataclass(frozen=True)
class PausedDeadline:
    """A due date that allows for the days the clock stood still, and how it was worked out."""

    due: dt.date
    explanation: str

    def explain(self) -> str:
        return self.explanation


_MONTH_WORDS = {1: "one calendar month", 3: "three calendar months"}


def _pause_phrase(pause: SarPause) -> str:
    why = "identity" if pause.reason == SarPauseReason.IDENTITY else "clarification"
    if pause.ended_on is None:
        return f"waiting for {why} since {format_date(pause.started_on)}"
    days = pause.days or 0
    return (
        f"waiting for {why} from {format_date(pause.started_on)} to "
        f"{format_date(pause.ended_on)} ({days} day{'s' if days != 1 else ''})"
    )


def sar_paused_deadline(
    received_on: dt.date, pauses: Iterable[SarPause], *, months: int = SAR_MONTHS
) -> PausedDeadline:
    """When a request whose clock was paused is due (UK GDPR art. 12A, as inserted by the
    Data (Use and Access) Act 2025): the month runs from receipt, and every calendar day from
    asking the requester for identity or clarification to their reply does not count. The
    same date the next month (the month's last day where there is none), moved on by the days
    paused, then to the next working day. An open pause adds nothing yet: the due date moves
    on when the reply is recorded."""
    pauses = list(pauses)
    same_date = received_on + relativedelta(months=months)
    paused_days = sum(p.days or 0 for p in pauses)
    shifted = same_date + dt.timedelta(days=paused_days)
    due = shifted
    while not is_working_day(due):
        due += dt.timedelta(days=1)
    text = (
        f"Due {format_date(due)}: {_MONTH_WORDS.get(months, f'{months} calendar months')} "
        f"after receipt on {format_date(received_on)} ({format_date(same_date)})"
    )
    closed = [p for p in pauses if p.ended_on is not None]
    if closed:
        text += (
            f", plus {paused_days} day{'s' if paused_days != 1 else ''} the clock was paused ("
            + "; ".join(_pause_phrase(p) for p in closed)
            + ")"
        )
    if due != shifted:
        text += (
            f", moved from {format_date(shifted)} ({non_working_reason(shifted)}) "
            "to the next working day"
        )
    text += "."
    open_pause = next((p for p in pauses if p.ended_on is None), None)
    if open_pause is not None:
        text += (
            f" The clock is paused, {_pause_phrase(open_pause)}: the due date moves on by "
            "each day until the reply arrives."
        )
    return PausedDeadline(due=due, explanation=text[:500])


def _next_sar_reference(year: int) -> str:
    SarCounter.objects.get_or_create(year=year)
    SarCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = SarCounter.objects.get(year=year).last
    return f"SAR-{year}-{number:04d}"


SAR_FIELDS = [
    "subject",
    "received_on",
    "description",
    "identity_verified_on",
    "pages_disclosed",
    "redactions_count",
    "redactions",
    "sent_on",
]
SAR_AUDIT_FIELDS = [
    "reference",
    "requester",
    *SAR_FIELDS,
    "clock_started_on",
    "due_on",
    "extended_due_on",
    "extension_reason",
    "requester_told_of_extension_on",
]


def _check_sar(values: dict[str, Any], pauses: Iterable[SarPause] = ()) -> dict[str, Any]:
    received = checks.date("received_on", values["received_on"], label="the request was received")
    assert received is not None  # noqa: S101
    after = {"not_before": received, "before_label": "the request was received"}
    checks.date(
        "identity_verified_on",
        values["identity_verified_on"],
        label="identity was verified",
        required=False,
        **after,  # type: ignore[call-overload]
    )
    checks.date(
        "sent_on",
        values["sent_on"],
        label="the response was sent",
        required=False,
        **after,  # type: ignore[call-overload]
    )
    if values["sent_on"] is not None and values["identity_verified_on"] is None:
        raise ApplicationError.for_field(
            "identity_verified_on",
            "Enter the date the requester's identity was verified before recording the response.",
        )
    checks.count("pages_disclosed", values["pages_disclosed"], what="pages")
    checks.count("redactions_count", values["redactions_count"], what="redactions")
    values["description"] = (values.get("description") or "").strip()
    values["redactions"] = (values.get("redactions") or "").strip()
    pauses = list(pauses)
    deadline: Deadline | PausedDeadline
    extended: Deadline | PausedDeadline
    if pauses:
        # With the clock's pauses on record, the month runs from receipt (art. 12A) and the
        # pauses, not a later start, allow for the wait for proof of identity.
        deadline = sar_paused_deadline(received, pauses)
        extended = sar_paused_deadline(received, pauses, months=SAR_EXTENDED_MONTHS)
        values["clock_started_on"] = received
    else:
        deadline = sar_deadline(received, values["identity_verified_on"])
        extended = sar_deadline(
            received, values["identity_verified_on"], months=SAR_EXTENDED_MONTHS
        )
        values["clock_started_on"] = deadline.start
    values["due_on"] = deadline.due
    values["due_explanation"] = deadline.explain()
    if values.get("extended_due_on") is not None:
        told = values["requester_told_of_extension_on"]
        if told is not None and told > deadline.due:
            raise ApplicationError.for_field(
                "identity_verified_on",
                "The requester was told of the extension after the first month would end.",
            )
        values["extended_due_on"] = extended.due
    return values


@transaction.atomic
def sar_create(
    *,
    actor: User,
    received_on: dt.date | None,
    requester: Person | None = None,
    requester_details: Mapping[str, Any] | None = None,
    subject: Person | None = None,
    subject_details: Mapping[str, Any] | None = None,
    description: str = "",
    identity_verified_on: dt.date | None = None,
) -> SubjectAccessRequest:
    """Log a subject access request; its due date is one calendar month after receipt (or
    after the requester's identity was verified, if later)."""
    permissions.ensure_can_change(actor)
    values = _check_sar(
        {
            "subject": subject,
            "received_on": received_on,
            "description": description,
            "identity_verified_on": identity_verified_on,
            "pages_disclosed": None,
            "redactions_count": None,
            "redactions": "",
            "sent_on": None,
        }
    )
    values["requester"] = _person(
        person=requester,
        details=requester_details,
        actor=actor,
        field="requester",
        label="the requester",
    )
    if values["subject"] is None and subject_details:
        values["subject"] = _person(
            person=None, details=subject_details, actor=actor, field="subject", label="whose data"
        )
    assert received_on is not None  # noqa: S101
    sar = SubjectAccessRequest(reference=_next_sar_reference(received_on.year), **values)
    _save(sar, actor, creating=True)
    _audit(
        register=Register.SAR,
        record=sar,
        case=None,
        actor=actor,
        verb=Verb.SAR_RECORDED,
        description=f"Subject access request {sar.reference} received "
        f"{format_date(sar.received_on)}; due {format_date(sar.due_on)}",
        changes=_created_changes(sar, SAR_AUDIT_FIELDS),
    )
    return sar


@transaction.atomic
def sar_update(
    *,
    sar: SubjectAccessRequest,
    actor: User,
    subject: Person | NotGiven | None = NOT_GIVEN,
    received_on: dt.date | NotGiven | None = NOT_GIVEN,
    description: str | NotGiven = NOT_GIVEN,
    identity_verified_on: dt.date | NotGiven | None = NOT_GIVEN,
    pages_disclosed: int | NotGiven | None = NOT_GIVEN,
    redactions_count: int | NotGiven | None = NOT_GIVEN,
    redactions: str | NotGiven = NOT_GIVEN,
    sent_on: dt.date | NotGiven | None = NOT_GIVEN,
) -> SubjectAccessRequest:
    """Change a request: identity verified (the due date follows), the disclosure (pages,
    redactions) and the date the response was sent."""
    values = given(
        subject=subject,
        received_on=received_on,
        description=description,
        identity_verified_on=identity_verified_on,
        pages_disclosed=pages_disclosed,
        redactions_count=redactions_count,
        redactions=redactions,
        sent_on=sent_on,
    )
    permissions.ensure_can_change(actor)

    def describe(changes: Changes) -> tuple[TimelineEvent.Verb, str]:
        if "sent_on" in changes and sar.sent_on is not None:
            return Verb.SAR_UPDATED, f"Subject access request {sar.reference}: response sent"
        return Verb.SAR_UPDATED, f"Subject access request {sar.reference} updated"

    _update(
        sar,
        actor=actor,
        values=values,
        fields=(*SAR_FIELDS, "extended_due_on", "requester_told_of_extension_on"),
        check=partial(_check_sar, pauses=list(sar.pauses.all())),
        register=Register.SAR,
        case_of=lambda: None,
        describe=describe,
    )
    return sar


@transaction.atomic
def sar_extend(
    *,
    sar: SubjectAccessRequest,
    actor: User,
    reason: str,
    requester_told_on: dt.date | None,
) -> SubjectAccessRequest:
    """Extend a complex request by two further months. Refused unless the requester was told
    within the first month (on or before the original due date)."""
    permissions.ensure_can_change(actor)
    if sar.extended_due_on is not None:
        raise ApplicationError("This request has already been extended.")
    if sar.sent_on is not None:
        raise ApplicationError("The response has been sent: the request cannot be extended.")
    reason = checks.required_text(
        "reason", reason, "Enter why the request is complex enough to extend."
    )
    told = checks.date(
        "requester_told_on",
        requester_told_on,
        label="the requester was told",
        not_before=sar.received_on,
        before_label="the request was received",
    )
    assert told is not None  # noqa: S101
    if told > sar.due_on:
        raise ApplicationError.for_field(
            "requester_told_on",
            "The requester must be told of an extension within the first month, by "
            f"{format_date(sar.due_on)}. This request cannot be extended.",
        )
    extended = _sar_extended(sar)
    changes = set_fields(
        sar,
        {
            "extended_due_on": extended.due,
            "extension_reason": reason,
            "requester_told_of_extension_on": told,
        },
    )
    _save(sar, actor)
    _audit(
        register=Register.SAR,
        record=sar,
        case=None,
        actor=actor,
        verb=Verb.SAR_EXTENDED,
        description=f"Subject access request {sar.reference} extended to "
        f"{format_date(extended.due)}",
        changes=changes,
    )
    return sar


def _sar_extended(sar: SubjectAccessRequest) -> Deadline | PausedDeadline:
    pauses = list(sar.pauses.all())
    if pauses:
        return sar_paused_deadline(sar.received_on, pauses, months=SAR_EXTENDED_MONTHS)
    return sar_deadline(sar.received_on, sar.identity_verified_on, months=SAR_EXTENDED_MONTHS)


def sar_extended_explanation(sar: SubjectAccessRequest) -> str:
    """How the extended due date was worked out."""
    return _sar_extended(sar).explain()


def _sar_reclock(sar: SubjectAccessRequest) -> Changes:
    """Work the due dates out again from the request and its pauses; what changed."""
    values = _check_sar(
        {
            f: getattr(sar, f)
            for f in (*SAR_FIELDS, "extended_due_on", "requester_told_of_extension_on")
        },
        pauses=list(sar.pauses.all()),
    )
    return set_fields(sar, values)


@transaction.atomic
def sar_pause(
    *,
    sar: SubjectAccessRequest,
    actor: User,
    reason: str,
    started_on: dt.date | None,
    note: str = "",
) -> SarPause:
    """Stop the clock (art. 12A): the requester has been asked to confirm their identity or to
    clarify their request. Refused once the response has been sent, while the clock is already
    paused, or for a day before receipt or inside an earlier pause."""
    permissions.ensure_can_change(actor)
    sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    reason = _choice(
        "reason",
        reason,
        list(SarPauseReason.values),
        "Select why the clock is paused: identity or clarification.",
    )
    started = checks.date(
        "started_on",
        started_on,
        label="the requester was asked",
        not_before=sar.received_on,
        before_label="the request was received",
    )
    assert started is not None  # noqa: S101
    if sar.sent_on is not None:
        raise ApplicationError("The response has been sent: the clock cannot be paused.")
    pauses = list(sar.pauses.all())
    if any(p.ended_on is None for p in pauses):
        raise ApplicationError(
            "The clock is already paused. Record the requester's reply before pausing it again."
        )
    last_end = max((p.ended_on for p in pauses if p.ended_on), default=None)
    if last_end is not None and started < last_end:
        raise ApplicationError.for_field(
            "started_on",
            f"The clock was paused until {format_date(last_end)}: a new pause must start on "
            "or after that day.",
        )
    pause = SarPause(sar=sar, reason=reason, started_on=started, note=(note or "").strip())
    _save(pause, actor, creating=True)
    changes = _sar_reclock(sar)
    _save(sar, actor)
    _audit(
        register=Register.SAR,
        record=sar,
        case=None,
        actor=actor,
        verb=Verb.SAR_PAUSED,
        description=f"Subject access request {sar.reference}: clock paused from "
        f"{format_date(started)}, {pause.get_reason_display().lower()}",
        changes={"pause": [None, f"{reason} from {started.isoformat()}"], **changes},
    )
    return pause


@transaction.atomic
def sar_resume(
    *, sar: SubjectAccessRequest, actor: User, ended_on: dt.date | None
) -> SubjectAccessRequest:
    """Restart the clock on the day the requester's reply arrived; the due date moves on by
    the days it was paused. Refused when the clock is not paused."""
    permissions.ensure_can_change(actor)
    sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    pause = sar.pauses.filter(ended_on__isnull=True).first()
    if pause is None:
        raise ApplicationError("The clock is not paused.")
    ended = checks.date(
        "ended_on",
        ended_on,
        label="the reply arrived",
        not_before=pause.started_on,
        before_label=f"the clock was paused ({format_date(pause.started_on)})",
    )
    assert ended is not None  # noqa: S101
    pause.ended_on = ended
    _save(pause, actor)
    old_due = sar.due_on
    changes = _sar_reclock(sar)
    _save(sar, actor)
    _audit(
        register=Register.SAR,
        record=sar,
        case=None,
        actor=actor,
        verb=Verb.SAR_RESUMED,
        description=f"Subject access request {sar.reference}: clock restarted "
        f"{format_date(ended)} after {pause.days} days paused; due "
        f"{format_date(sar.due_on)} (was {format_date(old_due)})",
        changes={
            "pause": [
                f"{pause.reason} from {pause.started_on.isoformat()}",
                f"ended {ended.isoformat()}",
            ],
            **changes,
        },
    )
    return sar
