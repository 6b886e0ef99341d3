"""HARKEN_MANAGERS_SEE_TEAM_HOMES: with it on, a manager reads (never changes) the homes their
teams are responsible for, with those homes' visits, drop-ins, issues and compliance; with it
off (the default), a manager sees no home at all."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from harken.homes import selectors, services
from harken.homes.models import HomeEvent, Triage

from .factories import D, drop_in, home, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(officer, assessment_team, send_team):
    oak = home(officer, teams=[assessment_team])
    elm = home(officer, name="Elm House", ofsted_urn="SC654321", teams=[send_team])
    oak_visit = visit(officer, oak)
    elm_visit = visit(officer, elm, visitor_name="Elm Visitor")
    oak_drop_in = drop_in(officer, oak)
    services.issue_record(
        actor=officer,
        drop_in=oak_drop_in,
        summary="Wants more say in menus",
        triage=Triage.NO_ACTION,
    )
    return {
        "oak": oak,
        "elm": elm,
        "oak_visit": oak_visit,
        "elm_visit": elm_visit,
        "oak_drop_in": oak_drop_in,
        "elm_drop_in": drop_in(officer, elm),
    }


def test_the_homes_teams_are_kept_and_their_change_is_in_the_trail(officer, world, send_team):
    assert list(world["oak"].teams.values_list("name", flat=True)) == ["Assessment Teams"]
    services.home_update(home=world["oak"], actor=officer, teams=[send_team])
    event = HomeEvent.objects.filter(verb=HomeEvent.Verb.HOME_CHANGED, home=world["oak"]).get()
    assert event.changes["teams"] == ["Assessment Teams", "SEND Team"]


def test_the_homes_form_saves_the_teams(sign_in, officer, world, send_team, assessment_team):
    response = sign_in(officer).post(
        f"/staff/homes/{world['oak'].pk}/edit/",
        {
            "name": "Oak Lodge",
            "provider": "Shire County Council",
            "ownership": "own",
            "ofsted_urn": "SC123456",
            "places": "4",
            "opened_on_0": "6",
            "opened_on_1": "1",
            "opened_on_2": "2020",
            "teams": [send_team.pk, assessment_team.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(world["oak"].teams.all()) == {send_team, assessment_team}


OAK_PAGES = ["", "{oak}/", "visits/{oak_visit}/", "drop-ins/", "drop-ins/{oak_drop_in}/"]


@pytest.mark.parametrize("path", [*OAK_PAGES, "compliance/"])
def test_with_the_setting_off_a_manager_sees_no_home(sign_in, manager, world, path):
    ids = {k: v.pk for k, v in world.items()}
    assert sign_in(manager).get("/staff/homes/" + path.format(**ids)).status_code == 403


@override_settings(HARKEN_MANAGERS_SEE_TEAM_HOMES=True)
@pytest.mark.parametrize("path", [*OAK_PAGES, "compliance/"])
def test_with_the_setting_on_a_manager_reads_their_teams_home(sign_in, manager, world, path):
    ids = {k: v.pk for k, v in world.items()}
    response = sign_in(manager).get("/staff/homes/" + path.format(**ids))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Elm House" not in html
    assert "Record a visit" not in html
    assert "Record a concern or issue" not in html


@override_settings(HARKEN_MANAGERS_SEE_TEAM_HOMES=True)
def test_a_manager_sees_their_teams_drop_in_issues_and_compliance(sign_in, manager, world):
    client = sign_in(manager)
    page = client.get(f"/staff/homes/drop-ins/{world['oak_drop_in'].pk}/").content.decode()
    assert "Wants more say in menus" in page
    rows = selectors.homes_compliance(user=manager, first=D(2024, 1, 1), last=D(2024, 6, 30))
    assert [row.home for row in rows] == [world["oak"]]
    nav = client.get("/staff/homes/").context["staff_navigation"]
    assert "Homes" in [item["label"] for item in nav]


@override_settings(HARKEN_MANAGERS_SEE_TEAM_HOMES=True)
@pytest.mark.parametrize(
    "path",
    [
        "{elm}/",
        "visits/{elm_visit}/",
        "drop-ins/{elm_drop_in}/",
        "visits/{elm_visit}/report/",
    ],
)
def test_with_the_setting_on_another_teams_home_is_not_there(sign_in, manager, world, path):
    ids = {k: v.pk for k, v in world.items()}
    assert sign_in(manager).get("/staff/homes/" + path.format(**ids)).status_code == 404


@override_settings(HARKEN_MANAGERS_SEE_TEAM_HOMES=True)
@pytest.mark.parametrize(
    "path",
    [
        "add/",
        "{oak}/edit/",
        "{oak}/visits/add/",
        "visits/{oak_visit}/edit/",
        "visits/{oak_visit}/issues/add/",
        "visits/{oak_visit}/report/upload/",
        "drop-ins/add/",
        "drop-ins/{oak_drop_in}/issues/add/",
    ],
)
def test_a_manager_changes_nothing_even_with_the_setting_on(sign_in, manager, world, path):
    ids = {k: v.pk for k, v in world.items()}
    assert sign_in(manager).get("/staff/homes/" + path.format(**ids)).status_code == 403


def test_with_the_setting_off_the_manager_has_no_homes_in_the_navigation(sign_in, manager):
    nav = sign_in(manager).get("/staff/start/").context["staff_navigation"]
    assert "Homes" not in [item["label"] for item in nav]


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_follows_the_setting(manager, world):
    api = _api(manager)
    assert api.get("/api/v1/homes/").status_code == 403
    assert api.get("/api/v1/homes/drop-ins/").status_code == 403
    with override_settings(HARKEN_MANAGERS_SEE_TEAM_HOMES=True):
        assert [h["name"] for h in api.get("/api/v1/homes/").json()["results"]] == ["Oak Lodge"]
        visits = api.get("/api/v1/homes/visits/").json()["results"]
        assert [v["id"] for v in visits] == [world["oak_visit"].pk]
        drop_ins = api.get("/api/v1/homes/drop-ins/").json()["results"]
        assert [d["id"] for d in drop_ins] == [world["oak_drop_in"].pk]
        assert api.get(f"/api/v1/homes/drop-ins/{world['elm_drop_in'].pk}/").status_code == 404
        assert [r["name"] for r in api.get("/api/v1/homes/compliance/").json()] == ["Oak Lodge"]
        refused = api.post(
            "/api/v1/homes/drop-ins/",
            {
                "home": world["oak"].pk,
                "held_on": "2024-06-01",
                "officer": manager.pk,
                "young_people": 2,
            },
            format="json",
        )
        assert refused.status_code == 403
