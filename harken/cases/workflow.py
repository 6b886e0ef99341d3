"""The workflow of a case, declared once.

Each `Transition` names a step (the staff page's URL part), the permission it needs (an
`access.Perm` of the permission table, `harken/access/permissions.py`), whether the
procedure's responders rule applies (`stage_answer`), its guards and the service in
`cases.services` that carries it out.

A guard is a small function of the case's state that returns the refusal a user reads, or
None when the step may be taken. `guards` decide whether the step is offered at all;
`prerequisites` are refused by the service with their message, but the page still offers
the step so that the form can say what is missing (e.g. "Appoint the Investigating Officer
before the adjudication").

Three readers, one table:
- each service starts with `require(name, case=..., actor=...)`, which refuses with the
  first guard's message (`ApplicationError`) or the permission (`AccessDenied`);
- the staff case page (`casework.actions`) offers the transitions `allowed` for the user;
- the API (`api.actions`) exposes one endpoint per transition.
`cases/tests/test_workflow.py` fails when the three do not hold the same names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from harken import access
from harken.core.errors import AccessDenied, ApplicationError
from harken.procedures.definitions import Milestone, ProcedureDef, StageDef

from .models import REPRESENTATION_KINDS, ContactOutcome, Kind, Status

if TYPE_CHECKING:
    from harken.accounts.models import User
    from harken.procedures.clocks import Due, StageClock

    from .models import Appointment, Case, Element, Stage


# --- The state the guards read -------------------------------------------------------------


@dataclass
class CaseState:
    """What the guards need to know about a case. On the case page (`fresh=False`) it reads
    what the page already loaded (`selectors.case_get` prefetches stages, appointments,
    extensions and elements); a service (`fresh=True`) reads the database afresh, since an
    import or a demo may run several services on one case object."""

    case: Case
    fresh: bool = False

    @cached_property
    def stages(self) -> list[Stage]:
        if self.fresh:
            return list(self.case.stages.order_by("number"))
        return sorted(self.case.stages.all(), key=lambda s: s.number)

    @cached_property
    def stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    @cached_property
    def spec(self) -> ProcedureDef | None:
        version = self.case.procedure_version
        return version.spec if version is not None else None

    @cached_property
    def stage_def(self) -> StageDef | None:
        if self.spec is None or self.stage is None or not self.spec.has_stage(self.stage.number):
            return None  # a stage the procedure lacks (old data): no stage action is offered
        return self.spec.stage(self.stage.number)

    @cached_property
    def problems(self) -> list[str]:
        """What is wrong with the record itself, in words for the page (old or hand-made data
        that the services would not store today), instead of an error page."""
        if self.spec is None:
            return []
        return [
            f"This case has a stage {stage.number}, which the {self.spec.name} procedure does "
            f"not have, so no action on that stage is offered. An administrator can correct "
            f"the record."
            for stage in self.stages
            if not self.spec.has_stage(stage.number)
        ]

    @cached_property
    def elements(self) -> list[Element]:
        if self.fresh:
            return list(self.case.elements.order_by("number"))
        return sorted(self.case.elements.all(), key=lambda e: e.number)

    @cached_property
    def answered_at(self) -> dict[int, int]:
        """Each answered point's id and the first stage that gave it an outcome."""
        found: dict[int, int] = {}
        for stage in self.stages:
            for outcome in stage.outcomes.all():
                found.setdefault(outcome.element_id, stage.number)
        return found

    @cached_property
    def changeable_elements(self) -> list[Element]:
        """The points that may be changed, split or merged now."""
        return [
            e
            for e in self.elements
            if element_problem(e, self.case, answered=self.answered_at, stages=self.stages) is None
        ]

    @cached_property
    def active_appointments(self) -> list[Appointment]:
        if self.stage is None:
            return []
        return [a for a in self.stage.appointments.all() if a.ended_on is None]

    @property
    def is_open(self) -> bool:
        return self.case.status == Status.OPEN

    @property
    def kind(self) -> str:
        return self.case.kind

    @property
    def stage_open(self) -> bool:
        """An open complaint whose current stage is still running."""
        return _open_stage(self) is None

    @property
    def latest_extension_on(self) -> Any:
        stage = self.stage
        return stage.latest_extension_on if stage is not None else None

    def has_milestone(self, milestone: Milestone) -> bool:
        return self.stage_def is not None and milestone in self.stage_def.milestones

    @property
    def next_stage_number(self) -> int | None:
        if self.spec is None or self.stage is None:
            return None
        number = self.stage.number + 1
        return number if self.spec.has_stage(number) else None

    @cached_property
    def clock(self) -> StageClock | None:
        """The open stage's clock."""
        if not self.stage_open or self.stage is None or self.stage_def is None:
            return None
        from . import services  # services import this module

        return services.stage_clock(
            self.stage, self.stage_def, extensions=self.stage.extensions.all()
        )

    @property
    def next_due(self) -> Due | None:
        return self.clock.next_due if self.clock else None

    def may_answer(self, user: User) -> bool:
        """The procedure's rule for who records the open stage's response and extensions."""
        if self.stage is None or self.stage_def is None:
            return False
        return access.may_answer_stage(user, self.stage.number, self.stage_def.responders)

    @property
    def response_label(self) -> str:
        return self.stage_def.response_label if self.stage_def else "response"


