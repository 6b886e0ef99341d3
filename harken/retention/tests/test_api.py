"""/api/v1/retention/: administrators only (403 otherwise), 400 with field messages."""

from __future__ import annotations

import pytest

from harken.retention import services
from harken.retention.models import DisposedCase, LegalHold, RetentionEvent, RetentionRule

pytestmark = pytest.mark.django_db
BASE = "/api/v1/retention/"


@pytest.mark.parametrize("who", ["officer", "manager", "report_viewer", "io_user"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "rules/"),
        ("patch", "rules/complaint/"),
        ("get", "holds/"),
        ("post", "holds/"),
        ("get", "disposals/"),
        ("post", "disposals/"),
        ("post", "disposals/1/approve/"),
    ],
)
def test_other_roles_get_403(api_for, request, who, method, path):
    client = api_for(request.getfixturevalue(who))
    assert getattr(client, method)(BASE + path, {}, format="json").status_code == 403


def test_signed_out_gets_401_or_403(client):
    assert client.get(BASE + "rules/").status_code in (401, 403)


def test_rules_read_and_change(api_for, admin_user):
    client = api_for(admin_user)
    rules = client.get(BASE + "rules/").json()
    assert {r["kind"] for r in rules} >= {"complaint", "looked_after"}
    response = client.patch(
        BASE + "rules/complaint/", {"years": "abc", "reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["years"] == ["The number of years must be a whole number."]
    response = client.patch(
        BASE + "rules/complaint/", {"years": 7, "reason": "2026 schedule"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert [v["years"] for v in response.json()["versions"]] == [7, 6]
    assert RetentionRule.objects.get(kind="complaint").changed_by == admin_user
    assert client.get(BASE + "rules/nope/").status_code == 404


def test_holds_through_the_api(api_for, admin_user, closed_case):
    client = api_for(admin_user)
    response = client.post(
        BASE + "holds/", {"case": "HK-NONE", "reason": "sar", "explanation": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "case" in response.json()["errors"]
    response = client.post(
        BASE + "holds/",
        {"case": closed_case.reference, "reason": "litigation", "explanation": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "explanation" in response.json()["errors"]
    response = client.post(
        BASE + "holds/",
        {"case": closed_case.reference, "reason": "litigation", "explanation": "Claim"},
        format="json",
    )
    assert response.status_code == 201
    hold_id = response.json()["id"]
    assert [h["case"] for h in client.get(BASE + "holds/").json()] == [closed_case.reference]
    response = client.post(
        BASE + f"holds/{hold_id}/release/", {"release_reason": ""}, format="json"
    )
    assert response.status_code == 400
    response = client.post(
        BASE + f"holds/{hold_id}/release/", {"release_reason": "Done"}, format="json"
    )
    assert response.status_code == 200
    assert LegalHold.objects.get().released_by == admin_user
    assert (
        client.post(BASE + "holds/999/release/", {"release_reason": "x"}, format="json").status_code
        == 404
    )


def test_preview_approve_and_carry_out(api_for, admin_user, closed_case):
    client = api_for(admin_user)
    response = client.post(BASE + "disposals/", {"due_on": "not a date"}, format="json")
    assert response.status_code == 400
    assert "due_on" in response.json()["errors"]
    response = client.post(BASE + "disposals/", {}, format="json")
    assert response.status_code == 201
    run = response.json()
    assert run["status"] == "preview"
    assert run["total"] == 1
    assert run["lines"][0]["kind"] == "complaint"
    assert "case" not in str(run["lines"])  # the log names no case
    response = client.post(BASE + f"disposals/{run['id']}/approve/", format="json")
    assert response.json()["status"] == "approved"
    response = client.post(BASE + f"disposals/{run['id']}/approve/", format="json")
    assert response.status_code == 400
    services.run_scheduled(day=closed_case.closed_on)
    assert DisposedCase.objects.filter(case=closed_case).exists()
    done = client.get(BASE + f"disposals/{run['id']}/").json()
    assert done["status"] == "completed"
    assert done["lines"][0]["disposed"] == 1
    assert RetentionEvent.objects.filter(verb="carried_out").exists()


def test_a_preview_names_the_cases_holds_keep_out_and_logs_the_read(
    api_for, admin_user, officer, closed_case
):
    """`held` and `held_total` on a preview (API 1.3); the held case it names is a logged
    read, as on the page; a run no longer awaiting approval has none."""
    import datetime as dt

    from harken.cases.models import CaseRead, Kind
    from harken.cases.tests.factories import complaint

    other = complaint(actor=officer, received_on=dt.date(2018, 1, 9))
    type(other).objects.filter(pk=other.pk).update(status="closed", closed_on=dt.date(2018, 2, 2))
    assert other.kind == Kind.COMPLAINT
    hold = services.hold_place(
        case=closed_case, reason="inquiry", explanation="Inquiry", actor=admin_user
    )
    client = api_for(admin_user)
    run = client.post(BASE + "disposals/", {"due_on": "2025-01-01"}, format="json").json()
    CaseRead.objects.all().delete()
    body = client.get(f"{BASE}disposals/{run['id']}/").json()
    assert body["held_total"] == 1
    assert body["held"][0]["hold"] == hold.pk
    assert body["held"][0]["case"] == closed_case.reference
    assert (body["held"][0]["cases"], body["held"][0]["other_records"]) == (1, 0)
    assert list(CaseRead.objects.values_list("case_id", "via")) == [
        (closed_case.pk, "api-disposal-preview")
    ]
    CaseRead.objects.all().delete()
    [listed] = client.get(f"{BASE}disposals/").json()
    assert listed["held_total"] == 1
    assert list(CaseRead.objects.values_list("case_id", "via")) == [
        (closed_case.pk, "api-disposal-preview")
    ]
    client.post(f"{BASE}disposals/{run['id']}/reject/", format="json")
    body = client.get(f"{BASE}disposals/{run['id']}/").json()
    assert (body["held"], body["held_total"]) == ([], None)
