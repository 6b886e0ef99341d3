"""Messages not sent, in a browser: the case page says what became of each message; the
officer follows it to "Messages not sent" and sends one again with the keyboard; axe-core on
every page and state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible


@pytest.fixture
def messages_setup() -> dict[str, Any]:
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import reference_data
    from harken.cases.tests.factories import complaint
    from harken.notifications.models import Message, MessageKind, MessageStatus
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()
    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    case = complaint(actor=officer, received_on=dt.date(2025, 3, 3))
    failed = Message.objects.create(
        kind=MessageKind.COMPLIMENT,
        to=["sam@council.example"],
        case=case,
        status=MessageStatus.FAILED,
        attempts=8,
        last_error="SMTPRecipientsRefused: {}",
    )
    Message.objects.create(
        kind=MessageKind.CONFIRMATION,
        to=["jo@example.com"],
        case=case,
        status=MessageStatus.SENT,
        attempts=1,
        sent_at=dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC),
    )
    return {"officer": officer, "case": case, "failed": failed}


def test_an_officer_sends_a_failed_message_again(page: Page, server, login_as, messages_setup):
    from harken.notifications.models import MessageStatus

    login_as(messages_setup["officer"])
    case = messages_setup["case"]
    page.goto(f"{server}/staff/cases/{case.reference}/")
    section = page.get_by_role("region", name="Messages sent about this case")
    expect(section).to_contain_text("Not sent: gave up after repeated failures")
    expect(section).to_contain_text("Sent on 3 March 2025 at 9:00am")
    assert_accessible(page, context="the case page with its messages")
    section.get_by_role("link", name="Messages not sent").click()
    expect(page.get_by_role("heading", name="Messages not sent")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("1 message not sent")
    assert_accessible(page, context="messages not sent")
    button = page.get_by_role("button", name="Send again")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Compliment passed on queued to be sent again")).to_be_visible()
    expect(page.get_by_text("Every message has been sent, or is on its way.")).to_be_visible()
    assert_accessible(page, context="after sending again")
    failed = messages_setup["failed"]
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT
