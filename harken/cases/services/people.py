"""The people on a case: their details, checked, and their parts on the case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from harken import access
from harken.accounts.models import User
from harken.core import text
from harken.core.audit import record_event, set_fields
from harken.core.dates import today
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.updates import NOT_GIVEN, NotGiven, given

from .. import workflow
from ..models import (
    Case,
    CaseParty,
    ContactPreference,
    PartyRole,
    Person,
    Relationship,
    TimelineEvent,
)
from .base import MAX_PEOPLE, PERSON_FIELDS, TEXT_PERSON_FIELDS, PersonInput, _changed_text, _touch

Verb = TimelineEvent.Verb

# A person's details that are one line each: they may not turn the text's direction either.
ONE_LINE_PERSON_FIELDS = {
    "first_name": "first name",
    "last_name": "last name",
    "email": "e-mail address",
    "phone": "phone number",
    "postcode": "postcode",
    "language": "language",
}


def _check_person_text(values: dict[str, Any]) -> None:
    """Names with nothing visible are no name; no detail may hold a control character, and
    no one-line detail a direction control (a name that reads backwards)."""
    for name in ("first_name", "last_name"):
        value = str(values.get(name) or "").strip()
        values[name] = value if text.has_visible(value) else ""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        found = text.problem(value, one_line=name in ONE_LINE_PERSON_FIELDS)
        if found:
            what = ONE_LINE_PERSON_FIELDS.get(name, name.replace("_", " "))
            raise ApplicationError.for_field(name, text.message(f"the {what}", found))


def person_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """A person's details given as a mapping (an API's or a form's), refused with a message
    if it names something a person does not have; then `person_create(**details)`."""
    unknown = set(details) - set(PERSON_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown person details: {', '.join(sorted(unknown))}.")
    return dict(details)


def _clean_person_details(details: Mapping[str, Any]) -> dict[str, Any]:
    values = person_details(details)
    _check_person_text(values)
    pref = values.get("contact_preference", "")
    if pref and pref not in ContactPreference.values:
        raise ApplicationError.for_field("contact_preference", "Choose how to contact them.")
    if not (values.get("first_name") or values.get("last_name")):
        raise ApplicationError.for_field("last_name", "Enter the person's name.")
    dob = values.get("date_of_birth")
    if dob is not None and dob > today():
        raise ApplicationError.for_field("date_of_birth", "The date of birth must be in the past.")
    return values


def _new_person(actor: User | None, details: Mapping[str, Any]) -> Person:
    return Person(**_clean_person_details(details), created_by=actor, modified_by=actor)


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    first_name: str | NotGiven = NOT_GIVEN,
    last_name: str | NotGiven = NOT_GIVEN,
    date_of_birth: dt.date | NotGiven | None = NOT_GIVEN,
    email: str | NotGiven = NOT_GIVEN,
    phone: str | NotGiven = NOT_GIVEN,
    address: str | NotGiven = NOT_GIVEN,
    postcode: str | NotGiven = NOT_GIVEN,
    contact_preference: str | NotGiven = NOT_GIVEN,
    accessibility_needs: str | NotGiven = NOT_GIVEN,
    language: str | NotGiven = NOT_GIVEN,
    looked_after: bool | NotGiven = NOT_GIVEN,
    care_leaver: bool | NotGiven = NOT_GIVEN,
) -> Person:
    """Record a person on no case yet; what is not given takes the model's default."""
    details = given(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        email=email,
        phone=phone,
        address=address,
        postcode=postcode,
        contact_preference=contact_preference,
        accessibility_needs=accessibility_needs,
        language=language,
        looked_after=looked_after,
        care_leaver=care_leaver,
    )
    person = _new_person(actor, details)
    person.save()
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    actor: User,
    first_name: str | NotGiven = NOT_GIVEN,
    last_name: str | NotGiven = NOT_GIVEN,
    date_of_birth: dt.date | NotGiven | None = NOT_GIVEN,
    email: str | NotGiven = NOT_GIVEN,
    phone: str | NotGiven = NOT_GIVEN,
    address: str | NotGiven = NOT_GIVEN,
    postcode: str | NotGiven = NOT_GIVEN,
    contact_preference: str | NotGiven = NOT_GIVEN,
    accessibility_needs: str | NotGiven = NOT_GIVEN,
    language: str | NotGiven = NOT_GIVEN,
    looked_after: bool | NotGiven = NOT_GIVEN,
    care_leaver: bool | NotGiven = NOT_GIVEN,
    carrying_out: Any = None,
) -> Person:
    """Change a person's details; what is not given stays as it is. A person whose processing
    is restricted is changed only by `carrying_out` a rectification or erasure request of
    theirs (harken.subjectaccess.rules, ADR 0150)."""
    from harken.subjectaccess import rules

    details = given(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        email=email,
        phone=phone,
        address=address,
        postcode=postcode,
        contact_preference=contact_preference,
        accessibility_needs=accessibility_needs,
        language=language,
        looked_after=looked_after,
        care_leaver=care_leaver,
    )
    if not access.role_may(actor.role, workflow.TRANSITIONS_BY_NAME["edit-person"].permission):
        raise AccessDenied("You are not allowed to change people's details.")
    # Someone on a case is changed only by a person who may see one of their cases (someone
    # on restricted cases only, by the people named on them); someone on no case yet, by
    # whoever may record people.
    if not access.visible_people(actor).filter(pk=person.pk).exists():
        raise AccessDenied("You do not have access to this person's cases.")
    values = _clean_person_details({**{f: getattr(person, f) for f in PERSON_FIELDS}, **details})
    values = _changed_text(person, values, TEXT_PERSON_FIELDS)
    if _differs(person, values):
        rules.ensure_may_change_person(person, carrying_out)
    changes = set_fields(person, values)
    if changes:
        _touch(person, actor)
        person.save()
        for party in person.parties.select_related("case"):
            record_event(
                case=party.case,
                actor=actor,
                verb=Verb.PERSON_UPDATED,
                description=f"{person.full_name}'s details changed",
                changes=changes,
            )
    return person


