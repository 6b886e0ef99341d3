"""The registers' API: the same rules and roles as the pages, errors as JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from harken.registers import services
from harken.registers.models import OmbudsmanCase, Register, RegisterRead, SubjectAccessRequest

from . import factories as f

pytestmark = pytest.mark.django_db

D = dt.date
BASE = "/api/v1/registers"
ENDPOINTS = [
    "ombudsman-cases",
    "payments",
    "costs",
    "restrictions",
    "advocacy-referrals",
    "subject-access-requests",
]


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_without_credentials_is_401():
    assert APIClient().get(f"{BASE}/payments/").status_code == 401


@pytest.mark.parametrize("who", ["report_viewer", "io_user", "ip_user"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_roles_without_registers_are_refused(request, client_for, who, endpoint):
    client = client_for(request.getfixturevalue(who))
    response = client.get(f"{BASE}/{endpoint}/")
    assert response.status_code == 403
    assert response.json()["message"] == "Your role does not give access to the registers."
    assert client.post(f"{BASE}/{endpoint}/", {}, format="json").status_code == 403


def test_manager_reads_their_teams_records_and_changes_nothing(
    client_for, officer, manager, case, send_case
):
    mine = f.payment(actor=officer, case=case)
    f.payment(actor=officer, case=send_case)
    client = client_for(manager)
    response = client.get(f"{BASE}/payments/")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [mine.pk]
    assert client.get(f"{BASE}/payments/{mine.pk}/").status_code == 200
    response = client.patch(f"{BASE}/payments/{mine.pk}/", {"amount": "1.00"}, format="json")
    assert response.status_code == 403
    assert "Only feedback officers and administrators" in response.json()["message"]
    assert client.get(f"{BASE}/subject-access-requests/").status_code == 403


def test_record_another_team_cannot_see_is_404(client_for, officer, manager, send_case):
    theirs = f.payment(actor=officer, case=send_case)
    response = client_for(manager).get(f"{BASE}/payments/{theirs.pk}/")
    assert response.status_code == 404
    assert response.json() == {"message": "There is no payment you can see.", "errors": {}}


def test_officer_records_ombudsman_case_remedy_and_payment(client_for, officer, case):
    client = client_for(officer)
    response = client.post(
        f"{BASE}/ombudsman-cases/",
        {
            "ombudsman_reference": "23 017 001",
            "case": case.reference.lower(),
            "enquiry_received_on": "2024-03-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["case"] == case.reference
    assert body["decision"] == "in_progress"
    omb_id = body["id"]

    response = client.patch(
        f"{BASE}/ombudsman-cases/{omb_id}/",
        {"decision": "upheld", "decision_on": "2024-05-20", "injustice": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["decision_label"] == "Upheld with injustice"

    response = client.post(
        f"{BASE}/ombudsman-cases/{omb_id}/remedies/",
        {"kind": "payment", "amount": "1300.00", "due_on": "2024-07-20"},
        format="json",
    )
    assert response.status_code == 201
    remedy_id = response.json()["id"]
    response = client.patch(
        f"{BASE}/ombudsman-cases/{omb_id}/remedies/{remedy_id}/",
        {"complied_on": "2024-05-01", "evidence": "BACS"},
        format="json",
    )
    assert response.status_code == 400
    assert "complied_on" in response.json()["errors"]

    response = client.post(
        f"{BASE}/payments/",
        {
            "ombudsman_case": omb_id,
            "amount": "1300.00",
            "paid_on": "2024-06-20",
            "reason": "Ombudsman remedy",
            "recommended_by_ombudsman": True,
            "kind": "financial_remedy",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["case"] == case.reference

    detail = client.get(f"{BASE}/ombudsman-cases/{omb_id}/").json()
    assert detail["remedies"][0]["amount"] == "1300.00"
    assert RegisterRead.objects.filter(register=Register.OMBUDSMAN, via="api").count() == 1
    history = client.get(f"{BASE}/ombudsman-cases/{omb_id}/history/").json()
    assert [e["verb"] for e in history] == [
        "ombudsman_case_recorded",
        "ombudsman_case_updated",
        "ombudsman_remedy_added",
    ]
    reads = RegisterRead.objects.filter(register=Register.OMBUDSMAN, record_id=omb_id)
    assert reads.count() == 2  # the record, then its history
    listed = client.get(f"{BASE}/ombudsman-cases/", {"decision": "upheld"}).json()
    assert listed["count"] == 1
    assert reads.count() == 3  # each record listed in full is a read


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0", "paid_on": "2024-06-01", "reason": "x"}, "amount"),
        ({"amount": "-5.00", "paid_on": "2024-06-01", "reason": "x"}, "amount"),
        ({"amount": "abc", "paid_on": "2024-06-01", "reason": "x"}, "amount"),
        ({"amount": "5.00", "paid_on": "2030-06-01", "reason": "x"}, "paid_on"),
        ({"amount": "5.00", "paid_on": "2024-06-01"}, "reason"),
        ({"amount": "5.00", "paid_on": "2024-06-01", "reason": "x", "case": "HK-1-2"}, "case"),
    ],
)
def test_payment_errors_are_json_by_field(client_for, officer, case, body, field):
    body = {"case": case.reference, **body}
    response = client_for(officer).post(f"{BASE}/payments/", body, format="json")
    assert response.status_code == 400
    payload = response.json()
    assert set(payload) == {"message", "errors"}
    assert field in payload["errors"]


def test_duplicate_ombudsman_reference_is_400(client_for, officer, case):
    f.ombudsman_case(actor=officer, case=case, ombudsman_reference="A1")
    response = client_for(officer).post(
        f"{BASE}/ombudsman-cases/",
        {"ombudsman_reference": "a1", "case": case.reference, "enquiry_received_on": "2024-03-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ombudsman_reference": ["An Ombudsman case with this reference is already recorded."]
    }
    assert OmbudsmanCase.objects.count() == 1


def test_sar_create_due_date_and_extension_rule(client_for, officer):
    client = client_for(officer)
    response = client.post(
        f"{BASE}/subject-access-requests/",
        {
            "requester_details": {"first_name": "Sam", "last_name": "Requester"},
            "received_on": "2024-05-01",
            "identity_verified_on": "2024-05-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "SAR-2024-0001"
    assert body["due_on"] == "2024-06-03"
    assert body["due_explanation"].startswith("Due 3 June 2024: 1 calendar month after receipt")
    response = client.post(
        f"{BASE}/subject-access-requests/{body['id']}/extend/",
        {"reason": "Complex", "requester_told_on": "2024-06-04"},
        format="json",
    )
    assert response.status_code == 400
    assert "requester_told_on" in response.json()["errors"]
    assert SubjectAccessRequest.objects.get().extended_due_on is None
    response = client.patch(
        f"{BASE}/subject-access-requests/{body['id']}/",
        {"pages_disclosed": 10**20},
        format="json",
    )
    assert response.status_code == 400
    assert "pages_disclosed" in response.json()["errors"]
    response = client.patch(
        f"{BASE}/subject-access-requests/{body['id']}/",
        {"sent_on": "2024-06-03", "pages_disclosed": 40, "redactions_count": 3},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["within_time"] is True


def test_restriction_advocacy_and_cost_endpoints(client_for, officer, case):
    client = client_for(officer)
    person = case.parties.get().person
    response = client.post(
        f"{BASE}/restrictions/",
        {
            "person": person.pk,
            "case": case.reference,
            "decision_on": "2024-05-01",
            "reason": "Daily calls",
            "restrictions": "E-mail only",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["in_force"] is True
    rid = response.json()["id"]
    response = client.patch(
        f"{BASE}/restrictions/{rid}/",
        {"ended_on": "2024-06-01", "end_reason": "Reviewed"},
        format="json",
    )
    assert response.json()["in_force"] is False
    assert client.get(f"{BASE}/restrictions/", {"status": "in_force"}).json()["count"] == 0

    response = client.post(
        f"{BASE}/advocacy-referrals/",
        {
            "child_details": {"first_name": "Jo", "last_name": "Child"},
            "case": case.reference,
            "referred_on": "2024-02-01",
            "provider": "independent",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["child"]["name"] == "Jo Child"

    response = client.post(
        f"{BASE}/costs/",
        {"case": case.reference, "role": "panel", "amount": "300.00", "incurred_on": "2024-04-01"},
        format="json",
    )
    assert response.status_code == 201
    assert client.get(f"{BASE}/costs/", {"role": "panel"}).json()["count"] == 1
    assert client.get(f"{BASE}/costs/", {"role": "nope"}).status_code == 400


def test_schema_documents_the_registers(client_for, officer):
    response = client_for(officer).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/registers/subject-access-requests/{id}/extend/" in paths
    assert "/api/v1/registers/ombudsman-cases/{id}/remedies/{remedy_pk}/" in paths


def test_a_payment_through_the_api_can_pay_a_remedy(client_for, officer, case):
    """`remedy` on a payment: the remedy is then complied with; one the user cannot see is a
    400 naming the field."""
    from harken.registers.models import OmbudsmanRemedy

    omb = f.ombudsman_case(actor=officer, case=case)
    services.ombudsman_case_update(
        ombudsman_case=omb,
        actor=officer,
        decision="upheld",
        decision_on=D(2024, 5, 20),
        injustice=True,
    )
    remedy = services.ombudsman_remedy_add(
        ombudsman_case=omb, actor=officer, kind="payment", amount=Decimal("1300")
    )
    api = client_for(officer)
    body = {"amount": "1300.00", "paid_on": "2024-06-20", "reason": "Remedy", "remedy": remedy.pk}
    response = api.post("/api/v1/registers/payments/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["remedy"] == remedy.pk
    assert OmbudsmanRemedy.objects.get().complied_on == D(2024, 6, 20)
    response = api.post(
        "/api/v1/registers/payments/", {**body, "remedy": remedy.pk + 99}, format="json"
    )
    assert response.status_code == 400
    assert "remedy" in response.json()["errors"]
