"""`harken homes-compliance`: visits made against visits due, per home and month.

    harken homes-compliance                       # the last 12 months, as CSV
    harken homes-compliance --from 2024-04 --to 2025-03 --format json

One row per home and month: the home, its Ofsted URN, the month, whether a visit was due,
the visits made, the month's status (visited, no visit, not yet visited, not open) and the
reports that reached Ofsted late (or are not sent past their day). The rule is
`harken.homes.selectors` (docs/adr/0180).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.core.dates import today
from harken.homes import selectors


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a month: give it as YYYY-MM, like 2024-04.") from exc


class Command(BaseCommand):
    help = "Visits made against visits due, per children's home and month (CSV or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="first month, YYYY-MM")
        parser.add_argument("--to", dest="last", help="last month, YYYY-MM (default: this one)")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        on = today()
        last = _month(options["last"]) if options["last"] else selectors.month_start(on)
        first = _month(options["first"]) if options["first"] else selectors.add_months(last, -11)
        if first > last:
            raise CommandError("The first month must be on or before the last.")
        if len(selectors.months(first, last)) > 120:
            raise CommandError("Ask for at most ten years (120 months) at a time.")
        rows = [
            {
                "home": row.home.name,
                "ofsted_urn": row.home.ofsted_urn,
                "month": m.month.strftime("%Y-%m"),
                "due": m.status != selectors.NOT_DUE,
                "visits": m.visits,
                "status": m.status,
                "reports_late": m.reports_late,
            }
            for row in selectors.compliance(first=first, last=selectors.month_end(last), on=on)
            for m in row.months
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        out = self.stdout if self.stdout else sys.stdout
        writer = csv.DictWriter(
            out,
            fieldnames=["home", "ofsted_urn", "month", "due", "visits", "status", "reports_late"],
        )
        writer.writeheader()
        for item in rows:
            writer.writerow({**item, "due": "yes" if item["due"] else "no"})
