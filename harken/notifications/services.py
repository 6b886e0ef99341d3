"""Reminders: which are due when, recording each once, sending each once, and preferences.

`schedule(day)` is what `harken run-scheduled` does. It is idempotent: every reminder is a
`SentReminder` row unique on (person, kind, period), so running it twice creates nothing
new. Each reminder has its `Message` in the one outbox, which sends it (`reminder_build`
writes it from current data when it is sent), retries it by the one policy, and gives it up
once its period is over (`expires_at`) or its attempts run out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string

from harken import access
from harken.accounts.models import User
from harken.core.dates import LONDON, format_date, today
from harken.core.errors import AccessDenied, ApplicationError
from harken.learning.models import OPEN_STATUSES, Action
from harken.workdays.rules import is_working_day

from . import conf, content, outbox
from .models import Message, MessageStatus, ReminderKind, ReminderPreference, SentReminder

logger = logging.getLogger(__name__)


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
    return User.objects.filter(
        is_active=True, role__in=access.roles_with(access.Perm.OVERDUE_SUMMARY)
    ).order_by("last_name", "first_name", "username")


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
        return users.filter(role__in=access.roles_with(access.Perm.DAILY_DIGEST)).exclude(
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


def _expires_at(kind: str, day: dt.date) -> dt.datetime:
    """A reminder not sent by the end of its period is not sent at all (the next one replaces
    it); one recorded by hand for a past day (`--date`) has until the end of today."""
    if kind == ReminderKind.DIGEST:
        end = day + dt.timedelta(days=1)
    else:
        end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end = max(end, today() + dt.timedelta(days=1))
    return dt.datetime.combine(end, dt.time(0), tzinfo=LONDON)


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
                    message = outbox.message_queue(
                        kind=kind,
                        to=[user.email],
                        user=user,
                        expires_at=_expires_at(kind, day),
                        queue_now=False,  # queued below, with every other message due
                    )
                    SentReminder.objects.create(
                        user=user, kind=kind, period_key=key, period_on=day, message=message
                    )
            except IntegrityError:  # another run created it at the same moment
                continue
            created += 1
    return created


def schedule(day: dt.date, *, create: bool = True) -> ScheduleResult:
    """Record the reminders due on `day` (once) and queue every message not yet sent.

    With `create` False only retries are queued (a run before the reminder hour). Safe to
    start on every node at once: on PostgreSQL one run goes on and the others return at once
    (`skipped`); everywhere, each reminder's row is made once and each message queued once.
    A run for a day other than today (`--date`) queues only that day's reminders.
    """
    from harken.ops.locks import one_node_at_a_time

    result = ScheduleResult()
    with one_node_at_a_time("harken.run-scheduled") as alone:
        if not alone:
            result.skipped = True
            return result
        if create:
            result.created = _create(day)
        among = None
        if day != today():
            keys = [period_key(kind, day) for kind in ReminderKind.values]
            among = Message.objects.filter(reminder__period_key__in=keys)
        pending = outbox.send_pending(among=among)
        result.queued, result.expired = pending.queued, pending.expired
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


def reminder_build(message: Message) -> outbox.Built | outbox.Skip:
    """The reminder from current data, or why there is nothing to send after all."""
    reminder = SentReminder.objects.select_related("user").get(message=message)
    user = reminder.user
    if not wants(user, reminder.kind):
        return outbox.Skip(MessageStatus.NOT_WANTED)
    built = content.BUILDERS[reminder.kind](user, reminder.period_on)
    if built.is_empty:
        return outbox.Skip(MessageStatus.NOT_NEEDED)
    email = build_message(reminder, built)

    def sent() -> None:
        SentReminder.objects.filter(pk=reminder.pk).update(
            subject=email.subject, items=built.snapshot()
        )

    return outbox.Built(email=email, after_sent=sent)
