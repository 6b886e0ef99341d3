from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "harken.homes"
    label = "homes"
    verbose_name = "Children's homes, visits and drop-ins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from harken.core.panels import register_case_panel

        # Where a case was raised (a visit or a drop-in), near the top of its summary.
        register_case_panel("homes/case_panel.html", order=8)
