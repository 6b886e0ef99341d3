"""Around the case: assignment, restriction, the Ombudsman flag, safeguarding concerns and notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from harken import access
from harken.accounts.models import User
from harken.core import checks
from harken.core.audit import record_event, set_fields
from harken.core.dates import format_date, today
from harken.core.errors import ApplicationError
from harken.workdays.rules import working_days_between

from .. import workflow
from ..models import (
    Case,
    Note,
    Referral,
    SafeguardingConcern,
    TimelineEvent,
)
from .base import _touch

Verb = TimelineEvent.Verb

# --- Around the case ------------------------------------------------------------------------


@transaction.atomic
def case_assign(*, case: Case, user: User | None, actor: User) -> Case:
    workflow.require("assign", case=case, actor=actor)
    if user is not None and case.restricted and not case.restricted_to.filter(pk=user.pk).exists():
        # They would be given a case they then could not open (404): say so instead.
        raise ApplicationError.for_field(
            "user",
            f"{user} is not named on this restricted case, so could not see it. Name them "
            "under “Restrict access” first.",
        )
    if user is not None and not access.can_view_case(user, case) and not user.sees_all_cases:
        raise ApplicationError.for_field("user", f"{user} cannot see this case.")
    changes = set_fields(case, {"assigned_to": user})
    if changes:
        _touch(case, actor)
        case.save()
        record_event(
            case=case,
            actor=actor,
            verb=Verb.ASSIGNED,
            description=f"Assigned to {user}" if user else "Unassigned",
            changes=changes,
        )
    return case


@transaction.atomic
def case_restrict(*, case: Case, restricted: bool, people: Iterable[User], actor: User) -> Case:
    """Restrict a case (e.g. a member of staff complains) to named people. Whoever is appointed
    to it (IO, IP, panel) and the officer it is assigned to stay named, and the timeline says
    so: restricting must not silently cut off the people doing the work."""
    workflow.require("restrict", case=case, actor=actor)
    named = {*people, actor}
    kept = sorted(
        {
            *User.objects.filter(
                appointments__stage__case=case, appointments__ended_on__isnull=True
            ),
            *([case.assigned_to] if case.assigned_to else []),
        }
        - named,
        key=str,
    )
    old = sorted(str(u) for u in case.restricted_to.all())
    changes = set_fields(case, {"restricted": restricted})
    case.restricted_to.set({*named, *kept} if restricted else [])
    new = sorted(str(u) for u in case.restricted_to.all())
    if old != new:
        changes["restricted_to"] = ["; ".join(old), "; ".join(new)]
    _touch(case, actor)
    case.save()
    description = "Restricted to named people" if restricted else "Restriction lifted"
    if restricted and kept:
        description += (
            f"; {', '.join(str(u) for u in kept)} also named, as appointed to the case or "
            "assigned it"
        )
    record_event(
        case=case, actor=actor, verb=Verb.RESTRICTED, description=description, changes=changes
    )
    return case


def restriction_keeps(case: Case) -> list[User]:
    """Who restricting `case` would keep named besides those chosen: its appointees in office
    and the officer it is assigned to (for the page to say so before it is done)."""
    people = set(
        User.objects.filter(appointments__stage__case=case, appointments__ended_on__isnull=True)
    )
    if case.assigned_to:
        people.add(case.assigned_to)
    return sorted(people, key=str)


@transaction.atomic
def ombudsman_flag(*, case: Case, involved: bool, actor: User) -> Case:
    workflow.require("ombudsman", case=case, actor=actor)
    changes = set_fields(case, {"ombudsman_involved": involved})
    if changes:
        _touch(case, actor)
        case.save()
        record_event(
            case=case,
            actor=actor,
            verb=Verb.OMBUDSMAN,
            description="The Ombudsman is involved"
            if involved
            else "Ombudsman involvement removed",
            changes=changes,
        )
    return case


@transaction.atomic
def safeguarding_record(
    *,
    case: Case,
    raised_on: dt.date,
    description: str,
    referred_to: str,
    actor: User,
    referred_on: dt.date | None = None,
    referral_reference: str = "",
) -> SafeguardingConcern:
    """A safeguarding concern and the referral made; it shows before anything else."""
    workflow.require("safeguarding", case=case, actor=actor)
    description = checks.required_text("description", description, "Describe the concern.")
    if referred_to not in Referral.values:
        raise ApplicationError.for_field("referred_to", "Choose where it was referred.")
    # Raised while the case is with the council: not before it was received.
    checks.date(
        "raised_on",
        raised_on,
        label="the concern was raised",
        not_before=case.received_on,
        before_label=f"the date the case was received ({format_date(case.received_on)})",
    )
    if referred_to != Referral.NONE:
        checks.date("referred_on", referred_on, label="of the referral", not_before=raised_on)
    concern = SafeguardingConcern.objects.create(
        case=case,
        raised_on=raised_on,
        description=description,
        referred_to=referred_to,
        referred_on=referred_on if referred_to != Referral.NONE else None,
        referral_reference=referral_reference,
        created_by=actor,
        modified_by=actor,
    )
    record_event(
        case=case,
        actor=actor,
        verb=Verb.SAFEGUARDING,
        description=f"Safeguarding concern recorded; referred to "
        f"{concern.get_referred_to_display()}",
    )
    return concern


@transaction.atomic
def visited_in_person_record(
    *, case: Case, on: dt.date | None, actor: User, notes: str = ""
) -> Case:
    """The feedback team visited the looked-after young person who complained, in person
    (seed 000): a step on the case's timeline, dated, with what was agreed if given."""
    workflow.require("visited-in-person", case=case, actor=actor)
    on = checks.date(
        "on",
        on,
        label="of the visit",
        not_before=case.received_on,
        before_label=f"the date the case was received ({format_date(case.received_on)})",
    )
    notes = checks.text_field("notes", notes, what="what was agreed", most=2000)
    _touch(case, actor)
    case.save()
    record_event(
        case=case,
        actor=actor,
        verb=Verb.VISITED_IN_PERSON,
        description=f"Visited the young person in person on {format_date(on)}"
        + (f": {notes}" if notes else ""),
        changes={"visited_in_person_on": [None, on.isoformat()]},
    )
    return case


@transaction.atomic
def note_add(*, case: Case, text: str, actor: User) -> Note:
    workflow.require("note", case=case, actor=actor)
    text = checks.required_text("text", text, "Enter the note.")
    note = Note.objects.create(case=case, text=text, created_by=actor, modified_by=actor)
    record_event(case=case, actor=actor, verb=Verb.NOTE, description="Note added")
    return note


def working_days_open(case: Case, on: dt.date | None = None) -> int:
    return working_days_between(case.received_on, on or today())
