from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "harken.learning"
    label = "learning"
    verbose_name = "Learning action plan"

    def ready(self) -> None:
        from harken.core.panels import register_case_panel

        register_case_panel("learning/case_panel.html", order=40, tab="points")
