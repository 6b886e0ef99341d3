"""/api/v1/homes/: the same rules as the pages; 403 for roles without the homes."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from harken.homes.models import Home, HomeEvent, Visit

from .factories import D, home, visit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/homes/"


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


HOME = {
    "name": "Oak Lodge",
    "provider": "Shire County Council",
    "ownership": "own",
    "ofsted_urn": "SC123456",
    "places": 4,
    "opened_on": "2020-01-06",
}


def test_the_feedback_team_adds_and_lists_homes(client_for, officer):
    api = client_for(officer)
    response = api.post(BASE, HOME, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["ofsted_urn"] == "SC123456"
    assert [h["name"] for h in api.get(BASE).json()["results"]] == ["Oak Lodge"]
    assert HomeEvent.objects.filter(verb=HomeEvent.Verb.HOME_ADDED).exists()


def test_a_bad_urn_is_a_400_beside_its_field(client_for, officer):
    response = client_for(officer).post(BASE, {**HOME, "ofsted_urn": "SC12"}, format="json")
    assert response.status_code == 400
    assert "ofsted_urn" in response.json()["errors"]
    assert not Home.objects.exists()


@pytest.mark.parametrize("who", ["manager", "io_user", "report_viewer"])
def test_roles_without_the_homes_get_403_everywhere(client_for, request, officer, who):
    h = home(officer)
    v = visit(officer, h)
    api = client_for(request.getfixturevalue(who))
    for path in (
        BASE,
        f"{BASE}{h.pk}/",
        f"{BASE}visits/",
        f"{BASE}visits/{v.pk}/",
        f"{BASE}compliance/",
    ):
        assert api.get(path).status_code == 403, path
    assert api.post(BASE, HOME, format="json").status_code == 403
    assert (
        api.patch(
            f"{BASE}visits/{v.pk}/", {"sent_to_ofsted_on": "2024-06-01"}, format="json"
        ).status_code
        == 403
    )


def test_signed_out_is_refused(officer):
    assert APIClient().get(BASE).status_code in (401, 403)


def test_a_visit_in_the_future_is_a_400_and_saves_nothing(client_for, officer):
    h = home(officer)
    data = {
        "home": h.pk,
        "visited_on": "2024-06-29",
        "visitor_name": "Vera Visitor",
        "announced": True,
        "children_spoken_to": 2,
        "parents_spoken_to": 0,
        "staff_spoken_to": 1,
        "safeguarded": "yes",
        "wellbeing_promoted": "yes",
    }
    response = client_for(officer).post(f"{BASE}visits/", data, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["visited_on"] == [
        "The date of the visit must be today or in the past."
    ]
    assert not Visit.objects.exists()
    data["visited_on"] = "2024-05-02"
    response = client_for(officer).post(f"{BASE}visits/", data, format="json")
    assert response.status_code == 201
    assert response.json()["ofsted_due_on"] == "2024-06-30"


def test_recording_the_report_sent_to_ofsted(client_for, officer):
    v = visit(officer, home(officer), visited_on=D(2024, 4, 2))
    api = client_for(officer)
    assert api.get(f"{BASE}visits/{v.pk}/").json()["report_late"] is True
    response = api.patch(
        f"{BASE}visits/{v.pk}/", {"sent_to_ofsted_on": "2024-05-20"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["report_late"] is False
    assert HomeEvent.objects.filter(visit=v, verb=HomeEvent.Verb.VISIT_CHANGED).exists()


def test_a_home_that_is_not_there_is_404(client_for, officer):
    assert client_for(officer).get(f"{BASE}9999/").status_code == 404


def test_compliance_per_home_and_month(client_for, officer):
    h = home(officer, opened_on=D(2024, 4, 1))
    visit(officer, h, visited_on=D(2024, 4, 3))
    response = client_for(officer).get(f"{BASE}compliance/", {"from": "2024-04", "to": "2024-05"})
    assert response.status_code == 200
    [row] = response.json()
    assert (row["due"], row["made"], row["missed"]) == (2, 1, 1)
    assert [m["status"] for m in row["months"]] == ["made", "missed"]
    assert client_for(officer).get(f"{BASE}compliance/", {"from": "April"}).status_code == 400
