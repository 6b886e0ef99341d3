"""Reminders: which are due when, recording each once, sending each once, and preferences.

`schedule(day)` is what `harken run-scheduled` does. It is idempotent: every reminder is a
`SentReminder` row unique on (person, kind, period), created with get_or_create, so running
it twice creates nothing new; only rows not yet sent are queued. The task (`deliver`) builds
the e-mail from current data, sends it and records `sent_at`; if the mail server fails it
records the attempt and the error and leaves the row pending, and the next run queues it
again, until the period is over or the attempts run out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from harken.accounts.models import Role, User
from harken.core import access
from harken.core.dates import format_date
from harken.core.errors import AccessDenied, ApplicationError
from harken.learning.models import OPEN_STATUSES, Action
from harken.workdays.rules import is_working_day

from . import conf, content, outbox
from .models import ReminderKind, ReminderPreference, ReminderStatus, SentReminder

logger = logging.getLogger(__name__)

# A task that claimed a reminder and died is taken to have failed after this long.
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
# A queued reminder whose task never ran (the worker was down) is queued again after this.
REQUEUE_AFTER = dt.timedelta(hours=1)


# --- Periods --------------------------------------------------------------------------------


def _open(day: dt.date) -> bool:
    """A day the council is open: reminders wait out its closure days too."""
    return is_working_day(day, skip_closure_days=True)


def first_working_day(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while not _open(day):
        day += dt.timedelta(days=1)
    return day


def period_key(kind: str, day: dt.date) -> str:
    if kind == ReminderKind.DIGEST:
        return f"digest:{day.isoformat()}"
    if kind == ReminderKind.ACTIONS:
        return f"actions:{day:%Y-%m}"
    return f"overdue-summary:{day:%Y-%m}"


def kinds_due(day: dt.date) -> list[str]:
    """Daily digests on working days; monthly reminders on the month's first working day."""
    kinds: list[str] = []
    if _open(day):
        kinds.append(ReminderKind.DIGEST)
        if day == first_working_day(day.year, day.month):
            kinds += [ReminderKind.ACTIONS, ReminderKind.OVERDUE_SUMMARY]
    return kinds


def _period(reminder: SentReminder) -> tuple[int, ...]:
    """The reminder's period, comparable with `_period_of`: a day, or a month."""
    on = reminder.period_on
    return (
        (on.year, on.month, on.day) if reminder.kind == ReminderKind.DIGEST else (on.year, on.month)
    )


def _period_of(reminder: SentReminder, day: dt.date) -> tuple[int, ...]:
    full = (day.year, day.month, day.day)
    return full if reminder.kind == ReminderKind.DIGEST else full[:2]


def _period_current(reminder: SentReminder, day: dt.date) -> bool:
    return _period(reminder) == _period_of(reminder, day)


def _period_over(reminder: SentReminder, day: dt.date) -> bool:
    return _period(reminder) < _period_of(reminder, day)


# --- Preferences ----------------------------------------------------------------------------


def preference_for(user: User) -> ReminderPreference:
    """The person's preferences (the defaults, unsaved, if they never changed them)."""
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


@transaction.atomic
def preferences_update(
    *,
    user: User,
    actor: User,
    daily_digest: bool,
    monthly_actions: bool,
    overdue_summary: bool,
) -> ReminderPreference:
    """A person chooses the reminders they get (only their own)."""
    if actor.pk != user.pk:
        raise AccessDenied("You can only change your own reminders.")
    preference, _ = ReminderPreference.objects.get_or_create(user=user)
    preference.daily_digest = daily_digest
    preference.monthly_actions = monthly_actions
    preference.overdue_summary = overdue_summary
    preference.save()
    return preference


