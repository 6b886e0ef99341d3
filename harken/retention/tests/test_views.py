"""The staff pages: administrators only; refusals beside their fields; reads logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from harken.cases.models import CaseRead
from harken.retention import services
from harken.retention.models import (
    DisposalRun,
    DisposedCase,
    LegalHold,
    RetentionRule,
    RunStatus,
)

pytestmark = pytest.mark.django_db

PAGES = [
    ("retention:index", {}),
    ("retention:rule", {"kind": "complaint"}),
    ("retention:holds", {}),
    ("retention:hold_new", {}),
    ("retention:disposals", {}),
    ("retention:preview_new", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_administrators_see_each_page(sign_in, admin_user, name, kwargs):
    assert sign_in(admin_user).get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize("who", ["officer", "manager", "report_viewer", "io_user"])
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_other_roles_are_refused(sign_in, request, who, name, kwargs):
    client = sign_in(request.getfixturevalue(who))
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_signed_out_goes_to_the_sign_in(client):
    response = client.get(reverse("retention:index"))
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/")


def test_only_administrators_see_the_navigation_link(sign_in, admin_user, officer):
    url = reverse("retention:index")
    shown = sign_in(admin_user).get(reverse("retention:holds")).context["staff_navigation"]
    assert url in {item["url"] for item in shown}
    shown = sign_in(officer).get("/staff/").context["staff_navigation"]
    assert url not in {item["url"] for item in shown}


def test_changing_a_rule_shows_errors_by_the_field_then_saves(sign_in, admin_user):
    client = sign_in(admin_user)
    url = reverse("retention:rule", kwargs={"kind": "complaint"})
    response = client.post(url, {"basis": "closure", "years": "x", "reason": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#id_years"' in body
    assert "The number of years must be a whole number." in body
    assert RetentionRule.objects.get(kind="complaint").version == 1
    response = client.post(url, {"basis": "closure", "years": "7", "reason": "New schedule"})
    assert response.status_code == 302
    assert RetentionRule.objects.get(kind="complaint").years == 7


def test_placing_and_releasing_a_hold(sign_in, admin_user, closed_case):
    client = sign_in(admin_user)
    response = client.post(reverse("retention:hold_new"), {"case": "HK-NOPE", "reason": "sar"})
    assert "Enter the reference of a case you can see." in response.content.decode()
    response = client.post(
        reverse("retention:hold_new"),
        {"case": closed_case.reference.lower(), "reason": "", "explanation": ""},
    )
    body = response.content.decode()
    assert "Select why the case is held." in body
    assert not LegalHold.objects.exists()
    response = client.post(
        reverse("retention:hold_new"),
        {"case": closed_case.reference, "reason": "sar", "explanation": "Live SAR"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    listing = client.get(reverse("retention:holds"))
    assert closed_case.reference in listing.content.decode()
    assert CaseRead.objects.filter(case=closed_case, user=admin_user, via="retention").exists()
    url = reverse("retention:hold_release", kwargs={"pk": hold.pk})
    assert "Enter why the hold is released." in client.post(url, {}).content.decode()
    assert client.post(url, {"release_reason": "SAR answered"}).status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_previewing_approving_and_the_log(sign_in, admin_user, closed_case):
    client = sign_in(admin_user)
    response = client.post(
        reverse("retention:preview_new"),
        {"due_on_0": "1", "due_on_1": "1", "due_on_2": "2017"},
    )
    assert "Nothing is due for disposal on 1 January 2017." in response.content.decode()
    response = client.post(reverse("retention:preview_new"), {})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Approve disposal" in page
    assert closed_case.reference not in page  # the preview names no case, only counts
    run = DisposalRun.objects.get()
    assert (
        client.get(reverse("retention:disposal_approve", kwargs={"pk": run.pk})).status_code == 405
    )
    client.post(reverse("retention:disposal_approve", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    assert run.decided_by == admin_user
    services.disposal_carry_out(run=run)
    assert DisposedCase.objects.filter(case=closed_case).exists()
    log = client.get(reverse("retention:disposals")).content.decode()
    assert f"Disposal {run.pk}" in log
    assert "Carried out" in log


def test_a_disposal_that_does_not_exist_is_not_found(sign_in, admin_user):
    assert (
        sign_in(admin_user).get(reverse("retention:disposal", kwargs={"pk": 999})).status_code
        == 404
    )
    assert (
        sign_in(admin_user).get(reverse("retention:rule", kwargs={"kind": "nope"})).status_code
        == 404
    )


def test_a_date_to_come_is_refused_by_the_field(sign_in, admin_user):
    future = dt.date.today() + dt.timedelta(days=3)
    response = sign_in(admin_user).post(
        reverse("retention:preview_new"),
        {"due_on_0": str(future.day), "due_on_1": str(future.month), "due_on_2": str(future.year)},
    )
    assert response.status_code == 200
    assert "must be today or in the past" in response.content.decode()


def test_a_disposed_case_still_opens_and_shows_nothing_personal(
    sign_in, api_for, admin_user, officer, closed_case
):
    from harken.cases.models import CaseParty

    party = CaseParty.objects.filter(case=closed_case).select_related("person").first()
    assert party is not None
    # A made-up surname can be part of an ordinary word on the page ("Chan" in "Change"),
    # so the complainant gets one that cannot.
    name = "Quillfeatherstone"
    type(party.person).objects.filter(pk=party.person.pk).update(last_name=name)
    summary = closed_case.summary
    sign_in(officer).get(reverse("casework:case", kwargs={"reference": closed_case.reference}))
    run = services.disposal_preview_create(day=dt.date.today(), actor=admin_user)
    services.disposal_approve(run=run, actor=admin_user)
    run.refresh_from_db()
    services.disposal_carry_out(run=run)

    for response in (
        sign_in(officer).get(reverse("casework:case", kwargs={"reference": closed_case.reference})),
        api_for(officer).get(f"/api/v1/cases/{closed_case.reference}/"),
        api_for(officer).get(f"/api/v1/cases/{closed_case.reference}/timeline/"),
    ):
        assert response.status_code == 200
        body = response.content.decode()
        assert "Removed under the retention schedule" in body
        assert name not in body
        assert summary not in body
