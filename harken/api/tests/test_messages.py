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


def test_read_only(client_for, officer):
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    response = client_for(officer).post(f"{CASES}{case.reference}/messages/", {}, format="json")
    assert response.status_code == 405