def senior_manager_candidates() -> QuerySet[User]:
    """Who may get the overdue-actions summary: active council staff (not IOs, IPs or panel
    members, who are often from outside the council)."""
    return (
        User.objects.filter(is_active=True)
        .exclude(role__in=[Role.INVESTIGATING_OFFICER, Role.INDEPENDENT_PERSON, Role.PANEL_MEMBER])
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def senior_managers_set(*, users: Iterable[User], actor: User) -> list[User]:
    """Administrators choose who gets the monthly overdue-actions summary."""
    if not access.is_administrator(actor):
        raise AccessDenied("Only an administrator chooses who gets the overdue summary.")
    chosen = {u.pk for u in users}
    refused = chosen - set(
        senior_manager_candidates().filter(pk__in=chosen).values_list("pk", flat=True)
    )
    if refused:
        raise ApplicationError.for_field(
            "users",
            "Only active council staff can get the overdue summary, not investigating "
            "officers, independent persons or panel members.",
        )
    ReminderPreference.objects.filter(senior_manager=True).exclude(user_id__in=chosen).update(
        senior_manager=False
    )
    for pk in chosen:
        preference, _ = ReminderPreference.objects.get_or_create(user_id=pk)
        if not preference.senior_manager:
            preference.senior_manager = True
            preference.save()
    return list(User.objects.filter(pk__in=chosen))


# --- Who gets what --------------------------------------------------------------------------


def _reachable() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(email="")


def recipients(kind: str) -> QuerySet[User]:
    """The people who may get a reminder of this kind (each is sent only if it has content)."""
    users = _reachable()
    if kind == ReminderKind.DIGEST:
        return users.exclude(role=Role.REPORT_VIEWER).exclude(
            reminder_preference__daily_digest=False
        )
    if kind == ReminderKind.ACTIONS:
        owners = Action.objects.filter(status__in=OPEN_STATUSES).values("owner_id")
        return users.filter(pk__in=owners).exclude(reminder_preference__monthly_actions=False)
    return users.filter(
        reminder_preference__senior_manager=True, reminder_preference__overdue_summary=True
    )


def wants(user: User, kind: str) -> bool:
    if not user.is_active or not user.email:
        return False
    preference = preference_for(user)
    if kind == ReminderKind.DIGEST:
        return preference.daily_digest
    if kind == ReminderKind.ACTIONS:
        return preference.monthly_actions
    return preference.gets_overdue_summary


# --- Scheduling -----------------------------------------------------------------------------


@dataclass
class ScheduleResult:
    created: int = 0
    queued: int = 0
    expired: int = 0
    # Another node was running the schedule at that moment, so this one did nothing.
    skipped: bool = False


def _expire(day: dt.date) -> int:
    """Pending reminders whose period is over, or that ran out of attempts, are given up."""
    expired = 0
    for reminder in SentReminder.objects.filter(status=ReminderStatus.PENDING):
        if _period_over(reminder, day) or reminder.attempts >= conf.max_attempts():
            reminder.status = ReminderStatus.GAVE_UP
            reminder.queued_at = None
            reminder.save(update_fields=["status", "queued_at"])
            expired += 1
    return expired


def _create(day: dt.date) -> int:
    created = 0
    for kind in kinds_due(day):
        key = period_key(kind, day)
        done = set(
            SentReminder.objects.filter(kind=kind, period_key=key).values_list("user_id", flat=True)
        )
        for user in recipients(kind).exclude(pk__in=done).prefetch_related("teams"):
            if content.BUILDERS[kind](user, day).is_empty:
                continue
            try:
                with transaction.atomic():
                    _, made = SentReminder.objects.get_or_create(
                        user=user, kind=kind, period_key=key, defaults={"period_on": day}
                    )
            except IntegrityError:  # another run created it at the same moment
                made = False
            created += made
    return created


def _queue(day: dt.date) -> int:
    from .tasks import send_reminder

    now = timezone.now()
    waiting = SentReminder.objects.filter(status=ReminderStatus.PENDING).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    )
    queued = 0
    for reminder in waiting.order_by("pk"):
        if not _period_current(reminder, day):
            continue
        # Claimed with the same condition it was found by: of two runs that found it at the
        # same moment, only the one whose update took it queues it.
        if not waiting.filter(pk=reminder.pk).update(queued_at=now):
            continue
        send_reminder.enqueue(reminder.pk)
        queued += 1
    return queued


