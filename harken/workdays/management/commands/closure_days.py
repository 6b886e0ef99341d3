"""`harken closure-days list|add DATE REASON|remove DATE`: the council's closure days."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.core.errors import ApplicationError
from harken.workdays import rules
from harken.workdays.models import ClosureDay
from harken.workdays.services import closure_day_add, closure_day_remove


def parse_date(value: str, *, name: str = "DATE") -> dt.date:
    """An ISO date, or a CommandError that says what was expected."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"{name} must be a date written YYYY-MM-DD, e.g. 2023-12-27 (got {value!r})."
        ) from None


class Command(BaseCommand):
    help = "List, add or remove council closure days (days that are not working days)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="list|add|remove")
        actions.required = True
        listing = actions.add_parser("list", help="Show the closure days.")
        listing.add_argument("--year", type=int, help="Only this calendar year.")
        adding = actions.add_parser("add", help="Add a closure day: DATE REASON.")
        adding.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
        adding.add_argument("reason", metavar="REASON", nargs=argparse.ONE_OR_MORE)
        removing = actions.add_parser("remove", help="Remove a closure day: DATE.")
        removing.add_argument("date", metavar="DATE", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options.get("year"))
            return
        day = parse_date(options["date"])
        try:
            if action == "add":
                already = rules.non_working_reason(day)
                closure = closure_day_add(day=day, reason=" ".join(options["reason"]))
                self.stdout.write(self.style.SUCCESS(f"Added closure day {closure}."))
                if already:
                    self.stdout.write(f"Note: it was not a working day anyway ({already}).")
            else:
                closure = closure_day_remove(day=day)
                self.stdout.write(self.style.SUCCESS(f"Removed closure day {closure}."))
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _list(self, year: int | None) -> None:
        closures = ClosureDay.objects.order_by("date")
        if year is not None:
            closures = closures.filter(date__year=year)
        rows = list(closures)
        if not rows:
            self.stdout.write("No closure days" + (f" in {year}." if year else "."))
            return
        for closure in rows:
            self.stdout.write(f"{closure.date.isoformat()}  {closure.date:%a}  {closure.reason}")
