"""`harken report --from 2023-04-01 --to 2023-09-30 --format pdf [--published] [--output FILE]`"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.reports import suppression
from harken.reports.metrics import build_report
from harken.reports.periods import Period, PeriodError, preset
from harken.reports.renderers import FORMATS, file_name, render


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"'{value}' is not a date: use YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Produce the complaints report for a period in any format (JSON to standard output "
        "unless --output is given; other formats to a file named after the period)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD")
        parser.add_argument(
            "--preset", help="Instead of --from/--to: fy-2023, h1-2023, q3-2023, cy-2023…"
        )
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), default="json")
        parser.add_argument(
            "--published",
            action="store_true",
            help="The published edition: small numbers suppressed, no case references.",
        )
        parser.add_argument("--output", "-o", help="File to write ('-' for standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["preset"]:
                period = preset(options["preset"]).period
            elif options["start"] and options["end"]:
                period = Period(_date(options["start"]), _date(options["end"]))
            else:
                raise CommandError("Give --from and --to, or --preset.")
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        report = build_report(period)
        if options["published"]:
            report = suppression.published(report)
        body, fmt = render(report, options["fmt"])
        output = options["output"] or ("-" if fmt.key == "json" else file_name(report, fmt))
        if output == "-":
            sys.stdout.buffer.write(body)
            sys.stdout.buffer.flush()
            return
        Path(output).write_bytes(body)
        self.stderr.write(f"Wrote {output} ({len(body):,} bytes)")
