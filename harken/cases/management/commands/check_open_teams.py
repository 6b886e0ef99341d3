"""Compare the open cases of each team (ADR 0132) with the cases' status and team links."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from harken.cases import services
from harken.cases.models import Case
from harken.cases.selectors import open_team_differences


class Command(BaseCommand):
    help = (
        "Report any difference between the open cases of each team (what a manager's "
        "caseload, start page and team view read) and the cases' status and team links; "
        "exits 1 when there is one. --repair writes those cases' rows again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="write the differing cases' rows again"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = open_team_differences()
        if not found.missing and not found.extra:
            self.stdout.write(f"The open cases of each team agree: {found.rows:,} rows.")
            return
        references = list(
            Case.objects.filter(pk__in=found.case_ids[:20])
            .order_by("pk")
            .values_list("reference", flat=True)
        )
        more = len(found.case_ids) - len(references)
        self.stdout.write(
            f"{len(found.missing):,} open case team links are missing from the table "
            f"(hidden from those teams' managers) and {len(found.extra):,} rows should not "
            f"be there. Cases: {', '.join(references)}" + (f" and {more:,} more." if more else ".")
        )
        if not options["repair"]:
            raise CommandError("The open cases of each team differ: run with --repair.")
        with transaction.atomic():
            if found.complete:
                services.open_teams_refresh(case_ids=found.case_ids)
            else:  # more than the comparison lists: every row again
                services.open_teams_rebuild()
        after = open_team_differences()
        if after.missing or after.extra:
            raise CommandError("Still different after the repair.")
        self.stdout.write(f"Repaired: {len(found.case_ids):,} cases written again.")
