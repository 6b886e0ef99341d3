"""`harken retention rules|set-rule|holds|hold|release`: the retention schedule and legal
holds from the command line (administrators; docs/data-protection.md)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.access import reference_as_typed
from harken.cases.models import Case, Person
from harken.core.dates import format_datetime
from harken.core.errors import ApplicationError
from harken.retention import selectors, services
from harken.retention.models import Basis, HoldReason, LegalHold, RecordKind

from ._common import administrator, whole


class Command(BaseCommand):
    help = "Show or change the retention schedule; place, list and release legal holds."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="rules|set-rule|holds|hold|release")
        actions.required = True
        actions.add_parser("rules", help="Show the schedule.")
        rule = actions.add_parser("set-rule", help="Change one rule (a new version).")
        rule.add_argument("kind", choices=RecordKind.values)
        rule.add_argument("--years", required=True)
        rule.add_argument("--basis", choices=Basis.values)
        rule.add_argument("--reason", required=True, nargs=argparse.ONE_OR_MORE)
        rule.add_argument("--actor", required=True)
        holds = actions.add_parser("holds", help="List the legal holds in force.")
        holds.add_argument("--all", action="store_true", help="Released ones too.")
        hold = actions.add_parser(
            "hold", help="Place a legal hold on a case, or with --person on all of a person's."
        )
        hold.add_argument("reference", nargs="?")
        hold.add_argument("--person", help="The person's number: hold every case they are on.")
        hold.add_argument("--reason", required=True, choices=HoldReason.values)
        hold.add_argument("--explanation", required=True, nargs=argparse.ONE_OR_MORE)
        hold.add_argument("--actor", required=True)
        release = actions.add_parser("release", help="Release a legal hold: HOLD number.")
        release.add_argument("hold")
        release.add_argument("--reason", required=True, nargs=argparse.ONE_OR_MORE)
        release.add_argument("--actor", required=True)

    def _hold_person(self, actor: Any, options: dict[str, Any]) -> None:
        if options["reference"]:
            raise CommandError("Give a case reference or --person, not both.")
        person = Person.objects.filter(pk=whole(options["person"], "--person")).first()
        if person is None:
            raise CommandError("There is no person with that number.")
        placed = services.hold_place(
            person=person,
            reason=options["reason"],
            explanation=" ".join(options["explanation"]),
            actor=actor,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Legal hold {placed.pk} placed on every record of person {person.pk}."
            )
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "rules":
                for r in selectors.rule_list():
                    self.stdout.write(
                        f"{r.kind:15} {r.description:40} v{r.version}  ({r.source or 'no source'})"
                    )
            elif action == "set-rule":
                actor = administrator(options["actor"])
                found = selectors.rule_get(kind=options["kind"])
                if found is None:
                    raise CommandError(f"There is no rule for {options['kind']}.")
                changed = services.rule_update(
                    rule=found,
                    basis=options["basis"] or found.basis,
                    years=options["years"],
                    reason=" ".join(options["reason"]),
                    actor=actor,
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{changed}: {changed.description} (version {changed.version})"
                    )
                )
            elif action == "holds":
                for h in selectors.hold_list(active_only=not options["all"]):
                    state = (
                        f"released {format_datetime(h.released_at)}"
                        if h.released_at
                        else "in force"
                    )
                    held_on = h.case.reference if h.case else f"person {h.person_id}"
                    self.stdout.write(
                        f"{h.pk:6} {held_on:15} {h.get_reason_display():45} "
                        f"placed {format_datetime(h.placed_at)} by {h.placed_by}, {state}"
                    )
            elif action == "hold":
                actor = administrator(options["actor"])
                if options["person"] is not None:
                    self._hold_person(actor, options)
                    return
                typed = reference_as_typed(options["reference"] or "")
                case = Case.objects.filter(reference=typed).first() if typed else None
                if case is None:
                    raise CommandError("There is no case with that reference.")
                placed = services.hold_place(
                    case=case,
                    reason=options["reason"],
                    explanation=" ".join(options["explanation"]),
                    actor=actor,
                )
                self.stdout.write(
                    self.style.SUCCESS(f"Legal hold {placed.pk} placed on {case.reference}.")
                )
            else:
                actor = administrator(options["actor"])
                held = LegalHold.objects.filter(pk=whole(options["hold"], "HOLD")).first()
                if held is None:
                    raise CommandError("There is no legal hold with that number.")
                services.hold_release(hold=held, reason=" ".join(options["reason"]), actor=actor)
                self.stdout.write(self.style.SUCCESS(f"Legal hold {held.pk} released."))
        except ApplicationError as error:
            raise CommandError(error.message) from error
