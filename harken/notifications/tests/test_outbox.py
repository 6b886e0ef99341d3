"""Faults in sending e-mail and running tasks (issue 10, items 11 and 12): a mail server that
never answers, one that refuses, a worker killed mid-send or mid-task. Every e-mail goes
through the task queue by one protocol (notifications.outbox); nothing is lost, nothing is
sent twice, and what the audit says was sent was sent."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks.base import TaskResultStatus

from harken.accounts.models import SignInEvent, SignInEventKind, User
from harken.intake.models import Submission
from harken.intake.tests.conftest import Walker, compliment_pages, confirmation_of
from harken.notifications.models import Message, MessageStatus

from .backends import Killing, WorkerKilled

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 12, 10, 0, tzinfo=dt.UTC)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@contextlib.contextmanager
def silent_mail_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A mail server that accepts the connection and never says a word (on a port of
    8300-8399 on 127.0.0.1); yields its port and the connections it took."""
    server = socket.socket()
    for port in range(8300, 8400):
        try:
            server.bind(("127.0.0.1", port))
            break
        except OSError:
            continue
    server.listen(8)
    taken: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                taken.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], taken
    finally:
        stop.set()
        thread.join()
        for connection in taken:
            connection.close()
        server.close()


def _confirmation_case(client: Client) -> Submission:
    walker = Walker(client, "compliment")
    walker.complete(
        compliment_pages(
            reply={"contact_preference": "email"},
            contact_details={"email": "jo@example.com", "consent": "on"},
            your_details={"first_name": "Jo", "last_name": "Bloggs"},
        )
    )
    return Submission.objects.get()


def _officer() -> User:
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user

    user = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    user.email = "olive@example.gov.uk"
    user.save()
    return user


# --- A mail server that never answers ---------------------------------------------------------


def test_a_mail_server_that_never_answers_fails_the_send_in_time(client, settings, frozen):
    """The task gives up on the server after EMAIL_TIMEOUT and the e-mail waits for its retry:
    the worker is free again (and so stops when told to)."""
    settings.HARKEN_INTAKE_RATE_LIMITS = False
    with silent_mail_server() as (port, taken):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1
        started = time.monotonic()
        with django_on_commit():  # the (immediate) task queue sends it as the form is sent
            submission = _confirmation_case(client)
        took = time.monotonic() - started
        assert taken, "the worker did try the mail server"
    message = confirmation_of(submission)
    assert message.status == MessageStatus.RETRYING
    assert "timed out" in message.last_error.lower()
    assert message.next_attempt_at is not None
    assert took < 10  # seconds: bounded by the timeout, not by the server


def test_no_web_request_waits_on_the_mail_server(client, settings, frozen):
    """With a real task queue, sending a form and asking for a password link only queue
    their e-mails: the mail server is not even contacted until a worker runs."""
    settings.HARKEN_INTAKE_RATE_LIMITS = False
    settings.TASKS = DATABASE_TASKS
    officer = _officer()
    with silent_mail_server() as (port, taken):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1
        with django_on_commit():
            _confirmation_case(client)
            client.post("/staff/sign-in/forgotten-password/", {"email": officer.email})
        assert taken == []
    from django_tasks_db.models import DBTaskResult

    assert [t.task_path.rsplit(".", 1)[1] for t in DBTaskResult.objects.all()] == [
        "send_message",
        "send_message",
    ]


