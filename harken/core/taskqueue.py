"""Tasks a worker was running when it stopped (killed, its machine lost): run again.

django-tasks-db claims a task by setting it "running" (`DBTaskResult.claim`, inside the
worker's locked transaction) and marks it "successful" or "failed" when the function
returns; it records no heartbeat. A worker that dies in between leaves the task "running"
for ever, and no worker picks up a running task. `recover_stale_tasks` puts every task that
has been running for longer than `HARKEN_TASK_STALE_MINUTES` back to "ready", so the next
worker runs it again.

That is safe because every Harken task may run twice: an e-mail task claims its row before
sending (notifications.outbox) and sends nothing if it was sent; recomputing deadlines is one
transaction that leaves nothing half done; the scheduled jobs are idempotent. The limit is
far longer than any task takes, so a task that is still running is not started twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "HARKEN_TASK_STALE_MINUTES", 30)))


def recover_stale_tasks(now: dt.datetime | None = None) -> int:
    """Put tasks left "running" by a worker that stopped back in the queue; returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - stale_after()
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    names = list(stale.values_list("task_path", flat=True))
    recovered = stale.update(status=TaskResultStatus.READY)
    if recovered:
        logger.warning(
            "%s task(s) left running by a worker that stopped are queued again: %s",
            recovered,
            ", ".join(sorted(set(names))),
        )
    return recovered
