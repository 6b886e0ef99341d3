"""Changing a person's details: only someone who may record people and may see one of the
cases the person is on (a person on restricted cases only, by the people named there)."""

from __future__ import annotations

import datetime as dt

import pytest

from harken import access
from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases import services
from harken.cases.models import Person, TimelineEvent
from harken.cases.tests.factories import complaint, person_details
from harken.core.errors import AccessDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers():
    return make_user("olivia_fo", Role.FEEDBACK_OFFICER), make_user(
        "femi_fo", Role.FEEDBACK_OFFICER
    )


def _restricted_case(named):
    case = complaint(actor=named, received_on=dt.date(2024, 3, 1))
    services.case_restrict(case=case, restricted=True, people=[named], actor=named)
    return case


def test_an_officer_not_named_on_a_restricted_case_cannot_change_its_people(officers):
    """The person is on a restricted case only: an officer not named on it is refused, and
    neither the person nor the case's timeline changes."""
    named, other = officers
    case = _restricted_case(named)
    person = case.parties.get().person
    before = person.first_name
    with pytest.raises(AccessDenied):
        services.person_update(person=person, actor=other, first_name="Changed")
    person.refresh_from_db()
    assert person.first_name == before
    assert not TimelineEvent.objects.filter(case=case, verb="person_updated").exists()


def test_the_officer_named_on_it_can(officers):
    named, _ = officers
    case = _restricted_case(named)
    person = case.parties.get().person
    services.person_update(person=person, actor=named, first_name="Changed")
    person.refresh_from_db()
    assert person.first_name == "Changed"
    assert TimelineEvent.objects.filter(case=case, verb="person_updated").exists()


def test_a_person_also_on_a_case_the_officer_sees_can_be_changed(officers):
    """On a restricted case and on an open one: the officer sees them through the open one."""
    named, other = officers
    restricted = _restricted_case(named)
    person = restricted.parties.get().person
    open_case = complaint(actor=other, received_on=dt.date(2024, 3, 2))
    services.case_add_person(
        case=open_case, actor=other, item=services.PersonInput(person=person, role="child")
    )
    services.person_update(person=person, actor=other, first_name="Changed")
    person.refresh_from_db()
    assert person.first_name == "Changed"


def test_a_person_on_no_case_yet_is_changed_by_whoever_may_record_people(officers):
    officer, _ = officers
    person = services.person_create(actor=officer, **person_details())
    services.person_update(person=person, actor=officer, first_name="Changed")
    assert Person.objects.get(pk=person.pk).first_name == "Changed"


def test_a_manager_who_sees_the_case_still_may_not_change_people(officer, manager):
    """Recording people is the feedback team's work (the permission `manage`)."""
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    person = case.parties.get().person
    assert access.can_view_case(manager, case)  # their team's case
    with pytest.raises(AccessDenied):
        services.person_update(person=person, actor=manager, first_name="Changed")
