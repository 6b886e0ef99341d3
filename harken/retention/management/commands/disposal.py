"""`harken disposal preview|show|approve|reject|carry-out|log`: disposal under the retention
schedule from the command line (administrators; docs/data-protection.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from harken.core.dates import format_date, format_datetime
from harken.core.errors import ApplicationError
from harken.retention import selectors, services
from harken.retention.models import DisposalRun, RunStatus

from ._common import administrator, parse_date, whole


def _period(line: Any) -> str:
    if line.earliest_on is None:
        return ""
    return f"{format_date(line.earliest_on)} to {format_date(line.latest_on)}"


class Command(BaseCommand):
    help = "Preview, approve, reject and carry out disposals; show the disposal log."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", metavar="preview|show|approve|reject|carry-out|log"
        )
        actions.required = True
        preview = actions.add_parser("preview", help="What the schedule makes due (no change).")
        preview.add_argument("--date", help="YYYY-MM-DD, today or earlier; default today")
        preview.add_argument("--actor", required=True)
        for name, text in (
            ("show", "One disposal's lines."),
            ("approve", "Approve a preview."),
            ("reject", "Reject a preview."),
            ("carry-out", "Carry out an approved disposal now."),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("run", metavar="NUMBER")
            if name != "show":
                sub.add_argument("--actor", required=True)
            if name == "carry-out":
                sub.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        actions.add_parser("log", help="The disposal log: every disposal and what it covered.")

    def _run(self, number: str) -> DisposalRun:
        run = selectors.run_get(pk=whole(number, "NUMBER"))
        if run is None:
            raise CommandError("There is no disposal with that number.")
        return run

    def _show(self, run: DisposalRun) -> None:
        self.stdout.write(
            f"Disposal {run.pk}: {run.get_status_display()}, due on {format_date(run.due_on)}"
        )
        for line in run.lines.all():
            done = f", {line.disposed} anonymised" if run.status == RunStatus.COMPLETED else ""
            self.stdout.write(
                f"  {line.get_kind_display():40} {line.count:7}  {line.rule_description} "
                f"(version {line.rule_version}) {_period(line)}{done}"
            )
        if run.status == RunStatus.PREVIEW:
            self._held(run)

    def _held(self, run: DisposalRun) -> None:
        """What the holds in force keep out, by number (a person by id, never by name)."""
        held = selectors.held_from_run(run)
        self.stdout.write(f"Held and left out: {selectors.held_total(held)} record(s)")
        for h in held:
            if h.hold is not None:
                what = f"hold {h.hold.pk} on " + (
                    h.hold.case.reference if h.hold.case else f"person {h.hold.person_id}"
                )
                why = h.hold.get_reason_display()
            else:
                assert h.sar is not None  # noqa: S101
                what = f"person {h.sar.subject_id or h.sar.requester_id}"
                why = f"live subject access request {h.sar.reference}"
            self.stdout.write(
                f"  {what} ({why}): {h.cases} case(s), {h.other_records} other record(s)"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "preview":
                actor = administrator(options["actor"])
                day = parse_date(options["date"]) if options["date"] else timezone.localdate()
                self._show(services.disposal_preview_create(day=day, actor=actor))
            elif action == "show":
                self._show(self._run(options["run"]))
            elif action == "approve":
                run = services.disposal_approve(
                    run=self._run(options["run"]), actor=administrator(options["actor"])
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Disposal {run.pk} approved: the next `harken run-scheduled` carries it "
                        "out (or `harken disposal carry-out`)."
                    )
                )
            elif action == "reject":
                run = services.disposal_reject(
                    run=self._run(options["run"]), actor=administrator(options["actor"])
                )
                self.stdout.write(self.style.SUCCESS(f"Disposal {run.pk} rejected."))
            elif action == "carry-out":
                batch = options["batch_size"]
                if batch < 1:
                    raise CommandError("--batch-size must be 1 or more.")
                run = services.disposal_carry_out(
                    run=self._run(options["run"]),
                    batch_size=batch,
                    actor=administrator(options["actor"]),
                )
                self._show(selectors.run_get(pk=run.pk) or run)
            else:
                for run in selectors.run_list():
                    by = run.decided_by or "-"
                    self.stdout.write(
                        f"Disposal {run.pk}: {run.get_status_display()}, due on "
                        f"{format_date(run.due_on)}, decided by {by}, carried out "
                        f"{format_datetime(run.completed_at) if run.completed_at else '-'}"
                    )
                    for line in run.lines.all():
                        self.stdout.write(
                            f"  {line.kind:15} {line.rule_description:35} "
                            f"{line.count:7} due {line.disposed:7} anonymised  {_period(line)}"
                        )
        except ApplicationError as error:
            raise CommandError(error.message) from error