@contextlib.contextmanager
def django_on_commit() -> Iterator[None]:
    """Run on-commit callbacks as a committed request would (the test's transaction never
    commits)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


# --- A mail server that refuses -----------------------------------------------------------


def test_forgotten_password_with_mail_refused_is_not_a_server_error(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "harken.notifications.tests.backends.Refusing"
    user = _officer()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/sign-in/forgotten-password/", {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == "/staff/sign-in/forgotten-password/sent/"
    email = Message.objects.get()
    assert (email.status, email.attempts) == (MessageStatus.RETRYING, 1)
    assert not SignInEvent.objects.filter(kind=SignInEventKind.PASSWORD_LINK_SENT).exists()


def test_creating_a_user_with_mail_refused_says_the_link_was_sent_only_once_it_was(
    sign_in, admin_user, settings, django_capture_on_commit_callbacks
):
    from harken.accounts.tests.test_users import user_form

    client = sign_in(admin_user)
    settings.EMAIL_BACKEND = "harken.notifications.tests.backends.Refusing"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/users/new/", user_form())
    assert response.status_code == 302
    user = User.objects.get(username="nadia.hussain")
    sent = SignInEvent.objects.filter(user=user, kind=SignInEventKind.PASSWORD_LINK_SENT)
    assert not sent.exists()
    # The mail server is back: the periodic command sends it, and then the audit says so.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Message.objects.update(next_attempt_at=None)
    call_command("send_pending_email", stdout=io.StringIO())
    [message] = mail.outbox
    assert "/staff/sign-in/set-password/" in message.body
    [event] = sent
    assert event.actor == admin_user


# --- A worker killed while sending ------------------------------------------------------------


@pytest.fixture
def killing(settings) -> Iterator[type[Killing]]:
    settings.EMAIL_BACKEND = "harken.notifications.tests.backends.Killing"
    Killing.accepted.clear()
    yield Killing
    Killing.moment = ""
    Killing.accepted.clear()


def _password_link(client: Client) -> Message:
    user = _officer()
    with django_on_commit():
        client.post("/staff/sign-in/forgotten-password/", {"email": user.email})
    return Message.objects.get()


def test_a_worker_killed_after_the_server_took_the_message_never_sends_it_twice(
    client, killing, frozen
):
    """Killed between the server's "accepted" and the row's "sent": the e-mail is marked
    "in doubt" once its claim times out, and is not sent again (it was sent twice before)."""
    killing.moment = "accepted"
    email = _password_link(client)
    email.refresh_from_db()
    assert email.status == MessageStatus.SENDING
    assert email.handed_over_at is not None
    killing.moment = ""
    call_command("send_pending_email", stdout=io.StringIO())  # the claim is still fresh
    frozen.shift(dt.timedelta(minutes=11))
    call_command("send_pending_email", stdout=io.StringIO())
    call_command("send_pending_email", "--inline", stdout=io.StringIO())
    email.refresh_from_db()
    assert email.status == MessageStatus.IN_DOUBT
    assert len(killing.accepted) == 1
    assert email.get_status_display().startswith("May have been sent")


def test_a_worker_killed_before_handing_the_message_over_is_sent_again(client, killing, frozen):
    """Killed while connecting: nothing reached the server, so it is sent once recovered."""
    killing.moment = "connect"
    email = _password_link(client)
    email.refresh_from_db()
    assert (email.status, email.handed_over_at) == (MessageStatus.SENDING, None)
    killing.moment = ""
    frozen.shift(dt.timedelta(minutes=11))
    call_command("send_pending_email", stdout=io.StringIO())
    email.refresh_from_db()
    assert email.status == MessageStatus.SENT
    assert len(killing.accepted) == 1
    assert SignInEvent.objects.filter(kind=SignInEventKind.PASSWORD_LINK_SENT).count() == 1


def test_a_confirmation_whose_worker_was_killed_after_the_server_took_it_is_in_doubt(
    client, settings, killing, frozen
):
    settings.HARKEN_INTAKE_RATE_LIMITS = False
    killing.moment = "accepted"
    with django_on_commit():
        submission = _confirmation_case(client)
    killing.moment = ""
    frozen.shift(dt.timedelta(minutes=11))
    call_command("send_pending_confirmations", stdout=io.StringIO())
    assert confirmation_of(submission).status == MessageStatus.IN_DOUBT
    assert len(killing.accepted) == 1
    page = _case_page(submission)
    assert "May have been sent: the worker stopped while handing it over" in page


def _case_page(submission: Submission) -> str:
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.core.web import TWO_FACTOR_SESSION_KEY

    officer = make_user("fay_officer", Role.FEEDBACK_OFFICER)
    client = Client()
    client.force_login(officer)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    assert submission.case is not None
    return client.get(f"/staff/cases/{submission.case.reference}/").content.decode()


def test_every_message_has_the_same_message_id_for_each_attempt(client, killing, frozen):
    killing.moment = "connect"
    email = _password_link(client)
    killing.moment = ""
    frozen.shift(dt.timedelta(minutes=11))
    call_command("send_pending_email", stdout=io.StringIO())
    [message] = killing.accepted
    email.refresh_from_db()
    expected = f"<harken.message.{email.pk}.{email.reference.hex[:12]}@harken.invalid>"
    assert message.extra_headers["Message-ID"] == expected


# --- Tasks killed mid-run -----------------------------------------------------------------


def _killed_task(task_path: str, started: dt.datetime) -> Any:
    """A task as a worker killed while running it leaves it: "running", for ever."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=task_path,
        backend_name="default",
        run_after=dt.datetime(9999, 1, 1, tzinfo=dt.UTC),
        started_at=started,
        worker_ids=["killed-worker"],
    )


