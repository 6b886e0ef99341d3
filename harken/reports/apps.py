from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "harken.reports"
    label = "reports"

    def ready(self) -> None:
        # Before any chart is drawn and before a server starts its threads (ADR 0296).
        from .fonts import prepare_chart_fonts

        prepare_chart_fonts()
