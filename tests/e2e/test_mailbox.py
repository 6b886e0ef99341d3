"""The shared mailbox in a browser: an e-mail delivered into a real Dovecot is read on demand
and becomes a complaint from the inbox in one step. axe on the inbox and the item, also at
320 px wide, where nothing is wider than the screen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from harken.correspondence.tests.conftest import make_email
from harken.correspondence.tests.dovecot import Dovecot, available

from .axe import assert_accessible


@pytest.fixture
def imap(settings, tmp_path) -> Iterator[Dovecot]:
    from harken.cases import reference_data
    from harken.procedures.services import install_shipped_procedures

    if not available():
        pytest.skip("Dovecot is not installed (/usr/sbin/dovecot): apt-get install dovecot-imapd")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    reference_data.install()
    install_shipped_procedures()
    server = Dovecot(tmp_path / "dovecot")
    server.root.mkdir(parents=True)
    server.start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    try:
        yield server
    finally:
        server.close()


def _fits(page: Page, context: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{context}: the page is {width}px wide"


def test_an_email_becomes_a_complaint_from_the_inbox(
    page: Page, server: str, login_as: Any, imap: Dovecot
) -> None:
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases.models import Case, Channel, Kind

    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    imap.deliver(
        make_email(
            sender="Jane Parent <jane.parent@example.org>",
            subject="Nobody came to the review",
            text="The social worker did not come to my daughter's review meeting.",
            attachments=[("notes.txt", "text/plain", b"Meeting notes\n")],
        )
    )
    login_as(officer)
    page.goto(server + "/staff/inbox/")
    expect(page.get_by_role("heading", name="Shared mailbox")).to_be_visible()
    page.get_by_role("button", name="Check the mailbox now").click()
    expect(page.get_by_text("The mailbox was read: 1 message(s) read: 1 stored")).to_be_visible()
    assert_accessible(page, context="inbox")
    page.set_viewport_size({"width": 320, "height": 640})
    _fits(page, "inbox at 320 px")
    assert_accessible(page, context="inbox at 320 px")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Nobody came to the review").click()
    expect(page.get_by_role("heading", name="Nobody came to the review")).to_be_visible()
    expect(page.get_by_text("did not come to my daughter")).to_be_visible()
    assert_accessible(page, context="item")
    page.set_viewport_size({"width": 320, "height": 640})
    _fits(page, "item at 320 px")
    assert_accessible(page, context="item at 320 px")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Prefilled from the message: the sender's name and address, the day it arrived.
    expect(page.get_by_label("First name")).to_have_value("Jane")
    expect(page.get_by_label("Last name")).to_have_value("Parent")
    expect(page.get_by_label("E-mail address")).to_have_value("jane.parent@example.org")
    page.get_by_label("Complaint", exact=True).check()
    page.get_by_label("Procedure (complaints only)").select_option(
        label="Children's social care (statutory)"
    )
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("recorded.")).to_be_visible()

    case = Case.objects.get()
    assert (case.kind, case.channel) == (Kind.COMPLAINT, Channel.EMAIL)
    assert case.parties.get().person.email == "jane.parent@example.org"
    assert sorted(case.documents.values_list("filename", flat=True))[1] == "notes.txt"
    assert case.reference in page.url
