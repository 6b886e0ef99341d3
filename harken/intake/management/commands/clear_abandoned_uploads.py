"""Delete files uploaded to online forms that were never sent.

A form's answers leave the session after HARKEN_INTAKE_IDLE_MINUTES without use; its files
are kept an hour longer, then this (run daily or hourly by the scheduler) deletes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from harken.intake import services


class Command(BaseCommand):
    help = "Delete files uploaded to online forms that were never sent."

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = timezone.now() - dt.timedelta(minutes=settings.HARKEN_INTAKE_IDLE_MINUTES + 60)
        count = services.abandoned_attachments_delete(older_than=older_than)
        self.stdout.write(f"{count} abandoned file(s) deleted.")
