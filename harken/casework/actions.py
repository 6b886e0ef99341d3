"""Every workflow action on a case, as data: its form, the service it calls, who may take it
(a key of `core.access.ACTION_ROLES`) and when it applies (a test of the case's state).

One view (`views.CaseActionView`) serves them all at /staff/cases/<reference>/<action>/, and
the case page shows the buttons of the actions that apply and that the user may take. The
services remain the judges: a refusal comes back as an error beside the field it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from harken.accounts.models import User
from harken.cases import services
from harken.cases.models import (
    REPRESENTATION_KINDS,
    Appointment,
    Case,
    ContactOutcome,
    Element,
    Kind,
    Stage,
    Status,
)
from harken.core import access
from harken.procedures.clocks import Due, StageClock
from harken.procedures.definitions import Milestone, ProcedureDef, StageDef

from . import forms as f
from .notify import pass_on_compliment


@dataclass
class CaseState:
    """What the actions need to know about a case, read from what the page already loaded
    (`selectors.case_get` prefetches stages, appointments, extensions and elements)."""

    case: Case

    @cached_property
    def stages(self) -> list[Stage]:
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
        """The points that may be changed, split or merged now (the services' rule, read
        from what the page already loaded)."""
        return [
            e
            for e in self.elements
            if services.element_problem(e, self.case, answered=self.answered_at) is None
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
        return (
            self.kind == Kind.COMPLAINT
            and self.is_open
            and self.stage is not None
            and self.stage.is_open
            and self.stage_def is not None
        )

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
        """The open stage's clock, from what the page already loaded."""
        if not self.stage_open or self.stage is None or self.stage_def is None:
            return None
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


# --- When each action applies (rules as data: each a small test of the state) -------------


def _acknowledge(s: CaseState) -> bool:
    return s.stage_open and s.stage is not None and s.stage.acknowledged_on is None


def _pause(s: CaseState) -> bool:
    spec, stage = s.stage_def, s.stage
    return (
        s.stage_open
        and stage is not None
        and spec is not None
        and stage.number == 1
        and not spec.steps
        and not spec.relevant_period_months
        and not stage.paused_reason
        and stage.response_sent_on is None
        and stage.clock_override_on is None
    )


def _resume(s: CaseState) -> bool:
    stage = s.stage
    return (
        s.stage_open
        and stage is not None
        and bool(stage.paused_reason)
        and stage.clock_override_on is None
    )


def _extend(s: CaseState) -> bool:
    return (
        s.stage_open
        and s.stage_def is not None
        and s.stage_def.extendable
        and s.stage is not None
        and s.stage.due_on is not None
    )


def _statement(s: CaseState) -> bool:
    return (
        s.stage_open
        and s.has_milestone(Milestone.STATEMENT_AGREED)
        and s.stage is not None
        and s.stage.statement_agreed_on is None
    )


def _appoint(s: CaseState) -> bool:
    spec = s.stage_def
    return (
        s.stage_open
        and spec is not None
        and (
            spec.requires_investigating_officer
            or spec.requires_independent_person
            or bool(spec.panel_size)
            or s.has_milestone(Milestone.IO_APPOINTED)
        )
    )


def _end_appointment(s: CaseState) -> bool:
    return s.stage_open and bool(s.active_appointments)


def _respond(s: CaseState) -> bool:
    return s.stage_open and s.stage_def is not None and not s.stage_def.steps


def _panel_met(s: CaseState) -> bool:
    return (
        s.stage_open
        and s.stage_def is not None
        and bool(s.stage_def.panel_size)
        and s.stage is not None
        and s.stage.panel_met_on is None
    )


def _panel_report(s: CaseState) -> bool:
    stage = s.stage
    return (
        s.stage_open
        and stage is not None
        and stage.panel_met_on is not None
        and stage.panel_report_sent_on is None
    )


def _council_response(s: CaseState) -> bool:
    stage = s.stage
    return s.stage_open and stage is not None and stage.panel_report_sent_on is not None


def _escalate(s: CaseState) -> bool:
    return (
        s.kind == Kind.COMPLAINT
        and s.case.status == Status.CLOSED
        and s.stage is not None
        and s.stage.concluded_on is not None
        and s.next_stage_number is not None
    )


def _open_of(*kinds: str) -> Callable[[CaseState], bool]:
    def test(s: CaseState) -> bool:
        return s.is_open and s.kind in kinds

    return test


def _reopen(s: CaseState) -> bool:
    if s.is_open:
        return False
    if s.kind == Kind.CONTACT and s.case.contact_outcome == ContactOutcome.PROGRESSED:
        return False
    if s.kind == Kind.COMPLAINT:
        return s.stage is not None and s.stage.ended_early_on is not None
    return True


