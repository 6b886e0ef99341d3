"""Documents kept on a case (uploads and generated letters) and the letter templates."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from harken.cases.models import Case, Stage


class DocumentKind(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    LETTER = "letter", "Letter"


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", "Not scanned"
    CLEAN = "clean", "No virus found"
    INFECTED = "infected", "Virus found"
    ERROR = "error", "Could not be scanned"


class Document(models.Model):
    """A file on a case. Its storage name is random: no personal data in paths or URLs."""

    # The id in URLs: random, so a document's address says nothing about the case or person.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    # The name the file is offered under on download: sanitised, extension from its content.
    filename = models.CharField(max_length=200)
    storage_name = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=500, blank=True)
    scan_status = models.CharField(
        max_length=12, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED
    )
    # For letters: the template and its version the letter was made from.
    letter_template = models.ForeignKey(
        "LetterTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
    )
    letter_template_version = models.PositiveIntegerField(null=True, blank=True)
    # For a stage's acknowledgement, extension or response letter: the stage it answers, so
    # the stage's record links the letter sent.
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "filename"]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="document_case_at_idx")]

    def __str__(self) -> str:
        return self.filename


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    EXTENSION = "extension", "Extension"
    STAGE_RESPONSE = "stage_response", "Stage response"
    ADJUDICATION = "adjudication", "Adjudication (stage 2)"
    PANEL_RESPONSE = "panel_response", "Response to the review panel (stage 3)"
    ESCALATION_REFUSAL = "escalation_refusal", "Refusal of a request for the next stage"
    OTHER = "other", "Other"


class TemplateFormat(models.TextChoices):
    TEXT = "text", "Text"
    WORD = "word", "Word"


class LetterTemplate(models.Model):
    """The wording of a letter: Django template syntax edited in the app, or (format "word")
    a Word file with merge fields uploaded by an editor (ADR 0160). For a Word template the
    file is its latest revision's; `body` keeps the file's text, merge fields and all."""

    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    name = models.CharField(max_length=120, unique=True)
    format = models.CharField(
        max_length=10, choices=TemplateFormat.choices, default=TemplateFormat.TEXT
    )
    body = models.TextField(max_length=20000)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class LetterTemplateRevision(models.Model):
    """Each saved version of a template's wording (or Word file): who changed statutory text,
    and when."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    body = models.TextField(max_length=20000)
    # A Word template's file as uploaded for this version (stored under a random name, like
    # a case's documents); empty for a text template.
    storage_name = models.CharField(max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["template", "version"], name="letter_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
