"""Background work of the reminders. The task takes the reminder's id and re-fetches it."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminder(reminder_id: int) -> str:
    """Send one recorded reminder, built from current data (see services.deliver)."""
    from .services import deliver

    return deliver(reminder_id)


@task()
def send_email(email_id: int) -> bool:
    """Send one recorded e-mail (a compliment passed on, a password link): see outgoing."""
    from .outgoing import email_send

    return email_send(email_id=email_id)
