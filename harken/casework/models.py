"""What the caseload keeps for each user: the filters last used, and the views they saved.

Both hold a caseload query string made only of the caseload's own filter values (kind,
status, team, "assigned=me", dates received...), never a name or other personal data, and
both are rebuilt through the caseload's filter form before they are stored or used
(ADR 0110).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

QUERY_MAX = 1000


class RememberedFilters(models.Model):
    """The filters (and sort) a user last applied to the caseload: one row a user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload_memory"
    )
    query = models.CharField(max_length=QUERY_MAX)
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.query}"


class SavedView(models.Model):
    """A named set of caseload filters and sort, found again in one click."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=QUERY_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
