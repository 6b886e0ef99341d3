"""The compliment e-mail goes out from a task; a mail server that is down is tried again."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django_tasks import default_task_backend

from harken.cases import services
from harken.cases.models import Kind
from harken.casework import tasks

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


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


def test_sends_the_compliment(compliment):
    tasks.send_compliment.call(compliment.pk, ["sam@council.example"])
    assert mail.outbox[0].subject == f"A compliment for you ({compliment.reference})"
    assert "Thank you, Sam." in mail.outbox[0].body
    assert "for Sam" in mail.outbox[0].body


def test_mail_server_down_is_tried_again_later(compliment, settings, monkeypatch):
    settings.TASKS = DUMMY

    def down(**kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(tasks, "send_mail", down)
    assert tasks.send_compliment.call(compliment.pk, ["sam@council.example"]) == 0
    (retry,) = default_task_backend.results  # type: ignore[attr-defined]
    assert retry.args == [compliment.pk, ["sam@council.example"], 2]
    assert retry.task.run_after is not None
    with pytest.raises(smtplib.SMTPServerDisconnected):
        tasks.send_compliment.call(compliment.pk, ["sam@council.example"], tasks.ATTEMPTS)
