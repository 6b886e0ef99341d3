"""Rectification, restriction and erasure requests (UK GDPR arts. 16-18): recorded, carried
out through the services that own the data, or refused with a reason the law allows. Every
step is a `RightsRequestEvent`, and a change to the person is also on each of their cases'
timelines (through `harken.cases.services.person_update`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from harken.accounts.models import User
from harken.cases import services as case_services
from harken.cases.models import CaseParty, Person, TimelineEvent
from harken.core import checks
from harken.core.audit import record_event
from harken.core.dates import format_date
from harken.core.errors import ApplicationError
from harken.registers.services import sar_deadline

from . import permissions
from .models import (
    RefusalReason,
    RightsKind,
    RightsRequest,
    RightsRequestEvent,
    RightsStatus,
)

# What rectification may correct (a person's own details; case text is corrected by a note).
RECTIFIABLE = ("first_name", "last_name", "date_of_birth", "email", "phone", "address", "postcode")
# What erasure removes where the law allows: contact details. The case record itself (names,
# what happened) is the complaints record the council must keep: refuse with `must_keep`.
ERASABLE = {"email": "", "phone": "", "address": "", "postcode": ""}


def _event(
    request: RightsRequest,
    actor: User,
    verb: RightsRequestEvent.Verb,
    text: str,
    changes: Any = None,
) -> None:
    RightsRequestEvent.objects.create(
        request=request, actor=actor, verb=verb, description=text[:500], changes=changes or {}
    )


@transaction.atomic
def rights_request_create(
    *, actor: User, person: Person, kind: str, received_on: dt.date | None, description: str
) -> RightsRequest:
    permissions.ensure_can_use_subject_access(actor)
    if kind not in RightsKind.values:
        raise ApplicationError.for_field("kind", "Select what the person asked for.")
    received = checks.date("received_on", received_on, label="the request was received")
    description = (description or "").strip()
    if not description:
        raise ApplicationError.for_field("description", "Enter what the person asked for.")
    deadline = sar_deadline(received, None)
    request = RightsRequest.objects.create(
        person=person,
        kind=kind,
        received_on=received,
        due_on=deadline.due,
        due_explanation=deadline.explain(),
        description=description,
        created_by=actor,
        modified_by=actor,
    )
    _event(
        request,
        actor,
        RightsRequestEvent.Verb.RECORDED,
        f"{request.get_kind_display()} request received {format_date(received)}; due "
        f"{format_date(deadline.due)}",
    )
    return request


def _open(request: RightsRequest) -> None:
    if request.status != RightsStatus.OPEN:
        raise ApplicationError("This request has already been decided.")


@transaction.atomic
def rights_request_carry_out(
    *,
    actor: User,
    request: RightsRequest,
    done_on: dt.date | None,
    outcome: str,
    corrections: dict[str, Any] | None = None,
) -> RightsRequest:
    """Carry the request out. Rectification corrects the person's details (`corrections`);
    erasure removes their contact details; restriction is recorded (what was limited, in
    `outcome`). The change goes through the cases service, on every case's timeline."""
    permissions.ensure_can_use_subject_access(actor)
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    _open(request)
    done = checks.date(
        "done_on", done_on, label="it was carried out", not_before=request.received_on
    )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ApplicationError.for_field("outcome", "Enter what was done.")
    changes: dict[str, Any] = {}
    if request.kind == RightsKind.RECTIFICATION:
        corrections = {k: v for k, v in (corrections or {}).items() if v not in (None, "")}
        unknown = set(corrections) - set(RECTIFIABLE)
        if unknown:
            raise ApplicationError(f"These cannot be corrected here: {', '.join(sorted(unknown))}.")
        if not corrections:
            raise ApplicationError.for_field("corrections", "Enter at least one correction.")
        changes = corrections
    elif request.kind == RightsKind.ERASURE:
        changes = dict(ERASABLE)
    if changes:
        case_services.person_update(
            person=request.person, actor=actor, carrying_out=request, **changes
        )
    request.status = RightsStatus.DONE
    request.decided_on = done
    request.outcome = outcome
    request.modified_by = actor
    request.save()
    _event(
        request,
        actor,
        RightsRequestEvent.Verb.CARRIED_OUT,
        f"{request.get_kind_display()} request carried out {format_date(done)}",
        {"fields": [None, ", ".join(sorted(changes))]} if changes else {},
    )
    if request.kind == RightsKind.RESTRICTION:
        _on_their_cases(
            request,
            actor,
            TimelineEvent.Verb.PROCESSING_RESTRICTED,
            f"Processing of {request.person.full_name}'s data restricted from {format_date(done)}",
        )
    return request