def schedule(day: dt.date, *, create: bool = True) -> ScheduleResult:
    """Record the reminders due on `day` (once) and queue every one not yet sent.

    With `create` False only retries are queued (a run before the reminder hour). Safe to
    start on every node at once: on PostgreSQL one run goes on and the others return at once
    (`skipped`); everywhere, each reminder's row is made once and queued once.
    """
    from harken.ops.locks import one_node_at_a_time

    result = ScheduleResult()
    with one_node_at_a_time("harken.run-scheduled") as alone:
        if not alone:
            result.skipped = True
            return result
        outbox.recover(OUTBOX)  # reminders whose worker stopped while sending them
        result.expired = _expire(day)
        if create:
            result.created = _create(day)
        result.queued = _queue(day)
    return result


# --- Sending --------------------------------------------------------------------------------

SUBJECTS = {
    ReminderKind.DIGEST: "Daily digest for {day}",
    ReminderKind.ACTIONS: "Your open actions, {month}",
    ReminderKind.OVERDUE_SUMMARY: "Overdue actions, {month}",
}


def build_message(reminder: SentReminder, built: content.Content) -> EmailMessage:
    day = reminder.period_on
    subject = (
        f"{settings.HARKEN_SERVICE_NAME}: "
        + SUBJECTS[ReminderKind(reminder.kind)].format(day=format_date(day), month=f"{day:%B %Y}")
        + f" ({content.describe(built)})"
    )
    body = render_to_string(
        "notifications/email/reminder.txt",
        {
            "reminder": reminder,
            "content": built,
            "council_name": settings.HARKEN_COUNCIL_NAME,
            "service_name": settings.HARKEN_SERVICE_NAME,
            "preferences_url": conf.site_url() + "/staff/reminders/",
        },
    )
    return EmailMessage(subject=subject[:200], body=body, to=[reminder.user.email])


OUTBOX = outbox.Outbox(
    name="reminder",
    model=SentReminder,
    status="status",
    pending=ReminderStatus.PENDING,
    sending=ReminderStatus.SENDING,
    sent=ReminderStatus.SENT,
    gave_up=ReminderStatus.GAVE_UP,
    in_doubt=ReminderStatus.IN_DOUBT,
    claimed_at="sending_since",
    handed_over_at="handed_over_at",
    attempts="attempts",
    last_error="last_error",
    sent_at="sent_at",
    attempted_at="last_attempt_at",
    cleared_when_done=("queued_at",),
    max_attempts=conf.max_attempts,
    claim_timeout=CLAIM_TIMEOUT,
)


def _claim(reminder_id: int, now: dt.datetime) -> bool:
    return outbox.claim(OUTBOX, reminder_id, now)


def _message(reminder: SentReminder) -> outbox.Message | outbox.Skip:
    """The reminder from current data, or why there is nothing to send after all."""
    user = reminder.user
    if not wants(user, reminder.kind):
        return outbox.Skip(ReminderStatus.NOT_WANTED)
    built = content.BUILDERS[reminder.kind](user, reminder.period_on)
    if built.is_empty:
        return outbox.Skip(ReminderStatus.NOTHING_DUE)
    message = build_message(reminder, built)
    return outbox.Message(
        email=message, on_sent={"subject": message.subject, "items": built.snapshot()}
    )


def deliver(reminder_id: int) -> str:
    """Send one reminder if it is still unsent (notifications.outbox.deliver); the task's
    whole work. Returns what happened.

    A mail-server failure is recorded (attempts, error) and the reminder left pending for the
    next run; it never raises, so a failing server cannot stop run-scheduled.
    """
    delivered = outbox.deliver(OUTBOX, reminder_id, _message)
    if delivered.outcome == "not_claimed":
        return "not pending"
    if delivered.outcome in ("failed", "gave_up"):
        return "failed"
    if delivered.outcome == "skipped":
        return str(SentReminder.objects.values_list("status", flat=True).get(pk=reminder_id))
    return ReminderStatus.SENT
