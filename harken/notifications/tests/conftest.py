"""Reminder tests: people with e-mail addresses, records due on chosen days, the clock moved."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from harken.accounts.models import User
from harken.cases.models import Case
from harken.cases.tests.factories import complaint
from harken.core.dates import LONDON


def at(day: dt.date, hour: int = 8, minute: int = 0) -> time_machine.travel:
    """The clock at `hour`:`minute` London time on `day`."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON), tick=False
    )


def run(*args: str) -> None:
    call_command("run_scheduled", *args, stdout=io.StringIO())


def sent_to(user: User) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.fixture
def with_email() -> Callable[..., User]:
    def give(*users: User) -> User:
        for user in users:
            user.email = f"{user.username}@council.example"
            user.save(update_fields=["email"])
        return users[0]

    return give


@pytest.fixture
def case_due(officer: User) -> Callable[..., Case]:
    """A complaint about `team` whose next step is due on `due` (the caseload's stored date)."""

    def make(due: dt.date, *, team: str = "Assessment Teams", **extra: Any) -> Case:
        case = complaint(actor=officer, received_on=dt.date(2025, 1, 6), team=team, **extra)
        Case.objects.filter(pk=case.pk).update(
            next_due_on=due, next_due_label="Stage 1 response due"
        )
        case.refresh_from_db()
        return case

    return make


@pytest.fixture(autouse=True)
def _start_in_2025():
    """Records are made on a day after they were received; each test moves the clock on."""
    with at(dt.date(2025, 8, 1)):
        yield


def reminder_row(user: User, kind: str, period_key: str, period_on: dt.date, **message: Any):
    """A reminder as `harken run-scheduled` records it, with its message in the outbox (whose
    fields `message` sets: status, attempts, last_error, sent_at...)."""
    from harken.notifications.models import Message, SentReminder

    row = Message.objects.create(kind=kind, to=[user.email or "x@council.example"], user=user)
    if message:
        Message.objects.filter(pk=row.pk).update(**message)
    return SentReminder.objects.create(
        user=user, kind=kind, period_key=period_key, period_on=period_on, message=row
    )
