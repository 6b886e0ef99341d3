"""The one way Harken sends an e-mail: claim, open, hand over, mark (docs/email.md).

Every e-mail Harken sends (online forms' confirmations, reminders and digests, compliments
passed on, password links) is a row that says where it stands, and a task that takes the
row's id. The task sends it through `deliver`, and only `deliver`:

1. **Claim.** One UPDATE moves the row from "pending" (and due) to "sending" and counts the
   attempt; it commits at once. Two workers, or a worker and a retry, never both win it.
2. **Open** the connection to the mail server. Every wait on it is bounded by
   `EMAIL_TIMEOUT`, so a server that accepts and never answers fails the attempt instead of
   holding the worker (which would then ignore SIGTERM) for ever.
3. **Hand over.** The row records `handed_over_at` (committed), then the message is sent.
4. **Mark.** The row records "sent", with the time. What the audit says was sent was sent:
   audit events about an e-mail are written here, after the server took it.

A refusal (the server says no, or does not answer in time) puts the row back to "pending"
with the next attempt after a back-off, or "gave up" after the last attempt. The error is
recorded by its type and message on the row (shown to staff), and logged by its type only:
a mail server's message can name the address.

**A worker killed mid-send.** Its claim is recovered (`recover`) once older than the
outbox's claim timeout, which is far longer than a live send can take (`EMAIL_TIMEOUT` bounds
each step):

- no `handed_over_at`: the message never reached the server, so it goes back to "pending"
  and is sent again: nothing is lost;
- `handed_over_at` set: the server may have it. The row becomes "in doubt" and is **not**
  sent again (the second copy of issue 10); staff see it on the record. So the row and the
  mail server disagree about at most one message per worker killed: the one it was handing
  over. The message's Message-ID is fixed per row (`<harken.KIND.ID@host>`), so the mail
  server's log says whether it arrived. With GOV.UK Notify (not used yet) the row's id would
  be the Notify `reference`, looked up before sending again: exactly once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# Minutes before each retry of an e-mail the mail server refused.
RETRY_MINUTES = (1, 5, 15, 60, 180, 360, 720)
# What a mail server's failure looks like: refusals, and the network (timeouts included).
MAIL_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Outbox:
    """Where one kind of e-mail keeps its state: its model and the names of its fields, and
    how it is retried. (Issue 11 merges the models into one; the protocol stays this.)"""

    name: str  # in Message-IDs and logs: never a person's name
    model: type[models.Model]
    status: str
    pending: str
    sending: str
    sent: str
    gave_up: str
    in_doubt: str
    claimed_at: str
    handed_over_at: str
    attempts: str
    last_error: str
    sent_at: str
    max_attempts: Callable[[], int]
    next_attempt_at: str | None = None  # None: whoever queues it decides when to retry
    attempted_at: str | None = None  # set to the time of each claim
    # Set to None whenever a claim ends, sent or not (a reminder's `queued_at`).
    cleared_when_done: tuple[str, ...] = ()
    claim_timeout: dt.timedelta = dt.timedelta(minutes=10)
    retry_minutes: tuple[int, ...] = RETRY_MINUTES
    # Queue the task again for a time, where the task backend can defer.
    requeue: Callable[[int, dt.datetime], None] | None = None


@dataclass(frozen=True)
class Message:
    """What `build` gives `deliver`: the e-mail, and fields to record once it is sent."""

    email: EmailMessage
    on_sent: dict[str, Any] = field(default_factory=dict)
    after_sent: Callable[[], None] | None = None  # e.g. the audit event that it was sent


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


def message_id(outbox: Outbox, pk: int) -> str:
    """The same Message-ID for every attempt at one row's e-mail."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "harken.invalid"
    return f"<harken.{outbox.name}.{pk}@{domain}>"


def _rows(outbox: Outbox) -> models.QuerySet[Any]:
    return outbox.model._default_manager.all()


def claim(outbox: Outbox, pk: int, now: dt.datetime) -> bool:
    """Step 1: only one worker sends each e-mail, and only when it is due."""
    due = Q(**{outbox.status: outbox.pending})
    if outbox.next_attempt_at:
        due &= Q(**{f"{outbox.next_attempt_at}__isnull": True}) | Q(
            **{f"{outbox.next_attempt_at}__lte": now}
        )
    values: dict[str, Any] = {
        outbox.status: outbox.sending,
        outbox.claimed_at: now,
        outbox.handed_over_at: None,
        outbox.attempts: F(outbox.attempts) + 1,
    }
    if outbox.attempted_at:
        values[outbox.attempted_at] = now
    return bool(_rows(outbox).filter(due, pk=pk).update(**values))


def _set(outbox: Outbox, pk: int, **values: Any) -> None:
    """Write the row's new state; a claim that ends clears what the outbox says it should."""
    if outbox.claimed_at in values and values[outbox.claimed_at] is None:
        values = {**dict.fromkeys(outbox.cleared_when_done), **values}
    _rows(outbox).filter(pk=pk).update(**values)


