"""A data-protection complaint (DPA 2018 s164A) through the API and the import: the same
service, the same clock and refusals as the staff pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken.cases.models import CaseRead, TimelineEvent

from .test_cases import CASES, complaint_payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 8, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def _payload():
    return complaint_payload(
        procedure="data-protection",
        received_on="2026-07-02",
        summary="My record was shown to another parent",
        teams=[],
    )


def test_created_acknowledged_and_answered_through_the_api(client_for, officer, manager):
    client = client_for(officer)
    response = client.post(CASES, _payload(), format="json")
    assert response.status_code == 201, response.json()
    case = response.json()
    assert case["procedure"]["code"] == "data-protection"
    [stage] = case["stages"]
    # 2 July 2026 + 30 days = Saturday 1 August: Monday 3 August.
    assert stage["acknowledgement_due_on"] == "2026-08-03"
    assert stage["due_on"] is None
    url = f"{CASES}{case['reference']}"
    elements = [e["id"] for e in case["elements"]]
    acknowledged = client.post(f"{url}/acknowledge/", {"on": "2026-07-20"}, format="json")
    assert acknowledged.status_code == 200, acknowledged.json()
    outcomes = [{"element": pk, "outcome": "not_upheld"} for pk in elements]
    # A manager of no team of the case cannot see it at all; the outcome is the feedback
    # team's to record.
    refused = client_for(manager).post(
        f"{url}/respond/", {"on": "2026-08-10", "outcomes": outcomes}, format="json"
    )
    assert refused.status_code in (403, 404)
    answered = client.post(
        f"{url}/respond/", {"on": "2026-08-10", "outcomes": outcomes}, format="json"
    )
    assert answered.status_code == 200, answered.json()
    assert answered.json()["stages"][0]["concluded_on"] == "2026-08-10"
    ref = case["reference"]
    verbs = list(TimelineEvent.objects.filter(case__reference=ref).values_list("verb", flat=True))
    assert "created" in verbs
    assert "acknowledged" in verbs
    assert "responded" in verbs
    assert CaseRead.objects.filter(case__reference=ref, user=officer, via="api").exists()


def test_a_future_receipt_is_refused_by_name(client_for, officer):
    response = client_for(officer).post(
        CASES, {**_payload(), "received_on": "2026-09-01"}, format="json"
    )
    assert response.status_code == 400
    assert "received_on" in str(response.json())


def test_filtered_by_procedure(client_for, officer):
    client = client_for(officer)
    client.post(CASES, _payload(), format="json")
    client.post(CASES, complaint_payload(received_on="2026-07-02"), format="json")
    listed = client.get(CASES, {"procedure": "data-protection"}).json()["results"]
    assert [c["procedure"] for c in listed] == ["data-protection"]