# The worker closes a connection left inside a transaction: this test commits as it goes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_left_running_by_a_killed_worker_is_run_again(settings, frozen):
    settings.TASKS = DATABASE_TASKS
    from django_tasks_db.models import DBTaskResult

    stale = _killed_task("harken.cases.tasks.recompute_deadlines", NOW - dt.timedelta(hours=2))
    fresh = _killed_task("harken.cases.tasks.recompute_deadlines", NOW - dt.timedelta(minutes=1))
    call_command("run_scheduled", stdout=io.StringIO())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert DBTaskResult.objects.get(pk=stale.pk).status == TaskResultStatus.SUCCESSFUL
    # One still within the limit may be running now: it is left alone.
    assert DBTaskResult.objects.get(pk=fresh.pk).status == TaskResultStatus.RUNNING


def test_recomputing_deadlines_is_all_or_nothing(officer, monkeypatch):
    """A worker killed part way through leaves every deadline as it was (never some stages
    counting a new closure day and others not); run again, it does them all."""
    from harken.cases import services
    from harken.cases.models import Stage
    from harken.cases.tests.factories import complaint

    with time_machine.travel(dt.datetime(2024, 12, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        for day in (2, 3, 4):
            complaint(actor=officer, received_on=dt.date(2024, 12, day))
        # Deadlines as they were before the calendar changed: all to be worked out again.
        Stage.objects.update(due_on=None)
        real = services.stage_recompute
        done: list[int] = []

        def killed_after_one(stage):
            if done:
                raise WorkerKilled
            done.append(stage.pk)
            return real(stage)

        monkeypatch.setattr(services.clocks, "stage_recompute", killed_after_one)
        with pytest.raises(WorkerKilled):
            services.deadlines_recompute()
        assert list(Stage.objects.values_list("due_on", flat=True)) == [None, None, None]
        monkeypatch.setattr(services.clocks, "stage_recompute", real)
        assert services.deadlines_recompute() == 3
    assert None not in Stage.objects.values_list("due_on", flat=True)


# --- Idempotent, against a real mail server ---------------------------------------------------


@pytest.fixture
def real_smtp(settings) -> Iterator[Any]:
    from .smtp_server import smtp_server

    with smtp_server() as mailbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
            "127.0.0.1",
            mailbox.port,
            5,
        )
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield mailbox


def test_a_retried_task_sends_nothing_more_through_a_real_mail_server(
    client, settings, real_smtp, frozen
):
    """The task runs again (the queue delivered it twice; a retry; the old task names of the
    upgrade): the message reached the mail server once, and its row says sent."""
    from harken.intake.tasks import send_confirmation
    from harken.notifications import tasks

    settings.HARKEN_INTAKE_RATE_LIMITS = False
    with django_on_commit():
        submission = _confirmation_case(client)
    message = confirmation_of(submission)
    assert message.status == MessageStatus.SENT
    assert len(real_smtp.received) == 1
    assert real_smtp.received[0]["To"] == "jo@example.com"
    assert tasks.send_message.call(message.pk) is False
    assert send_confirmation.call(submission.pk) is False
    call_command("send_pending_messages", "--inline", stdout=io.StringIO())
    call_command("send_pending_email", stdout=io.StringIO())
    frozen.shift(dt.timedelta(hours=2))  # past every claim timeout and re-queue interval
    call_command("send_pending_messages", stdout=io.StringIO())
    assert len(real_smtp.received) == 1
    assert real_smtp.message_ids() == [message.outbox_message_id]


def test_a_worker_killed_after_a_real_mail_server_took_it_never_sends_it_twice(
    client, settings, real_smtp, frozen, monkeypatch
):
    """Killed between the mail server's "queued" and the row's "sent": the row is "in doubt"
    once its claim is stale, and neither the periodic command, nor the task run again, nor
    the old task names send a second copy."""
    from harken.notifications import outbox, tasks

    real_set = outbox._set

    def killed_when_marking_sent(pk: int, **values: Any) -> None:
        if values.get("status") == MessageStatus.SENT:
            raise WorkerKilled
        real_set(pk, **values)

    settings.HARKEN_INTAKE_RATE_LIMITS = False
    with django_on_commit():
        submission = _confirmation_case(client)
    message = confirmation_of(submission)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.QUEUED, attempts=0)
    real_smtp.received.clear()
    monkeypatch.setattr(outbox, "_set", killed_when_marking_sent)
    with pytest.raises(WorkerKilled):
        tasks.send_message.call(message.pk)
    monkeypatch.setattr(outbox, "_set", real_set)
    assert len(real_smtp.received) == 1  # the server has it; the row does not know
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    tasks.send_message.call(message.pk)  # a second worker, while the claim is fresh
    call_command("send_pending_messages", "--inline", stdout=io.StringIO())
    frozen.shift(dt.timedelta(minutes=11))
    out = io.StringIO()
    call_command("send_pending_messages", "--inline", stdout=out)
    assert "1 in doubt" in out.getvalue()
    tasks.send_message.call(message.pk)
    frozen.shift(dt.timedelta(hours=13))
    call_command("send_pending_messages", "--inline", stdout=io.StringIO())
    call_command("run_scheduled", stdout=io.StringIO())
    message.refresh_from_db()
    assert message.status == MessageStatus.IN_DOUBT
    assert len(real_smtp.received) == 1


