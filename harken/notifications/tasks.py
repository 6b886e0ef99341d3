"""Background work of the reminders. The task takes the reminder's id and re-fetches it."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminder(reminder_id: int) -> str:
    """Send one recorded reminder, built from current data (see services.deliver)."""
    from .services import deliver

    return deliver(reminder_id)
