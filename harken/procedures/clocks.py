"""A stage's clock, worked out from its definition and the dates recorded so far.

Pure: give it a `StageDef` and the milestone dates and it says what is due, by when, why,
and whether the stage met its timescale. The services store the answers on the stage row so
the reports can aggregate them in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from harken.core.dates import format_date
from harken.workdays.rules import (
    Deadline,
    calendar_day_deadline,
    calendar_month_deadline,
    working_day_deadline,
    working_days_between,
)

from .definitions import (
    CLOCK_START_MILESTONE,
    MILESTONE_LABELS,
    ClockStart,
    DayUnit,
    Milestone,
    StageDef,
)


@dataclass(frozen=True)
class Due:
    """One dated milestone of a stage: what is due, by when, why, and when it was done.

    The one place a date is named: the case page, its banner and the caseload's label all
    read these, so a date is never shown under another milestone's name."""

    key: str  # "acknowledgement", "statement", "response", a step's key, or "escalation"
    label: str  # the milestone in words: "acknowledgement", "adjudication", "panel report"…
    due: dt.date | None
    explanation: str
    done_on: dt.date | None = None
    # The team's own target (not a statutory deadline).
    target: bool = False
    # The day it is planned for, where it can be planned ahead (a review panel's meeting).
    planned_on: dt.date | None = None

    @property
    def heading(self) -> str:
        """ "Adjudication due", "Last day to ask for stage 3", "Statement of complaint: the
        team's target"."""
        if self.key == "escalation":
            return f"Last day to ask for {self.label}"
        if self.target:
            return f"{self.label[:1].upper()}{self.label[1:]}: the team's own target"
        return f"{self.label[:1].upper()}{self.label[1:]} due"


@dataclass(frozen=True)
class StageClock:
    acknowledgement_due: Deadline | None
    clock_started_on: dt.date | None
    # Why the response clock has not started (None when it runs).
    waiting_for: str | None
    # The response deadline as the procedure sets it, before any extension.
    original_due: Deadline | None
    # The response deadline in force: the latest agreed extension, else the original.
    due_on: dt.date | None
    explanation: str
    # The latest date an extension may give.
    latest_extension_on: dt.date | None
    step_dues: dict[str, Deadline] = field(default_factory=dict)
    concluded_on: dt.date | None = None
    working_days_taken: int | None = None
    within_timescale: bool | None = None
    escalation_due: Deadline | None = None
    # Every date of the stage, in the order they fall due, each with its own name.
    dues: tuple[Due, ...] = ()
    # From the receipt (or request) rather than the clock's start: to the agreed statement of
    # complaint, and to the conclusion.
    working_days_to_statement: int | None = None
    working_days_from_request: int | None = None

    @property
    def next_due(self) -> Due | None:
        """What the team has to do next and by when: the first date not yet done (None once
        the stage has concluded, or while its clock waits with nothing dated)."""
        if self.concluded_on is not None:
            return None
        return next(
            (d for d in self.dues if d.done_on is None and d.due and d.key != "escalation"),
            None,
        )


# What a step's date is called, by the milestone that ends it.
_DUE_NOUNS: dict[Milestone, str] = {
    Milestone.ACKNOWLEDGED: "acknowledgement",
    Milestone.STATEMENT_AGREED: "statement of complaint",
    Milestone.PANEL_MET: "panel meeting",
    Milestone.PANEL_REPORT_SENT: "panel report",
    Milestone.COUNCIL_RESPONSE_SENT: "council's response",
}


def _ack_due(ack_due: Deadline | None, dates: dict[Milestone, dt.date | None]) -> list[Due]:
    if ack_due is None:
        return []
    return [
        Due(
            "acknowledgement",
            "acknowledgement",
            ack_due.due,
            ack_due.explain(),
            dates.get(Milestone.ACKNOWLEDGED),
        )
    ]


def _escalation_due(stage: StageDef, escalation: Deadline | None) -> list[Due]:
    if escalation is None:
        return []
    return [Due("escalation", f"stage {stage.number + 1}", escalation.due, escalation.explain())]


_START_PHRASES: dict[Milestone, str] = {
    Milestone.ACKNOWLEDGED: "the acknowledgement",
    Milestone.STATEMENT_AGREED: "the agreed statement of complaint",
    Milestone.PANEL_MET: "the panel meeting",
    Milestone.PANEL_REPORT_SENT: "the panel report",
}


def _start_phrase(stage: StageDef, milestone: Milestone) -> str:
    if milestone == Milestone.RECEIVED:
        return "receipt" if stage.number == 1 else "the request"
    return _START_PHRASES.get(milestone, MILESTONE_LABELS[milestone])


def _after(stage: StageDef, milestone: Milestone, on: dt.date) -> str:
    return f"{_start_phrase(stage, milestone)} on {format_date(on)}"


@dataclass(frozen=True)
class StatementTarget:
    """The team's own target: a statement of complaint agreed within `working_days` of the
    request (local practice; the Regulations set none)."""

    working_days: int
    skip_closure_days: bool = True


