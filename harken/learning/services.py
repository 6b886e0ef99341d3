"""Every change to the action plan goes through here, checked and put on the case timeline.

Each service is keyword-only and atomic, checks the actor may do it (`rules`), refuses with
an `ApplicationError` saying why, and records a timeline event on the recommendation's case
with each field's old and new value in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max

from harken import access
from harken.access import Perm
from harken.accounts.models import ServiceArea, Team, User
from harken.cases.models import Case, Stage, TimelineEvent
from harken.core import checks
from harken.core.audit import record_event, set_fields
from harken.core.dates import format_date, today
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.updates import NOT_GIVEN, NotGiven, given
from harken.registers.models import OmbudsmanCase

from . import rules
from .models import (
    OPEN_STATUSES,
    SOURCE_STAGE,
    Action,
    ActionStatus,
    Decision,
    Recommendation,
    Source,
)

Verb = TimelineEvent.Verb

# --- Checks ---------------------------------------------------------------------------------


def _ensure_change(actor: User, case: Case | None) -> None:
    if not access.may(actor, Perm.PLAN_EDIT):
        raise AccessDenied("Only feedback officers and administrators change the action plan.")
    if case is None:
        # A visit's recommendation (issue 14): the homes' own permission, not a case's.
        if not access.may(actor, Perm.HOMES_VIEW):
            raise AccessDenied("You cannot see the visits to children's homes.")
        return
    access.ensure_can_view(actor, case)


def _trail(
    recommendation: Recommendation,
    *,
    actor: User,
    verb: TimelineEvent.Verb,
    description: str,
    changes: dict[str, list[str | None]] | None = None,
) -> None:
    """The audit row of a change: on the case's timeline, or for a visit's recommendation
    (no case) in the homes' trail, naming the same verb."""
    if recommendation.case is not None or recommendation.visit is None:
        record_event(
            case=recommendation.case,
            actor=actor,
            verb=verb,
            description=description,
            changes=changes,
        )
        return
    from harken.homes.audit import plan_event  # homes stands on learning: asked lazily

    plan_event(
        visit=recommendation.visit,
        actor=actor,
        description=f"{verb.label}: {description}",
        changes=changes,
    )


def _area_and_team(
    service_area: ServiceArea | None, team: Team | None
) -> tuple[ServiceArea, Team | None]:
    if team is not None:
        if service_area is not None and service_area.pk != team.service_area_id:
            raise ApplicationError.for_field(
                "team", f"{team} is not part of {service_area}: choose a team in that area."
            )
        return team.service_area, team
    if service_area is None:
        raise ApplicationError.for_field("service_area", "Choose the service area.")
    return service_area, None


def _stage_for(case: Case, source: str) -> Stage | None:
    if source not in Source.values:
        raise ApplicationError.for_field("source", "Choose where the recommendation came from.")
    if source == Source.VISIT:
        raise ApplicationError.for_field(
            "source", "A recommendation from a visit is added on the visit's page."
        )
    number = SOURCE_STAGE[source]
    if number is None:
        return None
    stage = case.stages.filter(number=number).first()
    if stage is None:
        raise ApplicationError.for_field(
            "source",
            f"{case.reference} has no stage {number}: a recommendation from a "
            f"{Source(source).label.lower()} needs one.",
        )
    return stage


def _check_ombudsman_case(
    case: Case, source: str, ombudsman_case: OmbudsmanCase | None
) -> OmbudsmanCase | None:
    if ombudsman_case is None:
        return None
    if source != Source.OMBUDSMAN:
        raise ApplicationError.for_field(
            "ombudsman_case", "Only a recommendation from the Ombudsman has an Ombudsman case."
        )
    if ombudsman_case.case_id != case.pk:
        raise ApplicationError.for_field(
            "ombudsman_case", f"That Ombudsman case is not about {case.reference}."
        )
    return ombudsman_case


def _check_decision(
    decision: str, decided_on: dt.date | None, reason: str, made_on: dt.date
) -> tuple[dt.date | None, str]:
    if decision not in Decision.values:
        raise ApplicationError.for_field("decision", "Choose whether it was accepted.")
    reason = (reason or "").strip()
    if decision == Decision.PENDING:
        return None, reason
    decided_on = checks.date("decided_on", decided_on, label="of the decision")
    if decided_on < made_on:
        raise ApplicationError.for_field(
            "decided_on",
            f"The date of the decision must be on or after the recommendation was made "
            f"({format_date(made_on)}).",
        )
    if decision == Decision.NOT_ACCEPTED and not reason:
        raise ApplicationError.for_field(
            "decision_reason", "Give the reason the recommendation was not accepted."
        )
    return decided_on, reason


