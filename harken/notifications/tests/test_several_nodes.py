"""`harken run-scheduled` started on several nodes at the same moment sends each reminder
once. PostgreSQL only: two connections writing at once is what is being tested, and the
advisory lock exists only there (on SQLite the rows alone keep each reminder single)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.notifications.models import ReminderKind, SentReminder
from harken.ops.locks import lock_key

from .conftest import at
from .test_reminders import FRIDAY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("several nodes share one PostgreSQL database; SQLite serves one machine")


@pytest.fixture
def staff(with_email, case_due):
    """Six officers, each with something overdue on the Friday, so each gets a digest."""
    people = [make_user(f"node_officer_{i}", Role.FEEDBACK_OFFICER) for i in range(6)]
    with_email(*people)
    case_due(FRIDAY.replace(day=FRIDAY.day - 1))
    return people


def _run_on_nodes(count: int) -> list[str]:
    """Start `count` runs at the same moment, each on its own connection, as nodes would."""
    barrier = threading.Barrier(count)
    outputs: list[str] = [""] * count
    errors: list[BaseException] = []

    def node(i: int) -> None:
        out = io.StringIO()
        try:
            barrier.wait(timeout=10)
            call_command("run_scheduled", stdout=out)
        except BaseException as exc:
            errors.append(exc)
        finally:
            outputs[i] = out.getvalue()
            connections.close_all()

    threads = [threading.Thread(target=node, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return outputs


def _digests_each_once(staff) -> None:
    for user in staff:
        got = [m for m in mail.outbox if m.to == [user.email]]
        assert len(got) == 1, (user.username, [m.subject for m in got])
    rows = SentReminder.objects.filter(kind=ReminderKind.DIGEST)
    assert rows.count() == rows.values("user").distinct().count()


def test_two_nodes_at_the_same_moment_send_each_digest_once(staff):
    with at(FRIDAY, hour=9):
        outputs = _run_on_nodes(2)
    _digests_each_once(staff)
    assert any("reminder(s) recorded" in out for out in outputs)


@contextmanager
def _no_lock(name: str, *, using: str = "default") -> Iterator[bool]:
    yield True


def test_without_the_lock_the_once_rows_still_send_each_digest_once(staff):
    """The lock is a saving, not the guarantee: four runs with no lock at all still record,
    queue and send each reminder once."""
    from harken.notifications import tasks

    queued: list[int] = []
    real_enqueue = tasks.send_message.enqueue

    def counting_enqueue(message_id: int):
        queued.append(message_id)
        return real_enqueue(message_id)

    with (
        mock.patch("harken.ops.locks.one_node_at_a_time", _no_lock),
        mock.patch.object(tasks, "send_message", mock.Mock(enqueue=counting_enqueue)),
        at(FRIDAY, hour=9),
    ):
        _run_on_nodes(4)
    _digests_each_once(staff)
    assert sorted(queued) == sorted(set(queued)), "a message was queued twice"


def test_a_node_that_finds_the_schedule_running_elsewhere_does_nothing(staff):
    held, release = threading.Event(), threading.Event()

    def other_node() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)", [lock_key("harken.run-scheduled")]
                )
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_node)
    thread.start()
    try:
        assert held.wait(timeout=10)
        out = io.StringIO()
        with at(FRIDAY, hour=9):
            call_command("run_scheduled", stdout=out)
    finally:
        release.set()
        thread.join(timeout=30)
    assert "another node is running the schedule" in out.getvalue()
    assert not SentReminder.objects.exists()
    assert mail.outbox == []
