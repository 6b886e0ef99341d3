"""Background work for the online forms. The confirmation e-mail is a message of the one
outbox (`harken.notifications.tasks.send_message`); this task is kept for confirmations
queued before the upgrade, and sends the submission's message, once."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_confirmation(submission_id: int) -> bool:
    return services.confirmation_send(submission_id=submission_id)
