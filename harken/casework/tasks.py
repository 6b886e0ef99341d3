"""Background work of the case-work pages. Tasks take ids and re-fetch (the record may
have changed since the task was queued)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_compliment(case_id: int, recipients: list[str], attempt: int = 1) -> int:
    """Kept for tasks queued before compliments were recorded as e-mails: records the e-mail
    and sends it by the one protocol (notifications.outgoing). New ones are queued there."""
    from harken.cases.models import Case
    from harken.notifications.models import EmailKind
    from harken.notifications.outgoing import email_queue, email_send

    email = email_queue(kind=EmailKind.COMPLIMENT, to=recipients, case=Case.objects.get(pk=case_id))
    return int(email_send(email_id=email.pk))
