"""Changing a case's or a person's details names each field: what is not given stays as it
was, a misspelt field is refused before anything is saved, and "no date of birth" is a value
an officer may give."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken.cases import services
from harken.cases.models import TimelineEvent
from harken.core.updates import NOT_GIVEN, given

from .factories import complaint

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_given_keeps_only_what_was_given_including_none():
    assert given(summary="New", details=NOT_GIVEN, date_of_birth=None) == {
        "summary": "New",
        "date_of_birth": None,
    }


def test_changing_the_summary_leaves_the_details_as_they_were(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1), details="What happened")
    services.case_update(case=case, actor=officer, summary="New summary")
    case.refresh_from_db()
    assert (case.summary, case.details) == ("New summary", "What happened")


def test_a_misspelt_case_field_is_refused_and_nothing_changes(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(TypeError, match="sumary"):
        services.case_update(case=case, actor=officer, sumary="New summary")  # type: ignore[call-arg]
    assert not TimelineEvent.objects.filter(case=case, verb="updated").exists()


def test_changing_a_persons_phone_leaves_their_name_and_can_clear_their_birthday(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    person = case.parties.get().person
    services.person_update(person=person, actor=officer, date_of_birth=D(2010, 5, 1))
    name = person.full_name
    services.person_update(person=person, actor=officer, phone="01632 960000", date_of_birth=None)
    person.refresh_from_db()
    assert (person.full_name, person.phone, person.date_of_birth) == (name, "01632 960000", None)


def test_a_misspelt_person_field_is_refused(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    person = case.parties.get().person
    with pytest.raises(TypeError, match="phone_number"):
        services.person_update(person=person, actor=officer, phone_number="1")  # type: ignore[call-arg]
