"""A stage's workflow: acknowledgement, pauses, extensions, appointments, responses, panels,
escalation, ending early and reopening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q

from harken.accounts.models import User
from harken.core import checks
from harken.core.audit import record_event, set_fields
from harken.core.dates import format_date, today
from harken.core.errors import ApplicationError
from harken.procedures.clocks import StageClock
from harken.procedures.definitions import StageDef

from .. import workflow
from ..models import (
    PANEL_ROLES,
    Appointment,
    AppointmentEnd,
    AppointmentRole,
    Case,
    ElementOutcome,
    Extension,
    Kind,
    Outcome,
    Stage,
    Status,
    TimelineEvent,
)
from .base import (
    APPOINTMENT_MILESTONES,
    MILESTONE_FIELDS,
    _current_stage,
    _spec,
    _touch,
)
from .clocks import case_refresh_next_due, stage_clock, stage_recompute
from .openteams import open_teams_refresh
from .records import _numbers

Verb = TimelineEvent.Verb

# --- Stage workflow -------------------------------------------------------------------------


def ensure_may_answer(actor: User, stage: Stage, spec: StageDef | None = None) -> None:
    """The procedure's rule for who records a stage's response and its extensions (and
    writes those letters): `StageDef.responders`."""
    workflow.ensure_may_answer(actor, stage, spec or _spec(stage.case).stage(stage.number))


def _open(name: str, case: Case, actor: User) -> tuple[Stage, StageDef]:
    """`workflow.require` for a transition of the open stage: the stage and its definition."""
    state = workflow.require(name, case=case, actor=actor)
    assert state.stage is not None  # noqa: S101 (OPEN_STAGE)
    assert state.stage_def is not None  # noqa: S101
    return state.stage, state.stage_def


def _save_stage(
    stage: Stage,
    actor: User,
    verb: TimelineEvent.Verb,
    description: str,
    changes: dict[str, list[str | None]],
) -> Stage:
    _touch(stage, actor)
    clock = stage_recompute(stage)
    case_refresh_next_due(stage.case, clock=clock)
    record_event(
        case=stage.case,
        actor=actor,
        verb=verb,
        description=description,
        changes={f"stage {stage.number} {k}": v for k, v in changes.items()},
    )
    return stage


@transaction.atomic
def stage_acknowledge(*, case: Case, on: dt.date, actor: User) -> Stage:
    """Record that the complainant was told their complaint (or request) was received."""
    stage, _ = _open("acknowledge", case, actor)
    checks.date(
        "acknowledged_on",
        on,
        label="acknowledged",
        not_before=stage.received_on,
        before_label=f"the date received ({format_date(stage.received_on)})",
    )
    changes = set_fields(stage, {"acknowledged_on": on})
    return _save_stage(
        stage,
        actor,
        Verb.ACKNOWLEDGED,
        f"Stage {stage.number} acknowledged on {format_date(on)}",
        changes,
    )


@transaction.atomic
def stage_pause(*, case: Case, reason: str, actor: User) -> Stage:
    """Hold back the stage 1 clock, e.g. while an advocate is arranged for the child."""
    stage, _ = _open("pause", case, actor)
    reason = checks.required_text("reason", reason, "Enter why the clock is held back.")
    changes = set_fields(stage, {"paused_reason": reason[:300]})
    return _save_stage(stage, actor, Verb.PAUSED, f"Stage 1 clock deferred: {reason}", changes)


@transaction.atomic
def stage_resume(*, case: Case, on: dt.date, actor: User) -> Stage:
    """Start a deferred stage 1 clock from `on`."""
    stage, _ = _open("resume", case, actor)
    checks.date("on", on, label="the clock starts", not_before=stage.received_on)
    changes = set_fields(stage, {"clock_override_on": on})
    return _save_stage(
        stage, actor, Verb.RESUMED, f"Stage 1 clock started on {format_date(on)}", changes
    )


@transaction.atomic
def stage_extend(
    *, case: Case, new_due_on: dt.date, reason: str, complainant_told_on: dt.date, actor: User
) -> Extension:
    """Agree a later response date, no later than the procedure's longest extension."""
    stage, spec = _open("extend", case, actor)
    reason = checks.required_text("reason", reason, "Enter the reason for the extension.")
    checks.date(
        "complainant_told_on",
        complainant_told_on,
        label="the complainant was told",
        not_before=stage.received_on,
    )
    clock = stage_clock(stage, spec)
    assert clock.due_on is not None  # noqa: S101 (the transition's guard: the clock runs)
    in_force = _due_when_told(stage, clock, complainant_told_on)
    if in_force is not None and complainant_told_on > in_force:
        # Agreed after the deadline had passed, it would turn a late stage into one on time.
        raise ApplicationError.for_field(
            "complainant_told_on",
            f"The complainant was told on {format_date(complainant_told_on)}, after the "
            f"response was due ({format_date(in_force)}): an extension must be agreed before "
            "the date it extends.",
        )
    if new_due_on <= clock.due_on:
        raise ApplicationError.for_field(
            "new_due_on",
            f"The new date must be after the current one, {format_date(clock.due_on)}.",
        )
    if clock.latest_extension_on and new_due_on > clock.latest_extension_on:
        raise ApplicationError.for_field(
            "new_due_on",
            f"Stage {stage.number} can be extended to {spec.max_response_days} working days at "
            f"most: {format_date(clock.latest_extension_on)}.",
        )
    extension = Extension.objects.create(
        stage=stage,
        new_due_on=new_due_on,
        reason=reason,
        complainant_told_on=complainant_told_on,
        created_by=actor,
        modified_by=actor,
    )
    _save_stage(
        stage,
        actor,
        Verb.EXTENDED,
        f"Stage {stage.number} extended to {format_date(new_due_on)}: {reason}",
        {"due_on": [clock.due_on.isoformat(), new_due_on.isoformat()]},
    )
    return extension


