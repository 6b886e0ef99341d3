"""Initial contacts, representations and compliments: resolving, progressing and passing on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from harken.accounts.models import User
from harken.core import checks
from harken.core.audit import record_event, set_fields
from harken.core.dates import format_date

from .. import workflow
from ..models import (
    Case,
    ContactOutcome,
    Kind,
    TimelineEvent,
)
from .base import ElementInput, PersonInput
from .clocks import case_refresh_next_due
from .records import _placeholder_reference, case_create
from .stages import _close_case

Verb = TimelineEvent.Verb

# --- Contacts, representations and compliments ------------------------------------------


@transaction.atomic
def contact_resolve(*, case: Case, on: dt.date, actor: User) -> Case:
    """An initial contact resolved informally."""
    workflow.require("resolve", case=case, actor=actor)
    checks.date("on", on, label="it was resolved", not_before=case.received_on)
    changes = set_fields(case, {"contact_outcome": ContactOutcome.RESOLVED, "responded_on": on})
    changes.update(_close_case(case, on, actor))
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb=Verb.RESOLVED,
        description=f"Resolved as an initial contact on {format_date(on)}",
        changes=changes,
    )
    return case


@transaction.atomic
def contact_progress(
    *,
    case: Case,
    on: dt.date,
    actor: User,
    procedure_code: str | None = None,
    elements: Sequence[ElementInput] = (),
) -> Case:
    """Progress an initial contact to a stage 1 complaint, keeping the link between them."""
    workflow.require("progress", case=case, actor=actor)
    checks.date("on", on, label="it was progressed", not_before=case.received_on)
    complaint = case_create(
        actor=actor,
        kind=Kind.COMPLAINT,
        channel=case.channel,
        received_on=on,
        summary=case.summary,
        details=case.details,
        teams=case.teams.all(),
        themes=case.themes.all(),
        procedure_code=procedure_code,
        people=[
            PersonInput(
                role=p.role, relationship=p.relationship, person=p.person, child_knows=p.child_knows
            )
            for p in case.parties.all()
        ],
        elements=elements,
        restricted=case.restricted,
        restricted_to=case.restricted_to.all(),
        assigned_to=case.assigned_to,
        progressed_from=case,
        # When the grounds arose, and why a late complaint is still considered, go with it.
        grounds_arose_on=case.grounds_arose_on,
        late_complaint_reason=case.late_complaint_reason,
    )
    changes = set_fields(case, {"contact_outcome": ContactOutcome.PROGRESSED, "responded_on": on})
    changes.update(_pass_reference(case, complaint))
    changes.update(_close_case(case, on, actor))
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb=Verb.PROGRESSED,
        description=f"Progressed to stage 1 complaint {complaint.reference} on {format_date(on)}; "
        f"the complaint keeps the reference {complaint.reference} and this contact is now "
        f"{case.reference}",
        changes=changes,
    )
    return complaint


def _pass_reference(contact: Case, complaint: Case) -> dict[str, list[str | None]]:
    """The person keeps the reference they were given: the complaint takes the contact's, and
    the contact the number just allocated to the complaint, remembering the one it had."""
    given, allocated = contact.reference, complaint.reference
    # Three updates so that no two rows ever hold the same reference (it is unique).
    Case.objects.filter(pk=contact.pk).update(reference=_placeholder_reference())
    Case.objects.filter(pk=complaint.pk).update(reference=given)
    complaint.reference = given
    changes = set_fields(contact, {"reference": allocated, "previous_reference": given})
    Case.objects.filter(pk=contact.pk).update(reference=allocated, previous_reference=given)
    # The complaint's own timeline does not name the contact's new reference: who may see
    # the complaint may not see the contact (its page links to it only for those who may).
    event = complaint.events.filter(verb=Verb.CREATED).first()
    if event is not None:
        event.description = (
            f"{event.description}; keeps the reference its initial contact was given"
        )[:500]
        event.save(update_fields=["description"])
    return changes


@transaction.atomic
def representation_respond(*, case: Case, on: dt.date, actor: User) -> Case:
    """An enquiry, comment or suggestion answered."""
    workflow.require("answer", case=case, actor=actor)
    checks.date("on", on, label="it was answered", not_before=case.received_on)
    changes = set_fields(case, {"responded_on": on})
    changes.update(_close_case(case, on, actor))
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb=Verb.RESPONDED,
        description=f"Answered on {format_date(on)}",
        changes=changes,
    )
    return case


@transaction.atomic
def compliment_pass_on(*, case: Case, on: dt.date, actor: User) -> Case:
    """A compliment passed to the worker and their managers."""
    workflow.require("pass-on", case=case, actor=actor)
    checks.date("on", on, label="it was passed on", not_before=case.received_on)
    changes = set_fields(case, {"passed_on_on": on})
    changes.update(_close_case(case, on, actor))
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb=Verb.PASSED_ON,
        description=f"Compliment passed on on {format_date(on)}",
        changes=changes,
    )
    return case