@dataclass(frozen=True)
class _Days:
    """The procedure's working days: closure days skipped only if its definition says so."""

    skip_closure_days: bool = False

    def deadline(self, start: dt.date, n: int, *, after: str | None = None) -> Deadline:
        return working_day_deadline(start, n, after=after, skip_closure_days=self.skip_closure_days)

    def calendar_days(self, start: dt.date, n: int, *, after: str | None = None) -> Deadline:
        return calendar_day_deadline(
            start, n, after=after, skip_closure_days=self.skip_closure_days
        )

    def months(self, start: dt.date, n: int, *, after: str | None = None) -> Deadline:
        return calendar_month_deadline(
            start, n, after=after, skip_closure_days=self.skip_closure_days
        )

    def between(self, start: dt.date, end: dt.date) -> int:
        return working_days_between(start, end, skip_closure_days=self.skip_closure_days)


def compute(
    stage: StageDef,
    dates: dict[Milestone, dt.date | None],
    *,
    extended_to: dt.date | None = None,
    paused_reason: str = "",
    clock_started_on: dt.date | None = None,
    skip_closure_days: bool = False,
    statement_target: StatementTarget | None = None,
    planned: Mapping[Milestone, dt.date] | None = None,
) -> StageClock:
    """Work out the clock of one stage.

    `dates` holds the milestones recorded so far; `extended_to` the latest agreed extension;
    `paused_reason` says the clock has not started (e.g. while an advocate is arranged) and
    `clock_started_on` overrides the start after such a pause. `skip_closure_days`: the
    procedure's definition says the council's closure days are not working days (never a
    statutory one's). `statement_target`: the team's own target for agreeing a statement of
    complaint, for a stage that has one. `planned`: milestones planned ahead but not yet
    happened (a review panel's meeting): the steps after them are projected from the plan.
    """
    days = _Days(skip_closure_days)
    received = dates.get(Milestone.RECEIVED)
    if received is None:
        raise ValueError("A stage needs the date it was received.")
    ack_due = _acknowledgement_deadline(stage, received, days)
    concluded_on = dates.get(stage.concluding_milestone)

    if stage.steps:
        return _compute_steps(stage, dates, received, ack_due, concluded_on, days, planned or {})

    start, waiting_for = _clock_start(stage, dates, paused_reason, clock_started_on)
    original, explanation = _response_deadline(
        stage, received, start, waiting_for, ack_due, days, restarted=clock_started_on is not None
    )
    latest = _latest_extension(stage, start, original, days)

    due_on = original.due if original else None
    if extended_to is not None:
        due_on = extended_to
        explanation = (
            f"Due {format_date(extended_to)}: extended by agreement from "
            f"{format_date(original.due) if original else 'the original date'}."
        )
    taken = within = None
    if concluded_on is not None:
        counted_from = start or received
        taken = days.between(counted_from, concluded_on)
        within = due_on is None or concluded_on <= due_on
    escalation = None
    if concluded_on is not None and stage.escalation_window_days:
        escalation = days.deadline(
            concluded_on,
            stage.escalation_window_days,
            after=f"the {stage.response_label} on {format_date(concluded_on)}",
        )
    response = Due(
        "response", stage.response_label, due_on, explanation, dates.get(stage.concluding_milestone)
    )
    statement_on = dates.get(Milestone.STATEMENT_AGREED)
    return StageClock(
        acknowledgement_due=ack_due,
        clock_started_on=start,
        waiting_for=None if concluded_on else waiting_for,
        original_due=original,
        due_on=due_on,
        explanation=explanation,
        latest_extension_on=latest,
        concluded_on=concluded_on,
        working_days_taken=taken,
        within_timescale=within,
        escalation_due=escalation,
        dues=(
            *_ack_due(ack_due, dates),
            *_statement_due(stage, dates, received, statement_target),
            response,
            *_escalation_due(stage, escalation),
        ),
        working_days_to_statement=days.between(received, statement_on) if statement_on else None,
        working_days_from_request=days.between(received, concluded_on) if concluded_on else None,
    )


def _acknowledgement_deadline(stage: StageDef, received: dt.date, days: _Days) -> Deadline | None:
    if not stage.acknowledge_days:
        return None
    after = _after(stage, Milestone.RECEIVED, received)
    if stage.acknowledge_unit == DayUnit.CALENDAR:
        return days.calendar_days(received, stage.acknowledge_days, after=after)
    return days.deadline(received, stage.acknowledge_days, after=after)


def _statement_due(
    stage: StageDef,
    dates: dict[Milestone, dt.date | None],
    received: dt.date,
    target: StatementTarget | None,
) -> list[Due]:
    """The team's own target for agreeing a statement of complaint, where it has one."""
    if target is None or Milestone.STATEMENT_AGREED not in stage.milestones:
        return []
    deadline = working_day_deadline(
        received,
        target.working_days,
        after=_after(stage, Milestone.RECEIVED, received),
        skip_closure_days=target.skip_closure_days,
    )
    return [
        Due(
            "statement",
            "agreed statement of complaint",
            deadline.due,
            deadline.explain(),
            dates.get(Milestone.STATEMENT_AGREED),
            target=True,
        )
    ]


