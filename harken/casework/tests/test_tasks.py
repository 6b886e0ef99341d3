"""A compliment passed on is an e-mail recorded with the case and sent by the task queue,
once; a mail server that is down is tried again; the timeline says "e-mailed" only once it
was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from harken.cases import services
from harken.cases.models import Kind
from harken.casework import tasks
from harken.casework.notify import pass_on_compliment
from harken.notifications.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def compliment(officer):
    return services.case_create(
        actor=officer,
        kind=Kind.COMPLIMENT,
        channel="email",
        received_on=dt.date(2024, 6, 27),
        summary="Thanks",
        details="Thank you, Sam.",
        praised_worker="Sam",
    )


def test_sends_the_compliment(compliment, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pass_on_compliment(
            case=compliment,
            on=dt.date(2024, 6, 28),
            recipients=["sam@council.example"],
            actor=officer,
        )
    [message] = mail.outbox
    assert message.subject == f"A compliment for you ({compliment.reference})"
    assert "Thank you, Sam." in message.body
    assert "for Sam" in message.body
    assert Message.objects.get().status == MessageStatus.SENT
    event = compliment.events.get(verb="compliment_emailed")
    assert event.description == "Compliment e-mailed to sam@council.example"
    assert event.actor == officer


def test_mail_server_down_is_tried_again_later(
    compliment, officer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "harken.notifications.tests.backends.Refusing"
    with django_capture_on_commit_callbacks(execute=True):
        pass_on_compliment(
            case=compliment,
            on=dt.date(2024, 6, 28),
            recipients=["sam@council.example"],
            actor=officer,
        )
    email = Message.objects.get()
    assert (email.status, email.attempts) == (MessageStatus.RETRYING, 1)
    assert "SMTPRecipientsRefused" in email.last_error
    # Nothing on the timeline says it went.
    assert not compliment.events.filter(verb="compliment_emailed").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Message.objects.update(next_attempt_at=None)
    call_command("send_pending_email", stdout=None)
    assert len(mail.outbox) == 1
    assert compliment.events.filter(verb="compliment_emailed").count() == 1
    call_command("send_pending_email", stdout=None)
    assert len(mail.outbox) == 1


def test_a_task_queued_before_the_upgrade_still_sends_it_once(compliment):
    tasks.send_compliment.call(compliment.pk, ["sam@council.example"])
    assert len(mail.outbox) == 1
    assert Message.objects.get().status == MessageStatus.SENT
