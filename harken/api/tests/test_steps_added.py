"""The three steps the staff pages had and the API lacked (issue 11): ending an appointment,
changing a case's details and changing a person's."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases import services
from harken.cases.models import AppointmentRole, TimelineEvent
from harken.cases.tests.factories import complaint, respond_all

pytestmark = pytest.mark.django_db

D = dt.date
CASES = "/api/v1/cases/"


@pytest.fixture
def stage2(officer, io_user):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    appointment = services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 3, 13),
        actor=officer,
    )
    return case, appointment


def test_an_appointment_is_ended_and_the_timeline_says_so(client_for, officer, stage2):
    case, appointment = stage2
    response = client_for(officer).post(
        f"{CASES}{case.reference}/end-appointment/",
        {"appointment": appointment.pk, "on": "2024-04-02"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    appointment.refresh_from_db()
    assert appointment.ended_on == D(2024, 4, 2)
    assert TimelineEvent.objects.filter(case=case, verb="appointment_ended").exists()


def test_another_cases_appointment_is_not_found_in_this_one(client_for, officer, stage2):
    _, appointment = stage2
    other = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{other.reference}/end-appointment/",
        {"appointment": appointment.pk, "on": "2024-04-02"},
        format="json",
    )
    assert response.status_code == 400
    assert "appointment" in response.json()["errors"]
    appointment.refresh_from_db()
    assert appointment.ended_on is None


def test_the_details_are_changed_and_audited(client_for, officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{case.reference}/edit/", {"summary": "Missed visits"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["summary"] == "Missed visits"
    event = TimelineEvent.objects.get(case=case, verb="updated")
    assert event.changes["summary"] == ["Unhappy with the service", "Missed visits"]


def test_a_blank_summary_is_refused_beside_the_field(client_for, officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{case.reference}/edit/", {"summary": "   "}, format="json"
    )
    assert response.status_code == 400
    assert "summary" in response.json()["errors"]
    case.refresh_from_db()
    assert case.summary == "Unhappy with the service"


def test_a_person_on_the_case_is_changed(client_for, officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    person = case.parties.get().person
    response = client_for(officer).post(
        f"{CASES}{case.reference}/edit-person/",
        {"person": person.pk, "phone": "01632 960001"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert person.phone == "01632 960001"


def test_a_person_of_another_case_is_not_found_in_this_one(client_for, officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    other = complaint(actor=officer, received_on=D(2024, 3, 1))
    stranger = other.parties.get().person
    response = client_for(officer).post(
        f"{CASES}{case.reference}/edit-person/",
        {"person": stranger.pk, "phone": "01632 960001"},
        format="json",
    )
    assert response.status_code == 400
    assert "person" in response.json()["errors"]
    stranger.refresh_from_db()
    assert stranger.phone != "01632 960001"