def points_problem(case: Case, stages: list[Stage]) -> str | None:
    """Why no point of the complaint can be changed, split or merged now (None: they can,
    unless answered already). `stages`: the case's stages in order."""
    if case.kind != Kind.COMPLAINT or case.status != Status.OPEN or not stages:
        if stages and stages[-1].concluded_on is not None:
            return (
                f"Stage {stages[-1].number} is concluded: its points stay as they were "
                "answered. Points can be changed while a stage is open."
            )
        return "Points can be changed only while the complaint is open."
    return None


def element_problem(
    element: Element,
    case: Case,
    *,
    answered: Mapping[int, int] | None = None,
    stages: list[Stage] | None = None,
) -> str | None:
    """Why a point cannot be changed, split or merged now (None: it can be). `answered`:
    each answered point's id and the first stage that answered it, when the caller has them
    already; `stages`, likewise, the case's stages in order."""
    if element.case_id != case.pk:
        return "That is not a point of this complaint."
    if stages is None:
        stages = sorted(case.stages.all(), key=lambda s: s.number)
    problem = points_problem(case, stages)
    if problem:
        return problem
    if answered is None:
        first = element.outcomes.order_by("stage__number").select_related("stage").first()
        at = first.stage.number if first else None
    else:
        at = answered.get(element.pk)
    if at is not None:
        return (
            f"Point {element.number} was answered at stage {at}: it stays as it was answered. "
            "Add a new point for this stage instead."
        )
    return None


# --- Guards: each returns the refusal a user reads, or None ---------------------------------

Guard = Callable[[CaseState], str | None]


def _complaint_with_stages(s: CaseState) -> str | None:
    return None if s.kind == Kind.COMPLAINT else "Only a complaint has stages."


def _complaint_open(s: CaseState) -> str | None:
    if s.is_open:
        return None
    return f"The complaint is {s.case.get_status_display().lower()}."


def _has_stage(s: CaseState) -> str | None:
    return None if s.stage is not None else "This complaint has no stage."


def _stage_running(s: CaseState) -> str | None:
    if s.stage is None or s.stage.is_open:
        return None
    return f"Stage {s.stage.number} is already concluded."


def _under_procedure(s: CaseState) -> str | None:
    return None if s.spec is not None else "This record is not a complaint under a procedure."


def _stage_in_procedure(s: CaseState) -> str | None:
    """A stage the procedure lacks (old or hand-made data): nothing is done to it."""
    if s.spec is None or s.stage is None or s.spec.has_stage(s.stage.number):
        return None
    return f"The {s.spec.name} procedure has no stage {s.stage.number}."


# An open complaint whose current stage is running, under a procedure.
OPEN_STAGE: tuple[Guard, ...] = (
    _complaint_with_stages,
    _complaint_open,
    _has_stage,
    _stage_running,
    _under_procedure,
    _stage_in_procedure,
)


def _open_stage(s: CaseState) -> str | None:
    for guard in OPEN_STAGE:
        problem = guard(s)
        if problem:
            return problem
    return None


def _not_acknowledged(s: CaseState) -> str | None:
    from harken.core.dates import format_date

    stage = s.stage
    if stage is None or stage.acknowledged_on is None:
        return None
    return f"Stage {stage.number} was already acknowledged on {format_date(stage.acknowledged_on)}."


