from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "harken.notifications"
    label = "notifications"

    def ready(self) -> None:
        from harken.core.panels import register_case_panel

        register_case_panel("notifications/case_panel.html", order=60)
