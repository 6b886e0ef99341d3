"""The subject access pages: the feedback team's only, errors beside their fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from harken.cases import services as case_services
from harken.cases.models import CaseRead
from harken.cases.tests.factories import complaint
from harken.registers.tests import factories as register_factories
from harken.subjectaccess.models import Bundle, BundleStatus, RedactionDecision

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def sar(officer):
    case = complaint(
        actor=officer, received_on=D(2024, 3, 4), details="Call Jordan on 07700 900123."
    )
    person = case.parties.get().person
    case_services.person_update(person=person, actor=officer, first_name="Casey", last_name="Lee")
    return register_factories.sar(actor=officer, requester=person)


def test_the_journey_through_the_pages(client, sign_in, officer, sar):
    sign_in(officer)
    page = client.get(reverse("subjectaccess:sar_bundles", args=[sar.pk]))
    assert page.status_code == 200
    assert "Complainant" in page.content.decode()
    assert CaseRead.objects.filter(user=officer, via="person-search").exists()
    response = client.post(reverse("subjectaccess:sar_bundles", args=[sar.pk]))
    bundle = Bundle.objects.get()
    assert response.url == reverse("subjectaccess:bundle", args=[bundle.pk])
    phone = bundle.redactions.get(text="07700 900123")
    # Redact without a reason: refused beside the reason, nothing saved.
    page = client.post(
        reverse("subjectaccess:bundle", args=[bundle.pk]), {f"decision_{phone.pk}": "accepted"}
    )
    body = page.content.decode()
    assert "Select the reason for the redaction." in body
    assert f'href="#id_reason_{phone.pk}"' in body
    phone.refresh_from_db()
    assert phone.decision == RedactionDecision.PROPOSED
    client.post(
        reverse("subjectaccess:bundle", args=[bundle.pk]),
        {f"decision_{phone.pk}": "accepted", f"reason_{phone.pk}": "CD"},
    )
    phone.refresh_from_db()
    assert (phone.decision, phone.reason) == ("accepted", "CD")
    client.post(reverse("subjectaccess:bundle_build", args=[bundle.pk]))
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.BUILT
    download = client.get(reverse("subjectaccess:bundle_download", args=[bundle.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    page = client.post(
        reverse("subjectaccess:bundle_release", args=[bundle.pk]),
        {"released_on_0": "", "released_on_1": "", "released_on_2": "", "method": "Post"},
    )
    assert "Enter the date the bundle was sent" in page.content.decode()
    client.post(
        reverse("subjectaccess:bundle_release", args=[bundle.pk]),
        {"released_on_0": "20", "released_on_1": "6", "released_on_2": "2024", "method": "Post"},
    )
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.RELEASED


@pytest.mark.parametrize("who", ["manager", "report_viewer", "io_user", "ip_user"])
def test_other_roles_are_refused_every_page(client, sign_in, request, officer, sar, who):
    from harken.subjectaccess import services

    bundle = services.bundle_start(sar=sar, actor=officer)
    sign_in(request.getfixturevalue(who))
    for name, arg in [
        ("sar_bundles", sar.pk),
        ("bundle", bundle.pk),
        ("bundle_download", bundle.pk),
        ("bundle_release", bundle.pk),
        ("person", sar.requester_id),
    ]:
        assert client.get(reverse(f"subjectaccess:{name}", args=[arg])).status_code == 403
    assert client.post(reverse("subjectaccess:bundle_build", args=[bundle.pk])).status_code == 403


def test_an_unknown_bundle_is_not_found(client, sign_in, officer):
    sign_in(officer)
    assert client.get(reverse("subjectaccess:bundle", args=[999])).status_code == 404
