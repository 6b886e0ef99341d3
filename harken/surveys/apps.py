from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "harken.surveys"
    verbose_name = "Surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from harken.core.panels import register_case_panel

        register_case_panel("surveys/case_panel.html", order=60, tab="summary")
