"""The one outbox: every message Harken sends is a `Message` row, sent by `deliver` only.

Confirmations of online forms, compliments passed on, links to set a password, daily
digests and monthly reminders (and, with issue 13, letters and texts) are each a row that
says where the message stands, and a task (`send_message`) that takes the row's id:

1. **Claim.** One UPDATE moves the row from waiting (and due, and not too late) to
   "sending" and counts the attempt; it commits at once. Two workers, or a worker and a
   retry, never both win it. A row already sent is never claimed: sending is idempotent.
2. **Open** the connection to the mail server. Every wait on it is bounded by
   `EMAIL_TIMEOUT`, so a server that accepts and never answers fails the attempt instead of
   holding the worker (which would then ignore SIGTERM) for ever.
3. **Hand over.** The row records `handed_over_at` (committed), then the message is sent.
4. **Mark.** The row records "sent", with the time. What the audit says was sent was sent:
   audit events about a message are written here, after the server took it.

A refusal (the server says no, or does not answer in time) makes the row "retrying", with
the next attempt after the wait `RETRY` gives, or "failed" after the kind's last attempt. The
error is recorded by its type and message on the row (shown to staff), and logged by its type
only: a mail server's message can name the address.

**A worker killed mid-send.** Its claim is recovered (`recover`) once older than
`RETRY.claim_timeout`, which is far longer than a live send can take:

- no `handed_over_at`: the message never reached the server, so it waits again and is
  sent again: nothing is lost;
- `handed_over_at` set: the server may have it. The row becomes "in doubt" and is **not**
  sent again. Staff see it (on the case, and on the page of messages not sent) and may
  retry it by hand once they have checked: its Message-ID is fixed per row, so the mail
  server's log says whether it arrived. With GOV.UK Notify the row's `reference` is the
  Notify `reference`, looked up before sending again: exactly once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from harken.core.errors import AccessDenied, ApplicationError

from .models import (
    ACCEPTED,
    NOT_ARRIVED,
    WAITING,
    Channel,
    Message,
    MessageKind,
    MessageStatus,
)

logger = logging.getLogger(__name__)

# What a mail server's failure looks like: refusals, and the network (timeouts included).
MAIL_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class RetryPolicy:
    """How every message is retried: waits that grow by `factor` from `first_wait` up to
    `longest_wait`, until the kind's attempts run out (ADR 0070)."""

    first_wait: dt.timedelta = dt.timedelta(minutes=1)
    factor: int = 4
    longest_wait: dt.timedelta = dt.timedelta(hours=12)
    # A claim older than this was a worker that stopped: far longer than EMAIL_TIMEOUT allows
    # a live send to take.
    claim_timeout: dt.timedelta = dt.timedelta(minutes=10)
    # A message queued this long ago whose task never ran (the worker was down) is queued again.
    requeue_after: dt.timedelta = dt.timedelta(hours=1)
    default_attempts: int = 8

    def wait(self, attempts: int) -> dt.timedelta:
        """How long to wait after the `attempts`-th failed attempt: 1, 4, 16, 64, 256 minutes,
        then 12 hours each time."""
        steps = max(attempts, 1) - 1
        if self.first_wait * self.factor**steps >= self.longest_wait:
            return self.longest_wait
        return self.first_wait * self.factor**steps

    def max_attempts(self, kind: str) -> int:
        """The kind's attempts, from the setting that has always set them (docs/email.md):
        Django's settings, else the environment, else the kind's default."""
        name, default = ATTEMPT_SETTINGS.get(kind, ("HARKEN_EMAIL_MAX_ATTEMPTS", 0))
        if hasattr(settings, name):
            return int(getattr(settings, name))
        return int(os.environ.get(name, default or self.default_attempts))


RETRY = RetryPolicy()