def _deferrable_stage(s: CaseState) -> str | None:
    spec, stage = s.stage_def, s.stage
    if stage is None or spec is None:
        return None
    if stage.number != 1 or spec.steps or spec.relevant_period_months:
        return "Only the start of stage 1 may be deferred."
    return None


def _clock_not_run(s: CaseState) -> str | None:
    stage = s.stage
    if stage is not None and (stage.response_sent_on or stage.clock_override_on):
        return "The stage 1 clock has already run."
    return None


def _not_deferred(s: CaseState) -> str | None:
    stage = s.stage
    if stage is not None and stage.paused_reason:
        return f"The stage 1 clock is already deferred: {stage.paused_reason}"
    return None


def _deferred(s: CaseState) -> str | None:
    stage = s.stage
    return None if stage is None or stage.paused_reason else "The clock is not deferred."


def _clock_not_started(s: CaseState) -> str | None:
    from harken.core.dates import format_date

    stage = s.stage
    if stage is not None and stage.clock_override_on:
        return f"The clock already started on {format_date(stage.clock_override_on)}."
    return None


def _extendable(s: CaseState) -> str | None:
    if s.stage is None or s.stage_def is None or s.stage_def.extendable:
        return None
    return f"Stage {s.stage.number} of this procedure cannot be extended."


def _clock_running(s: CaseState) -> str | None:
    if s.clock is not None and s.clock.due_on is not None:
        return None
    return "The response clock has not started, so there is nothing to extend yet."


def _has_statement_step(s: CaseState) -> str | None:
    if s.stage is None or s.has_milestone(Milestone.STATEMENT_AGREED):
        return None
    return f"Stage {s.stage.number} of this procedure has no statement of complaint."


def _statement_not_agreed(s: CaseState) -> str | None:
    if s.stage is not None and s.stage.statement_agreed_on:
        return "The statement of complaint is already agreed."
    return None


def _has_appointees(s: CaseState) -> str | None:
    spec = s.stage_def
    if spec is None or s.stage is None:
        return None
    if (
        spec.requires_investigating_officer
        or spec.requires_independent_person
        or spec.panel_size
        or s.has_milestone(Milestone.IO_APPOINTED)
    ):
        return None
    return f"Stage {s.stage.number} of this procedure has no one to appoint."


def _has_active_appointment(s: CaseState) -> str | None:
    return None if s.active_appointments else "No one is appointed to this stage now."


def _concluded_by_response(s: CaseState) -> str | None:
    if s.stage is None or s.stage_def is None or not s.stage_def.steps:
        return None
    return f"Stage {s.stage.number} concludes with the council's response to the panel report."


def _statement_before_response(s: CaseState) -> str | None:
    stage = s.stage
    if stage is None or s.stage_def is None:
        return None
    if s.has_milestone(Milestone.STATEMENT_AGREED) and stage.statement_agreed_on is None:
        return f"Record the agreed statement of complaint before the {s.response_label}."
    return None


def _appointees_before_response(s: CaseState) -> str | None:
    from .models import AppointmentRole

    spec, stage = s.stage_def, s.stage
    if spec is None or stage is None:
        return None
    appointed = {a.role for a in stage.appointments.all()}
    for needed, role, label in (
        (
            spec.requires_investigating_officer,
            AppointmentRole.INVESTIGATING_OFFICER,
            "Investigating Officer",
        ),
        (
            spec.requires_independent_person,
            AppointmentRole.INDEPENDENT_PERSON,
            "Independent Person",
        ),
    ):
        if needed and role not in appointed:
            return f"Appoint the {label} before the {s.response_label}."
    return None


def _has_panel(s: CaseState) -> str | None:
    if s.stage is None or s.stage_def is None or s.stage_def.panel_size:
        return None
    return f"Stage {s.stage.number} has no review panel."


def _panel_not_met(s: CaseState) -> str | None:
    from harken.core.dates import format_date

    stage = s.stage
    if stage is None or stage.panel_met_on is None:
        return None
    return f"The panel already met on {format_date(stage.panel_met_on)}: record its report."


def _panel_meeting_not_recorded(s: CaseState) -> str | None:
    if s.stage is not None and s.stage.panel_met_on:
        return "The panel meeting is already recorded."
    return None


