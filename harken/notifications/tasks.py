"""Background work of the outbox. The task takes the message's id and re-fetches it."""

from __future__ import annotations

from django_tasks import task


@task()
def send_message(message_id: int) -> bool:
    """Send one recorded message, whatever its kind, by the one protocol (outbox.deliver)."""
    from .outbox import message_send

    return message_send(message_id=message_id)


# Tasks queued before there was one outbox still run, once: each finds its message.


@task()
def send_reminder(reminder_id: int) -> str:
    """Kept for reminders queued before the upgrade: sends the reminder's message."""
    from .models import SentReminder
    from .outbox import deliver

    message_id = SentReminder.objects.values_list("message_id", flat=True).get(pk=reminder_id)
    return deliver(message_id).outcome


@task()
def send_email(email_id: int) -> bool:
    """Kept for e-mails queued before the upgrade (their ids are the messages' ids)."""
    from .outbox import message_send

    return message_send(message_id=email_id)
