"""/api/v1/homes/drop-ins/ (1.3.0): list with filters, one drop-in with its issues and their
triage, and record one through the same service as the page, refused the same things."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from harken.homes import services
from harken.homes.models import DropIn, HomeEvent, Triage

from .factories import D, drop_in, home

pytestmark = pytest.mark.django_db
BASE = "/api/v1/homes/drop-ins/"


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


@pytest.fixture
def world(officer, send_team):
    oak = home(officer)
    elm = home(officer, name="Elm House", ofsted_urn="SC654321")
    may = drop_in(officer, oak, held_on=D(2024, 5, 2))
    services.issue_record(
        actor=officer,
        drop_in=may,
        summary="The wifi is off after nine",
        triage=Triage.PASSED_TO_TEAM,
        passed_to=send_team,
        passed_to_person="Home manager",
        passed_on=D(2024, 5, 3),
    )
    june = drop_in(officer, elm, held_on=D(2024, 6, 20))
    placement = drop_in(officer, None, held_on=D(2024, 6, 1))
    return {"oak": oak, "elm": elm, "may": may, "june": june, "placement": placement}


def _ids(response):
    assert response.status_code == 200, response.content[:300]
    return [d["id"] for d in response.json()["results"]]


def test_the_list_is_latest_first_and_filters_by_home_and_dates(api, world):
    assert _ids(api.get(BASE)) == [world["june"].pk, world["placement"].pk, world["may"].pk]
    assert _ids(api.get(BASE, {"home": world["oak"].pk})) == [world["may"].pk]
    assert _ids(api.get(BASE, {"from": "2024-06-01"})) == [world["june"].pk, world["placement"].pk]
    assert _ids(api.get(BASE, {"to": "2024-06-01"})) == [world["placement"].pk, world["may"].pk]
    assert _ids(api.get(BASE, {"from": "2024-05-01", "to": "2024-05-31"})) == [world["may"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "1 May"}, "from"),
        ({"to": "2024-13-01"}, "to"),
        ({"home": "x"}, "home"),
        ({"from": "2024-06-02", "to": "2024-06-01"}, "from"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api, world, params, field):
    response = api.get(BASE, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_one_drop_in_has_its_issues_and_their_triage_and_the_read_is_audited(api, officer, world):
    response = api.get(f"{BASE}{world['may'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["where"] == "Oak Lodge"
    [issue] = body["issues"]
    assert issue["summary"] == "The wifi is off after nine"
    assert issue["triage"] == "passed"
    assert issue["triage_label"] == "Passed to the team"
    assert issue["passed_to_person"] == "Home manager"
    assert HomeEvent.objects.filter(
        verb=HomeEvent.Verb.DROP_IN_VIEWED, drop_in=world["may"], actor=officer
    ).exists()
    assert api.get(f"{BASE}999999/").status_code == 404


def test_recording_a_drop_in(api, officer, world):
    response = api.post(
        BASE,
        {
            "home": world["oak"].pk,
            "held_on": "2024-06-27",
            "officer": officer.pk,
            "young_people": 4,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    made = DropIn.objects.get(pk=response.json()["id"])
    assert made.young_people == 4
    assert response.json()["issues"] == []
    assert HomeEvent.objects.filter(verb=HomeEvent.Verb.DROP_IN_RECORDED, drop_in=made).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": "2024-06-29"}, "held_on"),  # tomorrow: a drop-in is recorded once held
        ({"home": None}, "home"),  # no home and no placement: nowhere
        ({"placement": "Youth centre"}, "placement"),  # a home and a placement
        ({"young_people": -1}, "young_people"),
        ({"held_on": "2019-01-01"}, "held_on"),  # before the home opened
    ],
)
def test_the_api_is_refused_what_the_page_is(api, officer, world, changes, field):
    before = DropIn.objects.count()
    body = {
        "home": world["oak"].pk,
        "held_on": "2024-06-27",
        "officer": officer.pk,
        "young_people": 4,
        **changes,
    }
    response = api.post(BASE, body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert DropIn.objects.count() == before


def test_the_officer_must_be_in_the_feedback_team(api, manager, world):
    response = api.post(
        BASE,
        {
            "home": world["oak"].pk,
            "held_on": "2024-06-27",
            "officer": manager.pk,
            "young_people": 1,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "officer" in response.json()["errors"]


@pytest.mark.parametrize("who", ["manager", "io_user", "report_viewer"])
def test_roles_without_the_drop_ins_get_403(request, world, who):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(who))
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}{world['may'].pk}/").status_code == 403
