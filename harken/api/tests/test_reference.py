"""The schema, reference data, procedure versions and the person-finder."""

from __future__ import annotations

import datetime as dt

import pytest
from drf_spectacular.validation import validate_schema

from harken.api.actions import ACTIONS
from harken.cases import services
from harken.cases.tests.factories import complaint
from harken.procedures.definitions import SHIPPED

pytestmark = pytest.mark.django_db

D = dt.date


def test_schema_is_valid_openapi_with_every_action(client_for, officer):
    """The schema validates against the OpenAPI 3 spec and lists each action with its body."""
    response = client_for(officer).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    paths = schema["paths"]
    for action in ACTIONS:
        operation = paths[f"/api/v1/cases/{{reference}}/{action.name}/"]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    extend = schema["components"]["schemas"]["ExtendInputRequest"]
    assert set(extend["required"]) == {"new_due_on", "reason", "complainant_told_on"}
    list_params = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {"kind", "received_from", "overdue", "q", "page", "cursor"} <= list_params
    # API 1.1 added cursor pages: the list's answer names the capped count's flag.
    assert schema["info"]["version"] == "1.3.0"
    page = schema["components"]["schemas"]["PaginatedCaseListList"]["properties"]
    assert {"count", "count_capped", "next", "previous", "results"} <= set(page)


def test_teams_themes_and_procedures(client_for, officer):
    client = client_for(officer)
    teams = client.get("/api/v1/teams/").json()
    assert {"name": "SEND Team", "service_area": "Education and SEND"}.items() <= next(
        t for t in teams if t["name"] == "SEND Team"
    ).items()
    assert any(t["name"] == "Communication" for t in client.get("/api/v1/themes/").json())
    procedures = {p["code"]: p for p in client.get("/api/v1/procedures/").json()}
    assert set(procedures) == {spec.code for spec in SHIPPED}
    children = procedures["children-statutory"]
    assert children["current_version"]["number"] == 1
    assert len(children["current_version"]["definition"]["stages"]) == 3


def _changed_definition() -> dict:
    definition = next(s for s in SHIPPED if s.code == "corporate-legacy").to_dict()
    definition["name"] = "Corporate (legacy, renamed)"
    definition["stages"][0]["description"] = "Changed"
    return definition


def test_administrator_adds_a_procedure_version(client_for, admin_user):
    response = client_for(admin_user).post(
        "/api/v1/procedures/versions/",
        {"definition": _changed_definition(), "note": "Renamed"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2
    assert response.json()["procedure"] == "corporate-legacy"


def test_unchanged_or_invalid_definition_is_a_400(client_for, admin_user):
    client = client_for(admin_user)
    same = next(s for s in SHIPPED if s.code == "corporate-legacy").to_dict()
    response = client.post("/api/v1/procedures/versions/", {"definition": same}, format="json")
    assert response.status_code == 400
    assert "same as the current version" in response.json()["message"]
    response = client.post(
        "/api/v1/procedures/versions/", {"definition": {"code": "x"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["definition"]


def test_only_administrators_change_procedures(client_for, officer):
    response = client_for(officer).post(
        "/api/v1/procedures/versions/", {"definition": _changed_definition()}, format="json"
    )
    assert response.status_code == 403


def test_person_finder_shows_open_cases_the_user_can_see(client_for, officer, admin_user):
    """Search by name or e-mail; each match lists only the open cases the user may see."""
    visible = complaint(actor=officer, received_on=D(2024, 3, 1))
    person = visible.parties.get().person
    hidden = complaint(actor=admin_user, received_on=D(2024, 3, 2), restricted=True)
    services.case_add_person(
        case=hidden, item=services.PersonInput(person=person), actor=admin_user
    )
    client = client_for(officer)
    response = client.get("/api/v1/people/", {"q": person.last_name[:3]})
    assert response.status_code == 200
    [match] = [p for p in response.json()["results"] if p["id"] == person.pk]
    assert match["name"] == person.full_name
    assert match["open_cases"] == [visible.reference]
    admin_match = client_for(admin_user).get("/api/v1/people/", {"q": person.email}).json()
    assert admin_match["results"][0]["open_cases"] == sorted([visible.reference, hidden.reference])


def test_person_finder_needs_a_query_and_an_officer(client_for, officer, manager):
    response = client_for(officer).get("/api/v1/people/", {"q": "a"})
    assert response.status_code == 400
    assert response.json()["errors"]["q"]
    assert client_for(manager).get("/api/v1/people/", {"q": "Jones"}).status_code == 403
