"""`harken working-days START DAYS` or `harken working-days START --months N`: a deadline."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.core.dates import format_date
from harken.workdays import rules
from harken.workdays.management.commands.closure_days import parse_date

# A bound only to catch typing slips (a year is ~250 working days).
MAX_AMOUNT = 5000


class Command(BaseCommand):
    help = (
        "Explain a deadline: START plus DAYS working days, or plus --months calendar months "
        "(subject access requests). -v 2 lists each day not counted and why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", metavar="START", help="the start date, YYYY-MM-DD")
        parser.add_argument("days", metavar="DAYS", nargs="?", help="working days to add")
        parser.add_argument("--months", metavar="N", help="calendar months to add instead")

    def handle(self, *args: Any, **options: Any) -> None:
        start = parse_date(options["start"], name="START")
        days, months = options["days"], options["months"]
        if days is None and months is None:
            raise CommandError("Give a number of working days (e.g. 10) or --months N.")
        if days is not None and months is not None:
            raise CommandError("Give a number of working days or --months N, not both.")
        if days is not None:
            deadline = rules.working_day_deadline(start, _amount(days, "DAYS"))
        else:
            deadline = rules.calendar_month_deadline(start, _amount(months, "--months"))
        self.stdout.write(deadline.explain())
        if options["verbosity"] >= 2:
            for day in deadline.skipped:
                self.stdout.write(f"  {format_date(day)}: {rules.non_working_reason(day)}")


def _amount(value: str, name: str) -> int:
    try:
        amount = int(value)
    except ValueError:
        raise CommandError(f"{name} must be a whole number (got {value!r}).") from None
    if not 0 <= amount <= MAX_AMOUNT:
        raise CommandError(f"{name} must be between 0 and {MAX_AMOUNT} (got {amount}).")
    return amount