def _always(s: CaseState) -> bool:
    return True


def _open(s: CaseState) -> bool:
    return s.is_open


def _open_complaint(s: CaseState) -> bool:
    return s.is_open and s.kind == Kind.COMPLAINT


# --- What each action does -----------------------------------------------------------------

Run = Callable[[CaseState, User, Any], Any]


def _on(service: Callable[..., Any]) -> Run:
    """A service that takes the date as `on`."""
    return lambda s, actor, form: service(case=s.case, on=form.cleaned_data["on"], actor=actor)


def _fields(service: Callable[..., Any], *names: str, **renamed: str) -> Run:
    """A service whose keyword arguments are the form's fields of the same names (or, in
    `renamed`, the service's argument -> the form's field, where its errors name the field)."""
    wanted = {**{n: n for n in names}, **renamed}
    return lambda s, actor, form: service(
        case=s.case, actor=actor, **{arg: form.cleaned_data[f] for arg, f in wanted.items()}
    )


def _respond_run(s: CaseState, actor: User, form: Any) -> Any:
    return services.stage_respond(
        case=s.case,
        on=form.cleaned_data["on"],
        outcomes=form.outcomes(),
        actor=actor,
        responder=form.cleaned_data.get("responder"),
    )


def _council_response_run(s: CaseState, actor: User, form: Any) -> Any:
    return services.council_response(
        case=s.case, on=form.cleaned_data["on"], outcomes=form.outcomes(), actor=actor
    )


def _progress_run(s: CaseState, actor: User, form: Any) -> Any:
    return services.contact_progress(
        case=s.case,
        on=form.cleaned_data["on"],
        actor=actor,
        procedure_code=form.cleaned_data.get("procedure") or None,
        elements=form.element_inputs(),
    )


def _points(s: CaseState) -> bool:
    return s.stage_open and bool(s.changeable_elements)


def _merge(s: CaseState) -> bool:
    return s.stage_open and len(s.changeable_elements) >= 2


def _change_point_run(s: CaseState, actor: User, form: Any) -> Any:
    data = form.cleaned_data
    return services.element_update(
        case=s.case,
        element=form.chosen(),
        summary=data["summary"],
        theme=data.get("theme"),
        team=data.get("team"),
        actor=actor,
    )


def _split_point_run(s: CaseState, actor: User, form: Any) -> Any:
    return services.element_split(
        case=s.case, element=form.chosen(), parts=form.part_inputs(), actor=actor
    )


def _merge_points_run(s: CaseState, actor: User, form: Any) -> Any:
    data = form.cleaned_data
    return services.element_merge(
        case=s.case,
        elements=form.chosen(),
        summary=data["summary"],
        theme=data.get("theme"),
        team=data.get("team"),
        actor=actor,
    )


def _end_appointment_run(s: CaseState, actor: User, form: Any) -> Any:
    return services.appointment_end(
        appointment=form.chosen(), on=form.cleaned_data["on"], actor=actor
    )


def _safeguarding_run(s: CaseState, actor: User, form: Any) -> Any:
    data = form.cleaned_data
    return services.safeguarding_record(
        case=s.case,
        raised_on=data["raised_on"],
        description=data["description"],
        referred_to=data["referred_to"],
        referred_on=data.get("referred_on"),
        referral_reference=data.get("referral_reference", ""),
        actor=actor,
    )


def _restrict_run(s: CaseState, actor: User, form: Any) -> Any:
    return services.case_restrict(
        case=s.case,
        restricted=form.cleaned_data["restricted"] == "yes",
        people=form.cleaned_data.get("people") or [],
        actor=actor,
    )


def _person_run(s: CaseState, actor: User, form: Any) -> Any:
    item = form.person_input()
    return services.case_add_person(case=s.case, item=item, actor=actor)


def _pass_on_run(s: CaseState, actor: User, form: Any) -> Any:
    return pass_on_compliment(
        case=s.case, on=form.cleaned_data["on"], recipients=form.recipients(), actor=actor
    )


