"""Queue again every confirmation e-mail that is due: failed earlier, or its worker died.

Run it every few minutes from the scheduler (cron or a systemd timer). `--inline` sends in
this process instead of through the task queue (when no worker is running).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harken.intake import services


class Command(BaseCommand):
    help = "Queue (or with --inline, send) every online-form confirmation e-mail that is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--inline", action="store_true", help="send here rather than through the task queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        due = list(services.confirmations_due())
        sent = failed = 0
        for submission_id in due:
            if not options["inline"]:
                services.confirmation_enqueue(submission_id)
                continue
            try:
                sent += services.confirmation_send(submission_id=submission_id)
            except Exception:  # recorded on the submission; go on with the rest
                failed += 1
        if options["inline"]:
            self.stdout.write(f"{sent} sent, {failed} failed, of {len(due)} due.")
        else:
            self.stdout.write(f"{len(due)} confirmation e-mail(s) queued.")
