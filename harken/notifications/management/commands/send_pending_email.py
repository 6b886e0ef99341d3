"""`harken send-pending-email`: every e-mail that is due, sent or queued; what stopped workers
left behind, recovered. Run it every 5 minutes (cron or a systemd timer) beside
`harken db_worker`. See docs/email.md.

- E-mails a worker was sending when it stopped: sent again if they never reached the mail
  server, marked "in doubt" (never sent twice) if they may have.
- Online forms' confirmations and the other e-mails (compliments passed on, password links)
  whose retry is due: queued again (`--inline`: sent here, without a worker).
- Tasks a stopped worker left "running": queued again (`harken.core.taskqueue`).

Reminders are queued again by `harken run-scheduled`, which knows their periods.
`harken send-pending-confirmations` still does the confirmations part alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harken.core.taskqueue import recover_stale_tasks
from harken.intake import services as intake
from harken.notifications import outgoing


class Command(BaseCommand):
    help = "Queue (or with --inline, send) every e-mail that is due; recover stopped workers'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--inline", action="store_true", help="send here rather than through the task queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = recover_stale_tasks()
        kinds = (
            ("confirmation", intake.confirmations_due, intake.confirmation_enqueue, _confirm),
            ("other", outgoing.emails_due, outgoing.email_enqueue, _other),
        )
        lines = []
        for name, due_now, enqueue, send in kinds:
            due = list(due_now())
            sent = failed = 0
            for pk in due:
                if not options["inline"]:
                    enqueue(pk)
                    continue
                try:
                    sent += send(pk)
                except Exception:  # recorded on the row; go on with the rest
                    failed += 1
            if options["inline"]:
                lines.append(f"{name} e-mails: {sent} sent, {failed} failed, of {len(due)} due")
            else:
                lines.append(f"{name} e-mails: {len(due)} queued")
        lines.append(f"tasks left running by a stopped worker: {tasks} queued again")
        self.stdout.write("; ".join(lines) + ".")


def _confirm(pk: int) -> bool:
    return intake.confirmation_send(submission_id=pk)


def _other(pk: int) -> bool:
    return outgoing.email_send(email_id=pk)
