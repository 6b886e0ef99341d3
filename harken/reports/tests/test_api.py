"""/api/v1/reports/: the report as JSON (schema harken.report/1) for anyone who sees reports."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from harken.cases.tests.factories import complaint, respond_all
from harken.reports import services

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_report_json_for_a_period(report_viewer, officer):
    case = complaint(actor=officer, received_on=D(2024, 4, 2))
    respond_all(case, on=D(2024, 4, 12), actor=officer)
    response = client_for(report_viewer).get(
        "/api/v1/reports/", {"from": "2024-04-01", "to": "2024-06-30"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["schema"] == "harken.report/1"
    assert data["period"] == {
        "from": "2024-04-01",
        "to": "2024-06-30",
        "label": "2024/25 Q1 (Apr to Jun 2024)",
    }
    assert data["comparison_period"]["from"] == "2023-04-01"
    tables = {t["id"]: t for t in data["tables"]}
    rows = {r["id"]: r for r in tables["feedback-received"]["rows"]}
    assert rows["stage1"]["values"]["q1"] == 1
    assert tables["stage1-timeliness"]["definition"].startswith("Stage 1 complaints concluded")


def test_published_edition_and_presets(report_viewer, officer):
    complaint(actor=officer, received_on=D(2024, 4, 2))
    response = client_for(report_viewer).get(
        "/api/v1/reports/", {"preset": "q1-2024", "edition": "published"}
    )
    data = response.json()
    assert data["edition"] == "published"
    rows = {r["id"]: r for t in data["tables"] if t["id"] == "feedback-received" for r in t["rows"]}
    assert rows["stage1"]["values"]["q1"] is None
    assert "q1" in rows["stage1"]["suppressed"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"from": "2024-13-01", "to": "2024-06-30"}, "from"), ({"from": "2024-04-01"}, "to")],
)
def test_bad_dates_are_400(report_viewer, params, field):
    response = client_for(report_viewer).get("/api/v1/reports/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_end_before_start_and_unknown_edition_are_400(report_viewer):
    client = client_for(report_viewer)
    assert (
        client.get("/api/v1/reports/", {"from": "2024-04-01", "to": "2024-01-01"}).status_code
        == 400
    )
    response = client.get("/api/v1/reports/", {"preset": "q1-2024", "edition": "secret"})
    assert response.status_code == 400


def test_roles_without_reports_are_403_and_anonymous_401(io_user, ip_user):
    for user in (io_user, ip_user):
        assert client_for(user).get("/api/v1/reports/", {"preset": "q1-2024"}).status_code == 403
    assert APIClient().get("/api/v1/reports/", {"preset": "q1-2024"}).status_code == 401


def test_definitions_and_saved_reports(report_viewer, officer):
    saved = services.edition_create(actor=officer, start=D(2024, 4, 1), end=D(2024, 6, 30))
    services.edition_update(edition=saved, actor=officer, title="Q1", highlights="Faster.")
    client = client_for(report_viewer)
    definitions = client.get("/api/v1/reports/definitions/").json()
    assert {t["id"] for t in definitions["tables"]} >= {"complaints-received", "stage2-outcomes"}
    listing = client.get("/api/v1/reports/saved/").json()["results"]
    assert listing == [
        {
            "id": saved.pk,
            "title": "Q1",
            "from": "2024-04-01",
            "to": "2024-06-30",
            "published_at": None,
        }
    ]
    data = client.get(f"/api/v1/reports/saved/{saved.pk}/").json()
    assert data["text"]["highlights"] == "Faster."
    assert data["saved_report"]["id"] == saved.pk
    assert client.get("/api/v1/reports/saved/999/").status_code == 404
