from django.contrib import admin

from harken.core.admin import ReadOnlyAdmin

from .models import Procedure, ProcedureVersion


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ("number", "note", "created_at", "created_by")
    readonly_fields = fields
    can_delete = False


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    """Changed only as new versions, through `procedure_version_create` (the API, the
    staff pages), which checks the definition and audits it."""

    list_display = ("name", "code", "kind", "active")
    inlines = [VersionInline]