def _failed(outbox: Outbox, row: Any, now: dt.datetime, exc: BaseException) -> Delivered:
    attempts = int(getattr(row, outbox.attempts))
    gave_up = attempts >= outbox.max_attempts()
    wait = dt.timedelta(minutes=outbox.retry_minutes[min(attempts, len(outbox.retry_minutes)) - 1])
    values: dict[str, Any] = {
        outbox.status: outbox.gave_up if gave_up else outbox.pending,
        outbox.claimed_at: None,
        outbox.handed_over_at: None,
        outbox.last_error: f"{type(exc).__name__}: {exc}"[:500],
    }
    if outbox.next_attempt_at:
        values[outbox.next_attempt_at] = None if gave_up else now + wait
    _set(outbox, row.pk, **values)
    logger.warning(
        "E-mail %s %s not sent (attempt %s%s): %s",
        outbox.name,
        row.pk,
        attempts,
        ", given up" if gave_up else "",
        type(exc).__name__,
    )
    if not gave_up and outbox.requeue is not None:
        outbox.requeue(row.pk, now + wait)
    return Delivered("gave_up" if gave_up else "failed", type(exc).__name__)


def deliver(outbox: Outbox, pk: int, build: Callable[[Any], Message | Skip]) -> Delivered:
    """Send the row's e-mail once, by the protocol above. `build` makes the message from the
    row (and current data) after the claim; it may find there is nothing to send."""
    now = timezone.now()
    if not claim(outbox, pk, now):
        return Delivered("not_claimed")
    row = _rows(outbox).get(pk=pk)
    try:
        built = build(row)
    except Exception as exc:
        # Not the mail server: recorded like a failure, then shown in the worker's log.
        _failed(outbox, row, now, exc)
        raise
    if isinstance(built, Skip):
        _set(outbox, pk, **{outbox.status: built.status, outbox.claimed_at: None})
        return Delivered("skipped")
    email = built.email
    email.extra_headers["Message-ID"] = message_id(outbox, pk)
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        connection.open()  # step 2: a server that never answers fails here, in time
    except MAIL_ERRORS as exc:
        return _failed(outbox, row, now, exc)
    try:
        _set(outbox, pk, **{outbox.handed_over_at: timezone.now()})
        email.connection = connection
        email.send()
    except Exception as exc:
        # Raised before the server's final "accepted": nothing was delivered.
        _close(connection)
        return _failed(outbox, row, now, exc)
    _close(connection)  # sent: a failure to say goodbye changes nothing
    _set(
        outbox,
        pk,
        **{
            outbox.status: outbox.sent,
            outbox.sent_at: timezone.now(),
            outbox.claimed_at: None,
            outbox.last_error: "",
            **built.on_sent,
        },
    )
    if built.after_sent is not None:
        built.after_sent()
    return Delivered("sent")


def _close(connection: Any) -> None:
    with contextlib.suppress(Exception):  # the message's fate is already known
        connection.close()


@dataclass
class Recovered:
    retried: int = 0
    in_doubt: int = 0


def recover(outbox: Outbox, now: dt.datetime | None = None) -> Recovered:
    """E-mails claimed by a worker that stopped (killed, or its machine lost): sent again if
    they never reached the mail server, marked "in doubt" (not sent again) if they may have."""
    now = now or timezone.now()
    stale = _rows(outbox).filter(
        **{outbox.status: outbox.sending, f"{outbox.claimed_at}__lt": now - outbox.claim_timeout}
    )
    result = Recovered()
    doubtful = list(
        stale.filter(**{f"{outbox.handed_over_at}__isnull": False}).values_list("pk", flat=True)
    )
    if doubtful:
        result.in_doubt = stale.filter(pk__in=doubtful).update(
            **{outbox.status: outbox.in_doubt, outbox.claimed_at: None}
        )
        logger.warning(
            "E-mail %s %s may have been sent by a worker that stopped: marked in doubt",
            outbox.name,
            ", ".join(str(pk) for pk in doubtful),
        )
    retry: dict[str, Any] = {outbox.status: outbox.pending, outbox.claimed_at: None}
    if outbox.next_attempt_at:
        retry[outbox.next_attempt_at] = None
    result.retried = stale.filter(**{f"{outbox.handed_over_at}__isnull": True}).update(**retry)
    return result


def due(outbox: Outbox, now: dt.datetime | None = None) -> list[int]:
    """Rows waiting to be sent now (after `recover`)."""
    now = now or timezone.now()
    waiting = Q(**{outbox.status: outbox.pending})
    if outbox.next_attempt_at:
        waiting &= Q(**{f"{outbox.next_attempt_at}__isnull": True}) | Q(
            **{f"{outbox.next_attempt_at}__lte": now}
        )
    return list(_rows(outbox).filter(waiting).values_list("pk", flat=True))