def _check_made_on(case: Case, stage: Stage | None, made_on: dt.date | None) -> dt.date:
    made_on = checks.date("made_on", made_on, label="the recommendation was made")
    earliest, what = case.received_on, f"the case was received ({format_date(case.received_on)})"
    if stage is not None and stage.received_on > earliest:
        earliest = stage.received_on
        what = f"stage {stage.number} was requested ({format_date(stage.received_on)})"
    if made_on < earliest:
        raise ApplicationError.for_field(
            "made_on", f"The date the recommendation was made must be on or after {what}."
        )
    return made_on


# --- Recommendations ------------------------------------------------------------------------


@transaction.atomic
def recommendation_create(
    *,
    case: Case,
    source: str,
    made_on: dt.date | None,
    text: str,
    actor: User,
    service_area: ServiceArea | None = None,
    team: Team | None = None,
    ombudsman_case: OmbudsmanCase | None = None,
    decision: str = Decision.PENDING,
    decided_on: dt.date | None = None,
    decision_reason: str = "",
) -> Recommendation:
    """Record a recommendation made on a case by a stage 2 or 3 finding or the Ombudsman."""
    _ensure_change(actor, case)
    # Lock the case so two recommendations added at once get different numbers.
    case = Case.objects.select_for_update().get(pk=case.pk)
    stage = _stage_for(case, source)
    made_on = _check_made_on(case, stage, made_on)
    text = checks.required_text("text", text, "Enter the recommendation.")
    area, team = _area_and_team(service_area, team)
    ombudsman_case = _check_ombudsman_case(case, source, ombudsman_case)
    decided_on, decision_reason = _check_decision(decision, decided_on, decision_reason, made_on)
    number = (case.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1
    recommendation = Recommendation.objects.create(
        case=case,
        number=number,
        source=source,
        stage=stage,
        ombudsman_case=ombudsman_case,
        made_on=made_on,
        text=text,
        decision=decision,
        decided_on=decided_on,
        decision_reason=decision_reason,
        service_area=area,
        team=team,
        created_by=actor,
        modified_by=actor,
    )
    record_event(
        case=case,
        actor=actor,
        verb=Verb.RECOMMENDATION_ADDED,
        description=f"Recommendation R{number} ({Source(source).label.lower()}, made "
        f"{format_date(made_on)}) added to the action plan for {team or area}",
    )
    return recommendation


# The fields `recommendation_update` may change.
RECOMMENDATION_FIELDS = frozenset(
    {
        "source",
        "made_on",
        "text",
        "service_area",
        "team",
        "ombudsman_case",
        "decision",
        "decided_on",
        "decision_reason",
    }
)


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    actor: User,
    source: str | NotGiven = NOT_GIVEN,
    made_on: dt.date | NotGiven = NOT_GIVEN,
    text: str | NotGiven = NOT_GIVEN,
    service_area: ServiceArea | NotGiven | None = NOT_GIVEN,
    team: Team | NotGiven | None = NOT_GIVEN,
    ombudsman_case: OmbudsmanCase | NotGiven | None = NOT_GIVEN,
    decision: str | NotGiven = NOT_GIVEN,
    decided_on: dt.date | NotGiven | None = NOT_GIVEN,
    decision_reason: str | NotGiven = NOT_GIVEN,
) -> Recommendation:
    """Correct a recommendation or record the decision on it; what is not given stays."""
    values = given(
        source=source,
        made_on=made_on,
        text=text,
        service_area=service_area,
        team=team,
        ombudsman_case=ombudsman_case,
        decision=decision,
        decided_on=decided_on,
        decision_reason=decision_reason,
    )
    case = recommendation.case
    _ensure_change(actor, case)
    new = {name: values.get(name, getattr(recommendation, name)) for name in RECOMMENDATION_FIELDS}
    if case is None:
        # A visit's recommendation stays one: its source and date are the visit's.
        if new["source"] != Source.VISIT:
            raise ApplicationError.for_field(
                "source", "A recommendation from a visit stays one from a visit."
            )
        stage, made_on = None, recommendation.made_on
    else:
        if new["source"] == Source.VISIT:
            raise ApplicationError.for_field(
                "source", "A recommendation from a visit is added on the visit's page."
            )
        stage = _stage_for(case, new["source"])
        made_on = _check_made_on(case, stage, new["made_on"])
    checked_text = checks.required_text("text", new["text"], "Enter the recommendation.")
    # Changing the team alone moves the recommendation to that team's service area.
    area = None if "team" in values and "service_area" not in values else new["service_area"]
    area, team = _area_and_team(area, new["team"])
    ombudsman_case = (
        None
        if case is None
        else _check_ombudsman_case(
            case,
            new["source"],
            new["ombudsman_case"] if new["source"] == Source.OMBUDSMAN else None,
        )
    )
    decided_on, reason = _check_decision(
        new["decision"], new["decided_on"], new["decision_reason"], made_on
    )
    actions = recommendation.actions.all()
    if new["decision"] == Decision.NOT_ACCEPTED and actions.filter(status__in=OPEN_STATUSES):
        raise ApplicationError.for_field(
            "decision",
            "It has actions still open: cancel them before recording it as not accepted.",
        )
    early = actions.exclude(status=ActionStatus.CANCELLED).filter(due_on__lt=made_on).first()
    if early is not None:
        raise ApplicationError.for_field(
            "made_on",
            f"Action {early.number} is due on {format_date(early.due_on)}, before that date.",
        )
    changes = set_fields(
        recommendation,
        {
            "source": new["source"],
            "stage": stage,
            "made_on": made_on,
            "text": checked_text,
            "service_area": area,
            "team": team,
            "ombudsman_case": ombudsman_case,
            "decision": new["decision"],
            "decided_on": decided_on,
            "decision_reason": reason,
        },
    )
    if changes:
        recommendation.modified_by = actor
        recommendation.save()
        decided = "decision" in changes and new["decision"] != Decision.PENDING
        _trail(
            recommendation,
            actor=actor,
            verb=Verb.RECOMMENDATION_DECIDED if decided else Verb.RECOMMENDATION_CHANGED,
            description=(
                f"Recommendation R{recommendation.number} "
                f"{Decision(new['decision']).label.lower()} on {format_date(decided_on)}"
                if decided
                else f"Recommendation R{recommendation.number} changed"
            ),
            changes=changes,
        )
    return recommendation


