"""Background work on case records."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from . import services


@task()
def recompute_deadlines() -> int:
    """Open stages' deadlines worked out again (queued when closure days change)."""
    return services.deadlines_recompute()


def closure_days_changed(*, using: str = "default", **kwargs: Any) -> None:
    """A closure day was added or removed: once that is committed, queue the recomputation
    of open deadlines (a day off in the middle of a stage moves its due date)."""
    transaction.on_commit(recompute_deadlines.enqueue, using=using)
