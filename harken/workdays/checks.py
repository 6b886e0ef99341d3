"""Settings checked when any command starts (`harken check`, `migrate`, `runserver`, …)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .rules import part_problem


@checks.register()
def uk_part_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A mistyped HARKEN_UK_PART is one clear line, not a traceback at the first deadline."""
    problem = part_problem(getattr(settings, "HARKEN_UK_PART", "ENG"))
    return [checks.Error(problem, id="harken.E001")] if problem else []