# Each kind's number of attempts is the setting its outbox had before there was one outbox:
# they are public settings, so they are kept (docs/email.md).
# (setting, default; 0: the policy's `default_attempts`)
ATTEMPT_SETTINGS: dict[str, tuple[str, int]] = {
    MessageKind.CONFIRMATION: ("HARKEN_INTAKE_EMAIL_MAX_ATTEMPTS", 0),
    MessageKind.DIGEST: ("HARKEN_REMINDER_MAX_ATTEMPTS", 10),
    MessageKind.ACTIONS: ("HARKEN_REMINDER_MAX_ATTEMPTS", 10),
    MessageKind.OVERDUE_SUMMARY: ("HARKEN_REMINDER_MAX_ATTEMPTS", 10),
}

# What writes each kind's message from the row and current data, just after the claim.
BUILDERS: dict[str, str] = {
    MessageKind.CONFIRMATION: "harken.intake.services.confirmation_build",
    MessageKind.COMPLIMENT: "harken.notifications.outgoing.compliment_build",
    MessageKind.PASSWORD_LINK: "harken.notifications.outgoing.password_link_build",
    MessageKind.DIGEST: "harken.notifications.services.reminder_build",
    MessageKind.ACTIONS: "harken.notifications.services.reminder_build",
    MessageKind.OVERDUE_SUMMARY: "harken.notifications.services.reminder_build",
    MessageKind.CASE_EMAIL: "harken.notifications.sending.case_message_build",
    MessageKind.CASE_LETTER: "harken.notifications.sending.case_message_build",
    MessageKind.CASE_TEXT: "harken.notifications.sending.case_message_build",
    # Issue 14
    MessageKind.SURVEY: "harken.surveys.services.invitation_message_build",
}


@dataclass(frozen=True)
class Built:
    """What a builder gives `deliver`: the e-mail (its subject, body and attachments serve
    GOV.UK Notify too), a text message's words, or a letter's PDF; and what to do once sent."""

    email: EmailMessage | None = None
    after_sent: Callable[[], None] | None = None  # e.g. the audit event that it was sent
    text: str = ""
    pdf: bytes | None = None


class Sender:
    """How a message leaves Harken: by SMTP (`SmtpSender`) or GOV.UK Notify
    (`harken.notifications.notify.NotifySender`). `open` may fail having sent nothing;
    `already_sent` asks the provider whether an earlier attempt got through (Notify's
    `reference`); `send` hands the message over and returns the provider's id for it."""

    name = ""

    def open(self) -> None:
        pass

    def already_sent(self, message: Message) -> str | None:
        return None

    def send(self, message: Message, built: Built) -> str:
        raise NotImplementedError

    def close(self) -> None:
        pass


class SmtpSender(Sender):
    name = "smtp"

    def __init__(self) -> None:
        self.connection = get_connection(timeout=settings.EMAIL_TIMEOUT)

    def open(self) -> None:
        self.connection.open()  # a server that never answers fails here, in time

    def send(self, message: Message, built: Built) -> str:
        if built.email is None:
            raise ApplicationError("Only e-mail can be sent by SMTP.")
        built.email.connection = self.connection
        built.email.send()
        return ""

    def close(self) -> None:
        _close(self.connection)


def sender_for(message: Message) -> Sender | None:
    """The backend's sender; None: a letter the team prints and posts (no Notify)."""
    from . import conf

    if conf.message_backend() == conf.NOTIFY and (
        message.channel != Channel.EMAIL or message.kind in NOTIFY_EMAIL_KINDS
    ):
        from .notify import NotifySender

        return NotifySender()
    if message.channel == Channel.LETTER:
        return None
    return SmtpSender()


# With GOV.UK Notify, the e-mails people write on a case go through it too; Harken's own
# e-mails to staff and the public (confirmations, reminders, password links) stay on SMTP,
# whose messages Harken writes itself (a Notify template would flatten them to text).
NOTIFY_EMAIL_KINDS = (MessageKind.CASE_EMAIL,)


@dataclass(frozen=True)
class Skip:
    """Nothing to send after all (switched off, nothing due): finish with this status."""

    status: str


@dataclass(frozen=True)
class Delivered:
    outcome: str  # "sent", "skipped", "failed", "gave_up" or "not_claimed"
    error: str = ""

    @property
    def sent(self) -> bool:
        return self.outcome == "sent"


