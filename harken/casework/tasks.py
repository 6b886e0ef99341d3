"""Background work of the case-work pages. Tasks take ids and re-fetch (the record may
have changed since the task was queued)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from harken.cases.models import Case

logger = logging.getLogger(__name__)

ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(minutes=5)


@task()
def send_compliment(case_id: int, recipients: list[str], attempt: int = 1) -> int:
    """E-mail a compliment to the worker and their managers; try again later if the mail
    server is unavailable (where the task backend can defer), at most ATTEMPTS times."""
    case = Case.objects.prefetch_related("teams").get(pk=case_id)
    context = {"case": case, "council_name": settings.HARKEN_COUNCIL_NAME}
    try:
        return send_mail(
            subject=f"A compliment for you ({case.reference})",
            message=render_to_string("casework/email/compliment.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
    except (smtplib.SMTPException, OSError):
        backend = send_compliment.get_backend()
        if attempt >= ATTEMPTS or not backend.supports_defer:
            raise
        logger.warning("Compliment e-mail for %s failed; attempt %s", case.reference, attempt)
        send_compliment.using(run_after=timezone.now() + RETRY_AFTER * attempt).enqueue(
            case_id, recipients, attempt + 1
        )
        return 0