# --- Actions --------------------------------------------------------------------------------


def _check_owner(owner: User | None) -> User:
    if owner is None:
        raise ApplicationError.for_field("owner", "Choose who owns the action.")
    if not access.may(owner, Perm.OWN_ACTIONS):
        raise ApplicationError.for_field(
            "owner",
            f"{owner} cannot own an action: choose a manager, feedback officer or administrator.",
        )
    return owner


def _check_due(recommendation: Recommendation, due_on: dt.date | None) -> dt.date:
    if due_on is None:
        raise ApplicationError.for_field("due_on", "Enter the date the action is due.")
    if due_on < recommendation.made_on:
        raise ApplicationError.for_field(
            "due_on",
            f"The due date must be on or after the recommendation was made "
            f"({format_date(recommendation.made_on)}).",
        )
    return due_on


@transaction.atomic
def action_create(
    *,
    recommendation: Recommendation,
    description: str,
    owner: User | None,
    due_on: dt.date | None,
    actor: User,
) -> Action:
    """Add an action, with its owner and due date, to carry out a recommendation."""
    _ensure_change(actor, recommendation.case)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if not rules.takes_actions(recommendation):
        raise ApplicationError("The recommendation was not accepted, so it has no actions.")
    description = checks.required_text("description", description, "Describe the action.")
    owner = _check_owner(owner)
    due_on = _check_due(recommendation, due_on)
    number = (recommendation.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    action = Action.objects.create(
        recommendation=recommendation,
        number=number,
        description=description,
        owner=owner,
        due_on=due_on,
        created_by=actor,
        modified_by=actor,
    )
    _trail(
        recommendation,
        actor=actor,
        verb=Verb.ACTION_ADDED,
        description=f"Action R{recommendation.number}.{number} added: owned by {owner}, "
        f"due {format_date(due_on)}",
    )
    return action


ACTION_FIELDS = frozenset({"description", "owner", "due_on"})


@transaction.atomic
def action_update(
    *,
    action: Action,
    actor: User,
    description: str | NotGiven = NOT_GIVEN,
    owner: User | NotGiven = NOT_GIVEN,
    due_on: dt.date | NotGiven = NOT_GIVEN,
) -> Action:
    """Change an open action's description, owner or due date; what is not given stays."""
    values = given(description=description, owner=owner, due_on=due_on)
    recommendation = action.recommendation
    _ensure_change(actor, recommendation.case)
    if not action.is_open:
        raise ApplicationError(
            f"The action is {action.get_status_display().lower()}: reopen it to change it."
        )
    description = checks.required_text(
        "description", values.get("description", action.description), "Describe the action."
    )
    owner = _check_owner(values.get("owner", action.owner))
    due_on = _check_due(recommendation, values.get("due_on", action.due_on))
    changes = set_fields(action, {"description": description, "owner": owner, "due_on": due_on})
    if changes:
        action.modified_by = actor
        action.save()
        _trail(
            recommendation,
            actor=actor,
            verb=Verb.ACTION_CHANGED,
            description=f"Action {action.short_reference} changed",
            changes=changes,
        )
    return action


PROGRESS_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED)