def _panel_complete(s: CaseState) -> str | None:
    from .models import PANEL_ROLES

    spec, stage = s.stage_def, s.stage
    if spec is None or stage is None or not spec.panel_size:
        return None
    members = sum(1 for a in s.active_appointments if a.role in PANEL_ROLES)
    if members < spec.panel_size:
        return (
            f"Appoint all {spec.panel_size} panel members before the panel "
            f"meets ({members} appointed)."
        )
    return None


def _panel_met(s: CaseState) -> str | None:
    if s.stage is None or s.stage.panel_met_on is not None:
        return None
    return "Record the panel meeting before its report."


def _panel_report_not_recorded(s: CaseState) -> str | None:
    if s.stage is not None and s.stage.panel_report_sent_on:
        return "The panel report is already recorded."
    return None


def _panel_reported(s: CaseState) -> str | None:
    if s.stage is None or s.stage.panel_report_sent_on is not None:
        return None
    return "Record the panel report before the council's response."


def _escalable_complaint(s: CaseState) -> str | None:
    return None if s.kind == Kind.COMPLAINT else "Only a complaint can be escalated."


def _not_ended_early(s: CaseState) -> str | None:
    if s.case.status in (Status.WITHDRAWN, Status.DISCONTINUED):
        return f"The complaint was {s.case.get_status_display().lower()}."
    return None


def _has_next_stage(s: CaseState) -> str | None:
    if s.spec is None or s.stage is None or s.next_stage_number is not None:
        return None
    return (
        f"Stage {s.stage.number} is the last stage of this procedure: the complainant may go "
        f"to the {s.spec.ombudsman}."
    )


def _stage_concluded(s: CaseState) -> str | None:
    stage = s.stage
    if stage is None or stage.concluded_on is not None:
        return None
    return (
        f"Stage {stage.number} has no {s.response_label} yet, so stage "
        f"{stage.number + 1} cannot be requested."
    )


def _case_open(s: CaseState) -> str | None:
    return None if s.is_open else f"The case is {s.case.get_status_display().lower()}."


def _from_looked_after_child(s: CaseState) -> str | None:
    """Issue 14 (seed 000): the feedback team visits a looked-after young person who has
    complained, in person; only such a case records that step."""
    from .models import PartyRole, Relationship

    parties = s.case.parties.filter(role=PartyRole.COMPLAINANT)
    if parties.filter(relationship=Relationship.CHILD, person__looked_after=True).exists():
        return None
    return "Only a case from a looked-after young person records a visit in person."


def _of_kind(kinds: tuple[str, ...], what: str) -> tuple[Guard, ...]:
    """An open record of one of `kinds` (`what` names them in the refusal)."""

    def kind(s: CaseState) -> str | None:
        return None if s.kind in kinds else f"Only {what} can be handled this way."

    def still_open(s: CaseState) -> str | None:
        if s.is_open:
            return None
        return (
            f"The {s.case.get_kind_display().lower()} is already "
            f"{s.case.get_status_display().lower()}."
        )

    return (kind, still_open)


def _element_kind(s: CaseState) -> str | None:
    return None if s.kind == Kind.COMPLAINT else "Only a complaint has elements."


def _elements_open(s: CaseState) -> str | None:
    return None if s.is_open else "Elements can only be added to an open complaint."


def _points_open(s: CaseState) -> str | None:
    return points_problem(s.case, s.stages)


def _has_changeable_point(s: CaseState) -> str | None:
    if s.changeable_elements:
        return None
    return "No point of complaint can be changed now: each was answered at an earlier stage."


def _has_two_changeable_points(s: CaseState) -> str | None:
    if len(s.changeable_elements) >= 2:
        return None
    return "Merging needs two or more points that have not been answered."


def _has_people(s: CaseState) -> str | None:
    return None if s.case.parties.all() else "No one is linked to this case yet."


def _closed(s: CaseState) -> str | None:
    return "The case is already open." if s.is_open else None


def _not_progressed(s: CaseState) -> str | None:
    if s.kind == Kind.CONTACT and s.case.contact_outcome == ContactOutcome.PROGRESSED:
        return "This contact was progressed to a complaint; work on that complaint instead."
    return None


