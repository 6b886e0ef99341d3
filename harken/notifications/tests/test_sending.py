"""Sending from the case: an e-mail with the case's documents, a letter for the team to post,
kept whole on the row and the timeline, sent once however often the form is posted; who may
send, and what is refused beside its field; delivery receipts on the message."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harken.cases.models import AppointmentRole, Case, CaseParty, PartyRole
from harken.cases.tests.factories import complaint, respond_all
from harken.core.errors import AccessDenied, ApplicationError
from harken.documents import services as documents
from harken.documents.tests.conftest import pdf_bytes
from harken.notifications import outbox, sending
from harken.notifications.models import Channel, Message, MessageKind, MessageStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""


@pytest.fixture
def case(officer) -> Case:
    return complaint(actor=officer, received_on=dt.date(2025, 7, 1))


@pytest.fixture
def stage2_case(officer, io_user) -> Case:
    """At stage 2 with the IO appointed (so the IO may see it)."""
    from harken.cases import services

    case = complaint(actor=officer, received_on=dt.date(2025, 6, 2))
    respond_all(case, on=dt.date(2025, 6, 13), actor=officer)
    services.complaint_escalate(case=case, requested_on=dt.date(2025, 6, 20), actor=officer)
    services.statement_agree(case=case, on=dt.date(2025, 6, 27), actor=officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=dt.date(2025, 6, 30),
        actor=officer,
    )
    return case


@pytest.fixture
def complainant(case: Case) -> CaseParty:
    party = case.parties.select_related("person").get(role=PartyRole.COMPLAINANT)
    person = party.person
    person.email = "jo.parent@example.com"
    person.address = "1 High Street\nTownley"
    person.postcode = "AB1 2CD"
    person.phone = "07700 900123"
    person.accessibility_needs = "Large print, please"
    person.save()
    return party


@pytest.fixture
def response_pdf(case: Case, officer):
    return documents.document_upload(
        case=case,
        file=SimpleUploadedFile("stage 1 response.pdf", pdf_bytes(), "application/pdf"),
        actor=officer,
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def send_url(case: Case) -> str:
    return reverse("outbox:send", kwargs={"reference": case.reference})


def test_an_email_with_a_document_is_sent_once_and_kept_whole(
    officer, case, complainant, response_pdf, django_capture_on_commit_callbacks
):
    """Queued with its timeline event, sent by the worker with the PDF attached, the row
    keeping to, subject, body and the document; the same key again makes nothing more."""
    key = uuid.uuid4().hex
    with django_capture_on_commit_callbacks(execute=True):
        message = sending.case_message_send(
            case=case,
            actor=officer,
            party_id=complainant.pk,
            channel=Channel.EMAIL,
            subject="Your complaint",
            body="Dear Jo,\r\nOur response is attached.",
            document_ids=[response_pdf.pk],
            idempotency_key=key,
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.kind == MessageKind.CASE_EMAIL
    assert message.to == ["jo.parent@example.com"]
    assert message.subject == f"Your complaint [{case.reference}]"
    assert message.body == "Dear Jo,\nOur response is attached."
    assert [a.document for a in message.attachments.all()] == [response_pdf]
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == message.subject
    assert sent.attachments[0][0] == "stage 1 response.pdf"
    assert sent.attachments[0][1] == pdf_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        again = sending.case_message_send(
            case=case,
            actor=officer,
            party_id=complainant.pk,
            channel=Channel.EMAIL,
            subject="Your complaint",
            body="Dear Jo, sent twice?",
            idempotency_key=key,
        )
    assert again.pk == message.pk
    assert len(mail.outbox) == 1
    verbs = list(case.events.values_list("verb", flat=True))
    assert verbs.count("message_queued") == 1
    assert verbs.count("message_sent") == 1


def test_the_send_form_posted_twice_makes_one_message(
    sign_in, officer, case, complainant, django_capture_on_commit_callbacks
):
    client = sign_in(officer)
    page = client.get(send_url(case))
    assert page.status_code == 200
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode())
    assert key is not None
    data = {
        "party": complainant.pk,
        "channel": "email",
        "subject": "About your complaint",
        "body": "Hello",
        "idempotency_key": key.group(1),
        "action": "send",
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(send_url(case), data)
        second = client.post(send_url(case), data)
    assert first.status_code == second.status_code == 302
    assert Message.objects.filter(case=case).count() == 1
    assert len(mail.outbox) == 1


def test_the_page_shows_each_persons_contact_preference_and_follows_it(
    sign_in, officer, case, complainant
):
    person = complainant.person
    person.contact_preference = "post"
    person.save()
    body = text(sign_in(officer).get(send_url(case)))
    assert "Large print, please" in body
    assert "1 High Street" in body
    assert re.search(r'value="letter" checked', body)


@pytest.mark.parametrize(
    ("change", "values", "field", "words"),
    [
        ({"email": ""}, {"channel": "email"}, "channel", "There is no e-mail address for"),
        ({}, {"channel": "email", "subject": " "}, "subject", "Enter the subject"),
        ({}, {"channel": "sms", "body": "Hi"}, "channel", "How to send it must be one of"),
        ({}, {"channel": "letter"}, "documents", "Choose the letter to post: one PDF"),
        ({"contact_preference": "none"}, {"channel": "email"}, "party", "asked not to be"),
    ],
)
def test_what_cannot_be_sent_is_refused_beside_its_field(
    sign_in, officer, case, complainant, change, values, field, words
):
    """A 200 with the GOV.UK error summary naming the field; nothing is queued."""
    for name, value in change.items():
        setattr(complainant.person, name, value)
    complainant.person.save()
    data = {
        "party": complainant.pk,
        "subject": "Subject",
        "body": "Body",
        "idempotency_key": "k1",
        "action": "send",
        **values,
    }
    response = sign_in(officer).post(send_url(case), data)
    assert response.status_code == 200
    body = text(response)
    assert "There is a problem" in body
    assert f'href="#id_{field}' in body
    assert words in body
    assert not Message.objects.filter(case=case).exists()


def test_a_document_of_another_case_is_refused(officer, case, complainant):
    other = complaint(actor=officer, received_on=dt.date(2025, 7, 1))
    foreign = documents.document_upload(
        case=other,
        file=SimpleUploadedFile("theirs.pdf", pdf_bytes(), "application/pdf"),
        actor=officer,
    )
    with pytest.raises(ApplicationError) as refused:
        sending.case_message_send(
            case=case,
            actor=officer,
            party_id=complainant.pk,
            channel=Channel.EMAIL,
            subject="S",
            body="B",
            document_ids=[foreign.pk, "not-a-uuid"],
        )
    assert refused.value.field_errors == {"documents": ["Choose documents that are on this case."]}


def test_a_letter_without_notify_waits_for_the_team_to_post_it(
    sign_in, officer, case, complainant, response_pdf, django_capture_on_commit_callbacks
):
    """With SMTP, a letter is "to be printed and posted" on the page of messages not sent,
    its PDF to download; recording it posted makes it sent, on the timeline."""
    with django_capture_on_commit_callbacks(execute=True):
        message = sending.case_message_send(
            case=case,
            actor=officer,
            party_id=complainant.pk,
            channel=Channel.LETTER,
            document_ids=[response_pdf.pk],
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.TO_POST
    assert message.to[-1] == "AB1 2CD"
    assert not mail.outbox
    client = sign_in(officer)
    page = text(client.get(reverse("outbox:not_sent")))
    assert "To be printed and posted by the team" in page
    assert "Download the letter to print" in page
    response = client.post(reverse("outbox:posted", kwargs={"pk": message.pk}))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert case.events.filter(verb="letter_posted").exists()
    case_page = text(client.get(reverse("casework:case", kwargs={"reference": case.reference})))
    assert "Letter from the case" in case_page
    assert "stage 1 response.pdf" in case_page


def test_who_may_not_send_is_refused(
    sign_in, case, stage2_case, complainant, io_user, other_manager, manager, report_viewer
):
    """Not found for those who cannot see the case, forbidden for those who see it and may
    not send (an appointed IO); the service refuses the same people."""
    assert sign_in(other_manager).get(send_url(case)).status_code == 404
    assert sign_in(report_viewer).get(send_url(case)).status_code in (403, 404)
    assert sign_in(io_user).get(send_url(stage2_case)).status_code == 403
    assert sign_in(io_user).post(send_url(stage2_case), {"action": "send"}).status_code == 403
    for user in (io_user, other_manager):
        with pytest.raises(AccessDenied):
            sending.case_message_send(
                case=case,
                actor=user,
                party_id=complainant.pk,
                channel="email",
                subject="S",
                body="B",
            )
    assert not Message.objects.exists()
    assert sign_in(manager).get(send_url(case)).status_code == 200


def test_a_delivery_receipt_marks_the_message_and_a_bounce_is_the_last_word(officer, case):
    message = Message.objects.create(
        kind=MessageKind.CASE_EMAIL,
        to=["jo@example.com"],
        case=case,
        status=MessageStatus.SENT,
        sent_at=dt.datetime(2025, 7, 28, 9, tzinfo=dt.UTC),
    )
    at = dt.datetime(2025, 7, 28, 9, 5, tzinfo=dt.UTC)
    assert outbox.record_delivery(message=message, status=MessageStatus.DELIVERED, at=at)
    assert not outbox.record_delivery(message=message, status=MessageStatus.DELIVERED, at=at)
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at == at
    assert outbox.record_delivery(message=message, status=MessageStatus.BOUNCED, detail="550")
    assert not outbox.record_delivery(message=message, status=MessageStatus.DELIVERED)
    assert message.status == MessageStatus.BOUNCED
    assert list(case.events.filter(verb__startswith="message_").values_list("verb", flat=True)) == [
        "message_delivered",
        "message_bounced",
    ]


def test_a_receipt_for_a_message_not_yet_sent_changes_nothing(case):
    message = Message.objects.create(kind=MessageKind.CASE_EMAIL, to=["jo@example.com"], case=case)
    assert not outbox.record_delivery(message=message, status=MessageStatus.DELIVERED)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    with pytest.raises(ApplicationError):
        outbox.record_delivery(message=message, status="sent")


def test_the_steps_letter_is_created_and_sent_and_its_date_shown_with_the_stage(
    sign_in, officer, case, complainant, django_capture_on_commit_callbacks
):
    """Recording the acknowledgement leads to its letter; "Create it and send it" goes to
    the sending page with the PDF chosen; once sent, the stage's letters say when and how."""
    from harken.documents.models import LetterKind
    from harken.documents.tests.test_step_letters import _usual

    client = sign_in(officer)
    step = client.post(
        f"/staff/cases/{case.reference}/acknowledge/",
        {"acknowledged_on_0": 2, "acknowledged_on_1": 7, "acknowledged_on_2": 2025},
    )
    assert step.status_code == 302
    letter_page = step["Location"]
    assert "Create it and send it by e-mail or post" in text(client.get(letter_page))
    response = client.post(
        letter_page,
        {
            "template": _usual(LetterKind.ACKNOWLEDGEMENT).pk,
            "text": "",
            "action": "create_send",
            "step": "acknowledge",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(send_url(case) + "?letter=1&document=")
    pdf = case.documents.get(content_type="application/pdf")
    assert pdf.stage is not None
    form = text(client.get(response["Location"]))
    assert f'value="{pdf.pk}" checked' in form
    assert "The letter is created and chosen below" in form
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            send_url(case),
            {
                "party": complainant.pk,
                "channel": "email",
                "subject": "Our letter to you",
                "body": "Please find our letter attached.",
                "documents": [str(pdf.pk)],
                "idempotency_key": "step-letter",
                "action": "send",
            },
        )
    assert sent.status_code == 302
    assert mail.outbox[0].attachments[0][0] == pdf.filename
    stages = reverse("casework:case_tab", kwargs={"reference": case.reference, "tab": "stages"})
    assert "Sent by e-mail on 1 August 2025" in text(client.get(stages))


def _messages_with_documents(case, officer, document, count: int) -> None:
    for _ in range(count):
        message = Message.objects.create(
            kind=MessageKind.CASE_EMAIL,
            channel=Channel.EMAIL,
            to=["jo.parent@example.com"],
            case=case,
            subject="S",
            body="B",
            requested_by=officer,
            status=MessageStatus.DELIVERED,
        )
        message.attachments.create(document=document)


def test_the_case_pages_messages_cost_the_same_queries_however_many(
    sign_in, officer, case, response_pdf, other_manager
):
    """The case page shows the latest 10 messages with their documents and links to all of
    them; each page makes as many queries for 12 messages as for 60."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(officer)
    url = reverse("casework:case", kwargs={"reference": case.reference})
    every = reverse("outbox:case_messages", kwargs={"reference": case.reference})
    counts = []
    for more in (12, 48):
        _messages_with_documents(case, officer, response_pdf, more)
        with CaptureQueriesContext(connection) as on_case:
            page = text(client.get(url))
        with CaptureQueriesContext(connection) as on_list:
            listed = text(client.get(every))
        counts.append((len(on_case), len(on_list)))
    assert counts[0] == counts[1]
    assert page.count("stage 1 response.pdf</a>") == 10
    assert "The latest 10 of 60 are shown" in page
    assert listed.count("stage 1 response.pdf</a>") == 50
    assert "page 1 of 2" in listed
    assert text(client.get(every + "?page=2")).count("stage 1 response.pdf</a>") == 10
    assert sign_in(other_manager).get(every).status_code == 404