def _with_note(deadline: Deadline, note: str) -> str:
    """The deadline's sentence with a note in brackets before its full stop."""
    return f"{deadline.explain().rstrip('.')} ({note})."


def _clock_start(
    stage: StageDef,
    dates: dict[Milestone, dt.date | None],
    paused_reason: str,
    clock_started_on: dt.date | None,
) -> tuple[dt.date | None, str | None]:
    """When the response clock started, or what it is waiting for."""
    if stage.relevant_period_months:
        return dates.get(Milestone.RECEIVED), None
    if paused_reason and clock_started_on is None:
        return None, paused_reason
    start = clock_started_on or dates.get(CLOCK_START_MILESTONE[stage.clock_starts])
    if start is not None:
        return start, None
    if stage.clock_starts == ClockStart.ACKNOWLEDGEMENT:
        return None, "the acknowledgement"
    return None, "the agreed statement of complaint"


def _response_deadline(
    stage: StageDef,
    received: dt.date,
    start: dt.date | None,
    waiting_for: str | None,
    ack_due: Deadline | None,
    days: _Days,
    *,
    restarted: bool,
) -> tuple[Deadline | None, str]:
    """The response deadline before any extension, and the sentence that explains it."""
    if stage.relevant_period_months:
        deadline = days.months(
            received,
            stage.relevant_period_months,
            after=_after(stage, Milestone.RECEIVED, received),
        )
        return deadline, _with_note(
            deadline, "the relevant period: delay beyond it must be explained to the complainant"
        )
    if start is not None and stage.response_days:
        after = (
            f"the clock started on {format_date(start)}"
            if restarted
            else _after(stage, CLOCK_START_MILESTONE[stage.clock_starts], start)
        )
        deadline = days.deadline(start, stage.response_days, after=after)
        return deadline, deadline.explain()
    if (
        waiting_for
        and stage.response_days
        and ack_due is not None
        and stage.clock_starts == ClockStart.ACKNOWLEDGEMENT
    ):
        # Not yet acknowledged: the response is due the set days after the acknowledgement is.
        deadline = days.deadline(
            ack_due.due,
            stage.response_days,
            after=f"the acknowledgement due on {format_date(ack_due.due)}",
        )
        return deadline, _with_note(deadline, "the clock starts when acknowledged")
    if waiting_for:
        return None, f"The clock starts with {waiting_for}."
    return None, "The procedure sets no response time."


def _latest_extension(
    stage: StageDef, start: dt.date | None, original: Deadline | None, days: _Days
) -> dt.date | None:
    if not (stage.max_response_days and stage.response_days):
        return None
    if start is not None:
        return days.deadline(start, stage.max_response_days).due
    if original is not None:
        return days.deadline(original.due, stage.max_response_days - stage.response_days).due
    return None


def _compute_steps(
    stage: StageDef,
    dates: dict[Milestone, dt.date | None],
    received: dt.date,
    ack_due: Deadline | None,
    concluded_on: dt.date | None,
    days: _Days,
    planned: Mapping[Milestone, dt.date],
) -> StageClock:
    """Chained steps: each runs from the date the previous one ended (or is planned for, or
    was due to)."""
    step_dues: dict[str, Deadline] = {}
    within = True
    previous_end = received
    current: Deadline | None = None
    for step in stage.steps:
        happened = dates.get(step.starts_at)
        plan = None if happened else planned.get(step.starts_at)
        started = happened or plan or previous_end
        if happened:
            after = f"{_start_phrase(stage, step.starts_at)} on {format_date(started)}"
        elif plan:
            after = f"{_start_phrase(stage, step.starts_at)} planned for {format_date(plan)}"
        else:
            after = f"{format_date(started)}, when the previous step is due"
        deadline = days.deadline(started, step.working_days, after=after)
        step_dues[step.key] = deadline
        ended = dates.get(step.ends_at)
        if ended is None:
            current = current or deadline
            previous_end = deadline.due
        else:
            if ended > deadline.due:
                within = False
            previous_end = ended
    final = step_dues[stage.steps[-1].key]
    shown = current or final
    taken = days.between(received, concluded_on) if concluded_on else None
    step_rows = [
        Due(
            step.key,
            _DUE_NOUNS.get(step.ends_at, MILESTONE_LABELS[step.ends_at]),
            step_dues[step.key].due,
            step_dues[step.key].explain(),
            dates.get(step.ends_at),
            planned_on=None if dates.get(step.ends_at) else planned.get(step.ends_at),
        )
        for step in stage.steps
    ]
    return StageClock(
        acknowledgement_due=ack_due,
        clock_started_on=received,
        waiting_for=None,
        original_due=final,
        due_on=shown.due if concluded_on is None else final.due,
        explanation=shown.explain(),
        latest_extension_on=None,
        step_dues=step_dues,
        concluded_on=concluded_on,
        working_days_taken=taken,
        within_timescale=within if concluded_on else None,
        escalation_due=None,
        dues=(*_ack_due(ack_due, dates), *step_rows),
        working_days_from_request=taken,
    )