def _on_their_cases(
    request: RightsRequest, actor: User, verb: TimelineEvent.Verb, text: str
) -> None:
    """A restriction's start and end are on each of the person's cases' timelines too."""
    for party in CaseParty.objects.filter(person=request.person).select_related("case"):
        record_event(case=party.case, actor=actor, verb=verb, description=text)


@transaction.atomic
def rights_request_lift(
    *, actor: User, request: RightsRequest, lifted_on: dt.date | None, reason: str
) -> RightsRequest:
    """Lift a restriction carried out: from then on the person's data is processed again.
    The person must be told before it is lifted (art. 18(3)); `reason` says why and that
    they were told."""
    permissions.ensure_can_use_subject_access(actor)
    request = RightsRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if request.kind != RightsKind.RESTRICTION:
        raise ApplicationError("Only a restriction can be lifted.")
    if request.status != RightsStatus.DONE:
        raise ApplicationError("Only a restriction that was carried out can be lifted.")
    if request.lifted_on is not None:
        raise ApplicationError(
            f"This restriction was already lifted on {format_date(request.lifted_on)}."
        )
    lifted = checks.date(
        "lifted_on",
        lifted_on,
        label="the restriction was lifted",
        not_before=request.decided_on,
        before_label="the day the restriction began",
    )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError.for_field(
            "reason", "Enter why the restriction is lifted and when the person was told."
        )
    request.lifted_on = lifted
    request.lifted_by = actor
    request.lift_reason = reason
    request.modified_by = actor
    request.save()
    _event(
        request,
        actor,
        RightsRequestEvent.Verb.LIFTED,
        f"Restriction lifted {format_date(lifted)}",
        {"lifted_on": [None, lifted.isoformat()]},
    )
    _on_their_cases(
        request,
        actor,
        TimelineEvent.Verb.PROCESSING_RESTRICTION_LIFTED,
        f"Restriction of processing of {request.person.full_name}'s data lifted "
        f"{format_date(lifted)}",
    )
    return request


@transaction.atomic
def rights_request_refuse(
    *, actor: User, request: RightsRequest, decided_on: dt.date | None, reason: str, outcome: str
) -> RightsRequest:
    """Refuse with a reason the law allows, explained to the person (`outcome`)."""
    permissions.ensure_can_use_subject_access(actor)
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    _open(request)
    decided = checks.date(
        "decided_on", decided_on, label="it was refused", not_before=request.received_on
    )
    if reason not in RefusalReason.values:
        raise ApplicationError.for_field("reason", "Select the reason the law allows refusal.")
    if reason == RefusalReason.ACCURATE and request.kind != RightsKind.RECTIFICATION:
        raise ApplicationError.for_field(
            "reason", "“The record is accurate” is a reason to refuse rectification only."
        )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ApplicationError.for_field("outcome", "Enter what the person was told.")
    request.status = RightsStatus.REFUSED
    request.decided_on = decided
    request.refusal_reason = reason
    request.outcome = outcome
    request.modified_by = actor
    request.save()
    _event(
        request,
        actor,
        RightsRequestEvent.Verb.REFUSED,
        f"{request.get_kind_display()} request refused {format_date(decided)}: {reason}",
        {"refusal_reason": [None, reason]},
    )
    return request
