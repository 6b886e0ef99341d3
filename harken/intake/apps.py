from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class IntakeConfig(AppConfig):
    name = "harken.intake"
    label = "intake"
    verbose_name = "Online forms"

    def ready(self) -> None:
        from harken.core.panels import register_case_panel

        register_case_panel("intake/case_panel.html", order=10)
        checks.register(check_triage_setting)


def check_triage_setting(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.conf import settings

    if settings.HARKEN_WEB_TRIAGE not in ("contact", "complaint"):
        return [
            checks.Error(
                "HARKEN_WEB_TRIAGE must be 'contact' or 'complaint'.",
                id="harken.intake.E001",
            )
        ]
    return []