# --- The one retry policy -----------------------------------------------------------------


def test_every_kind_waits_longer_after_each_failure_up_to_twelve_hours():
    from harken.notifications.outbox import RETRY

    minutes = [RETRY.wait(n) / dt.timedelta(minutes=1) for n in range(1, 9)]
    assert minutes == [1, 4, 16, 64, 256, 720, 720, 720]


def test_each_kind_keeps_the_attempts_setting_it_always_had(settings, monkeypatch):
    from harken.notifications.models import MessageKind
    from harken.notifications.outbox import RETRY

    # Reminders' attempts could always be set in the environment alone, and default to 10.
    del settings.HARKEN_REMINDER_MAX_ATTEMPTS
    monkeypatch.delenv("HARKEN_REMINDER_MAX_ATTEMPTS", raising=False)
    assert RETRY.max_attempts(MessageKind.DIGEST) == 10
    monkeypatch.setenv("HARKEN_REMINDER_MAX_ATTEMPTS", "4")
    assert RETRY.max_attempts(MessageKind.ACTIONS) == 4

    settings.HARKEN_INTAKE_EMAIL_MAX_ATTEMPTS = 3
    settings.HARKEN_REMINDER_MAX_ATTEMPTS = 10
    settings.HARKEN_EMAIL_MAX_ATTEMPTS = 6
    assert RETRY.max_attempts(MessageKind.CONFIRMATION) == 3
    assert RETRY.max_attempts(MessageKind.DIGEST) == 10
    assert RETRY.max_attempts(MessageKind.OVERDUE_SUMMARY) == 10
    assert RETRY.max_attempts(MessageKind.COMPLIMENT) == 6
    assert RETRY.max_attempts(MessageKind.PASSWORD_LINK) == 6


def test_a_text_is_refused_without_govuk_notify():
    """Texts go through GOV.UK Notify only: with SMTP no row is made that could only fail."""
    from harken.core.errors import ApplicationError
    from harken.notifications.models import Channel, MessageKind
    from harken.notifications.outbox import message_queue

    with pytest.raises(ApplicationError) as refused:
        message_queue(kind=MessageKind.CASE_TEXT, to=["07700 900123"], channel=Channel.SMS)
    assert refused.value.field_errors == {
        "channel": ["Text messages are sent through GOV.UK Notify, which is not set up here."]
    }
    assert not Message.objects.exists()
