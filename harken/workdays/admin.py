from __future__ import annotations

from django.contrib import admin

from harken.core.admin import ReadOnlyAdmin

from .models import ClosureDay


@admin.register(ClosureDay)
class ClosureDayAdmin(ReadOnlyAdmin):
    """Added and removed with `harken closure-days`, which audits the change."""

    list_display = ("date", "weekday", "reason", "created_at")
    search_fields = ("reason",)
    date_hierarchy = "date"
    ordering = ("-date",)
    readonly_fields = ("created_at",)

    @admin.display(description="day", ordering="date")
    def weekday(self, obj: ClosureDay) -> str:
        return f"{obj.date:%A}"
