"""Recompute stored deadlines (done by itself when closure days change; this is by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from harken.cases.services import deadlines_recompute


class Command(BaseCommand):
    help = "Recompute the stored deadlines of open stages (all stages with --all)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--all", action="store_true", help="also concluded stages (timeliness may change)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = deadlines_recompute(include_concluded=options["all"])
        self.stdout.write(f"Recomputed {count} stages.")
