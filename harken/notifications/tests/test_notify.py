"""GOV.UK Notify, against the stand-in (tests/notify_server.py, the contract in
docs/notify-contract.md): e-mail, text and precompiled letter sent with the row's reference;
delivery receipts through the callback; a wrong token refused; a 500 retried; a lost answer
found by its reference so nothing is sent twice; texts received stored once."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harken.cases.models import Case, CaseParty, PartyRole
from harken.cases.tests.factories import complaint
from harken.documents import services as documents
from harken.documents.tests.conftest import pdf_bytes
from harken.notifications import outbox, sending
from harken.notifications.models import Channel, InboundText, Message, MessageStatus

from . import notify_server
from .notify_server import StandIn


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""


@pytest.fixture
def notify(settings) -> Iterator[StandIn]:
    """Harken set to send through the stand-in, which is stopped after the test."""
    with notify_server.running() as stand_in:
        settings.HARKEN_MESSAGE_BACKEND = "notify"
        settings.HARKEN_NOTIFY_API_KEY = notify_server.API_KEY
        settings.HARKEN_NOTIFY_BASE_URL = stand_in.base_url
        settings.HARKEN_NOTIFY_EMAIL_TEMPLATE_ID = notify_server.EMAIL_TEMPLATE
        settings.HARKEN_NOTIFY_SMS_TEMPLATE_ID = notify_server.SMS_TEMPLATE
        settings.HARKEN_NOTIFY_CALLBACK_TOKEN = notify_server.CALLBACK_TOKEN
        yield stand_in


@pytest.fixture
def case(officer) -> Case:
    return complaint(actor=officer, received_on=dt.date(2025, 7, 1))


@pytest.fixture
def complainant(case: Case) -> CaseParty:
    party = case.parties.select_related("person").get(role=PartyRole.COMPLAINANT)
    person = party.person
    person.email = "jo.parent@example.com"
    person.address = "1 High Street\nTownley"
    person.postcode = "AB1 2CD"
    person.phone = "07700 900123"
    person.save()
    return party


@pytest.fixture
def letter_pdf(case, officer):
    return documents.document_upload(
        case=case,
        file=SimpleUploadedFile("stage 1 response.pdf", pdf_bytes(), "application/pdf"),
        actor=officer,
    )


def queue(case, officer, party, channel, **values) -> Message:
    """Queue it as the page does; the test sends it (outbox.deliver) when it chooses."""
    return sending.case_message_send(
        case=case, actor=officer, party_id=party.pk, channel=channel, **values
    )


def deliver(message: Message) -> Message:
    Message.objects.filter(pk=message.pk).update(next_attempt_at=None)
    outbox.deliver(message.pk)
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_an_email_text_and_letter_go_to_notify_with_the_rows_reference(
    notify, officer, case, complainant, letter_pdf
):
    email = deliver(
        queue(
            case,
            officer,
            complainant,
            Channel.EMAIL,
            subject="Your complaint",
            body="Our response is attached.",
            document_ids=[letter_pdf.pk],
        )
    )
    text = deliver(queue(case, officer, complainant, Channel.SMS, body="We have replied."))
    letter = deliver(
        queue(case, officer, complainant, Channel.LETTER, document_ids=[letter_pdf.pk])
    )
    for message in (email, text, letter):
        assert message.status == MessageStatus.SENT
        assert message.provider == "notify"
        sent = notify.notifications[message.provider_id]
        assert sent["reference"] == str(message.reference)
    sent_email = notify.notifications[email.provider_id]
    assert sent_email["email_address"] == "jo.parent@example.com"
    assert sent_email["personalisation"]["subject"] == f"Your complaint [{case.reference}]"
    assert sent_email["personalisation"]["body"] == "Our response is attached."
    attached = sent_email["personalisation"]["link_to_file_1"]
    assert base64.b64decode(attached["file"]) == pdf_bytes()
    assert attached["filename"] == "stage 1 response.pdf"
    assert notify.notifications[text.provider_id]["phone_number"] == "07700 900123"
    assert notify.notifications[text.provider_id]["body"] == "We have replied."
    assert notify.letters[letter.provider_id] == pdf_bytes()
    assert notify.notifications[letter.provider_id]["postage"] == "second"


@pytest.mark.django_db
def test_a_500_is_retried_and_sends_once(notify, officer, case, complainant):
    notify.fail_next()
    message = deliver(queue(case, officer, complainant, Channel.SMS, body="Hello"))
    assert message.status == MessageStatus.RETRYING
    assert "500" in message.last_error
    assert not notify.notifications
    message = deliver(message)
    assert message.status == MessageStatus.SENT
    assert len(notify.notifications) == 1


@pytest.mark.django_db
def test_a_lost_answer_is_found_by_its_reference_and_not_sent_twice(
    notify, officer, case, complainant
):
    """Notify made it but the answer was lost: the retry lists Notify's notifications with the
    row's reference, finds it, and sends nothing more."""
    notify.lose_answer_next()
    message = deliver(queue(case, officer, complainant, Channel.EMAIL, subject="S", body="B"))
    assert message.status == MessageStatus.RETRYING
    assert len(notify.notifications) == 1
    message = deliver(message)
    assert message.status == MessageStatus.SENT
    assert len(notify.notifications) == 1
    (only,) = notify.notifications.values()
    assert message.provider_id == only["id"]
    assert ("GET", f"/v2/notifications?reference={message.reference}") in notify.requests


