"""The move into the one outbox (notifications 0003, intake 0005) keeps every message's
state: pending ones are still sent, once; historic ones still say when they went."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("notifications", "0002_email_outbox_and_hand_over"),
    ("intake", "0004_confirmation_hand_over_and_in_doubt"),
]
AFTER = [
    ("notifications", "0005_one_outbox_tightened"),
    ("intake", "0005_confirmation_in_the_one_outbox"),
]
SENT_AT = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_pending_and_historic_rows_move_into_the_one_outbox():
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user

    user = make_user("migrated_officer", Role.FEEDBACK_OFFICER)
    user.email = "mo@council.example"
    user.save()
    old = _migrate(BEFORE)
    Submission = old.get_model("intake", "Submission")
    SentReminder = old.get_model("notifications", "SentReminder")
    Email = old.get_model("notifications", "Email")
    waiting = Submission.objects.create(
        form="complaint",
        key=uuid.uuid4(),
        email="jo@example.com",
        email_status="pending",
        email_attempts=2,
        email_last_error="ConnectionRefusedError: down",
    )
    sent = Submission.objects.create(
        form="compliment",
        key=uuid.uuid4(),
        email="sam@example.com",
        email_status="sent",
        email_attempts=1,
        email_sent_at=SENT_AT,
    )
    Submission.objects.create(form="comment", key=uuid.uuid4(), email_status="not_needed")
    reminder = SentReminder.objects.create(
        user_id=user.pk,
        kind="digest",
        period_key="digest:2025-03-03",
        period_on=dt.date(2025, 3, 3),
        status="nothing_due",
        attempts=1,
    )
    doubtful = Email.objects.create(
        kind="password_link", to=[user.email], user_id=user.pk, status="in_doubt"
    )
    try:
        new = _migrate(AFTER)
        Message = new.get_model("notifications", "Message")
        assert Message.objects.count() == 4  # no confirmation where no address was given
        first = Message.objects.get(submission_id=waiting.pk)
        assert (first.kind, first.status, first.attempts, first.to) == (
            "confirmation",
            "retrying",
            2,
            ["jo@example.com"],
        )
        assert first.last_error == "ConnectionRefusedError: down"
        second = Message.objects.get(submission_id=sent.pk)
        assert (second.status, second.sent_at) == ("sent", SENT_AT)
        digest = new.get_model("notifications", "SentReminder").objects.get(pk=reminder.pk)
        moved = Message.objects.get(pk=digest.message_id)
        assert (moved.kind, moved.status, moved.user_id) == ("digest", "not_needed", user.pk)
        password = Message.objects.get(pk=doubtful.pk)
        assert password.status == "in_doubt"
        # The mail server's log still finds it by the Message-ID it was handed over with.
        assert password.data["message_id"] == f"<harken.email.{doubtful.pk}@harken.invalid>"
        assert len({m.reference for m in Message.objects.all()}) == 4
        # And back again.
        back = _migrate(BEFORE)
        again = back.get_model("intake", "Submission").objects.get(pk=waiting.pk)
        assert (again.email_status, again.email_attempts) == ("pending", 2)
        assert back.get_model("notifications", "SentReminder").objects.get().status == "nothing_due"
    finally:
        _migrate(executor_leaves())


def executor_leaves():
    """The latest migration of every app: where the other tests expect the database."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
