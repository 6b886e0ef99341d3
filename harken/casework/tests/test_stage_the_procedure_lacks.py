"""A case holding a stage its procedure does not have (a corporate complaint with a stage 3,
left by old or hand-made data): every page and the API say what is wrong, never a 500, and
nothing is done to that stage."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from harken.cases.models import Case, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def odd_case(make_complaint) -> Case:
    case = make_complaint(procedure_code="corporate-lgsco-2024")
    received = dt.date(2024, 6, 10)
    Stage.objects.create(
        case=case,
        number=3,
        received_on=received,
        clock_started_on=received,
        acknowledgement_due_on=received + dt.timedelta(days=2),
        original_due_on=received + dt.timedelta(days=30),
        due_on=received + dt.timedelta(days=30),
    )
    Case.objects.filter(pk=case.pk).update(stage_number=3)
    return case


def test_the_case_page_says_the_procedure_has_no_such_stage(client, sign_in, officer, odd_case):
    client.raise_request_exception = False
    sign_in(officer)
    response = client.get(f"/staff/cases/{odd_case.reference}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This case has a stage 3, which the Corporate" in page
    assert f"/staff/cases/{odd_case.reference}/acknowledge/" not in page


def test_the_stage_action_is_refused_on_the_page_and_the_api(client, sign_in, officer, odd_case):
    client.raise_request_exception = False
    sign_in(officer)
    page = client.post(
        f"/staff/cases/{odd_case.reference}/acknowledge/",
        {"acknowledged_on": "2024-06-11"},
        follow=True,
    )
    assert page.status_code == 200
    assert "This case has a stage 3, which the Corporate" in page.content.decode()
    api = APIClient()
    api.raise_request_exception = False
    api.force_authenticate(officer)
    detail = api.get(f"/api/v1/cases/{odd_case.reference}/")
    assert detail.status_code == 200
    assert [s["name"] for s in detail.json()["stages"]][-1] == "Stage 3"
    answer = api.post(
        f"/api/v1/cases/{odd_case.reference}/acknowledge/",
        {"acknowledged_on": "2024-06-11"},
        format="json",
    )
    assert 400 <= answer.status_code < 500
    assert answer["Content-Type"] == "application/json"
    assert Stage.objects.get(case=odd_case, number=3).acknowledged_on is None
