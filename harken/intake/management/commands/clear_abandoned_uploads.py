"""Delete what is left of online forms never sent: their files, and expired sessions.

A form's answers are kept for HARKEN_INTAKE_IDLE_MINUTES without use; its files, and a
member of the public's session, an hour longer. This, run hourly by the
scheduler, deletes both: nothing a person typed and then abandoned stays in the database.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from harken.intake import services


class Command(BaseCommand):
    help = "Delete the files and expired sessions of online forms that were never sent."

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = timezone.now() - dt.timedelta(minutes=settings.HARKEN_INTAKE_IDLE_MINUTES + 60)
        count = services.abandoned_attachments_delete(older_than=older_than)
        engine = import_module(settings.SESSION_ENGINE)
        engine.SessionStore.clear_expired()
        self.stdout.write(f"{count} abandoned file(s) deleted; expired sessions deleted.")