@dataclass(frozen=True)
class Action:
    name: str  # the last part of the URL
    label: str | Callable[[CaseState], str]
    permission: str  # a key of access.ACTION_ROLES
    applies: Callable[[CaseState], bool]
    form: type[f.ActionForm] | type[f.AddPersonForm]
    run: Run
    done: str  # the success message
    group: str = "case"  # where the button shows: "stage", "case", "record" or "hidden"
    template: str = "casework/action.html"
    hint: str = ""
    stage_answer: bool = False  # answering the open stage: managers at stage 1 only

    def title(self, state: CaseState) -> str:
        return self.label(state) if callable(self.label) else self.label

    def role_allows(self, user: User, state: CaseState) -> bool:
        """Whether `user`'s role may take this action on this case, whatever its state: asked
        before any form is read, so a refusal (403) never waits on the input's checks (400)."""
        if user.role not in access.ACTION_ROLES[self.permission]:
            return False
        if self.stage_answer and state.stage is not None:
            return state.may_answer(user)
        return True

    def allowed(self, user: User, state: CaseState) -> bool:
        """Whether `user` may take this action on this case now. The page has already
        established the user can see the case, so the role table answers the rest."""
        if not self.role_allows(user, state) or not self.applies(state):
            return False
        return not self.stage_answer or state.stage is not None


