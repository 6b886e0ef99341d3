"""Sending from the case, in a browser: the officer creates the stage 1 response letter and
sends it by e-mail (a real SMTP server on 127.0.0.1 receives it; the case says "Sent"); a letter
posted through the GOV.UK Notify stand-in shows "Delivered" after Notify's callback. axe-core on
each new page and state, and the sending page at 320 px."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from .axe import assert_accessible
from .test_mailbox import imap  # noqa: F401 (a fixture: the real Dovecot)
from .test_pages_that_fit import assert_fits


@pytest.fixture
def sending_setup(settings: Any, tmp_path: Any) -> dict[str, Any]:
    from django.apps import apps

    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import reference_data
    from harken.cases import services as case_services
    from harken.cases.tests.factories import complaint, respond_all
    from harken.procedures.services import install_shipped_procedures

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    reference_data.install()
    install_shipped_procedures()
    importlib.import_module("harken.documents.migrations.0002_default_letter_templates").install(
        apps, None
    )
    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    case = complaint(actor=officer, received_on=dt.date.today() - dt.timedelta(days=7))
    case_services.stage_acknowledge(case=case, on=dt.date.today(), actor=officer)
    respond_all(case, on=dt.date.today(), actor=officer)
    person = case.parties.get().person
    person.first_name, person.last_name = "Jo", "Parent"
    person.email = "jo.parent@example.com"
    person.address = "1 High Street\nTownley"
    person.postcode = "AB1 2CD"
    person.contact_preference = "email"
    person.accessibility_needs = "Large print"
    person.save()
    return {"officer": officer, "case": case}


@pytest.fixture
def mail_server(settings: Any) -> Iterator[Any]:
    from harken.notifications.tests.smtp_server import smtp_server

    with smtp_server() as mailbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = mailbox.port
        settings.EMAIL_USE_TLS = False
        yield mailbox


def test_the_officer_sends_the_stage_1_response_letter_by_email(
    page: Page, server: str, login_as: Any, sending_setup: dict[str, Any], mail_server: Any
) -> None:
    case = sending_setup["case"]
    login_as(sending_setup["officer"])
    page.goto(server + reverse("documents:letter_new", kwargs={"reference": case.reference}))
    page.get_by_label("Stage response").check()
    page.get_by_role("button", name="Preview the letter").click()
    page.get_by_role("button", name="Create it and send it by e-mail or post").click()
    expect(page.get_by_role("heading", name="Send an e-mail, letter or text")).to_be_visible()
    expect(page.get_by_text("The letter is created and chosen below")).to_be_visible()
    expect(page.get_by_label("E-mail", exact=True)).to_be_checked()
    expect(page.get_by_text("Large print")).to_be_visible()
    assert_accessible(page, context="the sending page")
    page.get_by_label("Subject").fill("")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the subject")
    assert_accessible(page, context="the sending page with an error")
    page.get_by_label("Subject").fill("Our response to your complaint")
    page.get_by_role("button", name="Send", exact=True).click()
    section = page.get_by_role("region", name="Messages sent about this case")
    expect(section).to_contain_text("E-mail from the case")
    expect(section).to_contain_text("Sent on")
    assert_accessible(page, context="the case page after sending")
    assert len(mail_server.received) == 1
    received = mail_server.received[0]
    assert received["To"] == "jo.parent@example.com"
    assert case.reference in received["Subject"]
    attachments = [part.get_filename() for part in received.walk() if part.get_filename()]
    assert any(name.endswith(".pdf") for name in attachments)


@pytest.fixture
def notify(settings: Any, live_server: Any) -> Iterator[Any]:
    from harken.notifications.tests import notify_server

    with notify_server.running() as stand_in:
        settings.HARKEN_MESSAGE_BACKEND = "notify"
        settings.HARKEN_NOTIFY_API_KEY = notify_server.API_KEY
        settings.HARKEN_NOTIFY_BASE_URL = stand_in.base_url
        settings.HARKEN_NOTIFY_EMAIL_TEMPLATE_ID = notify_server.EMAIL_TEMPLATE
        settings.HARKEN_NOTIFY_SMS_TEMPLATE_ID = notify_server.SMS_TEMPLATE
        settings.HARKEN_NOTIFY_CALLBACK_TOKEN = notify_server.CALLBACK_TOKEN
        stand_in.callback_url = live_server.url + reverse("notify:delivery_receipts")
        yield stand_in


def test_a_letter_posted_through_notify_shows_delivered_after_its_callback(
    page: Page, server: str, login_as: Any, sending_setup: dict[str, Any], notify: Any
) -> None:
    from harken.documents import services as documents
    from harken.documents.models import LetterTemplate

    case = sending_setup["case"]
    officer = sending_setup["officer"]
    template = LetterTemplate.objects.filter(kind="acknowledgement").order_by("name").first()
    documents.letter_create(case=case, template=template, actor=officer)
    person = case.parties.get().person
    person.contact_preference = "post"
    person.save()
    login_as(officer)
    page.goto(server + reverse("casework:case", kwargs={"reference": case.reference}))
    page.get_by_role("link", name="Send an e-mail, letter or text").click()
    expect(page.get_by_label("Post (a letter)")).to_be_checked()
    page.get_by_label(re.compile(r"acknowledgement .*\.pdf")).check()
    assert_accessible(page, context="sending a letter through Notify")
    page.get_by_role("button", name="Send", exact=True).click()
    section = page.get_by_role("region", name="Messages sent about this case")
    expect(section).to_contain_text("Letter from the case")
    expect(section).to_contain_text("Sent on")
    (letter,) = notify.of_type("letter")
    assert notify.letters[letter["id"]].startswith(b"%PDF-")
    assert notify.send_status(letter["id"], "received") == (200, {"result": "updated"})
    page.reload()
    expect(section).to_contain_text("Delivered on")
    assert_accessible(page, context="the case page after the letter was delivered")


@pytest.mark.parametrize("size", ["320px"])
def test_the_sending_page_fits_a_narrow_window(
    browser: Any, server: str, sending_setup: dict[str, Any], size: str
) -> None:
    from .test_pages_that_fit import SIZES, _login

    officer = sending_setup["officer"]
    context = browser.new_context(**SIZES[size])
    _login(context, server, officer)
    page = context.new_page()
    case = sending_setup["case"]
    page.goto(server + reverse("outbox:send", kwargs={"reference": case.reference}))
    expect(page.get_by_role("heading", name="Send an e-mail, letter or text")).to_be_visible()
    assert_fits(page, f"the sending page at {size}")
    context.close()


def test_the_complainants_reply_to_the_letter_joins_the_case(
    page: Page,
    server: str,
    login_as: Any,
    sending_setup: dict[str, Any],
    mail_server: Any,
    imap: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    """The stage 1 response sent by e-mail (through the real SMTP server); the complainant
    replies to it, the reply is delivered into the real Dovecot, "Check the mailbox now"
    reads it, and it is on the case's timeline with its attachment, found by the reply's
    In-Reply-To (the case, its stage answered, is closed: the inbox also flags the reply)."""
    from harken.correspondence.tests.conftest import make_email

    case = sending_setup["case"]
    login_as(sending_setup["officer"])
    page.goto(server + reverse("outbox:send", kwargs={"reference": case.reference}))
    page.get_by_label("Subject").fill("Our response to your complaint")
    page.get_by_label("Message").fill("Please find our response attached.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("region", name="Messages sent about this case")).to_contain_text(
        "Sent on"
    )
    sent = mail_server.received[0]
    imap.deliver(
        make_email(
            sender="Jo Parent <jo.parent@example.com>",
            subject=f"Re: {sent['Subject']}",
            text="Thank you. I still want to know why nobody came.",
            headers={"In-Reply-To": sent["Message-ID"], "References": sent["Message-ID"]},
            attachments=[("photo-of-the-letter.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")],
        )
    )
    page.goto(server + reverse("correspondence:inbox"))
    page.get_by_role("button", name="Check the mailbox now").click()
    expect(page.get_by_text("The mailbox was read")).to_be_visible()
    page.goto(server + f"/staff/cases/{case.reference}/timeline/")
    expect(page.get_by_text("jo.parent@example.com", exact=False).first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Re: Our response to your complaint")
    assert_accessible(page, context="the case's timeline with the reply")
    page.goto(server + f"/staff/cases/{case.reference}/documents/")
    expect(page.locator("body")).to_contain_text("photo-of-the-letter.pdf")
