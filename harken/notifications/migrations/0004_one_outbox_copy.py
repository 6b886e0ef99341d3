"""The one outbox's copy (ADR 0070), in a migration of its own: the confirmations of online
forms (the `email_*` fields of `intake.Submission`) and the reminders' sending state (on
`SentReminder`) move into `Message`, pending and historic alike. On PostgreSQL a table written
in a transaction cannot then be altered in it (pending trigger events), so the schema changes
before (0003) and after (0005) are each in their own transaction, in both directions."""

import uuid

from django.conf import settings
from django.db import migrations

# The old statuses, as the one outbox says them.
EMAIL_STATUS = {
    "pending": "queued",
    "sending": "sending",
    "sent": "sent",
    "gave_up": "failed",
    "in_doubt": "in_doubt",
}
CONFIRMATION_STATUS = {
    "pending": "queued",
    "sending": "sending",
    "sent": "sent",
    "failed": "failed",
    "in_doubt": "in_doubt",
}
REMINDER_STATUS = {
    "pending": "queued",
    "sending": "sending",
    "sent": "sent",
    "nothing_due": "not_needed",
    "not_wanted": "not_wanted",
    "gave_up": "failed",
    "in_doubt": "in_doubt",
}


def _waiting(status, attempts):
    """One that failed before and waits for its retry is "retrying" now."""
    return "retrying" if status == "queued" and attempts else status


def _domain():
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "harken.invalid"


def forwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Submission = apps.get_model("intake", "Submission")
    SentReminder = apps.get_model("notifications", "SentReminder")
    domain = _domain()
    for message in Message.objects.all().iterator():
        message.reference = uuid.uuid4()
        message.status = _waiting(
            EMAIL_STATUS.get(message.status, message.status), message.attempts
        )
        # The Message-ID it was (perhaps) sent with: the mail server's log finds it by this.
        message.data = {**message.data, "message_id": f"<harken.email.{message.pk}@{domain}>"}
        message.save()
    for submission in Submission.objects.exclude(email_status="not_needed").iterator():
        status = CONFIRMATION_STATUS.get(submission.email_status, "failed")
        Message.objects.create(
            channel="email",
            kind="confirmation",
            to=[submission.email] if submission.email else [],
            case_id=submission.case_id,
            submission_id=submission.pk,
            data={"message_id": f"<harken.confirmation.{submission.pk}@{domain}>"},
            reference=uuid.uuid4(),
            status=_waiting(status, submission.email_attempts),
            attempts=submission.email_attempts,
            next_attempt_at=submission.email_next_attempt_at,
            claimed_at=submission.email_claimed_at,
            handed_over_at=submission.email_handed_over_at,
            last_error=submission.email_last_error,
            sent_at=submission.email_sent_at,
        )
    for reminder in SentReminder.objects.select_related("user").iterator():
        status = REMINDER_STATUS.get(reminder.status, "failed")
        message = Message.objects.create(
            channel="email",
            kind=reminder.kind,
            to=[reminder.user.email] if reminder.user.email else [],
            user_id=reminder.user_id,
            data={"message_id": f"<harken.reminder.{reminder.pk}@{domain}>"},
            reference=uuid.uuid4(),
            status=_waiting(status, reminder.attempts),
            attempts=reminder.attempts,
            claimed_at=reminder.sending_since,
            handed_over_at=reminder.handed_over_at,
            last_attempt_at=reminder.last_attempt_at,
            last_error=reminder.last_error,
            sent_at=reminder.sent_at,
            queued_at=reminder.queued_at,
        )
        Message.objects.filter(pk=message.pk).update(created_at=reminder.created_at)
        reminder.message = message
        reminder.save(update_fields=["message"])


def backwards(apps, schema_editor):
    """Back to the old places: each row's state where it was kept before."""
    Message = apps.get_model("notifications", "Message")
    Submission = apps.get_model("intake", "Submission")
    SentReminder = apps.get_model("notifications", "SentReminder")
    back = {"queued": "pending", "retrying": "pending"}
    for message in Message.objects.filter(kind="confirmation").iterator():
        status = back.get(message.status, message.status)
        Submission.objects.filter(pk=message.submission_id).update(
            email_status={"not_needed": "failed", "not_wanted": "failed"}.get(status, status),
            email_attempts=message.attempts,
            email_next_attempt_at=message.next_attempt_at,
            email_claimed_at=message.claimed_at,
            email_handed_over_at=message.handed_over_at,
            email_last_error=message.last_error,
            email_sent_at=message.sent_at,
        )
    for reminder in SentReminder.objects.select_related("message").iterator():
        message = reminder.message
        status = back.get(message.status, message.status)
        SentReminder.objects.filter(pk=reminder.pk).update(
            status={"not_needed": "nothing_due", "failed": "gave_up"}.get(status, status),
            attempts=message.attempts,
            sending_since=message.claimed_at,
            handed_over_at=message.handed_over_at,
            last_attempt_at=message.last_attempt_at,
            last_error=message.last_error,
            sent_at=message.sent_at,
            queued_at=message.queued_at,
        )
    SentReminder.objects.update(message=None)
    Message.objects.exclude(kind__in=["compliment", "password_link"]).delete()
    for message in Message.objects.all().iterator():
        status = back.get(message.status, message.status)
        message.status = {
            "failed": "gave_up",
            "not_needed": "gave_up",
            "not_wanted": "gave_up",
        }.get(status, status)
        message.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_one_outbox_message"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
