from django.contrib import admin

from .models import Message, ReminderPreference, SentReminder


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "daily_digest", "monthly_actions", "overdue_summary", "senior_manager"]
    list_filter = ["senior_manager", "daily_digest", "monthly_actions"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "period_key", "message"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in SentReminder._meta.fields]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["kind", "channel", "status"]
    readonly_fields = [f.name for f in Message._meta.fields]
