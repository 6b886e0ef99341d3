"""The Django admin shows; the services change. A model whose changes move deadlines or must be
audited (closure days, procedures) is read-only here: its changes go through its service,
from the `harken` commands or the staff pages, which check and audit them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shown, never changed, added or deleted through the admin."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "event_type", "actor", "description")
    list_filter = ("event_type",)
    ordering = ("-at",)
