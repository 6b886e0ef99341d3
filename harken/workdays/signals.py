"""Keep the cached closure days in step with the table."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import rules


def closure_days_changed(*, using: str = "default", **kwargs: Any) -> None:
    """Forget the cached closure days now, and again once the change is committed.

    Clearing now lets this request see its own change; clearing on commit stops another
    thread from keeping the old days it loaded while the change was uncommitted.
    """
    rules.clear_cache()
    transaction.on_commit(rules.clear_cache, using=using)
