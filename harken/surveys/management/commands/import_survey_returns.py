"""`harken import-survey-returns FILE --name NAME [--dry-run]`: other survey returns (the
quarterly parents' survey), each comment an item to triage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.surveys.returns import ImportFileError, returns_import


class Command(BaseCommand):
    help = (
        "Import other survey returns from a CSV (UTF-8) or XLSX file in the format of "
        "docs/surveys.md, one row per return. All rows or none: any error rolls everything "
        "back. Each comment becomes an item for the feedback team to triage."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a .csv or .xlsx file")
        parser.add_argument(
            "--name", required=True, help="the survey the returns are from, as the report shows it"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row, then roll back"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            result = returns_import(
                path=path, name=options["name"], actor=None, dry_run=options["dry_run"]
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(
                f"Nothing was imported: {len(result.errors)} error(s) in {path.name}. "
                "Correct them and import the file again."
            )
        verb = "Would import" if result.dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {result.rows} return(s) with {result.comments} comment(s) to triage."
                + (" Dry run: nothing was saved." if result.dry_run else "")
            )
        )