def _due_when_told(stage: Stage, clock: StageClock, told: dt.date) -> dt.date | None:
    """The response date as it stood on `told`: the latest extension agreed by then, else
    the procedure's own date."""
    agreed = [e.new_due_on for e in stage.extensions.all() if e.complainant_told_on <= told]
    if agreed:
        return max(agreed)
    return clock.original_due.due if clock.original_due else None


def _check_after_extensions(stage: Stage, on: dt.date, label: str) -> None:
    """A stage's conclusion comes after every extension agreed: an extension is agreed
    before the response, never recorded after the event."""
    told = max((e.complainant_told_on for e in stage.extensions.all()), default=None)
    if told is not None and on < told:
        raise ApplicationError.for_field(
            "on",
            f"The {label} is dated {format_date(on)}, before the extension agreed on "
            f"{format_date(told)}: an extension is agreed before the {label}.",
        )


@transaction.atomic
def statement_agree(*, case: Case, on: dt.date, actor: User) -> Stage:
    """Record the agreed written statement of complaint; the stage 2 clock runs from it."""
    stage, _ = _open("statement", case, actor)
    checks.date("on", on, label="the statement was agreed", not_before=stage.received_on)
    changes = set_fields(stage, {"statement_agreed_on": on})
    return _save_stage(
        stage,
        actor,
        Verb.STATEMENT_AGREED,
        f"Statement of complaint agreed on {format_date(on)}",
        changes,
    )


def _same_person(user: User | None, entry: Any) -> Q:
    """Appointments of this person: as a user, or as a pool entry (and its account)."""
    same = Q(pk__in=[])
    if user is not None:
        same |= Q(user=user) | Q(pool_entry__user=user)
    if entry is not None:
        same |= Q(pool_entry=entry)
    return same


