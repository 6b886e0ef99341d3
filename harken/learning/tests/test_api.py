"""The action plan through the API: the same rules as the pages, JSON errors, role checks."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from harken.learning.models import ActionStatus

from .factories import action, recommendation, stage2_case, team

pytestmark = pytest.mark.django_db

D = dt.date
BASE = "/api/v1/learning/"


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def ok(response, code=200):
    assert response.status_code == code, response.json()
    return response.json()


def test_officer_records_a_recommendation_and_action_and_the_owner_completes_it(
    client_for, officer, manager
):
    case = stage2_case(officer)
    officer_api = client_for(officer)
    rec = ok(
        officer_api.post(
            f"{BASE}recommendations/",
            {
                "case": f" {case.reference.lower()}",  # as typed
                "source": "stage2",
                "made_on": "2024-03-01",
                "text": "Share plans before meetings.",
                "team": team("Assessment Teams").pk,
                "decision": "accepted",
                "decided_on": "2024-03-08",
            },
            format="json",
        ),
        201,
    )
    assert rec["reference"] == f"{case.reference} R1"
    assert rec["service_area"] == "Children's social care"
    assert rec["stage"] == 2
    act = ok(
        officer_api.post(
            f"{BASE}recommendations/{rec['id']}/actions/",
            {"description": "Update guidance", "owner": manager.pk, "due_on": "2024-09-30"},
            format="json",
        ),
        201,
    )
    assert act["owner"] == {"id": manager.pk, "name": "Mo Tester"}
    manager_api = client_for(manager)
    refused = manager_api.post(
        f"{BASE}actions/{act['id']}/progress/", {"status": "completed"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["completed_on"] == ["Enter the date the action was completed."]
    done = ok(
        manager_api.post(
            f"{BASE}actions/{act['id']}/progress/",
            {"status": "completed", "completed_on": "2024-06-20", "evidence": "Published"},
            format="json",
        )
    )
    assert done["status"] == ActionStatus.COMPLETED
    assert done["is_overdue"] is False
    listed = ok(manager_api.get(f"{BASE}actions/", {"status": "completed"}))
    assert [a["reference"] for a in listed["results"]] == [f"{case.reference} R1.1"]
    detail = ok(manager_api.get(f"{BASE}recommendations/{rec['id']}/"))
    assert detail["actions"][0]["evidence"] == "Published"


def test_validation_errors_are_field_by_field(client_for, officer):
    case = stage2_case(officer)
    response = client_for(officer).post(
        f"{BASE}recommendations/",
        {"case": case.reference, "source": "stage3", "made_on": "2024-03-01", "text": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "has no stage 3" in response.json()["errors"]["source"][0]
    response = client_for(officer).post(
        f"{BASE}recommendations/", {"case": case.reference}, format="json"
    )
    assert set(response.json()["errors"]) >= {"source", "made_on", "text"}


@pytest.mark.parametrize(
    ("who", "code"), [("report_viewer", 403), ("io_user", 403), ("panel_member", 403)]
)
def test_roles_with_no_part_get_403(client_for, request, who, code, panel_users):
    user = panel_users[0] if who == "panel_member" else request.getfixturevalue(who)
    api = client_for(user)
    assert api.get(f"{BASE}recommendations/").status_code == code
    assert api.get(f"{BASE}actions/").status_code == code


def test_report_viewer_reads_the_overview_only(client_for, officer, manager, report_viewer):
    rec = recommendation(officer, stage2_case(officer))
    action(officer, rec, manager, due_on=D(2024, 6, 3))
    rows = ok(client_for(report_viewer).get(f"{BASE}overview/"))
    total = rows[-1]
    assert total == {
        "service_area_id": None,
        "service_area": "All service areas",
        "recommendations": 1,
        "open": 1,
        "overdue": 1,
        "completed": 0,
    }
    assert client_for(report_viewer).get(f"{BASE}recommendations/{rec.pk}/").status_code == 403


def test_unseen_records_are_404_and_manager_cannot_change(
    client_for, officer, manager, other_manager
):
    rec = recommendation(officer, stage2_case(officer))
    act = action(officer, rec, manager)
    other = client_for(other_manager)
    assert other.get(f"{BASE}recommendations/{rec.pk}/").status_code == 404
    assert other.get(f"{BASE}actions/{act.pk}/").status_code == 404
    assert ok(other.get(f"{BASE}actions/"))["count"] == 0
    mine = client_for(manager)
    response = mine.patch(f"{BASE}actions/{act.pk}/", {"due_on": "2024-12-01"}, format="json")
    assert response.status_code == 403
    response = mine.patch(f"{BASE}recommendations/{rec.pk}/", {"text": "x"}, format="json")
    assert response.status_code == 403
    response = mine.post(
        f"{BASE}recommendations/",
        {
            "case": rec.case.reference if rec.case else "",
            "source": "stage2",
            "made_on": "2024-03-01",
            "text": "x",
        },
        format="json",
    )
    assert response.status_code == 403
    response = client_for(officer).post(
        f"{BASE}recommendations/",
        {"case": "HK-1999-00009", "source": "stage2", "made_on": "2024-03-01", "text": "x"},
        format="json",
    )
    assert response.status_code == 404


def test_officer_edits_decides_and_cancels(client_for, officer, manager):
    rec = recommendation(officer, stage2_case(officer), decision="pending")
    act = action(officer, rec, manager)
    api = client_for(officer)
    changed = ok(api.patch(f"{BASE}actions/{act.pk}/", {"due_on": "2024-12-01"}, format="json"))
    assert changed["due_on"] == "2024-12-01"
    refused = api.patch(
        f"{BASE}recommendations/{rec.pk}/",
        {"decision": "not_accepted", "decided_on": "2024-04-01", "decision_reason": "No"},
        format="json",
    )
    assert refused.status_code == 400
    cancelled = ok(api.post(f"{BASE}actions/{act.pk}/cancel/", {"reason": "Moot"}, format="json"))
    assert cancelled["status"] == "cancelled"
    decided = ok(
        api.patch(
            f"{BASE}recommendations/{rec.pk}/",
            {"decision": "not_accepted", "decided_on": "2024-04-01", "decision_reason": "No"},
            format="json",
        )
    )
    assert decided["decision"] == "not_accepted"


def test_action_list_filters_and_query_count(
    client_for, officer, manager, django_assert_max_num_queries
):
    rec = recommendation(officer, stage2_case(officer))
    action(officer, rec, manager, due_on=D(2024, 6, 3))
    action(officer, rec, officer)
    api = client_for(officer)
    assert ok(api.get(f"{BASE}actions/", {"overdue": "true"}))["count"] == 1
    assert ok(api.get(f"{BASE}actions/", {"owner": officer.pk}))["count"] == 1
    assert api.get(f"{BASE}actions/", {"status": "nonsense"}).status_code == 400
    for name in ("owner", "team", "service_area"):
        assert api.get(f"{BASE}actions/", {name: "9" * 20}).status_code == 400
    with django_assert_max_num_queries(4):
        ok(api.get(f"{BASE}actions/"))
    with django_assert_max_num_queries(5):
        ok(api.get(f"{BASE}recommendations/"))


def test_schema_includes_the_learning_endpoints(client_for, officer):
    schema = client_for(officer).get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/v1/learning/actions/{id}/progress/" in schema.json()["paths"]


def test_reading_a_recommendation_through_the_api_is_logged(client_for, officer):
    from harken.cases.models import CaseRead

    case = stage2_case(officer)
    rec = recommendation(officer, case)
    before = CaseRead.objects.filter(case=case, via="api").count()
    ok(client_for(officer).get(f"{BASE}recommendations/{rec.pk}/"))
    assert CaseRead.objects.filter(case=case, via="api").count() == before + 1
