"""Council closure days: days the council is shut that are not bank holidays."""

from __future__ import annotations

from django.db import models

from harken.core.dates import format_date


class ClosureDay(models.Model):
    """A day the council is closed (e.g. between Christmas and New Year); not a working day."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "closure day"
        verbose_name_plural = "closure days"

    def __str__(self) -> str:
        return f"{format_date(self.date)}: {self.reason}"
