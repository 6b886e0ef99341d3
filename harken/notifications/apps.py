from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "harken.notifications"
    label = "notifications"