def _differs(person: Person, values: Mapping[str, Any]) -> bool:
    return any(getattr(person, name) != value for name, value in values.items())


def _check_party(item: PersonInput, case: Case) -> None:
    if item.role not in PartyRole.values:
        raise ApplicationError.for_field("role", "Choose the person's part in the case.")
    if item.relationship and item.relationship not in Relationship.values:
        raise ApplicationError.for_field("relationship", "Choose the relationship.")
    if item.person is not None:
        # A person already recorded whose processing is restricted (UK GDPR art. 18) is not
        # put on another case (docs/adr/0152); a new person's details are a new record.
        from harken.subjectaccess import rules

        rules.ensure_may_add_to_case(item.person, case, item.role)


def _add_parties(case: Case, people: Sequence[PersonInput], actor: User | None) -> None:
    """The people of a case being made: no party exists yet, so no lookups before inserting;
    the new people are inserted together; the same person in the same part twice is recorded
    once."""
    for item in people:
        _check_party(item, case)
    new = {n: _new_person(actor, item.details) for n, item in enumerate(people) if not item.person}
    Person.objects.bulk_create(new.values())
    parties: dict[tuple[int, str], CaseParty] = {}
    for n, item in enumerate(people):
        person = item.person or new[n]
        parties.setdefault(
            (person.pk, item.role),
            CaseParty(
                case=case,
                person=person,
                role=item.role,
                relationship=item.relationship,
                child_knows=item.child_knows,
            ),
        )
    CaseParty.objects.bulk_create(parties.values())


def _add_party(case: Case, item: PersonInput, actor: User | None) -> CaseParty:
    _check_party(item, case)
    person = item.person or person_create(actor=actor, **person_details(item.details))
    party, _ = CaseParty.objects.get_or_create(
        case=case,
        person=person,
        role=item.role,
        defaults={"relationship": item.relationship, "child_knows": item.child_knows},
    )
    return party


@transaction.atomic
def case_add_person(*, case: Case, item: PersonInput, actor: User) -> CaseParty:
    workflow.require("add-person", case=case, actor=actor)
    if case.parties.count() >= MAX_PEOPLE:
        raise ApplicationError.for_field("people", f"A case can have at most {MAX_PEOPLE} people.")
    party = _add_party(case, item, actor)
    record_event(
        case=case,
        actor=actor,
        verb=Verb.PERSON_ADDED,
        description=f"{party.person.full_name} added as {party.get_role_display()}",
    )
    return party