def _ended_early(s: CaseState) -> str | None:
    stage = s.stage
    if s.kind != Kind.COMPLAINT or s.is_open:
        return None
    if stage is None:
        return "This complaint has no stage."
    if stage.ended_early_on is None:
        return (
            f"Stage {stage.number} was concluded: escalate to the next stage, or record a "
            "new complaint."
        )
    return None


# --- The transitions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    name: str
    permission: str  # an access.Perm: the roles are the permission table's
    service: str  # the function of harken.cases.services (or the module:function) doing it
    guards: tuple[Guard, ...] = ()
    prerequisites: tuple[Guard, ...] = ()
    # Decide only whether the page offers the step: the service refuses the chosen input
    # (an element, an appointment, a person, a role) with a more precise message.
    offered_when: tuple[Guard, ...] = ()
    stage_answer: bool = False  # the procedure's responders rule (`StageDef.responders`)
    field: str = ""  # the input a guard's refusal is shown beside (else the error summary)

    def refusal(self, state: CaseState, *, prerequisites: bool = False) -> str | None:
        """The first guard's refusal (and, with `prerequisites`, theirs too), else None."""
        for guard in (*self.guards, *(self.prerequisites if prerequisites else ())):
            problem = guard(state)
            if problem:
                return problem
        return None

    def applies(self, state: CaseState) -> bool:
        """Whether the page offers the step in this state."""
        if self.refusal(state) is not None:
            return False
        return all(guard(state) is None for guard in self.offered_when)

    def role_allows(self, user: User, state: CaseState) -> bool:
        """Whether `user`'s role may take this step on this case, whatever its state: asked
        before any form is read, so a refusal (403) never waits on the input's checks."""
        if not access.role_may(user.role, self.permission):
            return False
        if self.stage_answer and state.stage is not None:
            return state.may_answer(user)
        return True

    def allowed(self, user: User, state: CaseState) -> bool:
        """Whether `user` may take this step on this case now (the caller has established
        that the user can see the case)."""
        if not self.role_allows(user, state) or not self.applies(state):
            return False
        return not self.stage_answer or state.stage is not None