def _check_appointee(
    stage: Stage, spec: StageDef, role: str, *, user: User | None, entry: Any = None
) -> None:
    """The rules of who may be appointed to what, for a user and a pool entry alike."""
    field = "pool_entry" if entry is not None else "user"
    name = str(entry if entry is not None else user)
    if role == AppointmentRole.INVESTIGATING_OFFICER and not spec.requires_investigating_officer:
        raise ApplicationError(f"Stage {stage.number} has no Investigating Officer.")
    if role == AppointmentRole.INDEPENDENT_PERSON and not spec.requires_independent_person:
        raise ApplicationError(f"Stage {stage.number} has no Independent Person.")
    if role in PANEL_ROLES and not spec.panel_size:
        raise ApplicationError(f"Stage {stage.number} has no review panel.")
    employed = (user is not None and user.employed_by_council) or (
        entry is not None and entry.employed_by_council
    )
    if role in (AppointmentRole.INDEPENDENT_PERSON, *PANEL_ROLES) and employed:
        raise ApplicationError.for_field(
            field,
            f"{name} works for the council: an Independent Person or panel member must "
            "be independent of it (reg 2).",
        )
    same = _same_person(user, entry)
    active = stage.appointments.filter(ended_on__isnull=True)
    if active.filter(same).exists():
        if role in PANEL_ROLES and active.filter(same, role__in=PANEL_ROLES).exists():
            raise ApplicationError.for_field(
                field, f"{name} is already on this review panel: a panel is three people."
            )
        raise ApplicationError.for_field(field, f"{name} is already appointed to this stage.")
    if role in PANEL_ROLES:
        was_ip = Appointment.objects.filter(
            same, stage__case=stage.case, role=AppointmentRole.INDEPENDENT_PERSON
        ).exists()
        if was_ip:
            raise ApplicationError.for_field(
                field,
                f"{name} was the Independent Person at stage 2 and may not sit on the "
                "review panel.",
            )
        panel = active.filter(role__in=PANEL_ROLES)
        if panel.count() >= spec.panel_size:
            raise ApplicationError(f"The panel already has {spec.panel_size} members.")
        if (
            role == AppointmentRole.PANEL_CHAIR
            and panel.filter(role=AppointmentRole.PANEL_CHAIR).exists()
        ):
            raise ApplicationError("The panel already has a chair.")
    elif active.filter(role=role).exists():
        raise ApplicationError.for_field(
            "role",
            f"This stage already has an {AppointmentRole(role).label}; end that appointment first.",
        )


@transaction.atomic
def appointment_make(
    *,
    case: Case,
    role: str,
    on: dt.date,
    actor: User,
    user: User | None = None,
    pool_entry: Any = None,
) -> Appointment:
    """Appoint an IO, IP or panel member to the open stage: a user, or a person of the pool
    (`harken.pool.services.pool_appoint`, which adds the pool's own rules and the fee). The
    appointee's account, if there is one, can then see the case."""
    stage, spec = _open("appoint", case, actor)
    if role not in AppointmentRole.values:
        raise ApplicationError.for_field("role", "Choose the role.")
    if pool_entry is not None:
        user = pool_entry.user
    elif user is None:
        raise ApplicationError.for_field("user", "Choose the person appointed.")
    checks.date("on", on, label="of the appointment", not_before=stage.received_on)
    _check_appointee(stage, spec, role, user=user, entry=pool_entry)
    appointment = Appointment.objects.create(
        stage=stage,
        user=user,
        pool_entry=pool_entry,
        role=role,
        appointed_on=on,
        created_by=actor,
        modified_by=actor,
    )
    if case.restricted and user is not None:
        case.restricted_to.add(user)
    milestone_field = MILESTONE_FIELDS[APPOINTMENT_MILESTONES[role]]
    changes: dict[str, list[str | None]] = {}
    if role in PANEL_ROLES:
        if (
            stage.appointments.filter(role__in=PANEL_ROLES, ended_on__isnull=True).count()
            == spec.panel_size
        ):
            changes = set_fields(stage, {milestone_field: on})
    elif getattr(stage, milestone_field) is None:
        changes = set_fields(stage, {milestone_field: on})
    from_pool = " from the pool" if pool_entry is not None else ""
    _save_stage(
        stage,
        actor,
        Verb.APPOINTED,
        f"{appointment.appointee_name} appointed {AppointmentRole(role).label}{from_pool} on "
        f"{format_date(on)}",
        changes,
    )
    return appointment


@transaction.atomic
def appointment_end(*, appointment: Appointment, on: dt.date, actor: User) -> Appointment:
    case = appointment.stage.case
    workflow.require("end-appointment", case=case, actor=actor)
    if appointment.ended_on:
        raise ApplicationError("This appointment has already ended.")
    checks.date("on", on, label="the appointment ended", not_before=appointment.appointed_on)
    appointment.ended_on = on
    appointment.end_reason = AppointmentEnd.BY_HAND
    _touch(appointment, actor)
    appointment.save()
    record_event(
        case=case,
        actor=actor,
        verb=Verb.APPOINTMENT_ENDED,
        description=f"{appointment.appointee_name}'s appointment as "
        f"{appointment.get_role_display()} ended on {format_date(on)}",
    )
    return appointment


