"""`harken import-cases FILE [--dry-run] [--actor USERNAME]`: bring in a council's history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.cases.importing import ImportFileError, import_file
from harken.cases.maintenance import refresh_statistics


class Command(BaseCommand):
    help = (
        "Import historical cases from a CSV (UTF-8) or XLSX file, one row per case, in the "
        "format of docs/import-format.md. All rows or none: any error rolls everything back. "
        "Rows whose legacy_reference is already in Harken are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row, then roll back"
        )
        parser.add_argument(
            "--actor",
            metavar="USERNAME",
            help="the feedback officer or administrator recorded as importing "
            "(default: a 'harken-import' account that cannot sign in)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            result = import_file(path, actor_username=options["actor"], dry_run=options["dry_run"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(
                f"Nothing was imported: {len(result.errors)} error(s) in {path.name}. "
                "Correct them and import the file again."
            )
        if options["verbosity"] >= 2:
            for line, legacy, reference in result.imported:
                self.stdout.write(f"line {line}: {legacy} -> {reference}")
        for line, legacy, reference in result.skipped:
            self.stdout.write(f"line {line}: {legacy}: already imported as {reference}, skipped")
        if result.imported and not result.dry_run:
            # The first user after a large import is as fast as the hundredth.
            refresh_statistics()
        verb = "Would import" if result.dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(result.imported)} case(s); skipped {len(result.skipped)} already "
                f"imported." + (" Dry run: nothing was saved." if result.dry_run else "")
            )
        )
