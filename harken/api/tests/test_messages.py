"""The API lists the messages about a case, as the case page does; read only, and only to
those who may see the case."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases.models import CaseRead
from harken.cases.tests.factories import complaint
from harken.notifications.models import Message, MessageKind, MessageStatus

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def _messages(case) -> None:
    Message.objects.create(
        kind=MessageKind.COMPLIMENT,
        to=["sam@council.example"],
        case=case,
        status=MessageStatus.SENT,
        attempts=1,
        sent_at=dt.datetime(2024, 3, 2, 10, tzinfo=dt.UTC),
    )
    Message.objects.create(
        kind=MessageKind.CONFIRMATION,
        to=["jo@example.com"],
        case=case,
        status=MessageStatus.IN_DOUBT,
        attempts=1,
    )


def test_lists_each_message_with_its_status(client_for, officer):
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    _messages(case)
    response = client_for(officer).get(f"{CASES}{case.reference}/messages/")
    assert response.status_code == 200
    listed = {m["kind"]: m for m in response.json()}
    assert listed["compliment"]["status"] == "sent"
    assert listed["compliment"]["sent_at"].startswith("2024-03-02T10:00:00")
    assert listed["compliment"]["to"] == ["sam@council.example"]
    assert listed["confirmation"]["status_label"].startswith("May have been sent")
    assert listed["confirmation"]["channel"] == "email"
    assert CaseRead.objects.filter(case=case, user=officer, via="api").exists()


def test_refused_to_those_who_may_not_see_the_case(client_for, officer, manager, report_viewer):
    other = complaint(actor=officer, received_on=dt.date(2024, 3, 1), team="SEND Team")
    _messages(other)
    assert client_for(manager).get(f"{CASES}{other.reference}/messages/").status_code == 404
    assert client_for(report_viewer).get(f"{CASES}{other.reference}/messages/").status_code == 403


def test_an_empty_send_is_400_naming_the_fields(client_for, officer):
    """API 1.2 added sending (before it, a POST was 405): what is missing is named."""
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    response = client_for(officer).post(f"{CASES}{case.reference}/messages/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"party", "channel"}
    assert not Message.objects.exists()


@pytest.fixture
def party(officer):
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    party = case.parties.select_related("person").get()
    party.person.email = "jo@example.com"
    party.person.save()
    return party


def test_sends_an_email_once_per_idempotency_key(
    client_for, officer, party, django_capture_on_commit_callbacks
):
    from django.core import mail

    url = f"{CASES}{party.case.reference}/messages/"
    body = {"party": party.pk, "channel": "email", "subject": "Hello", "body": "Words"}
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
        again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["reference"] == again.json()["reference"]
    assert first.json()["subject"] == f"Hello [{party.case.reference}]"
    assert first.json()["documents"] == []
    assert len(mail.outbox) == 1
    listed = client.get(url).json()
    assert [m["status"] for m in listed] == ["sent"]


def test_a_refusal_is_400_beside_the_field(client_for, officer, party):
    url = f"{CASES}{party.case.reference}/messages/"
    response = client_for(officer).post(
        url, {"party": party.pk, "channel": "letter"}, format="json"
    )
    assert response.status_code == 400
    assert "postal address" in response.json()["errors"]["channel"][0]


def test_sending_is_refused_to_those_who_may_not(
    client_for, officer, party, other_manager, report_viewer
):
    url = f"{CASES}{party.case.reference}/messages/"
    body = {"party": party.pk, "channel": "email", "subject": "S", "body": "B"}
    assert client_for(other_manager).post(url, body, format="json").status_code == 404
    assert client_for(report_viewer).post(url, body, format="json").status_code == 403
    assert not Message.objects.exists()