class MessageNotSent(Exception):
    """A message failed; it waits for its retry. Names no one (the task's log keeps it)."""


def message_id(message: Message) -> str:
    """The same Message-ID for every attempt at one row's message. Rows moved from the old
    outboxes keep the Message-ID they were first sent with, so the mail server's log finds it."""
    if message.data.get("message_id"):
        return str(message.data["message_id"])
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "harken.invalid"
    return f"<harken.message.{message.pk}.{message.reference.hex[:12]}@{domain}>"


# --- Queueing -------------------------------------------------------------------------------


def message_queue(
    *,
    kind: str,
    to: Iterable[str],
    channel: str = Channel.EMAIL,
    case: Any = None,
    submission: Any = None,
    user: Any = None,
    requested_by: Any = None,
    data: dict[str, Any] | None = None,
    expires_at: dt.datetime | None = None,
    queue_now: bool = True,
    subject: str = "",
    body: str = "",
    idempotency_key: str | None = None,
) -> Message:
    """Record a message to send; its task is queued once the caller's transaction commits,
    so the web request never waits on a mail server and nothing is sent for a change that
    rolled back. `queue_now` False: the caller queues it (`send_pending`) with others.
    A text message needs GOV.UK Notify (`conf.message_backend()`); a letter without it is
    marked for the team to print and post."""
    from . import conf

    if channel not in Channel.values:
        raise ApplicationError.for_field("channel", "Choose how to send it.")
    if channel == Channel.SMS and conf.message_backend() != conf.NOTIFY:
        raise ApplicationError.for_field(
            "channel", "Text messages are sent through GOV.UK Notify, which is not set up here."
        )
    addresses = [str(a) for a in to if str(a).strip()]
    if not addresses:
        raise ApplicationError.for_field("to", "Give at least one address to send it to.")
    if case is not None:
        # A message about a case carries its people's data (ADR 0150).
        from harken.subjectaccess import rules

        rules.ensure_case_not_restricted(case, "nothing was sent", field="to")
    message = Message.objects.create(
        channel=channel,
        kind=kind,
        to=addresses,
        case=case,
        submission=submission,
        user=user,
        requested_by=requested_by,
        data=data or {},
        expires_at=expires_at,
        queued_at=timezone.now() if queue_now else None,
        subject=subject,
        body=body,
        idempotency_key=idempotency_key,
    )
    if queue_now:
        transaction.on_commit(partial(message_enqueue, message.pk), robust=True)
    return message


def message_enqueue(message_id: int, *, run_after: dt.datetime | None = None) -> bool:
    """Put the message's task on the queue (False if it was not). A failure here is caught
    by the periodic re-queue (`harken send-pending-messages`)."""
    from .tasks import send_message

    try:
        task = send_message
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return False
            task = task.using(run_after=run_after)
        task.enqueue(message_id)
    except Exception:
        logger.exception("Could not queue message %s", message_id)
        return False
    return True


# --- Sending --------------------------------------------------------------------------------


