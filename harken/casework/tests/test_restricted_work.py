"""Restricted cases and the people doing the work: assigning one to someone not named is
refused with a reason (they would then get 404), and restricting keeps its appointees and its
assignee named, saying so. Through the case page and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases import services
from harken.cases.models import AppointmentRole
from harken.cases.tests.factories import respond_all

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def other_officer(db):
    return make_user("oscar_officer", Role.FEEDBACK_OFFICER)


def test_assigning_a_restricted_case_to_someone_not_named_is_refused_on_the_page(
    sign_in, officer, other_officer, case
):
    services.case_restrict(case=case, restricted=True, people=[], actor=officer)
    response = sign_in(officer).post(
        f"/staff/cases/{case.reference}/assign/", {"user": other_officer.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Oscar Tester is not named on this restricted case" in page
    assert "govuk-error-summary" in page
    case.refresh_from_db()
    assert case.assigned_to is None
    # Once named, they can be assigned it and open it.
    services.case_restrict(case=case, restricted=True, people=[other_officer], actor=officer)
    response = sign_in(officer).post(
        f"/staff/cases/{case.reference}/assign/", {"user": other_officer.pk}
    )
    assert response.status_code == 302
    assert sign_in(other_officer).get(f"/staff/cases/{case.reference}/").status_code == 200


def test_assigning_through_the_api_is_refused_with_the_field_named(officer, other_officer, case):
    services.case_restrict(case=case, restricted=True, people=[], actor=officer)
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post(
        f"/api/v1/cases/{case.reference}/assign/", {"user": other_officer.pk}, format="json"
    )
    assert response.status_code == 400
    assert "not named on this restricted case" in response.json()["errors"]["user"][0]


@pytest.fixture
def stage2(officer, io_user, ip_user, case):
    respond_all(case, on=D(2024, 6, 10), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 6, 12), actor=officer)
    for user, role in (
        (io_user, AppointmentRole.INVESTIGATING_OFFICER),
        (ip_user, AppointmentRole.INDEPENDENT_PERSON),
    ):
        services.appointment_make(case=case, user=user, role=role, on=D(2024, 6, 13), actor=officer)
    return case


def test_restricting_keeps_the_appointees_named_and_says_so(
    sign_in, officer, other_officer, io_user, ip_user, stage2
):
    client = sign_in(officer)
    form = client.get(f"/staff/cases/{stage2.reference}/restrict/").content.decode()
    assert "Ian Tester, Ivy Tester will stay named" in form
    response = client.post(
        f"/staff/cases/{stage2.reference}/restrict/",
        {"restricted": "yes", "people": [officer.pk]},
    )
    assert response.status_code == 302
    assert sign_in(io_user).get(f"/staff/cases/{stage2.reference}/").status_code == 200
    assert sign_in(ip_user).get(f"/staff/cases/{stage2.reference}/").status_code == 200
    assert sign_in(other_officer).get(f"/staff/cases/{stage2.reference}/").status_code == 404
    event = stage2.events.filter(verb="restricted").latest("id")
    assert "Ian Tester, Ivy Tester also named" in event.description


def test_restricting_through_the_api_keeps_the_appointees(officer, io_user, ip_user, stage2):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post(
        f"/api/v1/cases/{stage2.reference}/restrict/",
        {"restricted": True, "people": []},
        format="json",
    )
    assert response.status_code == 200
    named = {p["id"] for p in response.json()["restricted_to"]}
    assert named == {officer.pk, io_user.pk, ip_user.pk}
    io_api = APIClient()
    io_api.force_authenticate(io_user)
    assert io_api.get(f"/api/v1/cases/{stage2.reference}/").status_code == 200
