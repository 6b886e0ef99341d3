"""The subject access API and the SAR clock's pause and restart through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from harken.cases import services as case_services
from harken.cases.tests.factories import complaint
from harken.registers.tests import factories as register_factories

pytestmark = pytest.mark.django_db
D = dt.date
BASE = "/api/v1/subject-access"


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def sar(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 4), details="Ring 07700 900123.")
    person = case.parties.get().person
    case_services.person_update(person=person, actor=officer, first_name="Ali", last_name="Khan")
    return register_factories.sar(actor=officer, requester=person)


def test_a_bundle_through_the_api(client_for, officer, sar):
    api = client_for(officer)
    person = api.get(f"{BASE}/people/{sar.requester_id}/").json()
    assert person["findings"][0]["where"] == "Complainant"
    bundle = api.post(f"{BASE}/requests/{sar.pk}/bundles/").json()
    (phone,) = [r for r in bundle["redactions"] if r["text"] == "07700 900123"]
    bad = api.post(
        f"{BASE}/bundles/{bundle['id']}/redactions/{phone['id']}/decision/",
        {"decision": "accepted"},
        format="json",
    )
    assert bad.status_code == 400
    assert "reason" in bad.json()["errors"]
    ok = api.post(
        f"{BASE}/bundles/{bundle['id']}/redactions/{phone['id']}/decision/",
        {"decision": "accepted", "reason": "CD"},
        format="json",
    )
    assert ok.status_code == 200
    built = api.post(f"{BASE}/bundles/{bundle['id']}/build/").json()
    assert built["status"] == "built"
    assert api.get(f"{BASE}/bundles/{bundle['id']}/download/").status_code == 200
    released = api.post(
        f"{BASE}/bundles/{bundle['id']}/release/",
        {"released_on": "2024-06-20", "method": "Secure e-mail"},
        format="json",
    )
    assert released.json()["status"] == "released"


@pytest.mark.parametrize("who", ["manager", "report_viewer", "io_user"])
def test_other_roles_get_403(request, client_for, officer, sar, who):
    api = client_for(request.getfixturevalue(who))
    assert api.get(f"{BASE}/people/{sar.requester_id}/").status_code == 403
    assert api.post(f"{BASE}/requests/{sar.pk}/bundles/").status_code == 403


def test_pause_and_restart_the_clock_through_the_register_api(client_for, officer):
    sar = register_factories.sar(actor=officer, received_on=D(2024, 6, 3))
    api = client_for(officer)
    url = f"/api/v1/registers/subject-access-requests/{sar.pk}"
    paused = api.post(
        f"{url}/pause/", {"reason": "identity", "started_on": "2024-06-05"}, format="json"
    )
    assert paused.status_code == 200
    assert paused.json()["pauses"][0]["ended_on"] is None
    again = api.post(
        f"{url}/pause/", {"reason": "identity", "started_on": "2024-06-06"}, format="json"
    )
    assert again.status_code == 400
    restarted = api.post(f"{url}/restart/", {"ended_on": "2024-06-12"}, format="json").json()
    assert restarted["due_on"] == "2024-07-10"
    assert restarted["pauses"][0]["days"] == 7
    assert "plus 7 days the clock was paused" in restarted["due_explanation"]
