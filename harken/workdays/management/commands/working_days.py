"""`harken working-days START DAYS` or `harken working-days START --months N`: a deadline."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from harken.core.dates import format_date
from harken.workdays import rules
from harken.workdays.management.commands.closure_days import parse_date

# A bound only to catch typing slips (a year is ~250 working days).
MAX_AMOUNT = 5000
NOT_MIGRATED = (
    "The council's closure days could not be read (the database is not set up yet: run "
    "`harken migrate`), so none are named here. They do not move a statutory deadline."
)


class Command(BaseCommand):
    help = (
        "Explain a deadline: START plus DAYS working days, or plus --months calendar months "
        "(subject access requests). Council closure days count as working days (reg 2); where "
        "they fall in the stretch, the team's own target that skips them follows on a second "
        "line. -v 2 lists each day not counted and why."
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
            amount = _amount(days, "DAYS")

            def deadline(skip: bool) -> rules.Deadline:
                return rules.working_day_deadline(start, amount, skip_closure_days=skip)
        else:
            amount = _amount(months, "--months")

            def deadline(skip: bool) -> rules.Deadline:
                return rules.calendar_month_deadline(start, amount, skip_closure_days=skip)

        try:
            self._explain(deadline, options["verbosity"])
        except DatabaseError:
            # A new installation: the deadline by reg 2 alone, and why nothing more is said.
            with rules.override_closure_days({}):
                self._explain(deadline, options["verbosity"])
            self.stdout.write(NOT_MIGRATED)

    def _explain(self, deadline: Any, verbosity: int) -> None:
        statutory = deadline(False)
        self.stdout.write(statutory.explain())
        target = deadline(True) if statutory.closures else None
        if target is not None:
            self.stdout.write(
                "The team's own target, where closure days are not counted: " + target.explain()
            )
        if verbosity >= 2:
            for day in (target or statutory).skipped:
                if day in statutory.closures:
                    reason = (
                        f"Council closure: {rules.closure_reason(day)} (the team's target only)"
                    )
                else:
                    reason = str(rules.non_working_reason(day))
                self.stdout.write(f"  {format_date(day)}: {reason}")


def _amount(value: str, name: str) -> int:
    try:
        amount = int(value)
    except ValueError:
        raise CommandError(f"{name} must be a whole number (got {value!r}).") from None
    if not 0 <= amount <= MAX_AMOUNT:
        raise CommandError(f"{name} must be between 0 and {MAX_AMOUNT} (got {amount}).")
    return amount