@pytest.mark.django_db
def test_a_worker_killed_after_handing_over_to_notify_sends_it_once(
    notify, officer, case, complainant
):
    """A stale claim handed to Notify is sent again (not left in doubt): the retry asks
    Notify first, which has it."""
    message = deliver(queue(case, officer, complainant, Channel.SMS, body="Hello"))
    stale = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=stale, handed_over_at=stale, provider_id=""
    )
    assert outbox.recover().retried == 1
    message = deliver(message)
    assert message.status == MessageStatus.SENT
    assert len(notify.notifications) == 1


@pytest.mark.django_db
def test_a_wrong_api_key_is_refused_by_notify_and_not_retried(
    notify, settings, officer, case, complainant
):
    settings.HARKEN_NOTIFY_API_KEY = (
        f"wrong-{notify_server.SERVICE_ID}-00000000-0000-0000-0000-000000000000"
    )
    message = deliver(queue(case, officer, complainant, Channel.SMS, body="Hello"))
    assert message.status == MessageStatus.FAILED
    assert "403" in message.last_error
    assert not notify.notifications


def _receipt(client, body, token=notify_server.CALLBACK_TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(
        reverse("notify:delivery_receipts"),
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_a_callback_without_the_right_token_is_401_json(notify, client, token):
    response = _receipt(client, {"id": "x", "status": "delivered"}, token=token)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorised"


@pytest.mark.django_db
def test_a_callback_that_is_not_notifys_json_is_400(notify, client):
    response = client.post(
        reverse("notify:delivery_receipts"),
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {notify_server.CALLBACK_TOKEN}",
    )
    assert response.status_code == 400
    assert _receipt(client, {"id": "x"}).json()["field"] == "status"
    unknown = _receipt(client, {"id": "x", "reference": "not-a-uuid", "status": "delivered"})
    assert unknown.status_code == 200
    assert unknown.json() == {"result": "unknown"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_delivery_receipts_from_notify_mark_each_message(
    notify, live_server, officer, case, complainant, letter_pdf
):
    """The stand-in calls Harken's callback with the token: delivered, permanent failure."""
    notify.callback_url = f"{live_server.url}{reverse('notify:delivery_receipts')}"
    letter = deliver(
        queue(case, officer, complainant, Channel.LETTER, document_ids=[letter_pdf.pk])
    )
    text = deliver(queue(case, officer, complainant, Channel.SMS, body="Hello"))
    assert notify.send_status(letter.provider_id, "received") == (200, {"result": "updated"})
    assert notify.send_status(text.provider_id, "permanent-failure")[0] == 200
    assert notify.send_status(text.provider_id, "permanent-failure")[1] == {"result": "unchanged"}
    letter.refresh_from_db()
    text.refresh_from_db()
    assert letter.status == MessageStatus.DELIVERED
    assert letter.delivered_at is not None
    assert text.status == MessageStatus.FAILED
    assert "could not deliver it" in text.delivery_detail
    assert notify.send_status(text.provider_id, "delivered", token="wrong")[0] == 401
    assert case.events.filter(verb="message_delivered").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_texts_received_are_stored_once_and_listed_for_the_feedback_team(
    notify, live_server, sign_in, officer, report_viewer
):
    notify.inbound_url = f"{live_server.url}{reverse('notify:received_texts')}"
    assert notify.send_inbound_text("447700900111", "I want to complain")[1] == {"result": "stored"}
    text = InboundText.objects.get()
    assert text.message == "I want to complain"
    client = sign_in(officer)
    page = client.get(reverse("outbox:texts_received")).content.decode()
    assert "I want to complain" in page
    assert "447700900111" in page
    # The same text is an item of the shared mailbox's inbox, linked from this list.
    assert reverse("correspondence:item", args=[text.item.pk]) in page
    assert sign_in(report_viewer).get(reverse("outbox:texts_received")).status_code == 403


def _token(*, secret: str = notify_server.SECRET, iss: str = notify_server.SERVICE_ID, ago=0):
    import time

    import jwt

    return jwt.encode({"iss": iss, "iat": int(time.time()) - ago}, secret, algorithm="HS256")


@pytest.mark.parametrize(
    ("token", "status"),
    [
        ({}, 200),
        ({"ago": 31}, 403),
        ({"secret": "another-secret"}, 403),
        ({"iss": "another-service"}, 403),
    ],
)
def test_the_stand_in_checks_the_jwt_as_notify_does(token, status):
    """HS256 with the key's secret, `iss` the service id, `iat` within 30 seconds."""
    import requests

    with notify_server.running() as stand_in:
        answer = requests.get(
            f"{stand_in.base_url}/v2/notifications",
            headers={"Authorization": f"Bearer {_token(**token)}"},
            timeout=10,
        )
        missing = requests.get(f"{stand_in.base_url}/v2/notifications", timeout=10)
    assert answer.status_code == status
    assert missing.status_code == 401


@pytest.mark.django_db
def test_a_notification_is_read_back_by_its_id(notify, officer, case, complainant):
    message = deliver(queue(case, officer, complainant, Channel.SMS, body="Hello"))
    found = notify_client().get_notification_by_id(message.provider_id)
    assert found["reference"] == str(message.reference)
    assert found["phone_number"] == "07700 900123"


def notify_client():
    from harken.notifications.notify import client

    return client()
