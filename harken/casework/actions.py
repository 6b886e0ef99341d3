"""The staff pages of each workflow transition: its form, label, button and how the form's
fields reach the service.

Who may take a step and when it applies are declared once, in `harken.cases.workflow`: each
`Action` names its transition and reads them from there. One view (`views.CaseActionView`)
serves them all at /staff/cases/<reference>/<action>/, and the case page shows the buttons
of the actions `available` to the user. The services remain the judges: they start with
`workflow.require`, and a refusal comes back as an error beside the field it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harken.accounts.models import User
from harken.cases import services, workflow
from harken.cases.workflow import CaseState

from . import forms as f
from .notify import pass_on_compliment

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
    name: str  # the last part of the URL: the name of its transition in `cases.workflow`
    label: str | Callable[[CaseState], str]
    form: type[f.ActionForm] | type[f.AddPersonForm]
    run: Run
    done: str  # the success message
    group: str = "case"  # where the button shows: "stage", "case", "record" or "hidden"
    template: str = "casework/action.html"
    hint: str = ""

    @property
    def transition(self) -> workflow.Transition:
        return workflow.TRANSITIONS_BY_NAME[self.name]

    @property
    def permission(self) -> str:
        return self.transition.permission

    def title(self, state: CaseState) -> str:
        return self.label(state) if callable(self.label) else self.label

    def applies(self, state: CaseState) -> bool:
        return self.transition.applies(state)

    def role_allows(self, user: User, state: CaseState) -> bool:
        return self.transition.role_allows(user, state)

    def allowed(self, user: User, state: CaseState) -> bool:
        return self.transition.allowed(user, state)


ACTIONS: tuple[Action, ...] = (
    # The open stage of a complaint.
    Action(
        "acknowledge",
        lambda s: f"Record the stage {s.stage.number if s.stage else ''} acknowledgement",
        f.AcknowledgeForm,
        _fields(services.stage_acknowledge, on="acknowledged_on"),
        "Acknowledgement recorded.",
        group="stage",
    ),
    Action(
        "statement",
        "Record the agreed statement of complaint",
        f.StatementForm,
        _on(services.statement_agree),
        "Statement of complaint recorded: the response clock has started.",
        group="stage",
        hint="The stage 2 response clock runs from the day the statement is agreed.",
    ),
    Action(
        "appoint",
        "Appoint an Investigating Officer, Independent Person or panel member",
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
        f.EndAppointmentForm,
        _end_appointment_run,
        "Appointment ended.",
        group="stage",
    ),
    Action(
        "extend",
        "Extend the response date",
        f.ExtendForm,
        _fields(services.stage_extend, "new_due_on", "reason", "complainant_told_on"),
        "Extension recorded.",
        group="stage",
        hint="Tell the complainant the new date and why before recording it.",
    ),
    Action(
        "pause",
        "Defer the stage 1 clock",
        f.PauseForm,
        _fields(services.stage_pause, "reason"),
        "The stage 1 clock is deferred.",
        group="stage",
    ),
    Action(
        "resume",
        "Start the deferred clock",
        f.ResumeForm,
        _on(services.stage_resume),
        "The stage 1 clock has started.",
        group="stage",
    ),
    Action(
        "respond",
        lambda s: f"Record the {s.response_label}",
        f.RespondForm,
        _respond_run,
        "Response recorded with the outcome of each element.",
        group="stage",
    ),
    Action(
        "schedule-panel",
        lambda s: (
            "Move the planned panel meeting"
            if s.stage and s.stage.panel_planned_on
            else "Plan the review panel meeting"
        ),
        f.PanelScheduleForm,
        _on(services.panel_schedule),
        "Panel meeting planned.",
        group="stage",
    ),
    Action(
        "panel-met",
        "Record the review panel meeting",
        f.PanelMetForm,
        _on(services.panel_met),
        "Panel meeting recorded.",
        group="stage",
    ),
    Action(
        "panel-report",
        "Record the panel's report",
        f.PanelReportForm,
        _on(services.panel_report),
        "Panel report recorded.",
        group="stage",
    ),
    Action(
        "council-response",
        "Record the council's response to the panel",
        f.OutcomesForm,
        _council_response_run,
        "The council's response is recorded: stage 3 is concluded.",
        group="stage",
    ),
    Action(
        "escalate",
        lambda s: f"Record a request for stage {s.next_stage_number}",
        f.EscalateForm,
        _fields(services.complaint_escalate, "requested_on", "late_reason"),
        "The next stage is open.",
        group="stage",
    ),
    # Contacts, representations and compliments.
    Action(
        "progress",
        "Progress to a stage 1 complaint",
        f.ProgressForm,
        _progress_run,
        "Progressed to a stage 1 complaint.",
        group="record",
    ),
    Action(
        "resolve",
        "Resolve as an initial contact",
        f.ResolveForm,
        _on(services.contact_resolve),
        "Resolved as an initial contact.",
        group="record",
    ),
    Action(
        "answer",
        "Record the answer",
        f.AnswerForm,
        _on(services.representation_respond),
        "Answer recorded.",
        group="record",
    ),
    Action(
        "pass-on",
        "Pass on by e-mail",
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
        f.ElementForm,
        lambda s, actor, form: services.element_add(
            case=s.case, item=form.element_input(), actor=actor
        ),
        "Point of complaint added.",
    ),
    Action(
        "change-point",
        "Change a point of complaint",
        f.ChangePointForm,
        _change_point_run,
        "Point of complaint changed.",
        group="hidden",  # reached from each point's "Change" link
        template="casework/action_point.html",
    ),
    Action(
        "split-point",
        "Split a point of complaint",
        f.SplitPointForm,
        _split_point_run,
        "Point of complaint split.",
        group="hidden",  # reached from each point's "Split" link
        template="casework/action_point.html",
    ),
    Action(
        "merge-points",
        "Merge points of complaint",
        f.MergePointsForm,
        _merge_points_run,
        "Points of complaint merged.",
        hint="Points can be changed, split or merged until the stage concludes.",
    ),
    Action(
        "add-person",
        "Add a person",
        f.AddPersonForm,
        _person_run,
        "Person added.",
        template="casework/action_person.html",
    ),
    Action(
        "edit",
        "Change the details",
        f.EditCaseForm,
        lambda s, actor, form: services.case_update(case=s.case, actor=actor, **form.values()),
        "Details changed.",
    ),
    Action(
        "edit-person",
        "Change a person's details",
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
        f.AssignForm,
        _fields(services.case_assign, "user"),
        "Assignment changed.",
    ),
    Action(
        "note",
        "Add a note",
        f.NoteForm,
        _fields(services.note_add, "text"),
        "Note added.",
    ),
    Action(
        "safeguarding",
        "Record a safeguarding concern",
        f.SafeguardingForm,
        _safeguarding_run,
        "Safeguarding concern recorded.",
    ),
    Action(
        "visited-in-person",
        "Record a visit in person",
        f.VisitedInPersonForm,
        _fields(services.visited_in_person_record, "on", "notes"),
        "Visit in person recorded.",
        hint="You visited the looked-after young person who complained, in person.",
    ),
    Action(
        "restrict",
        "Restrict access",
        f.RestrictForm,
        _restrict_run,
        "Access changed.",
    ),
    Action(
        "ombudsman",
        "Ombudsman involvement",
        f.OmbudsmanForm,
        lambda s, actor, form: services.ombudsman_flag(
            case=s.case, involved=form.cleaned_data["involved"] == "yes", actor=actor
        ),
        "Ombudsman involvement recorded.",
    ),
    Action(
        "withdraw",
        "Withdraw",
        f.WithdrawForm,
        _fields(services.case_withdraw, "on", "reason"),
        "Recorded as withdrawn.",
    ),
    Action(
        "discontinue",
        "Discontinue",
        f.DiscontinueForm,
        _fields(services.case_discontinue, "on", "reason"),
        "Recorded as discontinued.",
    ),
    Action(
        "reopen",
        "Reopen",
        f.ReopenForm,
        _fields(services.case_reopen, "reason"),
        "Reopened.",
    ),
)

ACTIONS_BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}


def available(user: User, state: CaseState) -> list[Action]:
    """The actions `user` may take on the case now, in the order of ACTIONS."""
    return [a for a in ACTIONS if a.allowed(user, state)]
