from django.contrib import admin

from .models import Procedure, ProcedureVersion


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ("number", "note", "created_at", "created_by")
    readonly_fields = fields
    can_delete = False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "active")
    inlines = [VersionInline]
