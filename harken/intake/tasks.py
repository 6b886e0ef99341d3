"""Background work for the online forms: the confirmation e-mail.

Queued after the submission is committed. The task takes the submission's id and re-reads
it; if sending fails it raises (the task shows as failed) after putting the e-mail back to
wait, and `harken send-pending-confirmations` (run every few minutes by the scheduler)
queues every e-mail that is due again. See docs/public-forms.md.
"""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_confirmation(submission_id: int) -> bool:
    return services.confirmation_send(submission_id=submission_id)
