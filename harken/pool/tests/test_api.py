"""/api/v1/pool/: the same rules and roles as the pages, errors as JSON."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from harken.cases.models import Appointment
from harken.pool.models import PoolEntry, PoolEvent
from harken.registers.models import InvestigationCost

from .conftest import D, make_entry, to_stage2, to_stage3

pytestmark = pytest.mark.django_db
BASE = "/api/v1/pool"


@pytest.fixture(autouse=True)
def _june_2024():
    with time_machine.travel("2024-06-03 10:00 +0100", tick=False):
        yield


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_without_credentials_is_401():
    assert APIClient().get(f"{BASE}/").status_code == 401


@pytest.mark.parametrize("who", ["manager", "ip_user", "io_user", "report_viewer"])
def test_other_roles_are_refused(request, officer, entry, who):
    client = _client(request.getfixturevalue(who))
    assert client.get(f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/{entry.pk}/").status_code == 403
    assert client.post(f"{BASE}/", {}, format="json").status_code == 403
    assert client.patch(f"{BASE}/{entry.pk}/", {}, format="json").status_code == 403
    assert client.post(f"{BASE}/appointments/", {}, format="json").status_code == 403


def test_list_filters_and_reads_one_with_the_read_logged(officer, entry):
    make_entry(officer, name="Ivo", roles=["io"])
    client = _client(officer)
    names = [e["name"] for e in client.get(f"{BASE}/?role=ip").json()["results"]]
    assert names == ["Pat Independent"]
    one = client.get(f"{BASE}/{entry.pk}/").json()
    assert one["roles"] == ["ip", "panel_chair", "panel_member"]
    assert one["load"] == 0
    assert one["dbs_lapsed"] is False
    assert PoolEvent.objects.filter(entry=entry, verb=PoolEvent.Verb.VIEWED).exists()
    assert client.get(f"{BASE}/999999/").status_code == 404


def test_create_refuses_in_words_and_saves_nothing(officer):
    client = _client(officer)
    response = client.post(
        f"{BASE}/",
        {"name": "Nina", "organisation_kind": "charity", "roles": ["ip"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["organisation"] == [
        "Enter the name of the council or charity they work for."
    ]
    assert not PoolEntry.objects.exists()
    response = client.post(
        f"{BASE}/",
        {
            "name": "Nina",
            "organisation_kind": "charity",
            "organisation": "Barnardo's",
            "roles": ["ip"],
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["roles"] == ["ip"]


def test_patch_changes_only_what_is_given(officer, entry):
    response = _client(officer).patch(f"{BASE}/{entry.pk}/", {"available": False}, format="json")
    assert response.status_code == 200
    assert response.json()["available"] is False
    assert response.json()["name"] == "Pat Independent"


def test_offered_and_appoint_with_the_fee(officer, entry):
    case = to_stage2(officer)
    client = _client(officer)
    offered = client.get(f"{BASE}/offered/?case={case.reference}&role=ip").json()
    assert [e["name"] for e in offered] == ["Pat Independent"]
    response = client.post(
        f"{BASE}/appointments/",
        {
            "case": case.reference,
            "pool_entry": entry.pk,
            "role": "ip",
            "on": "2024-02-06",
            "fee_basis": "days",
            "days": "3",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["fee"] == "1050.00"
    assert body["stage"] == 2
    assert body["warnings"] == []
    assert InvestigationCost.objects.get(pk=body["cost"]).amount == 1050
    detail = client.get(f"/api/v1/cases/{case.reference}/").json()
    appointed = [a for s in detail["stages"] for a in s["appointments"]]
    assert appointed[-1]["pool_entry"] == entry.pk
    assert appointed[-1]["appointee"] == "Pat Independent"
    assert appointed[-1]["user"] is None


def test_a_conflict_is_a_400_with_the_reason(officer, io_user, entry):
    case = to_stage3(officer, io_user, entry)
    response = _client(officer).post(
        f"{BASE}/appointments/",
        {
            "case": case.reference,
            "pool_entry": entry.pk,
            "role": "panel_member",
            "on": "2024-03-20",
            "fee_basis": "fixed",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "may not sit on the review panel" in response.json()["errors"]["pool_entry"][0]
    assert not Appointment.objects.filter(stage__number=3).exists()
    assert not InvestigationCost.objects.filter(stage_number=3).exists()


def test_a_case_one_cannot_see_is_a_400_naming_the_field(officer, entry):
    response = _client(officer).post(
        f"{BASE}/appointments/",
        {"case": "NOPE-1", "pool_entry": entry.pk, "role": "ip", "on": "2024-02-06"},
        format="json",
    )
    assert response.status_code == 400
    assert "case" in response.json()["errors"]


def test_a_lapsed_dbs_check_is_a_warning(officer):
    lapsed = make_entry(officer, dbs_checked_on=None)
    case = to_stage2(officer)
    response = _client(officer).post(
        f"{BASE}/appointments/",
        {"case": case.reference, "pool_entry": lapsed.pk, "role": "ip", "on": "2024-02-06"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["warnings"] == [
        "Pat Independent has no DBS check recorded: ask for one."
    ]
    assert response.json()["fee"] is None


__all__ = ["D"]


def test_partner_appointments_recorded_listed_and_ended_through_the_api(officer, manager):
    """The same service as the page: a person lent to a partner is appointed by it, the
    appointment is listed, then ended once; a second end, a day before the appointment, an
    outcome not offered and a person not lent are refused in words, and nothing is saved."""
    from harken.pool.models import PartnerAppointment, Sharing

    lent = make_entry(
        officer, name="Len Lent", sharing=Sharing.TO_PARTNER, partner_council="South Tyneside"
    )
    client = _client(officer)
    url = f"{BASE}/{lent.pk}/partner-appointments/"
    made = client.post(url, {"role": "ip", "appointed_on": "2024-05-01"}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["partner_council"], body["ended_on"], body["outcome"]) == (
        "South Tyneside",
        None,
        "",
    )
    assert [a["id"] for a in client.get(url).json()] == [body["id"]]
    end = f"{url}{body['id']}/end/"
    early = client.post(end, {"ended_on": "2024-04-30", "outcome": "completed"}, format="json")
    assert early.status_code == 400
    assert "ended_on" in early.json()["errors"]
    odd = client.post(end, {"ended_on": "2024-05-20", "outcome": "vanished"}, format="json")
    assert odd.status_code == 400
    assert "outcome" in odd.json().get("errors", odd.json())
    assert PartnerAppointment.objects.get().ended_on is None
    ended = client.post(end, {"ended_on": "2024-05-20", "outcome": "completed"}, format="json")
    assert ended.status_code == 200
    assert (ended.json()["ended_on"], ended.json()["outcome"]) == ("2024-05-20", "completed")
    again = client.post(end, {"ended_on": "2024-05-21", "outcome": "cancelled"}, format="json")
    assert again.status_code == 400
    assert PartnerAppointment.objects.get().outcome == "completed"
    assert PoolEvent.objects.filter(entry=lent, verb=PoolEvent.Verb.PARTNER_ENDED).count() == 1
    # Someone not lent to a partner; an appointment of another person; other roles.
    own = make_entry(officer, name="Olive Own")
    refused = client.post(
        f"{BASE}/{own.pk}/partner-appointments/",
        {"role": "ip", "appointed_on": "2024-05-01"},
        format="json",
    )
    assert refused.status_code == 400
    assert (
        client.post(
            f"{BASE}/{own.pk}/partner-appointments/{body['id']}/end/",
            {"ended_on": "2024-05-20", "outcome": "completed"},
            format="json",
        ).status_code
        == 404
    )
    assert _client(manager).get(url).status_code == 403
    assert _client(manager).post(end, {}, format="json").status_code == 403
    assert PartnerAppointment.objects.count() == 1