ACTIONS: tuple[Action, ...] = (
    # The open stage of a complaint.
    Action(
        "acknowledge",
        lambda s: f"Record the stage {s.stage.number if s.stage else ''} acknowledgement",
        "manage",
        _acknowledge,
        f.AcknowledgeForm,
        _fields(services.stage_acknowledge, on="acknowledged_on"),
        "Acknowledgement recorded.",
        group="stage",
    ),
    Action(
        "statement",
        "Record the agreed statement of complaint",
        "manage",
        _statement,
        f.StatementForm,
        _on(services.statement_agree),
        "Statement of complaint recorded: the response clock has started.",
        group="stage",
        hint="The stage 2 response clock runs from the day the statement is agreed.",
    ),
    Action(
        "appoint",
        "Appoint an Investigating Officer, Independent Person or panel member",
        "manage",
        _appoint,
        f.AppointForm,
        _fields(services.appointment_make, "user", "role", "on"),
        "Appointment recorded.",
        group="stage",
        hint="An Independent Person or panel member must not be employed by the council; "
        "the stage 2 Independent Person may not sit on the review panel.",
    ),
    Action(
        "end-appointment",
        "End an appointment",
        "manage",
        _end_appointment,
        f.EndAppointmentForm,
        _end_appointment_run,
        "Appointment ended.",
        group="stage",
    ),
    Action(
        "extend",
        "Extend the response date",
        "respond",
        _extend,
        f.ExtendForm,
        _fields(services.stage_extend, "new_due_on", "reason", "complainant_told_on"),
        "Extension recorded.",
        group="stage",
        hint="Tell the complainant the new date and why before recording it.",
        stage_answer=True,
    ),
    Action(
        "pause",
        "Defer the stage 1 clock",
        "manage",
        _pause,
        f.PauseForm,
        _fields(services.stage_pause, "reason"),
        "The stage 1 clock is deferred.",
        group="stage",
    ),
    Action(
        "resume",
        "Start the deferred clock",
        "manage",
        _resume,
        f.ResumeForm,
        _on(services.stage_resume),
        "The stage 1 clock has started.",
        group="stage",
    ),
    Action(
        "respond",
        lambda s: f"Record the {s.response_label}",
        "respond",
        _respond,
        f.RespondForm,
        _respond_run,
        "Response recorded with the outcome of each element.",
        group="stage",
        stage_answer=True,
    ),
    Action(
        "schedule-panel",
        lambda s: (
            "Move the planned panel meeting"
            if s.stage and s.stage.panel_planned_on
            else "Plan the review panel meeting"
        ),
        "manage",
        _panel_met,
        f.PanelScheduleForm,
        _on(services.panel_schedule),
        "Panel meeting planned.",
        group="stage",
    ),
    Action(
        "panel-met",
        "Record the review panel meeting",
        "manage",
        _panel_met,
        f.PanelMetForm,
        _on(services.panel_met),
        "Panel meeting recorded.",
        group="stage",
    ),
    Action(
        "panel-report",
        "Record the panel's report",
        "manage",
        _panel_report,
        f.PanelReportForm,
        _on(services.panel_report),
        "Panel report recorded.",
        group="stage",
    ),
    Action(
        "council-response",
        "Record the council's response to the panel",
        "respond",
        _council_response,
        f.OutcomesForm,
        _council_response_run,
        "The council's response is recorded: stage 3 is concluded.",
        group="stage",
        stage_answer=True,
    ),
    Action(
        "escalate",
        lambda s: f"Record a request for stage {s.next_stage_number}",
        "manage",
        _escalate,
        f.EscalateForm,
        _fields(services.complaint_escalate, "requested_on", "late_reason"),
        "The next stage is open.",
        group="stage",
    ),
    # Contacts, representations and compliments.
    Action(
        "progress",
        "Progress to a stage 1 complaint",
        "manage",
        _open_of(Kind.CONTACT),
        f.ProgressForm,
        _progress_run,
        "Progressed to a stage 1 complaint.",
        group="record",
    ),
    Action(
        "resolve",
        "Resolve as an initial contact",
        "respond",
        _open_of(Kind.CONTACT),
        f.ResolveForm,
        _on(services.contact_resolve),
        "Resolved as an initial contact.",
        group="record",
    ),
    Action(
        "answer",
        "Record the answer",
        "respond",
        _open_of(*REPRESENTATION_KINDS),
        f.AnswerForm,
        _on(services.representation_respond),
        "Answer recorded.",
        group="record",
    ),
    Action(
        "pass-on",
        "Pass on by e-mail",
        "respond",
        _open_of(Kind.COMPLIMENT),
        f.PassOnForm,
        _pass_on_run,
        "Compliment passed on.",
        group="record",
        hint="An e-mail with the compliment goes to the worker and the managers chosen.",
    ),
    # The record as a whole.
    Action(
        "add-element",
        "Add a point of complaint",
        "manage",
        _open_complaint,
        f.ElementForm,
        lambda s, actor, form: services.element_add(
            case=s.case, item=form.element_input(), actor=actor
        ),
        "Point of complaint added.",
    ),
    Action(
        "change-point",
        "Change a point of complaint",
        "manage",
        _points,
        f.ChangePointForm,
        _change_point_run,
        "Point of complaint changed.",
        group="hidden",  # reached from each point's "Change" link
        template="casework/action_point.html",
    ),
    Action(
        "split-point",
        "Split a point of complaint",
        "manage",
        _points,
        f.SplitPointForm,
        _split_point_run,
        "Point of complaint split.",
        group="hidden",  # reached from each point's "Split" link
        template="casework/action_point.html",
    ),
    Action(
        "merge-points",
        "Merge points of complaint",
        "manage",
        _merge,
        f.MergePointsForm,
        _merge_points_run,
        "Points of complaint merged.",
        hint="Points can be changed, split or merged until the stage concludes.",
    ),
    Action(
        "add-person",
        "Add a person",
        "manage",
        _always,
        f.AddPersonForm,
        _person_run,
        "Person added.",
        template="casework/action_person.html",
    ),
    Action(
        "edit",
        "Change the details",
        "manage",
        _always,
        f.EditCaseForm,
        lambda s, actor, form: services.case_update(case=s.case, actor=actor, **form.values()),
        "Details changed.",
    ),
    Action(
        "edit-person",
        "Change a person's details",
        "manage",
        lambda s: bool(s.case.parties.all()),
        f.EditPersonForm,
        lambda s, actor, form: services.person_update(
            person=form.chosen(), actor=actor, **form.details()
        ),
        "Their details are changed.",
        group="hidden",  # reached from each person's "Change" link
        template="casework/action_edit_person.html",
    ),
    Action(
        "assign",
        "Assign",
        "manage",
        _always,
        f.AssignForm,
        _fields(services.case_assign, "user"),
        "Assignment changed.",
    ),
    Action(
        "note",
        "Add a note",
        "note",
        _always,
        f.NoteForm,
        _fields(services.note_add, "text"),
        "Note added.",
    ),
    Action(
        "safeguarding",
        "Record a safeguarding concern",
        "safeguarding",
        _always,
        f.SafeguardingForm,
        _safeguarding_run,
        "Safeguarding concern recorded.",
    ),
    Action(
        "restrict",
        "Restrict access",
        "manage",
        _always,
        f.RestrictForm,
        _restrict_run,
        "Access changed.",
    ),
    Action(
        "ombudsman",
        "Ombudsman involvement",
        "manage",
        _always,
        f.OmbudsmanForm,
        lambda s, actor, form: services.ombudsman_flag(
            case=s.case, involved=form.cleaned_data["involved"] == "yes", actor=actor
        ),
        "Ombudsman involvement recorded.",
    ),
    Action(
        "withdraw",
        "Withdraw",
        "manage",
        _open,
        f.WithdrawForm,
        _fields(services.case_withdraw, "on", "reason"),
        "Recorded as withdrawn.",
    ),
    Action(
        "discontinue",
        "Discontinue",
        "manage",
        _open,
        f.DiscontinueForm,
        _fields(services.case_discontinue, "on", "reason"),
        "Recorded as discontinued.",
    ),
    Action(
        "reopen",
        "Reopen",
        "manage",
        _reopen,
        f.ReopenForm,
        _fields(services.case_reopen, "reason"),
        "Reopened.",
    ),
)

ACTIONS_BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}


def available(user: User, state: CaseState) -> list[Action]:
    """The actions `user` may take on the case now, in the order of ACTIONS."""
    return [a for a in ACTIONS if a.allowed(user, state)]
