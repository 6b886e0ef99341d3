"""The workflow actions on a case, as data: URL name → transition, input, service, and what
comes back. Who may take each and when is the transition's (`harken.cases.workflow`).

Every action is `POST /api/v1/cases/{reference}/<name>/`. Its input serializer's validated
data are the service's keyword arguments, so one view serves them all (see `views.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from rest_framework import serializers

from harken.cases import services, workflow

from . import serializers as s


class Returns(Enum):
    CASE = "case"  # 200 with the updated case's detail
    CREATED = "created"  # 201 with the record the action created
    NEW_CASE = "new_case"  # 201 with the detail of the case the action created


@dataclass(frozen=True)
class Action:
    name: str
    summary: str
    input: type[serializers.Serializer]
    service: Callable[..., Any]
    returns: Returns = Returns.CASE
    output: type[serializers.Serializer] | None = None
    # A service's field name → the input field it is about, where the two differ.
    fields: Mapping[str, str] = field(default_factory=dict)
    # The workflow transition (`cases.workflow`) this endpoint takes, which says who may take
    # it and when: one table for the service, the staff page and the API. Empty: the same
    # name (the URL names are a public interface, so they stay as published).
    step: str = ""
    # Whether the service takes the case (`case=`); one that acts on a record of the case
    # (a person linked to it, checked by the input) takes only that record.
    takes_case: bool = True

    @property
    def transition(self) -> workflow.Transition:
        return workflow.TRANSITIONS_BY_NAME[self.step or self.name]


def _end_appointment(*, case: Any, actor: Any, appointment: Any, on: Any) -> Any:
    # The appointment is one of this case's (EndAppointmentInput): the service reads its case.
    return services.appointment_end(appointment=appointment, on=on, actor=actor)


ACTIONS: tuple[Action, ...] = (
    Action(
        "acknowledge",
        "Record the acknowledgement of the open stage",
        s.OnInput,
        services.stage_acknowledge,
        fields={"acknowledged_on": "on"},
    ),
    Action(
        "pause",
        "Defer the start of the stage 1 clock (e.g. while an advocate is arranged)",
        s.PauseInput,
        services.stage_pause,
    ),
    Action("resume", "Start a deferred stage 1 clock", s.OnInput, services.stage_resume),
    Action(
        "extend",
        "Extend the open stage's response date, within the procedure's maximum",
        s.ExtendInput,
        services.stage_extend,
    ),
    Action(
        "statement",
        "Record the agreed statement of complaint (the stage 2 clock runs from it)",
        s.OnInput,
        services.statement_agree,
    ),
    Action(
        "appoint",
        "Appoint an Investigating Officer, Independent Person or panel member",
        s.AppointInput,
        services.appointment_make,
    ),
    Action(
        "end-appointment",
        "End an appointment to the open stage (the appointee no longer sees the case)",
        s.EndAppointmentInput,
        _end_appointment,
    ),
    Action(
        "respond",
        "Record the stage's response with each element's outcome; closes the stage",
        s.RespondInput,
        services.stage_respond,
    ),
    Action(
        "panel-schedule",
        "Plan the review panel meeting (a future date; move it by planning again)",
        s.OnInput,
        services.panel_schedule,
        step="schedule-panel",
    ),
    Action("panel-met", "Record the review panel meeting", s.OnInput, services.panel_met),
    Action("panel-report", "Record the panel report being sent", s.OnInput, services.panel_report),
    Action(
        "council-response",
        "Record the council's response to the panel report with each element's outcome",
        s.OutcomesInput,
        services.council_response,
    ),
    Action(
        "escalate",
        "Open the next stage at the complainant's request",
        s.EscalateInput,
        services.complaint_escalate,
    ),
    Action("withdraw", "The complainant withdrew", s.OnReasonInput, services.case_withdraw),
    Action("discontinue", "The council stopped", s.OnReasonInput, services.case_discontinue),
    Action("reopen", "Undo an ending recorded in error", s.ReasonInput, services.case_reopen),
    Action(
        "assign",
        "Assign the case to a member of staff, or unassign it",
        s.AssignInput,
        services.case_assign,
    ),
    Action(
        "edit",
        "Change the case's summary, details, channel, praised worker, teams or themes",
        s.EditInput,
        services.case_update,
    ),
    Action(
        "edit-person",
        "Change the details of a person linked to the case",
        s.EditPersonInput,
        # The person is one linked to this case (EditPersonInput); the service names each field.
        services.person_update,
        takes_case=False,
    ),
    Action("resolve", "Resolve an initial contact informally", s.OnInput, services.contact_resolve),
    Action(
        "progress",
        "Progress an initial contact to a stage 1 complaint; returns the new complaint",
        s.ProgressInput,
        services.contact_progress,
        returns=Returns.NEW_CASE,
        fields={"procedure_code": "procedure"},
    ),
    Action(
        "answer",
        "Record the answer to an enquiry, comment or suggestion",
        s.OnInput,
        services.representation_respond,
    ),
    Action(
        "pass-on",
        "Record a compliment passed to the worker and their managers",
        s.OnInput,
        services.compliment_pass_on,
    ),
    Action(
        "elements",
        "Add a point of complaint (element)",
        s.ElementAddInput,
        services.element_add,
        returns=Returns.CREATED,
        output=s.ElementSerializer,
        fields={"elements": "summary"},
        step="add-element",
    ),
    Action(
        "change-element",
        "Change a point of complaint's words, theme or team (until it is answered)",
        s.ChangeElementInput,
        services.element_update,
        step="change-point",
    ),
    Action(
        "split-element",
        "Split a point of complaint into several (until it is answered)",
        s.SplitElementInput,
        services.element_split,
        step="split-point",
    ),
    Action(
        "merge-elements",
        "Merge points of complaint into one (until they are answered)",
        s.MergeElementsInput,
        services.element_merge,
        step="merge-points",
    ),
    Action(
        "people",
        "Add a person to the case: an existing person's id or a new person's details",
        s.PersonAddInput,
        services.case_add_person,
        returns=Returns.CREATED,
        output=s.PartySerializer,
        step="add-person",
    ),
    Action(
        "safeguarding",
        "Record a safeguarding concern and the referral made",
        s.SafeguardingInput,
        services.safeguarding_record,
        returns=Returns.CREATED,
        output=s.SafeguardingSerializer,
    ),
    Action(
        "notes",
        "Add a note",
        s.NoteInput,
        services.note_add,
        returns=Returns.CREATED,
        output=s.NoteSerializer,
        step="note",
    ),
    Action(
        "ombudsman",
        "Flag (or unflag) the Ombudsman's involvement",
        s.OmbudsmanInput,
        services.ombudsman_flag,
    ),
    Action(
        "visited-in-person",
        "Record that the looked-after young person who complained was visited in person",
        s.VisitedInPersonInput,
        services.visited_in_person_record,
    ),
    Action(
        "restrict",
        "Restrict the case to named people (you are always named), or lift the restriction",
        s.RestrictInput,
        services.case_restrict,
    ),
)

ACTIONS_BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}