def _due(now: dt.datetime) -> Q:
    return (
        Q(status__in=WAITING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    )


def claim(pk: int, now: dt.datetime) -> bool:
    """Step 1: only one worker sends each message, only when it is due, and never again
    once it is sent."""
    return bool(
        Message.objects.filter(_due(now), pk=pk).update(
            status=MessageStatus.SENDING,
            claimed_at=now,
            handed_over_at=None,
            last_attempt_at=now,
            attempts=F("attempts") + 1,
        )
    )


def _set(pk: int, **values: Any) -> None:
    """Write the row's new state; a claim that ends is no longer queued either."""
    if values.get("claimed_at", "") is None:
        values.setdefault("queued_at", None)
    Message.objects.filter(pk=pk).update(**values)


def _permanent(exc: BaseException) -> bool:
    """A provider's refusal that no retry can change (GOV.UK Notify's 400 and 403: a bad
    address, a template that does not exist); a rate limit (429) or a 5xx is retried."""
    code = getattr(exc, "status_code", None)
    return isinstance(code, int) and 400 <= code < 500 and code != 429


def _failed(message: Message, now: dt.datetime, exc: BaseException) -> Delivered:
    attempts = message.attempts
    gave_up = attempts >= RETRY.max_attempts(message.kind) or _permanent(exc)
    next_at = now + RETRY.wait(attempts)
    if message.expires_at is not None and next_at >= message.expires_at:
        gave_up = True  # the retry would be too late: tomorrow's digest replaces today's
    _set(
        message.pk,
        status=MessageStatus.FAILED if gave_up else MessageStatus.RETRYING,
        claimed_at=None,
        handed_over_at=None,
        next_attempt_at=None if gave_up else next_at,
        last_error=f"{type(exc).__name__}: {exc}"[:500],
    )
    logger.warning(
        "Message %s (%s) not sent (attempt %s%s): %s",
        message.pk,
        message.kind,
        attempts,
        ", given up" if gave_up else "",
        type(exc).__name__,
    )
    if not gave_up and message_enqueue(message.pk, run_after=next_at):
        # Its retry is queued: the periodic re-queue leaves it alone until it is overdue.
        _set(message.pk, queued_at=next_at)
    return Delivered("gave_up" if gave_up else "failed", type(exc).__name__)


def _build(message: Message) -> Built | Skip:
    builder: Callable[[Message], Built | Skip] = import_string(BUILDERS[message.kind])
    return builder(message)


def deliver(pk: int) -> Delivered:
    """Send the row's message once, by the protocol above. Its builder writes the message
    from the row (and current data) after the claim; it may find there is nothing to send."""
    now = timezone.now()
    if not claim(pk, now):
        return Delivered("not_claimed")
    message = Message.objects.get(pk=pk)
    try:
        built = _build(message)
    except Exception as exc:
        # Not the mail server: recorded like a failure, then shown in the worker's log.
        _failed(message, now, exc)
        raise
    if isinstance(built, Skip):
        _set(pk, status=built.status, claimed_at=None)
        return Delivered("skipped")
    if built.email is not None:
        built.email.extra_headers["Message-ID"] = message_id(message)
    sender = sender_for(message)
    if sender is None:
        # A letter with no one to post it but the team: it waits for them (docs/correspondence.md).
        _set(pk, status=MessageStatus.TO_POST, claimed_at=None, next_attempt_at=None)
        return Delivered("to_post")
    try:
        sender.open()  # step 2
        # `provider` is set at the first hand-over and kept: a retry after one asks first.
        earlier = sender.already_sent(message) if message.provider == sender.name else None
    except MAIL_ERRORS as exc:
        return _failed(message, now, exc)
    except Exception as exc:
        sender.close()
        return _failed(message, now, exc)
    if earlier is not None:
        # An earlier attempt got through (the provider has it by our reference): never twice.
        provider_id = earlier
    else:
        try:
            _set(pk, handed_over_at=timezone.now(), provider=sender.name)
            provider_id = sender.send(message, built)
        except Exception as exc:
            # Raised before the server's final "accepted": nothing was delivered (Notify: an
            # answer lost on the way back is found by its reference before the retry).
            sender.close()
            return _failed(message, now, exc)
    sender.close()  # sent: a failure to say goodbye changes nothing
    _set(
        pk,
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
        claimed_at=None,
        next_attempt_at=None,
        last_error="",
        provider=sender.name,
        provider_id=provider_id or "",
    )
    if built.after_sent is not None:
        built.after_sent()
    return Delivered("sent")


def message_send(*, message_id: int) -> bool:
    """Send one message (the task's whole work). False if there was nothing to send. A
    failure is put back to wait (retried with back-off) and raised, so the task shows as
    failed; the error raised names no one."""
    delivered = deliver(message_id)
    if delivered.outcome in ("failed", "gave_up"):
        raise MessageNotSent(f"Message {message_id} not sent: {delivered.error}")
    return delivered.sent


def _close(connection: Any) -> None:
    with contextlib.suppress(Exception):  # the message's fate is already known
        connection.close()


# --- What stopped workers left, what is due -------------------------------------------------


@dataclass
class Recovered:
    retried: int = 0
    in_doubt: int = 0


def recover(now: dt.datetime | None = None) -> Recovered:
    """Messages claimed by a worker that stopped (killed, or its machine lost): sent again
    if they never reached the mail server, marked "in doubt" (not sent again) if they may."""
    now = now or timezone.now()
    stale = Message.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=now - RETRY.claim_timeout
    )
    result = Recovered()
    # Handed to GOV.UK Notify: the retry asks Notify for its reference before sending, so
    # it is sent again (never twice) rather than left in doubt for a person.
    result.retried += stale.filter(handed_over_at__isnull=False, provider="notify").update(
        status=MessageStatus.RETRYING, claimed_at=None, next_attempt_at=None, queued_at=None
    )
    doubtful = list(stale.filter(handed_over_at__isnull=False).values_list("pk", flat=True))
    if doubtful:
        result.in_doubt = stale.filter(pk__in=doubtful).update(
            status=MessageStatus.IN_DOUBT, claimed_at=None, queued_at=None
        )
        logger.warning(
            "Message %s may have been sent by a worker that stopped: marked in doubt",
            ", ".join(str(pk) for pk in doubtful),
        )
    result.retried += stale.filter(handed_over_at__isnull=True).update(
        status=MessageStatus.RETRYING, claimed_at=None, next_attempt_at=None, queued_at=None
    )
    return result


