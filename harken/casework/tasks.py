"""Background work of the case-work pages. Tasks take ids and re-fetch (the record may
have changed since the task was queued)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_compliment(case_id: int, recipients: list[str], attempt: int = 1) -> int:
    """Kept for tasks queued before compliments were recorded as messages: records the
    message and sends it by the one protocol (notifications.outbox). New ones are queued there."""
    from harken.cases.models import Case
    from harken.notifications.models import MessageKind
    from harken.notifications.outbox import message_queue, message_send

    case = Case.objects.get(pk=case_id)
    message = message_queue(kind=MessageKind.COMPLIMENT, to=recipients, case=case)
    return int(message_send(message_id=message.pk))
