"""`harken data-protection-counts --preset fy-2026 [--format csv] [--output FILE]`"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.reports import dp_counts
from harken.reports.periods import Period, PeriodError, preset


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"'{value}' is not a date: use YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Count the data-protection complaints (Data Protection Act 2018 s164A) of a period for "
        "the ICO: received, acknowledged within 30 days, outcomes, by quarter (JSON to standard "
        "output unless --output is given)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD")
        parser.add_argument("--preset", help="Instead of --from/--to: fy-2026, q1-2026, cy-2026…")
        parser.add_argument("--format", dest="fmt", choices=["csv", "json"], default="json")
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
        counts = dp_counts.data_protection_counts(period=period)
        body = dp_counts.as_csv(counts) if options["fmt"] == "csv" else dp_counts.as_json(counts)
        output = options["output"] or "-"
        if output == "-":
            sys.stdout.buffer.write(body)
            sys.stdout.buffer.flush()
            return
        Path(output).write_bytes(body)
        self.stderr.write(f"Wrote {output} ({len(body):,} bytes)")
