"""Reminder preferences and the record of every reminder due, tried and sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReminderKind(models.TextChoices):
    DIGEST = "digest", "Daily digest"
    ACTIONS = "actions", "Monthly action reminder"
    OVERDUE_SUMMARY = "overdue_summary", "Monthly overdue-actions summary"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    NOTHING_DUE = "nothing_due", "Not sent: nothing was due by then"
    NOT_WANTED = "not_wanted", "Not sent: switched off, or no e-mail address"
    GAVE_UP = "gave_up", "Not sent: it could not be sent in time"
    IN_DOUBT = "in_doubt", "May have been sent: the worker stopped while handing it over"


class ReminderPreference(models.Model):
    """Which reminders a person gets. Without a row, the defaults below apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    daily_digest = models.BooleanField(
        "Daily digest", default=True, help_text="What is overdue or due soon, each working day."
    )
    monthly_actions = models.BooleanField(
        "Monthly action reminder",
        default=True,
        help_text="Your open actions on the action plan, on the first working day of the month.",
    )
    overdue_summary = models.BooleanField(
        "Monthly overdue-actions summary",
        default=True,
        help_text="Only sent to senior managers.",
    )
    # A "senior manager" for the reminders: someone an administrator has chosen to receive
    # the monthly summary of overdue actions. Set by administrators, not by the person.
    senior_manager = models.BooleanField(
        "Receives the overdue-actions summary (senior manager)", default=False
    )
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user}"

    @property
    def gets_overdue_summary(self) -> bool:
        return self.senior_manager and self.overdue_summary


class SentReminder(models.Model):
    """One reminder due to one person for one period: the row exists once, whatever happens.

    `harken run-scheduled` creates it (at most once: the unique constraint) and queues it;
    the task sends it and records `sent_at`, or the attempt and the error for the next run.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    # "digest:2026-11-23", "actions:2026-11", "overdue-summary:2026-11".
    period_key = models.CharField(max_length=40)
    # The day the reminder is about (the digest's day, the month's first working day).
    period_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when run-scheduled queues the task, cleared when the task has run: a row queued
    # long ago and never run (the worker was down) is queued again.
    queued_at = models.DateTimeField(null=True, blank=True)
    # Set by the task that is sending it, so two workers never send the same reminder.
    sending_since = models.DateTimeField(null=True, blank=True)
    # Set just before the message is handed to the mail server (see outbox.deliver).
    handed_over_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    # What the e-mail listed when it was sent: references, dates and counts, never names.
    items = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-period_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period_key"], name="sent_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["status", "period_on"], name="sent_reminder_pending")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_key} for {self.user}"


class EmailKind(models.TextChoices):
    COMPLIMENT = "compliment", "Compliment passed on"
    PASSWORD_LINK = "password_link", "Link to set a password"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    GAVE_UP = "gave_up", "Not sent: gave up after repeated failures"
    IN_DOUBT = "in_doubt", "May have been sent: the worker stopped while handing it over"


class Email(models.Model):
    """One e-mail Harken sends that has no record of its own to keep its state on (a
    compliment passed on, a link to set a password): sent once, by `outbox.deliver`.

    The message is written from current data when it is sent, so nothing secret is stored:
    a password link's token is made at that moment, from the account as it then is.
    """

    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    to = models.JSONField(default=list)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    # Who asked for it (the administrator who created an account); None: the person did.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the message needs besides its records: {"base_url": ..., "new_account": true}.
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"