def _end_appointments(stage: Stage, on: dt.date, reason: str, actor: User) -> None:
    """The stage's work is over: its appointees stop seeing the case (they keep their own
    documents for a while: `documents.selectors`). One timeline event names them all."""
    ending = list(
        stage.appointments.filter(ended_on__isnull=True).select_related("user", "pool_entry")
    )
    if not ending:
        return
    Appointment.objects.filter(pk__in=[a.pk for a in ending]).update(
        ended_on=on, end_reason=reason, modified_by=actor
    )
    names = ", ".join(str(a) for a in ending)
    record_event(
        case=stage.case,
        actor=actor,
        verb=Verb.APPOINTMENTS_ENDED,
        description=f"Appointments ended on {format_date(on)}, as "
        f"{AppointmentEnd(reason).label.lower()}: {names}",
    )


def _record_outcomes(
    stage: Stage, outcomes: Mapping[int, str], actor: User
) -> dict[str, list[str | None]]:
    """Every element needs an outcome when a stage is concluded."""
    elements = {e.pk: e for e in stage.case.elements.all()}
    if not elements:
        raise ApplicationError.for_field(
            "outcomes", "Record the points of complaint (elements) before concluding the stage."
        )
    untold = sorted(e.number for e in elements.values() if e.theme_id is None)
    if untold:
        raise ApplicationError.for_field(
            "themes",
            f"Give point{'s' if len(untold) > 1 else ''} {_numbers(untold)} a theme before "
            f"concluding stage {stage.number}: the report counts every point under its theme.",
        )
    missing = [e for pk, e in elements.items() if pk not in outcomes]
    if missing:
        numbers = ", ".join(str(e.number) for e in sorted(missing, key=lambda e: e.number))
        raise ApplicationError.for_field(
            "outcomes", f"Give an outcome for every element: element {numbers} has none."
        )
    unknown = set(outcomes) - set(elements)
    if unknown:
        raise ApplicationError.for_field("outcomes", "An outcome names an element of another case.")
    changes: dict[str, list[str | None]] = {}
    for pk, value in outcomes.items():
        if value not in Outcome.values:
            raise ApplicationError.for_field("outcomes", f"'{value}' is not an outcome.")
        ElementOutcome.objects.update_or_create(
            element_id=pk,
            stage=stage,
            defaults={"outcome": value, "created_by": actor, "modified_by": actor},
        )
        changes[f"element {elements[pk].number} outcome"] = [None, Outcome(value).label]
    return changes


def _close_case(case: Case, on: dt.date, actor: User | None) -> dict[str, list[str | None]]:
    changes = set_fields(case, {"status": Status.CLOSED, "closed_on": on})
    _touch(case, actor)
    case.save()
    open_teams_refresh(case_ids=[case.pk])
    return changes


def _conclude_stage(
    case: Case,
    stage: Stage,
    *,
    on: dt.date,
    outcomes: Mapping[int, str],
    actor: User,
    sent: dict[str, Any],
    verb: TimelineEvent.Verb,
    description: str,
) -> Stage:
    """What ends a stage, however it ends (its response, or the council's response to a
    panel): each element's outcome, the date sent and who answered (`sent`), the timeline,
    the stage's appointments ended, the case closed and its next deadline worked out."""
    changes = _record_outcomes(stage, outcomes, actor)
    changes.update(set_fields(stage, sent))
    _save_stage(stage, actor, verb, description, changes)
    _end_appointments(stage, on, AppointmentEnd.STAGE_CONCLUDED, actor)
    _close_case(case, on, actor)
    case_refresh_next_due(case)
    return stage


