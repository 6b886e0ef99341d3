"""Where a person reads what became of a message: on the case page, and (for the feedback
team and administrators) the page of messages not sent, with "Send again"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from harken.cases import services as case_services
from harken.cases.tests.factories import complaint
from harken.notifications.models import Message, MessageKind, MessageStatus

pytestmark = pytest.mark.django_db

PAGE = "/staff/messages/not-sent/"


def again(pk: int) -> str:
    return f"/staff/messages/{pk}/send-again/"


@pytest.fixture
def case(officer):
    return complaint(actor=officer, received_on=dt.date(2025, 3, 3))


def _message(case, status: str, **extra) -> Message:
    return Message.objects.create(
        kind=MessageKind.COMPLIMENT,
        to=["sam@council.example"],
        case=case,
        status=status,
        attempts=extra.pop("attempts", 8),
        last_error=extra.pop("last_error", "SMTPRecipientsRefused: {}"),
        **extra,
    )


def test_the_page_lists_failed_and_in_doubt_messages_only(sign_in, officer, case):
    failed = _message(case, MessageStatus.FAILED)
    doubtful = _message(case, MessageStatus.IN_DOUBT, attempts=1, last_error="")
    _message(case, MessageStatus.SENT, attempts=1, last_error="")
    _message(case, MessageStatus.RETRYING, attempts=2)
    page = sign_in(officer).get(PAGE).content.decode()
    assert "2 messages not sent" in page
    assert again(failed.pk) in page
    assert again(doubtful.pk) in page
    assert "Not sent: gave up after repeated failures" in page
    assert "May have been sent: the worker stopped while handing it over" in page
    # The Message-ID to look for in the mail server's log, for the one in doubt.
    assert f"harken.message.{doubtful.pk}." in page
    assert page.count("Send again") == 2


@pytest.mark.parametrize("who", ["manager", "io_user", "ip_user", "report_viewer"])
def test_everyone_but_the_feedback_team_and_administrators_is_refused(request, sign_in, who, case):
    failed = _message(case, MessageStatus.FAILED)
    client = sign_in(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    assert client.post(again(failed.pk)).status_code == 403
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED
    assert not case.events.filter(verb="message_retried").exists()


def test_signed_out_goes_to_sign_in(client, case):
    failed = _message(case, MessageStatus.FAILED)
    assert client.get(PAGE).url.startswith("/staff/sign-in/")
    assert client.post(again(failed.pk)).url.startswith("/staff/sign-in/")


def test_send_again_sends_it_once_and_the_case_says_who_did(
    sign_in, admin_user, case, django_capture_on_commit_callbacks
):
    failed = _message(case, MessageStatus.FAILED)
    client = sign_in(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(again(failed.pk))
    assert response.status_code == 302
    assert response["Location"] == PAGE
    [sent] = mail.outbox
    assert sent.to == ["sam@council.example"]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (MessageStatus.SENT, 1)
    assert [r["by"] for r in failed.data["retries"]] == [admin_user.pk]
    event = case.events.get(verb="message_retried")
    assert event.actor == admin_user
    assert "was: not sent: gave up" in event.description
    assert "queued to be sent again" in client.get(PAGE).content.decode()
    # Pressed again (a second tab, a double click): nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(again(failed.pk))
    assert len(mail.outbox) == 1
    assert "This message is not waiting for a person" in client.get(PAGE).content.decode()
    assert case.events.filter(verb="message_retried").count() == 1


def test_send_again_needs_the_form_s_csrf_token(officer, case):
    from harken.core.web import TWO_FACTOR_SESSION_KEY

    failed = _message(case, MessageStatus.FAILED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    assert client.post(again(failed.pk)).status_code == 403
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED


def test_a_message_about_a_case_restricted_from_the_officer_is_not_there_for_them(
    sign_in, officer, admin_user, case
):
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user

    other = make_user("fred_officer", Role.FEEDBACK_OFFICER)
    failed = _message(case, MessageStatus.FAILED)
    case_services.case_restrict(case=case, restricted=True, people=[officer], actor=admin_user)
    client = sign_in(other)
    assert again(failed.pk) not in client.get(PAGE).content.decode()
    assert client.post(again(failed.pk)).status_code == 404
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED


def test_the_case_page_says_what_became_of_each_message(sign_in, officer, case):
    sent_at = dt.datetime(2025, 3, 4, 9, 15, tzinfo=dt.UTC)
    _message(case, MessageStatus.SENT, attempts=1, last_error="", sent_at=sent_at)
    _message(case, MessageStatus.RETRYING, attempts=2, last_error="OSError: down")
    page = sign_in(officer).get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Messages sent about this case" in page
    assert "Sent on 4 March 2025 at 9:15am" in page
    assert "Not sent yet: it failed and will be tried again" in page
    assert "2 attempts; last error: OSError: down" in page
    assert PAGE not in page  # nothing needs a person


def test_the_case_page_points_the_feedback_team_to_what_needs_a_person(
    sign_in, officer, manager, case
):
    _message(case, MessageStatus.IN_DOUBT, attempts=1, last_error="")
    assert PAGE in sign_in(officer).get(f"/staff/cases/{case.reference}/").content.decode()
