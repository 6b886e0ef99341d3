"""Where each e-mail goes: automatic replies and bounces set aside (a bounce of a Harken
message marked on its case), replies joined to their case, everything else the inbox; a
forged reference never joins a case the sender is not on."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases.tests.factories import complaint
from harken.correspondence import services
from harken.correspondence.models import ItemKind, ItemStatus, MailItem
from harken.documents.models import Document
from harken.notifications.models import Message, MessageKind, MessageStatus
from harken.notifications.outbox import message_id

from .conftest import make_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer):
    case = complaint(actor=officer, received_on=dt.date(2026, 11, 2))
    person = case.parties.get().person
    person.email = "jane.parent@example.org"
    person.save()
    return case


def store(raw: bytes) -> MailItem:
    return services.item_store(raw=raw).item


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Auto-Submitted", "auto-replied"),
        ("Auto-Submitted", "auto-generated"),
        ("X-Autoreply", "yes"),
        ("Precedence", "auto_reply"),
        ("Precedence", "bulk"),
        ("Precedence", "junk"),
    ],
)
def test_automatic_replies_are_set_aside(header, value):
    item = store(make_email(subject="Out of office", headers={header: value}))
    assert (item.kind, item.status) == (ItemKind.AUTO_REPLY, ItemStatus.SET_ASIDE)
    assert header in item.set_aside_reason


def test_auto_submitted_no_is_a_person_writing():
    item = store(make_email(headers={"Auto-Submitted": "no"}))
    assert (item.kind, item.status) == (ItemKind.MESSAGE, ItemStatus.NEW)


def _bounce(original_id: str) -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        "To: complaints@council.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; gone@example.org\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: complaints@council.example\r\nTo: gone@example.org\r\nMessage-ID: {original_id}\r\n"
        "Subject: A compliment for you\r\n--B--\r\n"
    ).encode()


def test_a_bounce_of_a_harken_message_is_shown_undelivered_on_its_case(case):
    sent = Message.objects.create(
        kind=MessageKind.COMPLIMENT,
        to=["gone@example.org"],
        case=case,
        status=MessageStatus.SENT,
    )
    item = store(_bounce(message_id(sent)))
    assert (item.kind, item.status) == (ItemKind.BOUNCE, ItemStatus.SET_ASIDE)
    assert item.bounced_message == sent
    sent.refresh_from_db()
    assert sent.status == MessageStatus.BOUNCED  # the outbox's one delivery status
    event = case.events.get(verb="message_bounced")
    assert "to gone@example.org not delivered (bounced)" in event.description
    assert "the mail server returned it on" in event.description
    assert not Document.objects.filter(case=case).exists()  # a bounce is no case document


def test_a_bounce_of_something_else_is_only_set_aside(case):
    item = store(_bounce("<someone-else@example.org>"))
    assert item.status == ItemStatus.SET_ASIDE
    assert item.bounced_message is None
    assert not case.events.filter(verb="message_bounced").exists()


def test_a_reply_to_a_message_sent_from_the_case_joins_it_with_its_attachments(case):
    sent = Message.objects.create(
        kind=MessageKind.COMPLIMENT, to=["jane.parent@example.org"], case=case
    )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    item = store(
        make_email(
            subject="Re: your complaint",
            headers={"In-Reply-To": message_id(sent), "References": message_id(sent)},
            attachments=[("letter.pdf", "application/pdf", pdf)],
        )
    )
    assert (item.status, item.case) == (ItemStatus.JOINED, case)
    names = sorted(Document.objects.filter(case=case).values_list("filename", flat=True))
    assert names[1] == "letter.pdf"
    assert names[0].endswith(".eml")
    event = case.events.get(verb="email_received")
    assert "jane.parent@example.org" in event.description
    assert "1 attachment(s) added" in event.description


def test_the_reference_in_the_subject_joins_when_the_sender_is_on_the_case(case):
    item = store(make_email(subject=f"Re: {case.reference} my complaint"))
    assert (item.status, item.case) == (ItemStatus.JOINED, case)


def test_a_forged_reference_does_not_join_a_case_the_sender_is_not_on(case):
    """Someone else names the case in the subject: the inbox, with the case suggested."""
    item = store(
        make_email(sender="Stranger <stranger@example.net>", subject=f"Re: {case.reference}")
    )
    assert (item.status, item.case, item.suggested_case) == (ItemStatus.NEW, None, case)
    assert not case.events.filter(verb="email_received").exists()
    assert not Document.objects.filter(case=case).exists()


def test_a_reply_id_from_someone_not_sent_to_is_only_suggested(case):
    sent = Message.objects.create(
        kind=MessageKind.COMPLIMENT, to=["worker@council.example"], case=case
    )
    item = store(
        make_email(sender="stranger@example.net", headers={"In-Reply-To": message_id(sent)})
    )
    assert (item.status, item.suggested_case) == (ItemStatus.NEW, case)


def test_a_refused_attachment_is_kept_out_and_named(case):
    sent = Message.objects.create(
        kind=MessageKind.COMPLIMENT, to=["jane.parent@example.org"], case=case
    )
    item = store(
        make_email(
            headers={"In-Reply-To": message_id(sent)},
            attachments=[("run-me.exe", "application/octet-stream", b"MZ\x90\x00" + b"\0" * 100)],
        )
    )
    assert item.status == ItemStatus.JOINED
    [attachment] = item.attachments.all()
    assert attachment.refusal == (
        "It appears to be a program. It must be a PDF, Word or OpenDocument text document, "
        "JPEG, PNG, GIF, WEBP or HEIC image, e-mail or text file."
    )
    assert attachment.document is None
    assert Document.objects.filter(case=case).count() == 1  # the message itself
    assert "1 attachment(s) kept out" in case.events.get(verb="email_received").description


def test_other_mail_goes_to_the_inbox(case):
    item = store(make_email(subject="A new concern", sender="new.person@example.com"))
    assert (item.kind, item.status, item.case, item.suggested_case) == (
        ItemKind.MESSAGE,
        ItemStatus.NEW,
        None,
        None,
    )
    assert item.events.filter(verb="received").exists()
    assert not case.events.filter(verb__startswith="email").exists()
