from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ServiceArea, SignInEvent, Team, User


@admin.register(User)
class HarkenUserAdmin(UserAdmin):
    """Accounts are read here, never changed: Harken's own staff pages (Users) change them
    through `accounts.services`, which check the rules (e.g. a council employee cannot be an
    Independent Person) and keep the security audit trail."""

    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Harken", {"fields": ("role", "teams", "employed_by_council", "job_title")}),
    )
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "teams")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "service_area", "default_procedure_code", "active")


admin.site.register(ServiceArea)


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The security audit trail: read only."""

    list_display = ("at", "kind", "user", "actor", "detail")
    list_filter = ("kind",)
    list_select_related = ("user", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
