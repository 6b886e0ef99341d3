"""`harken export-cases FILE [--from DATE] [--to DATE] [--actor USERNAME]`: cases in the
import format, as someone may see them, each one written logged as a read of theirs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from harken.cases.exporting import export_cases, resolve_reader
from harken.cases.importing import ImportFileError


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} must be a date, YYYY-MM-DD (got {value!r}).") from None


class Command(BaseCommand):
    help = (
        "Export cases received in a period to CSV or XLSX (by the file's extension) in the "
        "import format, so the file can be imported again (docs/import-format.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a .csv or .xlsx file to write")
        parser.add_argument(
            "--from", dest="date_from", metavar="DATE", help="received on or after, YYYY-MM-DD"
        )
        parser.add_argument(
            "--to", dest="date_to", metavar="DATE", help="received on or before, YYYY-MM-DD"
        )
        parser.add_argument(
            "--actor",
            metavar="USERNAME",
            help="whose export it is: only the cases they may see, each logged as read by "
            "them (default: a 'harken-export' account that cannot sign in and sees every case "
            "but the restricted ones)",
        )
        parser.add_argument(
            "--include-restricted",
            action="store_true",
            help="restricted cases too, for a complete copy (the actor must see every case); "
            "each is logged as read by the actor",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        date_from = _date(options["date_from"], "--from")
        date_to = _date(options["date_to"], "--to")
        if date_from and date_to and date_from > date_to:
            raise CommandError("--from must be on or before --to.")
        path = Path(options["file"])
        try:
            with transaction.atomic():
                reader = resolve_reader(options["actor"])
                count = export_cases(
                    path,
                    date_from=date_from,
                    date_to=date_to,
                    user=reader,
                    include_restricted=options["include_restricted"],
                )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {count.rows} case(s) to {path}, as read by {reader.username}."
            )
        )
        if count.processing_restricted:
            self.stdout.write(
                f"{count.processing_restricted} of them concern a person whose processing is "
                "restricted (UK GDPR art. 18): marked 'yes' in the column processing_restricted; "
                "use those only as the restriction allows."
            )
