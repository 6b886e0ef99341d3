"""`harken demo-data [--if-empty] [--seed N] [--years 2] [--scale 1]`: records to try Harken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.accounts.models import Role, User
from harken.cases.demo import DEMO_PASSWORD, DEMO_USERS, DemoUser, build_demo
from harken.cases.models import Case, Kind


class Command(BaseCommand):
    help = (
        "Create demo users in every role and realistic casework up to today, through the "
        "services. The same --seed on the same day gives the same records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if there are cases already"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--years", type=int, default=2, help="years of history up to today (default 2)"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="multiply the number of records (default 1; 0.1 for a quick test)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Case.objects.exists():
            self.stdout.write("There are cases already: no demo data added.")
            self._log_ins()
            return
        if not 1 <= options["years"] <= 10:
            raise CommandError("--years must be between 1 and 10.")
        if not 0 < options["scale"] <= 10:
            raise CommandError("--scale must be more than 0 and at most 10.")
        summary = build_demo(seed=options["seed"], years=options["years"], scale=options["scale"])
        kinds = ", ".join(
            f"{count} {Kind(kind).label.lower()}" for kind, count in sorted(summary.kinds.items())
        )
        stages = ", ".join(f"stage {n}: {count}" for n, count in sorted(summary.stages.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data made in {summary.seconds:.1f} s: {sum(summary.kinds.values())} cases "
                f"({kinds}); complaint stages {stages}; {summary.open_cases} open, "
                f"{summary.overdue} overdue."
            )
        )
        self._write_log_ins([(spec, created) for spec, created in summary.users])

    def _log_ins(self) -> None:
        """The demo accounts still there, for a second `make run`."""
        present = set(
            User.objects.filter(
                username__in=[spec.username for spec in DEMO_USERS], is_active=True
            ).values_list("username", flat=True)
        )
        found = [(spec, True) for spec in DEMO_USERS if spec.username in present]
        if found:
            self._write_log_ins(found)

    def _write_log_ins(self, users: list[tuple[DemoUser, bool]]) -> None:
        self.stdout.write(f"\nSign in with any of these; the password is {DEMO_PASSWORD}")
        for spec, created in users:
            note = "" if created else "  (already existed: password unchanged)"
            self.stdout.write(
                f"  {spec.username:<9} {Role(spec.role).label:<22} "
                f"{spec.first_name} {spec.last_name}, {spec.job_title}{note}"
            )
        self.stdout.write(
            "On first sign-in each account sets up two-factor authentication: scan the QR code "
            "with any authenticator app, or type the key shown beside it."
        )
