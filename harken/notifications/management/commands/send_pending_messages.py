"""`harken send-pending-messages`: every message that is due, queued (or sent here); what
stopped workers left behind, recovered. Run it every 5 minutes (cron or a systemd timer)
beside `harken db_worker`; `harken run-scheduled` does it too. See docs/email.md.

- Messages a worker was sending when it stopped: sent again if they never reached the mail
  server, marked "in doubt" (never sent twice) if they may have.
- Messages still waiting when it is too late to send them (yesterday's digest): given up.
- Every message whose first attempt or retry is due: queued (`--inline`: sent here, without
  a worker). One queued lately and not yet run is not queued again.
- Tasks a stopped worker left "running": queued again (`harken.core.taskqueue`).

`harken send-pending-email` and `harken send-pending-confirmations` are the same command
under the names they had before there was one outbox (the latter sends confirmations only).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import QuerySet

from harken.core.taskqueue import recover_stale_tasks
from harken.notifications import outbox
from harken.notifications.models import Message


class Command(BaseCommand):
    help = "Queue (or with --inline, send) every message that is due; recover stopped workers'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--inline", action="store_true", help="send here rather than through the task queue"
        )

    def among(self) -> QuerySet[Message] | None:
        """Which messages this command looks after: all of them."""
        return None

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = recover_stale_tasks()
        result = outbox.send_pending(inline=options["inline"], among=self.among())
        if options["inline"]:
            done = f"{result.sent} sent, {result.failed} failed, of {result.due} due"
        else:
            done = f"{result.queued} queued of {result.due} due"
        self.stdout.write(
            f"messages: {done}; {result.expired} given up (too late); "
            f"{result.recovered.retried} left by a stopped worker sent again, "
            f"{result.recovered.in_doubt} in doubt; "
            f"tasks left running by a stopped worker: {tasks} queued again."
        )
