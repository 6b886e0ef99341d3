"""Shared model pieces."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Every record says when it was created and last changed, and by whom."""

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class EventType(models.TextChoices):
    """What an `AuditEvent` records. A case's own events are on its timeline
    (`cases.TimelineEvent`), a register record's in `registers.RegisterEvent`, an account's in
    `accounts.SignInEvent`; these are the changes that belong to no one record but move many
    (docs/adr/0040-one-audit-api-over-the-existing-tables.md)."""

    CLOSURE_DAY_ADDED = "closure_day_added", "Closure day added"
    CLOSURE_DAY_REMOVED = "closure_day_removed", "Closure day removed"
    DEADLINES_RECOMPUTED = "deadlines_recomputed", "Deadlines worked out again"
    PROCEDURE_VERSION_ADDED = "procedure_version_added", "Procedure version added"
    REPORT_BUILD_REQUESTED = "report_build_requested", "Report file build requested"
    REPORT_BUILD_DOWNLOADED = "report_build_downloaded", "Report file downloaded"


class AuditEvent(models.Model):
    """A change to the rules every case is measured by: who (empty: the server's command line
    or a scheduled task), when, what, and each value's old and new text."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.description
