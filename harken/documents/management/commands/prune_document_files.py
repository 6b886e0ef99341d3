"""`harken prune-document-files`: delete stored files that no document refers to.

A file is written before its database row; if a surrounding transaction rolls back after the
upload service returned, the file stays behind. Run this now and then (e.g. nightly).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harken.documents.services import prune_orphan_files


class Command(BaseCommand):
    help = "Delete stored document files that no document refers to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24,
            help="Only files written at least this many hours ago (default 24).",
        )
        parser.add_argument("--dry-run", action="store_true", help="List them; delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = prune_orphan_files(
            older_than=dt.timedelta(hours=options["older_than_hours"]),
            dry_run=options["dry_run"],
        )
        verb = "Would delete" if options["dry_run"] else "Deleted"
        for name in removed:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{verb} {len(removed)} file(s).")
