"""Recording a posted letter through the API (1.3): the day it went in the post is the step's
evidence and who recorded it is kept; the same service and refusals as the staff page's
"Record as posted"; each denial proved, bad input a 4xx with a JSON error."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from harken.notifications import sending
from harken.notifications.models import Channel, Message, MessageStatus

from .conftest import at
from .test_sending import case, complainant, media_root, response_pdf  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(officer, case, complainant, response_pdf, django_capture_on_commit_callbacks):  # noqa: F811
    """Written on 30 July 2025 (the tests' clock then stands on 1 August)."""
    with at(dt.date(2025, 7, 30)), django_capture_on_commit_callbacks(execute=True):
        message = sending.case_message_send(
            case=case,
            actor=officer,
            party_id=complainant.pk,
            channel=Channel.LETTER,
            document_ids=[response_pdf.pk],
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.TO_POST
    return message


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(message: Message, reference: str | None = None) -> str:
    assert message.case is not None
    on = reference or message.case.reference
    return f"/api/v1/cases/{on}/messages/{message.reference}/posted/"


def test_the_team_records_the_day_a_letter_was_posted(officer, letter, case):  # noqa: F811
    answer = api(officer).post(url(letter), {"posted_on": "2025-07-31"}, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] == "sent"
    assert body["sent_at"].startswith("2025-07-31")
    assert body["posted_by"] == officer.username
    letter.refresh_from_db()
    assert letter.sent_at.date() == dt.date(2025, 7, 31)
    assert letter.data["posted_by"] == officer.pk
    event = case.events.get(verb="letter_posted")
    assert "posted by the team on 31 July 2025" in event.description
    assert event.actor == officer
    # Listed with the case's messages, who recorded it named.
    listed = api(officer).get(f"/api/v1/cases/{case.reference}/messages/").json()
    assert [m["posted_by"] for m in listed] == [officer.username]


def test_without_a_date_it_was_posted_today(officer, letter):
    answer = api(officer).post(url(letter), {}, format="json")
    assert answer.status_code == 200
    assert answer.json()["sent_at"].startswith("2025-08-01")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"posted_on": "2025-08-02"}, "posted_on", "today or in the past"),
        ({"posted_on": "2024-01-01"}, "posted_on", "the letter was written"),
        ({"posted_on": "yesterday"}, "posted_on", "Date has wrong format"),
    ],
)
def test_a_bad_date_is_a_400_naming_the_field_and_nothing_changes(
    officer, letter, body, field, words
):
    answer = api(officer).post(url(letter), body, format="json")
    assert answer.status_code == 400
    assert words in str(answer.json()["errors"][field])
    letter.refresh_from_db()
    assert letter.status == MessageStatus.TO_POST


def test_a_letter_not_waiting_to_be_posted_is_refused(officer, letter):
    assert api(officer).post(url(letter), {}, format="json").status_code == 200
    again = api(officer).post(url(letter), {"posted_on": "2025-07-31"}, format="json")
    assert again.status_code == 400
    assert "not waiting to be posted" in again.json()["message"]
    letter.refresh_from_db()
    assert letter.sent_at.date() == dt.date(2025, 8, 1)


def test_who_may_not_record_it_is_refused(manager, report_viewer, other_manager, letter):
    # A manager who sees the case may not record letters posted (the feedback team does).
    assert api(manager).post(url(letter), {}, format="json").status_code == 403
    # Those who cannot see the case are told there is no such case.
    assert api(other_manager).post(url(letter), {}, format="json").status_code == 404
    assert api(report_viewer).post(url(letter), {}, format="json").status_code in (403, 404)
    assert APIClient().post(url(letter), {}, format="json").status_code in (401, 403)
    letter.refresh_from_db()
    assert letter.status == MessageStatus.TO_POST


def test_a_message_of_another_case_is_not_found(officer, letter):
    from harken.cases.tests.factories import complaint

    other = complaint(actor=officer, received_on=dt.date(2025, 7, 2))
    answer = api(officer).post(url(letter, other.reference), {}, format="json")
    assert answer.status_code == 404
    assert answer.json()["message"]


def test_the_schema_documents_the_endpoint(officer):
    schema = api(officer).get("/api/v1/schema/?format=json").json()
    assert schema["info"]["version"] == "1.3.0"
    path = "/api/v1/cases/{reference}/messages/{message}/posted/"
    assert "post" in schema["paths"][path]
    assert "posted_by" in schema["components"]["schemas"]["Message"]["properties"]