def expire(now: dt.datetime | None = None) -> int:
    """Messages still waiting when it is too late to send them are given up."""
    now = now or timezone.now()
    return Message.objects.filter(status__in=WAITING, expires_at__lte=now).update(
        status=MessageStatus.FAILED, next_attempt_at=None, queued_at=None
    )


def due(now: dt.datetime | None = None, among: QuerySet[Message] | None = None) -> list[int]:
    """Messages to send now (after `recover`), oldest first."""
    now = now or timezone.now()
    rows = Message.objects.all() if among is None else among
    return list(rows.filter(_due(now)).order_by("pk").values_list("pk", flat=True))


@dataclass
class Pending:
    due: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    expired: int = 0
    recovered: Recovered = field(default_factory=Recovered)


def send_pending(
    *,
    inline: bool = False,
    among: QuerySet[Message] | None = None,
    now: dt.datetime | None = None,
) -> Pending:
    """What `harken send-pending-messages` does, and `harken run-scheduled` after it: recover
    stopped workers' messages, give up those too late, and queue (or send here, `inline`)
    every one that is due and not already queued recently."""
    now = now or timezone.now()
    result = Pending(recovered=recover(now), expired=expire(now))
    ids = due(now, among)
    result.due = len(ids)
    if not inline:
        # Claimed with the condition they were found by: of two runs at the same moment
        # (two nodes), only the one whose update took a row queues it, and only while it is
        # still due (another node's worker may have sent it since, which clears queued_at).
        fresh = Q(queued_at__isnull=True) | Q(queued_at__lt=now - RETRY.requeue_after)
        for pk in ids:
            if Message.objects.filter(fresh, _due(now), pk=pk).update(queued_at=now):
                message_enqueue(pk)
                result.queued += 1
        return result
    for pk in ids:
        try:
            result.sent += message_send(message_id=pk)
        except Exception:  # recorded on the row; go on with the rest
            result.failed += 1
    return result


# --- Staff: what was not sent, and sending it again -----------------------------------------


def may_retry(user: Any) -> bool:
    """The feedback team and administrators look after the messages not sent."""
    from harken import access

    return access.may(user, access.Perm.OUTBOX_RETRY)


def messages_for_case(case: Any) -> QuerySet[Message]:
    """The messages sent (or being sent) about a case, newest first: the case page shows
    them to whoever may see the case."""
    return Message.objects.filter(case=case).order_by("-created_at", "-pk")