@transaction.atomic
def stage_respond(
    *,
    case: Case,
    on: dt.date,
    outcomes: Mapping[int, str],
    actor: User,
    responder: User | None = None,
) -> Stage:
    """Record the stage's response (the adjudication at stage 2) with each element's outcome."""
    stage, spec = _open("respond", case, actor)
    checks.date("on", on, label=f"the {spec.response_label} was sent", not_before=stage.received_on)
    _check_after_extensions(stage, on, spec.response_label)
    responder = responder or actor
    if spec.different_responder:
        previous = case.stages.filter(number=stage.number - 1).first()
        if previous is not None and previous.responder_id == responder.pk:
            raise ApplicationError.for_field(
                "responder",
                f"Stage {stage.number} must be answered by someone other than the "
                f"stage {previous.number} responder.",
            )
    return _conclude_stage(
        case,
        stage,
        on=on,
        outcomes=outcomes,
        actor=actor,
        sent={"response_sent_on": on, "responder": responder},
        verb=Verb.RESPONDED,
        description=f"Stage {stage.number} {spec.response_label} sent on {format_date(on)}",
    )


@transaction.atomic
def panel_schedule(*, case: Case, on: dt.date, actor: User) -> Stage:
    """Plan the review panel's meeting for a day (in the future, or moved); the steps after
    it are projected from the plan until `panel_met` records the day it was held."""
    stage, _ = _open("schedule-panel", case, actor)
    if on is None:
        raise ApplicationError.for_field("on", "Enter the date the panel is to meet.")
    if on < stage.received_on:
        raise ApplicationError.for_field(
            "on",
            "The panel can meet on or after the request for stage "
            f"{stage.number} ({format_date(stage.received_on)}).",
        )
    if on > today() + dt.timedelta(days=366):
        raise ApplicationError.for_field(
            "on", "The panel meeting can be planned up to a year ahead."
        )
    changes = set_fields(stage, {"panel_planned_on": on})
    if not changes:
        return stage
    return _save_stage(
        stage,
        actor,
        Verb.PANEL_PLANNED,
        f"Review panel meeting planned for {format_date(on)}",
        changes,
    )


@transaction.atomic
def panel_met(*, case: Case, on: dt.date, actor: User) -> Stage:
    stage, _ = _open("panel-met", case, actor)
    checks.date("on", on, label="the panel met", not_before=stage.received_on)
    changes = set_fields(stage, {"panel_met_on": on})
    return _save_stage(
        stage, actor, Verb.PANEL_MET, f"Review panel met on {format_date(on)}", changes
    )


@transaction.atomic
def panel_report(*, case: Case, on: dt.date, actor: User) -> Stage:
    stage, _ = _open("panel-report", case, actor)
    checks.date("on", on, label="the panel report was sent", not_before=stage.panel_met_on)
    changes = set_fields(stage, {"panel_report_sent_on": on})
    return _save_stage(
        stage, actor, Verb.PANEL_REPORT, f"Panel report sent on {format_date(on)}", changes
    )


@transaction.atomic
def council_response(*, case: Case, on: dt.date, outcomes: Mapping[int, str], actor: User) -> Stage:
    """The council's response to the panel's report concludes stage 3."""
    stage, _ = _open("council-response", case, actor)
    checks.date(
        "on", on, label="the council's response was sent", not_before=stage.panel_report_sent_on
    )
    return _conclude_stage(
        case,
        stage,
        on=on,
        outcomes=outcomes,
        actor=actor,
        sent={"council_response_sent_on": on, "responder": actor},
        verb=Verb.COUNCIL_RESPONSE,
        description=f"Council's response to the panel sent on {format_date(on)}",
    )


@transaction.atomic
def complaint_escalate(
    *, case: Case, requested_on: dt.date, actor: User, late_reason: str = ""
) -> Stage:
    """Open the next stage at the complainant's request (late only with a reason)."""
    state = workflow.require("escalate", case=case, actor=actor)
    stage = state.stage
    assert stage is not None  # noqa: S101 (the guards)
    assert stage.concluded_on is not None  # noqa: S101
    checks.date("requested_on", requested_on, label="of the request", not_before=stage.concluded_on)
    late_reason = (late_reason or "").strip()
    if stage.escalation_due_on and requested_on > stage.escalation_due_on and not late_reason:
        raise ApplicationError.for_field(
            "late_reason",
            f"The request came after {format_date(stage.escalation_due_on)}, the last day to ask "
            f"for stage {stage.number + 1}: give the reason a late request is accepted.",
        )
    next_stage = Stage.objects.create(
        case=case,
        number=stage.number + 1,
        received_on=requested_on,
        late_request_reason=late_reason,
        created_by=actor,
        modified_by=actor,
    )
    clock = stage_recompute(next_stage)
    changes = set_fields(
        case, {"status": Status.OPEN, "closed_on": None, "stage_number": next_stage.number}
    )
    _touch(case, actor)
    case.save()
    open_teams_refresh(case_ids=[case.pk])
    case_refresh_next_due(case, clock=clock)
    record_event(
        case=case,
        actor=actor,
        verb=Verb.ESCALATED,
        description=f"Stage {next_stage.number} requested on "
        f"{format_date(requested_on)}"
        + (f" (late, accepted: {late_reason})" if late_reason else ""),
        changes=changes,
    )
    return next_stage


