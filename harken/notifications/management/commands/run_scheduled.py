"""`harken run-scheduled`: the periodic job. Run it every hour (cron or a systemd timer).

It records the reminders due today (once each, however often it runs), then does what
`harken send-pending-messages` does: every message due (reminders and all the others) is
queued for the task worker (`harken db_worker`), and messages and tasks a stopped worker
left behind are recovered. See docs/reminders.md and docs/email.md.

It also carries out an approved disposal and previews the next, deletes report files built
more than HARKEN_REPORT_BUILD_KEEP_DAYS ago (docs/reports.md), and extracts the text of
documents uploaded since it last ran for the person search (docs/data-protection.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from harken.core.dates import LONDON
from harken.core.taskqueue import recover_stale_tasks
from harken.notifications import conf, services


class Command(BaseCommand):
    help = "Record the reminders due (daily digests, monthly reminders), queue every message due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Act as on this day (YYYY-MM-DD), whatever the time; default: today, and "
            "only from HARKEN_REMINDER_HOUR (London time)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now().astimezone(LONDON)
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Give the date as YYYY-MM-DD, for example 2026-11-23.") from exc
            create = True
        else:
            day = now.date()
            create = now.hour >= conf.reminder_hour()
        recover_stale_tasks()
        result = services.schedule(day, create=create)
        if result.skipped:
            self.stdout.write(
                f"{day.isoformat()}: another node is running the schedule; nothing done"
            )
        else:
            self.stdout.write(
                f"{day.isoformat()}: {result.created} reminder(s) recorded, {result.queued} "
                f"message(s) queued, {result.expired} given up"
                + (
                    ""
                    if create
                    else f" (new reminders are recorded from {conf.reminder_hour()}:00)"
                )
            )
        # Retention (harken/retention): carry out an approved disposal, then preview what the
        # schedule makes due today for an administrator to approve. Safe on several nodes.
        from harken.retention.services import run_scheduled

        done, preview = run_scheduled(day=day)
        if done is not None:
            self.stdout.write(
                f"Disposal {done.pk} carried out: {done.disposed_total} record(s) anonymised, "
                f"{done.skipped} left"
            )
        if preview is not None:
            self.stdout.write(
                f"Disposal {preview.pk} previewed: {preview.total} record(s) due, awaiting "
                "approval by an administrator"
            )
        # Report files built by the task worker (harken/reports, ADR 0210): deleted once older
        # than HARKEN_REPORT_BUILD_KEEP_DAYS; each build's row stays.
        from harken.reports.services import build_keep_days, builds_remove_old

        removed = builds_remove_old()
        if removed:
            self.stdout.write(
                f"Report files: {removed} built more than {build_keep_days()} days ago removed"
            )
        # The person search (harken/subjectaccess): the text of documents uploaded since the
        # last run, so a person named in one is found within the hour.
        from harken.subjectaccess.services import (
            SCHEDULED_INDEX_LIMIT,
            document_text_index_missing,
        )

        indexed = document_text_index_missing(limit=SCHEDULED_INDEX_LIMIT, scheduled=True)
        if indexed:
            self.stdout.write(f"Person search: the text of {indexed} document(s) extracted")
        # The shared mailbox (harken/correspondence), where one is configured: read it once.
        from harken.correspondence.mailbox import poll_scheduled

        polled = poll_scheduled()
        if polled:
            self.stdout.write(f"Mailbox: {polled}")
