"""What the public online forms store: each submission as sent, and its files.

A `Submission` is written in the same transaction as the case it becomes, before any e-mail
is attempted; its `key` (issued when the person started the form) is unique, so a double
click or a resubmitted page finds the first submission instead of making a second.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from harken.notifications.models import Message


class FormKind(models.TextChoices):
    COMPLAINT = "complaint", "Make a complaint"
    YOUNG_PERSON = "young_person", "Young person's complaint"
    COMPLIMENT = "compliment", "Pay a compliment"
    COMMENT = "comment", "Ask a question or make a comment"
    DATA_PROTECTION = "data_protection", "Complain about how we handled your personal data"


class Submission(models.Model):
    """One completed online form, exactly as the person sent it."""

    form = models.CharField(max_length=20, choices=FormKind.choices)
    # Issued when the person started the form: the same key can only ever make one record.
    key = models.UUIDField(unique=True)
    # The answers to every question that applied, as sent (dates as ISO text).
    answers = models.JSONField(default=dict)
    case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="online_submission",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # What the person was told would happen next (the confirmation page and e-mail), with the
    # procedure's dates as they stood when the form was sent.
    next_steps = models.JSONField(default=list, blank=True)
    # Flags an officer must see first, kept as columns so they can be queried.
    unsafe = models.BooleanField(default=False)
    advocate_requested = models.BooleanField(default=False)
    # Where the confirmation e-mail goes; the e-mail is a message of the one outbox
    # (`notifications.Message`, `submission.messages`).
    email = models.EmailField(max_length=254, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.case.reference if self.case else self.key}"

    @property
    def confirmation(self) -> Message | None:
        """The confirmation e-mail's message (None: no e-mail address was given)."""
        from harken.notifications.models import MessageKind

        return self.messages.filter(kind=MessageKind.CONFIRMATION).order_by("-pk").first()

    @property
    def safe_now_words(self) -> str:
        return {"yes": "Yes", "no": "No", "not_sure": "I'm not sure"}.get(
            str(self.answers.get("safe_now", "")), ""
        )

    def answer_rows(self) -> list[dict[str, object]]:
        """The answers as the person saw them on the check-your-answers page."""
        from .journeys import BY_FORM, summary_sections

        return summary_sections(BY_FORM[self.form], self.answers)


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The person's file name never reaches the disk: a random name, the type's extension.
    now = timezone.now()
    extension = PurePosixPath(filename).suffix.lower()[:6]
    return f"intake/{now:%Y/%m}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A file sent with a form. Stored when uploaded; linked to the submission when sent."""

    journey_key = models.UUIDField(db_index=True)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # The last time its form was used (a page saved): a file is abandoned only once its form
    # has gone unused for the idle limit, however long ago it was uploaded.
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