@transaction.atomic
def action_record_progress(
    *,
    action: Action,
    status: str,
    actor: User,
    progress: str | None = None,
    evidence: str | None = None,
    completed_on: dt.date | None = None,
) -> Action:
    """The owner's update: how it is going, or that it is done (with evidence and a date).

    A completed action can be set back to in progress (the completion date is cleared).
    """
    if not rules.may_record_progress(actor, action):
        raise AccessDenied("Only the action's owner, its team's manager or an officer can do this.")
    if not rules.takes_progress(action):
        raise ApplicationError("The action was cancelled.")
    if status not in PROGRESS_STATUSES:
        raise ApplicationError.for_field("status", "Choose how the action is going.")
    progress = action.progress if progress is None else progress.strip()
    evidence = action.evidence if evidence is None else evidence.strip()
    values: dict[str, Any] = {"status": status, "progress": progress, "evidence": evidence}
    if status == ActionStatus.COMPLETED:
        made_on = action.recommendation.made_on
        completed_on = checks.date("completed_on", completed_on, label="the action was completed")
        if completed_on < made_on:
            raise ApplicationError.for_field(
                "completed_on",
                f"The date the action was completed must be on or after the recommendation "
                f"was made ({format_date(made_on)}).",
            )
        if not evidence:
            raise ApplicationError.for_field(
                "evidence", "Describe the evidence that the action is complete."
            )
        values["completed_on"] = completed_on
    else:
        values["completed_on"] = None
    changes = set_fields(action, values)
    if changes:
        action.modified_by = actor
        action.save()
        if status == ActionStatus.COMPLETED and "status" in changes:
            description = (
                f"Action {action.short_reference} completed on {format_date(completed_on)}"
            )
        elif "status" in changes and changes["status"][0] == ActionStatus.COMPLETED:
            description = f"Action {action.short_reference} reopened"
        else:
            description = f"Progress recorded on action {action.short_reference}"
        _trail(
            action.recommendation,
            actor=actor,
            verb=Verb.ACTION_PROGRESS,
            description=description,
            changes=changes,
        )
    return action


@transaction.atomic
def action_cancel(*, action: Action, reason: str, actor: User) -> Action:
    """An action no longer needed (e.g. overtaken by another): kept, with the reason."""
    _ensure_change(actor, action.recommendation.case)
    if not action.is_open:
        raise ApplicationError(f"The action is already {action.get_status_display().lower()}.")
    reason = checks.required_text(
        "cancel_reason", reason, "Give the reason the action is cancelled."
    )
    changes = set_fields(
        action,
        {"status": ActionStatus.CANCELLED, "cancelled_on": today(), "cancel_reason": reason},
    )
    action.modified_by = actor
    action.save()
    _trail(
        action.recommendation,
        actor=actor,
        verb=Verb.ACTION_CANCELLED,
        description=f"Action {action.short_reference} cancelled",
        changes=changes,
    )
    return action


# --- A Regulation 44 visit's recommendations (issue 14) ---------------------------------------


@transaction.atomic
def visit_recommendation_create(
    *,
    visit: Any,
    text: str,
    owner: User | None,
    due_on: dt.date | None,
    actor: User,
    service_area: ServiceArea | None = None,
    team: Team | None = None,
) -> Recommendation:
    """A recommendation the independent visitor made, on the action plan with its owner and
    timescale: accepted when it is recorded (the home is to carry it out), with one action
    that the owner's reminders, evidence and overdue summary follow like any other."""
    from harken.homes.models import Visit

    if not isinstance(visit, Visit):
        raise ApplicationError.for_field("visit", "Choose the visit.")
    _ensure_change(actor, None)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    text = checks.required_text("text", text, "Enter the recommendation.")
    area, team = _area_and_team(service_area, team)
    owner = _check_owner(owner)
    number = (visit.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1
    recommendation = Recommendation.objects.create(
        visit=visit,
        number=number,
        source=Source.VISIT,
        made_on=visit.visited_on,
        text=text,
        decision=Decision.ACCEPTED,
        decided_on=visit.visited_on,
        service_area=area,
        team=team,
        created_by=actor,
        modified_by=actor,
    )
    due_on = _check_due(recommendation, due_on)
    Action.objects.create(
        recommendation=recommendation,
        number=1,
        description=text,
        owner=owner,
        due_on=due_on,
        created_by=actor,
        modified_by=actor,
    )
    _trail(
        recommendation,
        actor=actor,
        verb=Verb.RECOMMENDATION_ADDED,
        description=f"Recommendation R{number} from the visit of "
        f"{format_date(visit.visited_on)} added to the action plan for {team or area}: owned "
        f"by {owner}, due {format_date(due_on)}",
    )
    return recommendation
