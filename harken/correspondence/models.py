"""The shared mailbox: every e-mail read from the team's mailbox, kept whole, never twice.

A `MailItem` is one message as it arrived: its raw .eml in the document storage (which may be
object storage, and may encrypt at rest), what was read from it, and what became of it. Its
`dedupe_key` is unique: the same message read twice (a poller killed between storing it and
marking it on the server, two pollers at once) is one row, whatever the code around it does
(docs/adr/0170-mailbox-stored-once-then-marked.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ItemKind(models.TextChoices):
    MESSAGE = "message", "E-mail"
    AUTO_REPLY = "auto_reply", "Automatic reply"
    BOUNCE = "bounce", "Delivery failure"
    # A text message to the council's number (GOV.UK Notify's inbound callback): in the same
    # inbox as the e-mails, dealt with by the same steps.
    TEXT = "text", "Text message"


# What the inbox lists and its steps take: e-mails written by a person, and texts.
INBOX_KINDS = (ItemKind.MESSAGE, ItemKind.TEXT)


class ItemStatus(models.TextChoices):
    NEW = "new", "In the inbox"
    CONVERTED = "converted", "Made into a new record"
    ATTACHED = "attached", "Added to a case"
    JOINED = "joined", "Joined its case by itself"
    NOT_FEEDBACK = "not_feedback", "Not feedback"
    SET_ASIDE = "set_aside", "Set aside"


class NotFeedbackReason(models.TextChoices):
    SPAM = "spam", "Spam"
    MISDIRECTED = "misdirected", "Sent to the wrong team"
    OTHER = "other", "Something else"


class MailItem(models.Model):
    # Hash of "mid:<Message-ID>", or of "raw:<sha256 of the bytes>" for a message without one.
    dedupe_key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=500, blank=True)
    # Where the raw message is kept: a random name, never the sender's.
    raw_storage_name = models.CharField(max_length=200, unique=True)
    raw_size = models.PositiveBigIntegerField()
    raw_sha256 = models.CharField(max_length=64)
    # When it reached the mailbox (the server's INTERNALDATE; else its Date header).
    received_at = models.DateTimeField(db_index=True)
    stored_at = models.DateTimeField(auto_now_add=True)
    sender_address = models.CharField(max_length=320, blank=True, db_index=True)
    sender_name = models.CharField(max_length=200, blank=True)
    # A text message's: the number it came from, as Notify gave it ("447700900123").
    sender_phone = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    # The first recipients (a message to 1,000 people keeps 50 of them, and the count).
    recipients = models.JSONField(default=list, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)
    # The plain text part, or the text of the HTML part; and the HTML part sanitised (nh3).
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    # What could not be read as sent (a missing charset, broken MIME): shown on the item.
    problems = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=12, choices=ItemKind.choices, default=ItemKind.MESSAGE)
    # Which header made it an automatic reply, or what the report said.
    set_aside_reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=14, choices=ItemStatus.choices, default=ItemStatus.NEW)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="mail_items"
    )
    sar = models.ForeignKey(
        "registers.SubjectAccessRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_items",
    )
    # A case the message names that it did not join by itself (a reference in the subject of
    # a case the sender's address is not on): an officer confirms or ignores it.
    suggested_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a bounce: the outbox message that was not delivered.
    bounced_message = models.ForeignKey(
        "notifications.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bounces",
    )
    # For a text message: the row Notify's callback stored (the raw file is its words).
    inbound_text = models.OneToOneField(
        "notifications.InboundText",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="item",
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    not_feedback_reason = models.CharField(
        max_length=12, choices=NotFeedbackReason.choices, blank=True
    )
    not_feedback_note = models.CharField(max_length=500, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # Each list newest first, read from the index a page at a time: the inbox (status
            # "new", e-mails and texts: the kind is filtered on the index's rows, so it must
            # not come before the order) and "set aside" by status; "Dealt with" (four
            # statuses) by the newest first of all, which are nearly all dealt with.
            models.Index(fields=["status", "-received_at", "-id"], name="mailitem_list_idx"),
            models.Index(fields=["-received_at", "-id"], name="mailitem_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.subject or "(no subject)"

    @property
    def in_inbox(self) -> bool:
        return self.status == ItemStatus.NEW and self.kind in INBOX_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind == ItemKind.TEXT

    @property
    def closed_case_reply(self) -> bool:
        """A reply to a message sent from a case that was closed when it arrived: it is on
        that case's timeline already, and waits in the inbox for an officer to decide
        (reopen the case, a new record, or no action). No other item in the inbox has a case."""
        return self.status == ItemStatus.NEW and self.case_id is not None


class MailAttachment(models.Model):
    """An attachment of an item, as checked when it arrived by the documents' upload rules
    (type from its content, size, virus scan): `refusal` says why one was kept out."""

    item = models.ForeignKey(MailItem, on_delete=models.CASCADE, related_name="attachments")
    number = models.PositiveSmallIntegerField()  # its place among the message's attachments
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    refusal = models.CharField(max_length=300, blank=True)
    # The text of an attached Outlook .msg (extract-msg), shown on the item.
    text = models.TextField(blank=True)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="mailattachment_once")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def accepted(self) -> bool:
        return not self.refusal


class MailItemEvent(models.Model):
    """An item's audit trail: every read and change, by whom (empty: the poller)."""

    class Verb(models.TextChoices):
        """What happened to an e-mail in the shared mailbox (stored: never rename one)."""

        RECEIVED = "received", "Received in the shared mailbox"
        SET_ASIDE = "set_aside", "Set aside (an automatic reply or a bounce)"
        JOINED = "joined", "Joined its case by itself"
        INBOX = "inbox", "Put in the inbox"
        LISTED = "listed", "Listed"
        VIEWED = "viewed", "Viewed"
        CLAIMED = "claimed", "Claimed"
        RELEASED = "released", "Claim let go"
        NOT_FEEDBACK = "not_feedback", "Marked as not feedback"
        CONVERTED = "converted", "Made into a record"
        ATTACHED = "attached", "Added to a case"
        # A reply that joined a closed case (it stays in the inbox for an officer to decide).
        CLOSED_CASE_REPLY = "closed_case_reply", "Joined its closed case, and put in the inbox"
        CASE_REOPENED = "case_reopened", "Its closed case reopened"
        NO_ACTION = "no_action", "Left on its closed case: no action"

    item = models.ForeignKey(MailItem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=30, choices=Verb.choices)
    description = models.CharField(max_length=500)

    class Meta:
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return self.description
