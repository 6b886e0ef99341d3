"""Rectification, restriction and erasure: recorded, carried out through the services or
refused with a reason the law allows, every step audited."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases.models import TimelineEvent
from harken.cases.tests.factories import complaint
from harken.core.errors import AccessDenied, ApplicationError
from harken.subjectaccess import rights
from harken.subjectaccess.models import RightsRequest

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def person(officer):
    return complaint(actor=officer, received_on=D(2024, 3, 4)).parties.get().person


def test_rectification_corrects_the_details_on_every_case_timeline(officer, person):
    request = rights.rights_request_create(
        actor=officer,
        person=person,
        kind="rectification",
        received_on=D(2024, 6, 3),
        description="My surname is spelt wrongly",
    )
    assert request.due_on == D(2024, 7, 3)
    rights.rights_request_carry_out(
        actor=officer,
        request=request,
        done_on=D(2024, 6, 10),
        outcome="Surname corrected",
        corrections={"last_name": "Smyth"},
    )
    person.refresh_from_db()
    assert person.last_name == "Smyth"
    assert TimelineEvent.objects.filter(verb="person_updated").exists()
    assert [e.verb for e in request.events.all()] == ["rights_recorded", "rights_carried_out"]
    with pytest.raises(ApplicationError, match="already been decided"):
        rights.rights_request_refuse(
            actor=officer,
            request=request,
            decided_on=D(2024, 6, 11),
            reason="unfounded",
            outcome="x",
        )


def test_erasure_removes_contact_details_and_can_be_refused_for_the_record(officer, person):
    erase = rights.rights_request_create(
        actor=officer,
        person=person,
        kind="erasure",
        received_on=D(2024, 6, 3),
        description="Delete my e-mail address",
    )
    rights.rights_request_carry_out(
        actor=officer, request=erase, done_on=D(2024, 6, 4), outcome="Contact details removed"
    )
    person.refresh_from_db()
    assert person.email == ""
    keep = rights.rights_request_create(
        actor=officer,
        person=person,
        kind="erasure",
        received_on=D(2024, 6, 3),
        description="Delete my complaint",
    )
    with pytest.raises(ApplicationError) as exc:
        rights.rights_request_refuse(
            actor=officer, request=keep, decided_on=D(2024, 6, 4), reason="accurate", outcome="x"
        )
    assert "reason" in exc.value.field_errors
    rights.rights_request_refuse(
        actor=officer,
        request=keep,
        decided_on=D(2024, 6, 4),
        reason="must_keep",
        outcome="The complaints record must be kept for the statutory period.",
    )
    keep.refresh_from_db()
    assert (keep.status, keep.refusal_reason) == ("refused", "must_keep")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "forget", "received_on": D(2024, 6, 3), "description": "x"}, "kind"),
        ({"kind": "erasure", "received_on": None, "description": "x"}, "received_on"),
        ({"kind": "erasure", "received_on": D(2024, 7, 3), "description": "x"}, "received_on"),
        ({"kind": "erasure", "received_on": D(2024, 6, 3), "description": " "}, "description"),
    ],
)
def test_bad_input_is_refused_beside_its_field(officer, person, kwargs, field):
    with pytest.raises(ApplicationError) as exc:
        rights.rights_request_create(actor=officer, person=person, **kwargs)
    assert field in exc.value.field_errors


def test_rectification_refuses_fields_it_does_not_own(officer, person):
    request = rights.rights_request_create(
        actor=officer,
        person=person,
        kind="rectification",
        received_on=D(2024, 6, 3),
        description="x",
    )
    with pytest.raises(ApplicationError, match="cannot be corrected"):
        rights.rights_request_carry_out(
            actor=officer,
            request=request,
            done_on=D(2024, 6, 4),
            outcome="x",
            corrections={"looked_after": True},
        )


@pytest.mark.parametrize("who", ["manager", "report_viewer", "io_user"])
def test_only_the_feedback_team_records_rights_requests(request, person, who):
    with pytest.raises(AccessDenied):
        rights.rights_request_create(
            actor=request.getfixturevalue(who),
            person=person,
            kind="erasure",
            received_on=D(2024, 6, 3),
            description="x",
        )


def test_rights_requests_through_the_pages(client, sign_in, officer, person):
    from django.urls import reverse

    sign_in(officer)
    url = reverse("subjectaccess:rights_new", args=[person.pk])
    page = client.post(url, {"description": ""})
    body = page.content.decode()
    assert "Select what the person asked for" in body
    assert "Enter what the person asked for" in body
    response = client.post(
        url,
        {
            "kind": "erasure",
            "received_on_0": "3",
            "received_on_1": "6",
            "received_on_2": "2024",
            "description": "Delete my complaint",
        },
    )
    made = RightsRequest.objects.get()
    assert response.url == reverse("subjectaccess:rights", args=[made.pk])
    page = client.post(response.url, {"refuse": "1", "no-outcome": "x"})
    assert "Select the reason the law allows refusal" in page.content.decode()
    client.post(
        response.url,
        {
            "refuse": "1",
            "no-decided_on_0": "4",
            "no-decided_on_1": "6",
            "no-decided_on_2": "2024",
            "no-reason": "must_keep",
            "no-outcome": "Kept as the complaints record.",
        },
    )
    made.refresh_from_db()
    assert made.status == "refused"


def test_rights_requests_through_the_api_and_the_command(officer, manager, person):
    from io import StringIO

    from django.core.management import call_command
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer)
    made = api.post(
        f"/api/v1/subject-access/people/{person.pk}/rights/",
        {"kind": "rectification", "received_on": "2024-06-03", "description": "Wrong name"},
        format="json",
    )
    assert made.status_code == 201
    done = api.post(
        f"/api/v1/subject-access/rights/{made.json()['id']}/carry-out/",
        {"done_on": "2024-06-04", "outcome": "Corrected", "corrections": {"last_name": "Lee"}},
        format="json",
    )
    assert done.json()["status"] == "done"
    person.refresh_from_db()
    assert person.last_name == "Lee"
    other = APIClient()
    other.force_authenticate(manager)
    assert other.get(f"/api/v1/subject-access/rights/{made.json()['id']}/").status_code == 403
    out = StringIO()
    call_command(
        "subject_access",
        "--actor",
        officer.username,
        "rights-new",
        str(person.pk),
        "erasure",
        "--on",
        "2024-06-03",
        "--description",
        "Delete my phone number",
        stdout=out,
    )
    new_id = RightsRequest.objects.latest("pk").pk
    call_command(
        "subject_access",
        "--actor",
        officer.username,
        "rights-done",
        str(new_id),
        "--on",
        "2024-06-05",
        "--outcome",
        "Contact details removed",
        stdout=out,
    )
    person.refresh_from_db()
    assert person.phone == ""
