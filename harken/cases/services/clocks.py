"""A stage's clock and the case's next deadline, and recomputing them when the calendar changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from harken.accounts.models import User
from harken.core.audit import record_audit, set_fields
from harken.core.dates import format_date
from harken.core.models import EventType
from harken.procedures.clocks import Due, StageClock, StatementTarget, compute
from harken.procedures.definitions import Milestone, StageDef
from harken.workdays.rules import Deadline, working_day_deadline

from ..models import (
    REPRESENTATION_KINDS,
    Case,
    Extension,
    Kind,
    Stage,
    Status,
)
from .base import MILESTONE_FIELDS, _current_stage, _spec

# --- Clocks --------------------------------------------------------------------------------


def stage_dates(stage: Stage) -> dict[Milestone, dt.date | None]:
    return {m: getattr(stage, f) for m, f in MILESTONE_FIELDS.items()}


def stage_clock(
    stage: Stage, spec: StageDef | None = None, *, extensions: Iterable[Extension] | None = None
) -> StageClock:
    """The stage's clock: what is due, by when, and why. `extensions`: the stage's extensions
    if the caller holds them already (a page that prefetched them); otherwise they are read
    afresh, never from a prefetch that a change may have left behind."""
    procedure = _spec(stage.case)
    spec = spec or procedure.stage(stage.number)
    if extensions is None:
        extensions = stage.extensions.order_by("-new_due_on")[:1]
    return compute(
        spec,
        stage_dates(stage),
        extended_to=max((e.new_due_on for e in extensions), default=None),
        paused_reason=stage.paused_reason,
        clock_started_on=stage.clock_override_on,
        skip_closure_days=procedure.skip_closure_days,
        statement_target=_statement_target(),
        planned={Milestone.PANEL_MET: stage.panel_planned_on} if stage.panel_planned_on else None,
    )


def _statement_target() -> StatementTarget | None:
    """The team's own target for agreeing a stage 2 statement of complaint (a setting)."""
    days = settings.HARKEN_STATEMENT_TARGET_DAYS
    if not days:
        return None
    return StatementTarget(days, skip_closure_days=settings.HARKEN_TARGETS_SKIP_CLOSURE_DAYS)


def stage_recompute(stage: Stage) -> StageClock:
    """Store the clock's answers on the stage so reports can query them in SQL."""
    clock = stage_clock(stage)
    stage.clock_started_on = clock.clock_started_on
    stage.acknowledgement_due_on = (
        clock.acknowledgement_due.due if clock.acknowledgement_due else None
    )
    stage.original_due_on = clock.original_due.due if clock.original_due else None
    stage.due_on = clock.due_on
    stage.due_explanation = clock.explanation[:500]
    stage.latest_extension_on = clock.latest_extension_on
    stage.concluded_on = clock.concluded_on
    stage.working_days_taken = clock.working_days_taken
    stage.within_timescale = clock.within_timescale
    stage.working_days_to_statement = clock.working_days_to_statement
    stage.working_days_from_request = clock.working_days_from_request
    stage.escalation_due_on = clock.escalation_due.due if clock.escalation_due else None
    stage.save()
    return clock


def case_refresh_next_due(case: Case, *, clock: StageClock | None = None) -> None:
    """Keep the caseload's 'what next, by when' up to date. `clock`: the current stage's,
    if the caller has just worked it out."""
    due, label, paused = _next_due(case, clock)
    changes = set_fields(
        case, {"next_due_on": due, "next_due_label": label[:200], "paused": paused}
    )
    if changes and case.pk is not None:
        case.save(update_fields=["next_due_on", "next_due_label", "paused", "modified_at"])


def due_label(stage_number: int, due: Due) -> str:
    """The caseload's words for a stage's next date: "Stage 3 panel report due"."""
    return f"Stage {stage_number} {due.heading[:1].lower()}{due.heading[1:]}"


def _next_due(case: Case, clock: StageClock | None = None) -> tuple[dt.date | None, str, bool]:
    due: dt.date | None = None
    label = ""
    paused = False
    if case.status == Status.OPEN:
        if case.kind == Kind.COMPLAINT:
            stage = _current_stage(case)
            spec = _spec(case).stage(stage.number)
            if stage.is_open:
                # The date and its name from the same entry of the stage's clock.
                clock = clock or stage_clock(stage, spec)
                coming = clock.next_due
                if coming is not None:
                    due, label = coming.due, due_label(stage.number, coming)
                paused = (
                    stage.clock_started_on is None
                    and not spec.steps
                    and spec.relevant_period_months is None
                )
                if paused and not label:
                    label = f"Waiting for {clock.waiting_for or 'the clock to start'}"
        elif case.kind != Kind.COMPLIMENT:
            due, label = case.due_on, "Reply due"
    return due, label, paused


def reply_target(received_on: dt.date) -> Deadline:
    """When a contact or representation is to be answered: the team's own target (there is
    no statutory figure), which skips the council's closure days unless the council's policy
    is otherwise (HARKEN_TARGETS_SKIP_CLOSURE_DAYS)."""
    return working_day_deadline(
        received_on,
        settings.HARKEN_CONTACT_RESPONSE_DAYS,
        after=f"receipt on {format_date(received_on)}",
        skip_closure_days=settings.HARKEN_TARGETS_SKIP_CLOSURE_DAYS,
    )


# --- Deadlines after the working-day calendar changes -------------------------------------


@transaction.atomic
def deadlines_recompute(*, include_concluded: bool = False, actor: User | None = None) -> int:
    """Work out every open stage's deadlines again (all stages with `include_concluded`:
    timeliness may change), each open contact's or representation's reply target, and each
    open case's next deadline. Returns the stages done.

    Run when council closure days are added or removed (they move the team's own targets and
    the clocks of a procedure that skips them, and every explanation names them). One
    transaction: a worker killed part way through leaves every deadline as it was, never some
    stages counting the new closure day and others not, and the task is simply run again
    (harken.core.taskqueue). The rows it changes stay locked until it commits (seconds for
    thousands of open stages; a case page saved meanwhile waits for it)."""
    stages = Stage.objects.select_related("case__procedure_version").order_by("pk")
    if not include_concluded:
        stages = stages.filter(case__status=Status.OPEN)
    count = 0
    for stage in stages.iterator(chunk_size=500):
        stage_recompute(stage)
        count += 1
    replies = Case.objects.filter(
        status=Status.OPEN, kind__in=[Kind.CONTACT, *REPRESENTATION_KINDS]
    )
    for case in replies.iterator(chunk_size=500):
        due = reply_target(case.received_on).due
        if due != case.due_on:
            Case.objects.filter(pk=case.pk).update(due_on=due)
    for case in Case.objects.filter(status=Status.OPEN).iterator(chunk_size=500):
        case_refresh_next_due(case)
    record_audit(
        event_type=EventType.DEADLINES_RECOMPUTED,
        actor=actor,
        description=f"Deadlines worked out again for {count} "
        + ("stages, concluded ones included" if include_concluded else "open stages"),
        changes={"stages": [None, str(count)]},
    )
    return count