def messages_not_sent(user: Any) -> QuerySet[Message]:
    """Messages that need a person (failed, or in doubt), or have not arrived (bounced, a
    letter waiting to be posted by the team), oldest first, about cases the user may see (or
    about no case)."""
    from harken import access

    return (
        Message.objects.filter(status__in=NOT_ARRIVED)
        .filter(Q(case__isnull=True) | Q(case__in=access.visible_cases(user)))
        .select_related("case")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def message_retry(*, message: Message, actor: Any) -> Message:
    """A person sends again a message that failed or is in doubt (having checked the mail
    server's log). A message already sent, or on its way, is left alone: never twice."""
    from harken.cases.models import TimelineEvent
    from harken.core.audit import record_event

    if not may_retry(actor):
        raise AccessDenied("Only the feedback team and administrators can send messages again.")
    from harken import access

    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.case is not None and not access.can_view_case(actor, locked.case):
        raise AccessDenied("You cannot see the case this message is about.")
    if locked.status not in (MessageStatus.FAILED, MessageStatus.IN_DOUBT):
        raise ApplicationError(
            f"This message is not waiting for a person: it is "
            f"{locked.get_status_display().lower()}."
        )
    was = locked.get_status_display()
    retries = [*locked.data.get("retries", []), {"at": timezone.now().isoformat(), "by": actor.pk}]
    Message.objects.filter(pk=locked.pk).update(
        status=MessageStatus.QUEUED,
        # A new round of attempts; the total so far stays in `retries` and the audit.
        attempts=0,
        next_attempt_at=None,
        expires_at=None,
        handed_over_at=None,
        queued_at=timezone.now(),
        data={**locked.data, "retries": retries},
    )
    if locked.case_id is not None:
        record_event(
            case=locked.case,  # type: ignore[arg-type]
            actor=actor,
            verb=TimelineEvent.Verb.MESSAGE_RETRIED,
            description=f"{locked.get_kind_display()} sent again (was: {was.lower()})",
        )
    logger.info("Message %s sent again by user %s", locked.pk, actor.pk)
    transaction.on_commit(partial(message_enqueue, locked.pk), robust=True)
    locked.refresh_from_db()
    return locked


# --- After sending: delivery receipts and bounces -------------------------------------------

# What a receipt may say became of a message that was handed over, and the timeline's words.
DELIVERY_ENDS: dict[str, str] = {
    MessageStatus.DELIVERED: "delivered",
    MessageStatus.BOUNCED: "not delivered (bounced)",
    MessageStatus.FAILED: "not delivered (the provider gave up)",
}


@transaction.atomic
def record_delivery(
    *, message: Message, status: str, at: dt.datetime | None = None, detail: str = ""
) -> bool:
    """What became of a message after it was sent: delivered, bounced, or failed at the
    provider (GOV.UK Notify's receipt, a bounce read from the mailbox). Only a message that
    was handed over takes a receipt, and the same receipt twice changes nothing; a delivered
    e-mail may still bounce later. Written on the case's timeline. False: nothing changed."""
    from harken.core.audit import record_event

    if status not in DELIVERY_ENDS:
        raise ApplicationError.for_field("status", "That is not a delivery status.")
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.status == status or locked.status not in ACCEPTED:
        return False
    if locked.status == MessageStatus.BOUNCED:
        return False  # a bounce is the last word: a later "delivered" is the provider's echo
    at = at or timezone.now()
    Message.objects.filter(pk=locked.pk).update(
        status=status, delivered_at=at, delivery_detail=detail[:500]
    )
    if locked.case_id is not None:
        from harken.cases.models import TimelineEvent

        verb: TimelineEvent.Verb = {
            MessageStatus.DELIVERED: TimelineEvent.Verb.MESSAGE_DELIVERED,
            MessageStatus.BOUNCED: TimelineEvent.Verb.MESSAGE_BOUNCED,
            MessageStatus.FAILED: TimelineEvent.Verb.MESSAGE_FAILED,
        }[MessageStatus(status)]
        record_event(
            case=locked.case,  # type: ignore[arg-type]
            actor=None,
            verb=verb,
            description=f"{locked.get_kind_display()} to {', '.join(locked.to)} "
            f"{DELIVERY_ENDS[status]}" + (f": {detail}" if detail else ""),
        )
    logger.info("Message %s: delivery status %s", locked.pk, status)
    message.refresh_from_db()
    return True
