"""E-mails with no record of their own to keep their state (a compliment passed on, a link to
set a password): an `Email` row each, sent by the one protocol (`outbox.deliver`).

`email_queue` writes the row in the caller's transaction and queues its task after the
commit: the web request never waits on a mail server, and nothing is queued for a change
that rolled back. The message is written when it is sent, from current data, so the row
holds no secret (a password link's token is made at that moment). What the audit says was
sent is recorded by `after_sent`, once the mail server has taken it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from harken.accounts.models import User
from harken.cases.models import Case

from . import outbox
from .models import Email, EmailKind, EmailStatus

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def max_attempts() -> int:
    return int(getattr(settings, "HARKEN_EMAIL_MAX_ATTEMPTS", 8))


def email_enqueue(email_id: int, *, run_after: dt.datetime | None = None) -> None:
    """Put the e-mail's task on the queue. A failure here is caught by the periodic re-queue
    (`harken send-pending-email`)."""
    from .tasks import send_email

    try:
        task = send_email
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return
            task = task.using(run_after=run_after)
        task.enqueue(email_id)
    except Exception:
        logger.exception("Could not queue e-mail %s", email_id)


def _requeue(email_id: int, run_after: dt.datetime) -> None:
    email_enqueue(email_id, run_after=run_after)


OUTBOX = outbox.Outbox(
    name="email",
    model=Email,
    status="status",
    pending=EmailStatus.PENDING,
    sending=EmailStatus.SENDING,
    sent=EmailStatus.SENT,
    gave_up=EmailStatus.GAVE_UP,
    in_doubt=EmailStatus.IN_DOUBT,
    claimed_at="claimed_at",
    handed_over_at="handed_over_at",
    attempts="attempts",
    last_error="last_error",
    sent_at="sent_at",
    next_attempt_at="next_attempt_at",
    max_attempts=max_attempts,
    claim_timeout=CLAIM_TIMEOUT,
    requeue=_requeue,
)


def email_queue(
    *,
    kind: str,
    to: Iterable[str],
    case: Case | None = None,
    user: User | None = None,
    requested_by: User | None = None,
    data: dict[str, Any] | None = None,
) -> Email:
    """Record an e-mail to send; its task is queued once the caller's transaction commits."""
    email = Email.objects.create(
        kind=kind,
        to=list(to),
        case=case,
        user=user,
        requested_by=requested_by,
        data=data or {},
    )
    transaction.on_commit(partial(email_enqueue, email.pk), robust=True)
    return email


# --- What each kind says ------------------------------------------------------------------


def _compliment(email: Email) -> outbox.Message | outbox.Skip:
    from harken.core.audit import record_event

    case = Case.objects.prefetch_related("teams").get(pk=int(email.case_id or 0))
    message = EmailMessage(
        subject=f"A compliment for you ({case.reference})",
        body=render_to_string(
            "casework/email/compliment.txt",
            {"case": case, "council_name": settings.HARKEN_COUNCIL_NAME},
        ),
        to=list(email.to),
    )

    def sent() -> None:
        record_event(
            case=case,
            actor=email.requested_by,
            verb="compliment_emailed",
            description=f"Compliment e-mailed to {', '.join(email.to)}",
        )

    return outbox.Message(email=message, after_sent=sent)


def _password_link(email: Email) -> outbox.Message | outbox.Skip:
    from harken.accounts import services as accounts
    from harken.accounts.models import SignInEventKind

    user = User.objects.get(pk=int(email.user_id or 0))
    if not user.is_active or not user.email:
        return outbox.Skip(EmailStatus.GAVE_UP)  # deactivated, or no address, since asked
    message = accounts.password_link_message(
        user=user,
        base_url=str(email.data.get("base_url", "")),
        new_account=bool(email.data.get("new_account")),
    )

    def sent() -> None:
        accounts.record_event(
            SignInEventKind.PASSWORD_LINK_SENT, user=user, actor=email.requested_by
        )

    return outbox.Message(email=message, after_sent=sent)


BUILDERS: dict[str, Callable[[Email], outbox.Message | outbox.Skip]] = {
    EmailKind.COMPLIMENT: _compliment,
    EmailKind.PASSWORD_LINK: _password_link,
}


def _build(email: Email) -> outbox.Message | outbox.Skip:
    return BUILDERS[email.kind](email)


class EmailNotSent(Exception):
    """An e-mail failed; it waits for its retry. Names no one (the task's log keeps it)."""


def email_send(*, email_id: int) -> bool:
    """Send one e-mail by the protocol. False if there was nothing to send. A failure is put
    back to wait (retried with back-off) and raised, so the task shows as failed."""
    delivered = outbox.deliver(OUTBOX, email_id, _build)
    if delivered.outcome in ("failed", "gave_up"):
        raise EmailNotSent(f"E-mail {email_id} not sent: {delivered.error}")
    return delivered.sent


def emails_due(now: dt.datetime | None = None) -> list[int]:
    """E-mails to send now, once those of workers that stopped are recovered."""
    now = now or timezone.now()
    outbox.recover(OUTBOX, now)
    return outbox.due(OUTBOX, now)
