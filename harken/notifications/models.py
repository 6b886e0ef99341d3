"""Reminder preferences and the record of every reminder due, tried and sent."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models


class ReminderKind(models.TextChoices):
    DIGEST = "digest", "Daily digest"
    ACTIONS = "actions", "Monthly action reminder"
    OVERDUE_SUMMARY = "overdue_summary", "Monthly overdue-actions summary"


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

    `harken run-scheduled` creates it (at most once: the unique constraint) with its
    `Message`, which the one outbox sends, retries and reports on like every other message.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    # "digest:2026-11-23", "actions:2026-11", "overdue-summary:2026-11".
    period_key = models.CharField(max_length=40)
    # The day the reminder is about (the digest's day, the month's first working day).
    period_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    # How it is being sent, or was: the one outbox (`Message`) keeps every message's state.
    message = models.OneToOneField(
        "notifications.Message", on_delete=models.PROTECT, related_name="reminder"
    )
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

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_key} for {self.user}"

    # What the reminders page and its tests read: the message's state, under its old names.
    @property
    def status(self) -> str:
        return self.message.status

    def get_status_display(self) -> str:
        return self.message.get_status_display()

    @property
    def attempts(self) -> int:
        return self.message.attempts

    @property
    def last_error(self) -> str:
        return self.message.last_error

    @property
    def sent_at(self) -> dt.datetime | None:
        return self.message.sent_at


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"
    LETTER = "letter", "Letter"


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation of an online form"
    COMPLIMENT = "compliment", "Compliment passed on"
    PASSWORD_LINK = "password_link", "Link to set a password"
    DIGEST = "digest", "Daily digest"
    ACTIONS = "actions", "Monthly action reminder"
    OVERDUE_SUMMARY = "overdue_summary", "Monthly overdue-actions summary"
    # Issue 13: written by a person on the case page (or the API), kept whole on the row.
    CASE_EMAIL = "case_email", "E-mail from the case"
    CASE_LETTER = "case_letter", "Letter from the case"
    CASE_TEXT = "case_text", "Text message from the case"
    # Issue 14: a satisfaction survey's one-time link, its token made when it is sent.
    SURVEY = "survey", "Satisfaction survey"


# The kinds a person writes on a case: their subject, body and attachments are on the row.
CASE_KINDS = (MessageKind.CASE_EMAIL, MessageKind.CASE_LETTER, MessageKind.CASE_TEXT)


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Not sent yet: it failed and will be tried again"
    FAILED = "failed", "Not sent: gave up after repeated failures, or too late to send"
    IN_DOUBT = "in_doubt", "May have been sent: the worker stopped while handing it over"
    NOT_NEEDED = "not_needed", "Not sent: nothing was due by then"
    NOT_WANTED = "not_wanted", "Not sent: switched off, or no address"
    # Issue 13: what became of a message after it was sent (a delivery receipt, a bounce),
    # and a letter Harken cannot post itself (no GOV.UK Notify): the team prints and posts it.
    DELIVERED = "delivered", "Delivered"
    BOUNCED = "bounced", "Not delivered: it bounced back, or the provider could not deliver it"
    TO_POST = "to_post", "To be printed and posted by the team"


# Waiting for a worker: queued the first time, retrying after a failure.
WAITING = (MessageStatus.QUEUED, MessageStatus.RETRYING)
# Need a person to look: the staff page of messages not sent lists these.
NEEDS_LOOKING_AT = (MessageStatus.FAILED, MessageStatus.IN_DOUBT)
# The page of messages not sent lists these too: undelivered, or waiting for the team to post.
NOT_ARRIVED = (*NEEDS_LOOKING_AT, MessageStatus.BOUNCED, MessageStatus.TO_POST)
# Handed over and accepted: what a delivery receipt or a bounce may follow.
ACCEPTED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.BOUNCED)


class Message(models.Model):
    """Every message Harken sends, on any channel: one row, sent once by `outbox.deliver`,
    retried by the one policy (`outbox.RETRY`). See docs/email.md and ADR 0070.

    The message itself is written from current data when it is sent, so nothing secret is
    stored: a password link's token is made at that moment, from the account as it then is.
    """

    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    # Addresses (e-mail), numbers (text) or a postal address's lines (letter).
    to = models.JSONField(default=list)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    submission = models.ForeignKey(
        "intake.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    # Who asked for it (the administrator who created an account); None: the person or Harken.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the message needs besides its records: {"base_url": ..., "new_account": true}.
    data = models.JSONField(default=dict, blank=True)
    # The same for every attempt: the Message-ID's, and GOV.UK Notify's `reference`.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Not sent by then, it is not sent at all (yesterday's digest).
    expires_at = models.DateTimeField(null=True, blank=True)
    # When its task was last queued: one queued long ago and never run is queued again.
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set just before the message is handed to the mail server (see outbox.deliver).
    handed_over_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # The error's type and the server's words: never logged, shown only to staff.
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Issue 13. After it was sent: when it was delivered (or bounced, or failed at the
    # provider), and the provider's own word for it ("permanent-failure", a bounce's reason).
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_detail = models.CharField(max_length=500, blank=True)
    # Who took it: "smtp" or "notify", and the provider's id for it (Notify's notification id).
    provider = models.CharField(max_length=10, blank=True)
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    # A message a person wrote on a case, kept whole: subject (e-mail), body (e-mail, text),
    # and its documents (`attachments`, in order; a posted letter's PDF is its only one).
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000, blank=True)
    # The sending form's (or the API client's) key: pressing Send twice makes one message.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def needs_looking_at(self) -> bool:
        return self.status in NEEDS_LOOKING_AT

    @property
    def not_arrived(self) -> bool:
        return self.status in NOT_ARRIVED

    @property
    def outbox_message_id(self) -> str:
        """The Message-ID every attempt is sent with: the mail server's log finds it by this."""
        from .outbox import message_id

        return message_id(self)


class MessageAttachment(models.Model):
    """A case document a message carried, in order: what was sent is kept whole, by document."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="message_attachments"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["message", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "document"], name="message_attachment_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} on message {self.message_id}"


class InboundText(models.Model):
    """A text message someone sent to the council's number, passed on by GOV.UK Notify's
    inbound callback. Stored once (Notify's id); listed for the feedback team."""

    notify_id = models.CharField(max_length=64, unique=True)
    source_number = models.CharField(max_length=40)
    destination_number = models.CharField(max_length=40, blank=True)
    message = models.TextField(max_length=5000)
    received_at = models.DateTimeField()
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"Text message received {self.received_at:%Y-%m-%d %H:%M}"