TRANSITIONS: tuple[Transition, ...] = (
    # The open stage of a complaint.
    Transition(
        "acknowledge", "manage", "stage_acknowledge", guards=(*OPEN_STAGE, _not_acknowledged)
    ),
    Transition(
        "statement",
        "manage",
        "statement_agree",
        guards=(*OPEN_STAGE, _has_statement_step, _statement_not_agreed),
    ),
    Transition(
        "appoint",
        "manage",
        "appointment_make",
        guards=OPEN_STAGE,
        offered_when=(_has_appointees,),
    ),
    Transition(
        "end-appointment",
        "manage",
        "appointment_end",
        guards=OPEN_STAGE,
        offered_when=(_has_active_appointment,),
    ),
    Transition(
        "extend",
        "respond",
        "stage_extend",
        guards=(*OPEN_STAGE, _extendable, _clock_running),
        stage_answer=True,
    ),
    Transition(
        "pause",
        "manage",
        "stage_pause",
        guards=(*OPEN_STAGE, _deferrable_stage, _clock_not_run, _not_deferred),
    ),
    Transition(
        "resume", "manage", "stage_resume", guards=(*OPEN_STAGE, _deferred, _clock_not_started)
    ),
    Transition(
        "respond",
        "respond",
        "stage_respond",
        guards=(*OPEN_STAGE, _concluded_by_response),
        prerequisites=(_statement_before_response, _appointees_before_response),
        stage_answer=True,
    ),
    Transition(
        "schedule-panel",
        "manage",
        "panel_schedule",
        guards=(*OPEN_STAGE, _has_panel, _panel_not_met),
    ),
    Transition(
        "panel-met",
        "manage",
        "panel_met",
        guards=(*OPEN_STAGE, _has_panel, _panel_meeting_not_recorded),
        prerequisites=(_panel_complete,),
    ),
    Transition(
        "panel-report",
        "manage",
        "panel_report",
        guards=(*OPEN_STAGE, _panel_met, _panel_report_not_recorded),
    ),
    Transition(
        "council-response",
        "respond",
        "council_response",
        guards=(*OPEN_STAGE, _panel_reported),
        stage_answer=True,
    ),
    Transition(
        "escalate",
        "manage",
        "complaint_escalate",
        guards=(
            _escalable_complaint,
            _not_ended_early,
            _under_procedure,
            _has_stage,
            _has_next_stage,
            _stage_concluded,
        ),
    ),
    # Contacts, representations and compliments.
    Transition(
        "progress",
        "manage",
        "contact_progress",
        guards=_of_kind((Kind.CONTACT,), "an initial contact"),
    ),
    Transition(
        "resolve",
        "respond",
        "contact_resolve",
        guards=_of_kind((Kind.CONTACT,), "an initial contact"),
    ),
    Transition(
        "answer",
        "respond",
        "representation_respond",
        guards=_of_kind(tuple(REPRESENTATION_KINDS), "an enquiry, comment or suggestion"),
    ),
    Transition(
        "pass-on",
        "respond",
        "compliment_pass_on",
        guards=_of_kind((Kind.COMPLIMENT,), "a compliment"),
    ),
    # The record as a whole.
    Transition("add-element", "manage", "element_add", guards=(_element_kind, _elements_open)),
    Transition(
        "change-point",
        "manage",
        "element_update",
        guards=(_points_open, *OPEN_STAGE),
        offered_when=(_has_changeable_point,),
        field="element",
    ),
    Transition(
        "split-point",
        "manage",
        "element_split",
        guards=(_points_open, *OPEN_STAGE),
        offered_when=(_has_changeable_point,),
        field="element",
    ),
    Transition(
        "merge-points",
        "manage",
        "element_merge",
        guards=(_points_open, *OPEN_STAGE),
        offered_when=(_has_two_changeable_points,),
        field="element",
    ),
    Transition("add-person", "manage", "case_add_person"),
    Transition("edit", "manage", "case_update"),
    Transition("edit-person", "manage", "person_update", offered_when=(_has_people,)),
    Transition("assign", "manage", "case_assign"),
    Transition("note", "note", "note_add"),
    Transition("safeguarding", "safeguarding", "safeguarding_record"),
    Transition("restrict", "manage", "case_restrict"),
    # Issue 14: visited in person in response to a complaint from a looked-after young person.
    Transition(
        "visited-in-person",
        "manage",
        "visited_in_person_record",
        guards=(_case_open, _from_looked_after_child),
    ),
    Transition("ombudsman", "manage", "ombudsman_flag"),
    Transition("withdraw", "manage", "case_withdraw", guards=(_case_open,)),
    Transition("discontinue", "manage", "case_discontinue", guards=(_case_open,)),
    Transition("reopen", "manage", "case_reopen", guards=(_closed, _not_progressed, _ended_early)),
)

TRANSITIONS_BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def ensure_may_answer(actor: User, stage: Stage, spec: StageDef) -> None:
    """The procedure's rule for who records a stage's response and its extensions (and
    writes those letters): `StageDef.responders`."""
    if not access.may_answer_stage(actor, stage.number, spec.responders):
        raise AccessDenied(
            f"Stage {stage.number} (the {spec.response_label}) is recorded by "
            f"{spec.responders_text}."
        )


def require(name: str, *, case: Case, actor: User | None) -> CaseState:
    """Refuse unless `actor` may take transition `name` on `case` now: the permission
    (`AccessDenied`), the procedure's responders rule, then each guard and prerequisite
    (`ApplicationError` with its message). Every service of a transition starts here."""
    transition = TRANSITIONS_BY_NAME[name]
    access.ensure_can_act(actor, case, transition.permission)
    assert actor is not None  # noqa: S101 (ensure_can_act refuses no one signed in)
    state = CaseState(case, fresh=True)
    problem = transition.refusal(state)
    if problem:
        raise _refused(transition, problem)
    if transition.stage_answer and state.stage is not None and state.stage_def is not None:
        ensure_may_answer(actor, state.stage, state.stage_def)
    for guard in transition.prerequisites:
        problem = guard(state)
        if problem:
            raise _refused(transition, problem)
    return state


def _refused(transition: Transition, problem: str) -> ApplicationError:
    if transition.field:
        return ApplicationError.for_field(transition.field, problem)
    return ApplicationError(problem)


def available(user: User, state: CaseState) -> list[Transition]:
    """The transitions `user` may take on the case now, in the order of TRANSITIONS."""
    return [t for t in TRANSITIONS if t.allowed(user, state)]