def _end_early(
    case: Case,
    *,
    status: Status,
    verb: TimelineEvent.Verb,
    on: dt.date,
    reason: str,
    actor: User,
    date_field: str,
    reason_field: str,
) -> Case:
    checks.date("on", on, label=f"it was {status}", not_before=case.received_on)
    reason = checks.required_text("reason", reason, "Enter the reason.")
    if case.kind == Kind.COMPLAINT:
        stage = _current_stage(case)
        if stage.is_open:
            stage.ended_early_on = on
            stage.save(update_fields=["ended_early_on", "modified_at"])
            _end_appointments(stage, on, AppointmentEnd.CASE_ENDED, actor)
    changes = set_fields(
        case, {"status": status, date_field: on, reason_field: reason, "closed_on": on}
    )
    _touch(case, actor)
    case.save()
    open_teams_refresh(case_ids=[case.pk])
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb=verb,
        description=f"{case.get_kind_display()} {status} on {format_date(on)}: {reason}",
        changes=changes,
    )
    return case


@transaction.atomic
def case_withdraw(*, case: Case, on: dt.date, reason: str, actor: User) -> Case:
    """The complainant withdrew."""
    workflow.require("withdraw", case=case, actor=actor)
    return _end_early(
        case,
        status=Status.WITHDRAWN,
        verb=Verb.WITHDRAWN,
        on=on,
        reason=reason,
        actor=actor,
        date_field="withdrawn_on",
        reason_field="withdrawal_reason",
    )


@transaction.atomic
def case_discontinue(*, case: Case, on: dt.date, reason: str, actor: User) -> Case:
    """The council stopped, e.g. because the child declined consent."""
    workflow.require("discontinue", case=case, actor=actor)
    return _end_early(
        case,
        status=Status.DISCONTINUED,
        verb=Verb.DISCONTINUED,
        on=on,
        reason=reason,
        actor=actor,
        date_field="discontinued_on",
        reason_field="discontinuance_reason",
    )


@transaction.atomic
def case_reopen(*, case: Case, reason: str, actor: User) -> Case:
    """Undo a withdrawal, discontinuance or contact resolution that was recorded in error."""
    state = workflow.require("reopen", case=case, actor=actor)
    reason = checks.required_text("reason", reason, "Enter why the case is reopened.")
    values: dict[str, Any] = {"status": Status.OPEN, "closed_on": None}
    if case.kind == Kind.COMPLAINT:
        stage = state.stage
        assert stage is not None  # noqa: S101 (guards)
        assert stage.ended_early_on is not None  # noqa: S101
        # The ending was a mistake: so was ending the appointments it ended.
        stage.appointments.filter(
            end_reason=AppointmentEnd.CASE_ENDED, ended_on=stage.ended_early_on
        ).update(ended_on=None, end_reason="", modified_by=actor)
        stage.ended_early_on = None
        stage.save(update_fields=["ended_early_on", "modified_at"])
        values.update(
            withdrawn_on=None, withdrawal_reason="", discontinued_on=None, discontinuance_reason=""
        )
    else:
        values.update(
            contact_outcome="",
            responded_on=None,
            passed_on_on=None,
            withdrawn_on=None,
            withdrawal_reason="",
            discontinued_on=None,
            discontinuance_reason="",
        )
    changes = set_fields(case, values)
    _touch(case, actor)
    case.save()
    open_teams_refresh(case_ids=[case.pk])
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb=Verb.REOPENED,
        description=f"Reopened: {reason}",
        changes=changes,
    )
    return case
