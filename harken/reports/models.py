"""Saved reports: a period with the team's own words and anonymised examples.

Figures are not stored while a report is a draft: they are computed from the records each
time. Publishing freezes them (`snapshot`), so a published report reads the same later even
after records are corrected; withdrawing publication thaws it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harken.core.models import BaseModel

from .definitions import SECTIONS


class ReportEdition(BaseModel):
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    highlights = models.TextField(max_length=10000, blank=True)
    learning = models.TextField(max_length=10000, blank=True)
    considerations = models.TextField(max_length=10000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The internal figures as they were when published (schema harken.report/1 plus the
    # sums and derivations suppression needs).
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def text(self) -> dict[str, str]:
        return {
            "highlights": self.highlights,
            "learning": self.learning,
            "considerations": self.considerations,
        }


class ReportExample(BaseModel):
    """An anonymised example the officer writes for a section; never copied from a record.

    `case` says which case it is drawn from, for the team's reference only: it is shown in
    the internal edition and never in the published one.
    """

    edition = models.ForeignKey(ReportEdition, on_delete=models.CASCADE, related_name="examples")
    section = models.CharField(max_length=20, choices=SECTIONS)
    heading = models.CharField(max_length=120, blank=True)
    text = models.TextField(max_length=5000)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["edition", "id"]

    def __str__(self) -> str:
        return self.heading or self.get_section_display()


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the task worker"
    RUNNING = "running", "Being built"
    BUILT = "built", "Ready to download"
    FAILED = "failed", "Failed"
    # Its file deleted after HARKEN_REPORT_BUILD_KEEP_DAYS; the row stays as the record.
    REMOVED = "removed", "File removed"


class ReportBuild(BaseModel):
    """A report file built by the task worker, so that no web worker waits on a slow one
    (a PDF at a million cases). It is built as its requester would see it (their edition and
    the rows about single cases they may see), so only they may follow or download it. The
    file is kept in the documents storage (encrypted at rest when configured)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    edition = models.CharField(max_length=10, default="internal")
    saved = models.ForeignKey(
        ReportEdition, null=True, blank=True, on_delete=models.CASCADE, related_name="builds"
    )
    fmt = models.CharField(max_length=10)
    status = models.CharField(
        max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    # What the worker is doing now, for the progress page ("Working out the figures").
    step = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    storage_name = models.CharField(max_length=200, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When `services.builds_remove_old` deleted the file (`harken run-scheduled`).
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Report build {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (BuildStatus.BUILT, BuildStatus.FAILED, BuildStatus.REMOVED)
