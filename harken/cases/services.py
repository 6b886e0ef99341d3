"""Every change to a case goes through here, checked against its procedure and audited.

Each service is keyword-only, atomic, checks the actor may do it, refuses with an
`ApplicationError` saying why the procedure does not allow it, and records a timeline event
with every field's old and new value in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction

from harken.accounts.models import Team, User
from harken.core import access, text
from harken.core.audit import record_audit, record_event, set_fields
from harken.core.dates import format_date, today
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.models import EventType
from harken.procedures.clocks import Due, StageClock, StatementTarget, compute
from harken.procedures.definitions import Milestone, ProcedureDef, StageDef
from harken.procedures.models import ProcedureVersion
from harken.procedures.services import current_version
from harken.workdays.rules import Deadline, working_day_deadline, working_days_between

from . import workflow
from .models import (
    PANEL_ROLES,
    REPRESENTATION_KINDS,
    Appointment,
    AppointmentEnd,
    AppointmentRole,
    Case,
    CaseParty,
    Channel,
    ContactOutcome,
    ContactPreference,
    Element,
    ElementOutcome,
    Extension,
    Kind,
    Note,
    Outcome,
    PartyRole,
    Person,
    ReferenceCounter,
    Referral,
    Relationship,
    SafeguardingConcern,
    Stage,
    Status,
    Theme,
)

MILESTONE_FIELDS: dict[Milestone, str] = {
    Milestone.RECEIVED: "received_on",
    Milestone.ACKNOWLEDGED: "acknowledged_on",
    Milestone.STATEMENT_AGREED: "statement_agreed_on",
    Milestone.IO_APPOINTED: "io_appointed_on",
    Milestone.IP_APPOINTED: "ip_appointed_on",
    Milestone.PANEL_APPOINTED: "panel_appointed_on",
    Milestone.RESPONSE_SENT: "response_sent_on",
    Milestone.PANEL_MET: "panel_met_on",
    Milestone.PANEL_REPORT_SENT: "panel_report_sent_on",
    Milestone.COUNCIL_RESPONSE_SENT: "council_response_sent_on",
}

APPOINTMENT_MILESTONES: dict[str, Milestone] = {
    AppointmentRole.INVESTIGATING_OFFICER: Milestone.IO_APPOINTED,
    AppointmentRole.INDEPENDENT_PERSON: Milestone.IP_APPOINTED,
    AppointmentRole.PANEL_CHAIR: Milestone.PANEL_APPOINTED,
    AppointmentRole.PANEL_MEMBER: Milestone.PANEL_APPOINTED,
}


# --- Inputs ------------------------------------------------------------------------------


@dataclass
class PersonInput:
    """A person to link to a case: an existing one (`person`) or the details of a new one."""

    role: str = PartyRole.COMPLAINANT
    relationship: str = ""
    person: Person | None = None
    child_knows: bool | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ElementInput:
    summary: str
    theme: Theme | None = None
    team: Team | None = None


# The most a case may hold: far beyond any real complaint, short of a request that would
# take minutes to store (a case with 10,000 elements took 11 s). The API refuses more before
# it reads them (harken/api/serializers.py uses these numbers).
MAX_ELEMENTS = 100
MAX_PEOPLE = 20

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "address",
    "postcode",
    "contact_preference",
    "accessibility_needs",
    "language",
    "looked_after",
    "care_leaver",
)


TEXT_PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "postcode",
    "accessibility_needs",
    "language",
)


# --- Checks shared by the services ---------------------------------------------------------


def _check_date(
    name: str,
    value: dt.date | None,
    *,
    label: str,
    not_before: dt.date | None = None,
    before_label: str = "",
) -> dt.date:
    if value is None:
        raise ApplicationError.for_field(name, f"Enter the date {label}.")
    if value > today():
        raise ApplicationError.for_field(name, f"The date {label} must be today or in the past.")
    if not_before is not None and value < not_before:
        raise ApplicationError.for_field(
            name, f"The date {label} must be on or after {before_label or format_date(not_before)}."
        )
    return value


def _require_text(name: str, value: str, message: str) -> str:
    """The text, trimmed; refused if it shows nothing (only spaces or zero-width characters)
    or holds a control character."""
    value = (value or "").strip()
    if not text.has_visible(value):
        raise ApplicationError.for_field(name, message)
    found = text.problem(value)
    if found:
        raise ApplicationError.for_field(name, text.message(name.replace("_", " "), found))
    return value


def _normal_text(value: str) -> str:
    """Text as compared and kept: one kind of line ending, no trailing blank space (a browser
    sends CRLF, a form trims, an e-mail or import may do neither)."""
    return value.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _changed_text(obj: Any, values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """`values` with each text field normalised, and left out where it says what `obj` says
    already: saving a form unchanged records no false change."""
    kept = dict(values)
    for name in names:
        new = kept.get(name)
        if not isinstance(new, str):
            continue
        old = getattr(obj, name) or ""
        if _normal_text(old) == _normal_text(new):
            del kept[name]
        else:
            kept[name] = _normal_text(new)
    return kept


def _spec(case: Case) -> ProcedureDef:
    if case.procedure_version is None:
        raise ApplicationError("This record is not a complaint under a procedure.")
    return case.procedure_version.spec


def _current_stage(case: Case) -> Stage:
    stage = case.stages.order_by("-number").first()
    if stage is None:
        raise ApplicationError("This complaint has no stage.")
    return stage


def _touch(obj: Any, actor: User | None) -> None:
    obj.modified_by = actor


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


# --- References and people ------------------------------------------------------------------


def _increment_counter(year: int) -> int | None:
    """Add one to the year's counter and return it, in one statement (None: no counter yet).
    UPDATE … RETURNING works on PostgreSQL and on SQLite from 3.35."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "year" = %s RETURNING "last"',  # noqa: S608
            [year],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _next_reference(year: int) -> str:
    """The year's next reference. Takes the counter row's lock until the transaction ends, so
    callers allocate it as late as they can (`case_create` does it last)."""
    number = _increment_counter(year)
    if number is None:
        ReferenceCounter.objects.get_or_create(year=year)
        number = _increment_counter(year)
    return f"{settings.HARKEN_REFERENCE_PREFIX}-{year}-{number:05d}"


def _placeholder_reference() -> str:
    """A unique stand-in while the case is being made (never committed: see case_create)."""
    return f"~{uuid.uuid4().hex[:19]}"


# A person's details that are one line each: they may not turn the text's direction either.
ONE_LINE_PERSON_FIELDS = {
    "first_name": "first name",
    "last_name": "last name",
    "email": "e-mail address",
    "phone": "phone number",
    "postcode": "postcode",
    "language": "language",
}


def _check_person_text(values: dict[str, Any]) -> None:
    """Names with nothing visible are no name; no detail may hold a control character, and
    no one-line detail a direction control (a name that reads backwards)."""
    for name in ("first_name", "last_name"):
        value = str(values.get(name) or "").strip()
        values[name] = value if text.has_visible(value) else ""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        found = text.problem(value, one_line=name in ONE_LINE_PERSON_FIELDS)
        if found:
            what = ONE_LINE_PERSON_FIELDS.get(name, name.replace("_", " "))
            raise ApplicationError.for_field(name, text.message(f"the {what}", found))


def _clean_person_details(details: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(details) - set(PERSON_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown person details: {', '.join(sorted(unknown))}.")
    values = dict(details)
    _check_person_text(values)
    pref = values.get("contact_preference", "")
    if pref and pref not in ContactPreference.values:
        raise ApplicationError.for_field("contact_preference", "Choose how to contact them.")
    if not (values.get("first_name") or values.get("last_name")):
        raise ApplicationError.for_field("last_name", "Enter the person's name.")
    dob = values.get("date_of_birth")
    if dob is not None and dob > today():
        raise ApplicationError.for_field("date_of_birth", "The date of birth must be in the past.")
    return values


def _new_person(actor: User | None, details: Mapping[str, Any]) -> Person:
    return Person(**_clean_person_details(details), created_by=actor, modified_by=actor)


@transaction.atomic
def person_create(*, actor: User | None, **details: Any) -> Person:
    person = _new_person(actor, details)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, actor: User, **details: Any) -> Person:
    if (
        actor.role
        not in access.ACTION_ROLES[workflow.TRANSITIONS_BY_NAME["edit-person"].permission]
    ):
        raise AccessDenied("You are not allowed to change people's details.")
    values = _clean_person_details({**{f: getattr(person, f) for f in PERSON_FIELDS}, **details})
    values = _changed_text(person, values, TEXT_PERSON_FIELDS)
    changes = set_fields(person, values)
    if changes:
        _touch(person, actor)
        person.save()
        for party in person.parties.select_related("case"):
            record_event(
                case=party.case,
                actor=actor,
                verb="person_updated",
                description=f"{person.full_name}'s details changed",
                changes=changes,
            )
    return person


def _check_party(item: PersonInput) -> None:
    if item.role not in PartyRole.values:
        raise ApplicationError.for_field("role", "Choose the person's part in the case.")
    if item.relationship and item.relationship not in Relationship.values:
        raise ApplicationError.for_field("relationship", "Choose the relationship.")


def _add_parties(case: Case, people: Sequence[PersonInput], actor: User | None) -> None:
    """The people of a case being made: no party exists yet, so no lookups before inserting;
    the new people are inserted together; the same person in the same part twice is recorded
    once."""
    for item in people:
        _check_party(item)
    new = {n: _new_person(actor, item.details) for n, item in enumerate(people) if not item.person}
    Person.objects.bulk_create(new.values())
    parties: dict[tuple[int, str], CaseParty] = {}
    for n, item in enumerate(people):
        person = item.person or new[n]
        parties.setdefault(
            (person.pk, item.role),
            CaseParty(
                case=case,
                person=person,
                role=item.role,
                relationship=item.relationship,
                child_knows=item.child_knows,
            ),
        )
    CaseParty.objects.bulk_create(parties.values())


def _add_party(case: Case, item: PersonInput, actor: User | None) -> CaseParty:
    _check_party(item)
    person = item.person or person_create(actor=actor, **item.details)
    party, _ = CaseParty.objects.get_or_create(
        case=case,
        person=person,
        role=item.role,
        defaults={"relationship": item.relationship, "child_knows": item.child_knows},
    )
    return party


@transaction.atomic
def case_add_person(*, case: Case, item: PersonInput, actor: User) -> CaseParty:
    workflow.require("add-person", case=case, actor=actor)
    if case.parties.count() >= MAX_PEOPLE:
        raise ApplicationError.for_field("people", f"A case can have at most {MAX_PEOPLE} people.")
    party = _add_party(case, item, actor)
    record_event(
        case=case,
        actor=actor,
        verb="person_added",
        description=f"{party.person.full_name} added as {party.get_role_display()}",
    )
    return party


# --- Creating records -----------------------------------------------------------------------


def _check_counts(*, people: Sequence[PersonInput] = (), elements: Sequence[Any] = ()) -> None:
    if len(elements) > MAX_ELEMENTS:
        raise ApplicationError.for_field(
            "elements", f"A complaint can have at most {MAX_ELEMENTS} points of complaint."
        )
    if len(people) > MAX_PEOPLE:
        raise ApplicationError.for_field("people", f"A case can have at most {MAX_PEOPLE} people.")


def _check_new_case(*, kind: str, channel: str, received_on: dt.date, summary: str) -> None:
    if kind not in Kind.values:
        raise ApplicationError.for_field("kind", "Choose what kind of record this is.")
    if channel not in Channel.values:
        raise ApplicationError.for_field("channel", "Choose how it was received.")
    _check_date("received_on", received_on, label="received")
    _require_text("summary", summary, "Enter a summary.")


def _check_time_limit(
    spec: ProcedureDef, received_on: dt.date, grounds_arose_on: dt.date | None, late_reason: str
) -> None:
    if grounds_arose_on is None or spec.time_limit_months is None:
        return
    if grounds_arose_on > received_on:
        raise ApplicationError.for_field(
            "grounds_arose_on", "The date it happened must be on or before the date received."
        )
    limit = grounds_arose_on + relativedelta(months=spec.time_limit_months)
    if received_on > limit and not late_reason.strip():
        raise ApplicationError.for_field(
            "late_complaint_reason",
            f"The complaint was made more than {spec.time_limit_months} months after the grounds "
            "arose: give the reason it is still being considered.",
        )


@transaction.atomic
def case_create(
    *,
    actor: User | None,
    kind: str,
    channel: str,
    received_on: dt.date,
    summary: str,
    details: str = "",
    teams: Iterable[Team] = (),
    themes: Iterable[Theme] = (),
    procedure_code: str | None = None,
    people: Sequence[PersonInput] = (),
    elements: Sequence[ElementInput] = (),
    restricted: bool = False,
    restricted_to: Iterable[User] = (),
    grounds_arose_on: dt.date | None = None,
    late_complaint_reason: str = "",
    assigned_to: User | None = None,
    praised_worker: str = "",
    external_reference: str = "",
    progressed_from: Case | None = None,
) -> Case:
    """Record a contact, complaint, compliment or representation; a complaint opens stage 1."""
    if actor is not None and actor.role not in access.ACTION_ROLES["manage"]:
        raise AccessDenied("You are not allowed to record new cases.")
    _check_new_case(kind=kind, channel=channel, received_on=received_on, summary=summary)
    _check_counts(people=people, elements=elements)
    teams, themes = list(teams), list(themes)
    version: ProcedureVersion | None = None
    if kind == Kind.COMPLAINT:
        code = procedure_code or _suggest_procedure(teams)
        version = current_version(code)
        _check_time_limit(version.spec, received_on, grounds_arose_on, late_complaint_reason)
    elif procedure_code:
        raise ApplicationError.for_field("procedure", "Only a complaint follows a procedure.")
    if external_reference and Case.objects.filter(external_reference=external_reference).exists():
        raise ApplicationError.for_field(
            "external_reference", f"A case with reference {external_reference} already exists."
        )
    due_on = None
    if kind == Kind.CONTACT or kind in REPRESENTATION_KINDS:
        due_on = reply_target(received_on).due
    case = Case(
        reference=_placeholder_reference(),
        kind=kind,
        channel=channel,
        received_on=received_on,
        summary=summary.strip(),
        details=details,
        procedure_version=version,
        restricted=restricted,
        grounds_arose_on=grounds_arose_on,
        late_complaint_reason=late_complaint_reason,
        assigned_to=assigned_to,
        praised_worker=praised_worker,
        due_on=due_on,
        stage_number=1 if version else None,
        external_reference=external_reference,
        progressed_from=progressed_from,
        created_by=actor,
        modified_by=actor,
    )
    if version is None:
        case_refresh_next_due(case)  # known already; a complaint's comes from its stage
    case.save(force_insert=True)
    # A new case has no links yet: insert them, without the lookups of .set().
    Case.teams.through.objects.bulk_create(
        Case.teams.through(case=case, team=team) for team in dict.fromkeys(teams)
    )
    Case.themes.through.objects.bulk_create(
        Case.themes.through(case=case, theme=theme) for theme in dict.fromkeys(themes)
    )
    if restricted:
        case.restricted_to.set([*restricted_to, *([actor] if actor else [])])
    _add_parties(case, people, actor)
    for number, element in enumerate(elements, start=1):
        _element_create(
            case,
            number,
            element,
            actor,
            defaults=(themes[0] if themes else None, teams[0] if teams else None),
        )
    if version is not None:
        stage = Stage.objects.create(
            case=case, number=1, received_on=received_on, created_by=actor, modified_by=actor
        )
        case_refresh_next_due(case, clock=stage_recompute(stage))
    record_event(
        case=case,
        actor=actor,
        verb="created",
        description=f"{case.get_kind_display()} received by "
        f"{case.get_channel_display().lower()} on {format_date(received_on)}",
    )
    # The reference last: its counter stays locked until the commit, so concurrent cases
    # wait on each other only for this step, not for the whole of their making.
    case.reference = _next_reference(received_on.year)
    Case.objects.filter(pk=case.pk).update(reference=case.reference)
    return case


def _suggest_procedure(teams: Sequence[Team]) -> str:
    """The procedure suggested by the teams the complaint is about."""
    for team in teams:
        if team.default_procedure_code:
            return team.default_procedure_code
    raise ApplicationError.for_field("procedure", "Choose the procedure the complaint follows.")


def _element_create(
    case: Case,
    number: int,
    item: ElementInput,
    actor: User | None,
    *,
    defaults: tuple[Theme | None, Team | None] = (None, None),
) -> Element:
    """A point of complaint; where the officer chose no theme or team, the case's first."""
    summary = _require_text("elements", item.summary, "Enter what each point of complaint is.")
    return Element.objects.create(
        case=case,
        number=number,
        summary=summary[:500],
        theme=item.theme or defaults[0],
        team=item.team or defaults[1],
        created_by=actor,
        modified_by=actor,
    )


def _case_defaults(case: Case) -> tuple[Theme | None, Team | None]:
    """The theme and team first recorded on the case (the report's main-theme rule)."""
    first_theme = case.themes.through.objects.filter(case=case).order_by("id").first()
    first_team = case.teams.through.objects.filter(case=case).order_by("id").first()
    return (
        first_theme.theme if first_theme else None,
        first_team.team if first_team else None,
    )


@transaction.atomic
def element_add(*, case: Case, item: ElementInput, actor: User) -> Element:
    """Add a point of complaint to the open stage; with no theme or team chosen it takes the
    case's first."""
    workflow.require("add-element", case=case, actor=actor)
    if case.elements.count() >= MAX_ELEMENTS:
        raise ApplicationError.for_field(
            "elements", f"A complaint can have at most {MAX_ELEMENTS} points of complaint."
        )
    number = (case.elements.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    element = _element_create(case, number, item, actor, defaults=_case_defaults(case))
    record_event(
        case=case,
        actor=actor,
        verb="element_added",
        description=f"Element {number} added: {element.summary}",
        changes={f"point {number}": [None, _point_text(element)]},
    )
    return element


element_problem = workflow.element_problem


def _ensure_changeable(name: str, case: Case, elements: Iterable[Element], actor: User) -> None:
    state = workflow.require(name, case=case, actor=actor)
    for element in elements:
        problem = element_problem(element, case, stages=state.stages)
        if problem:
            raise ApplicationError.for_field("element", problem)


def _point_text(element: Element) -> str:
    """A point as the timeline shows it: "Missed visits (Communication; Assessment Teams)"."""
    labels = [str(x) for x in (element.theme, element.team) if x is not None]
    return f"{element.summary} ({'; '.join(labels)})" if labels else element.summary


def _set_point(
    element: Element, summary: str, theme: Theme | None, team: Team | None, actor: User
) -> dict[str, list[str | None]]:
    """Change a point's words, theme and team; the changes keyed "point N …"."""
    summary = _require_text("summary", summary, "Enter what the point of complaint is.")
    changes = set_fields(element, {"summary": summary[:500], "theme": theme, "team": team})
    if changes:
        _touch(element, actor)
        element.save()
    return {f"point {element.number} {name}": values for name, values in changes.items()}


@transaction.atomic
def element_update(
    *,
    case: Case,
    element: Element,
    summary: str,
    theme: Theme | None,
    team: Team | None,
    actor: User,
) -> Element:
    """Change a point of complaint's words, theme or team while its stage is open and it has
    not been answered; audited with the old and new values."""
    _ensure_changeable("change-point", case, [element], actor)
    changes = _set_point(element, summary, theme, team, actor)
    if changes:
        record_event(
            case=case,
            actor=actor,
            verb="element_changed",
            description=f"Point {element.number} changed",
            changes=changes,
        )
    return element


def _numbers(numbers: Sequence[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@transaction.atomic
def element_split(
    *, case: Case, element: Element, parts: Sequence[ElementInput], actor: User
) -> list[Element]:
    """Split a point into separate points: the first part keeps its number, the others are
    added after the last; a part with no theme or team takes the original point's."""
    _ensure_changeable("split-point", case, [element], actor)
    if len(parts) < 2:
        raise ApplicationError.for_field(
            "parts", "Give at least two points to split it into, one on each line."
        )
    original = (element.theme, element.team)
    first, *others = parts
    changes = _set_point(
        element, first.summary, first.theme or original[0], first.team or original[1], actor
    )
    last = case.elements.order_by("-number").values_list("number", flat=True).first() or 0
    made = [element]
    for offset, part in enumerate(others, start=1):
        new = _element_create(case, last + offset, part, actor, defaults=original)
        changes[f"point {new.number}"] = [None, _point_text(new)]
        made.append(new)
    record_event(
        case=case,
        actor=actor,
        verb="element_split",
        description=f"Point {element.number} split into points "
        f"{_numbers([e.number for e in made])}",
        changes=changes,
    )
    return made


@transaction.atomic
def element_merge(
    *,
    case: Case,
    elements: Sequence[Element],
    summary: str,
    actor: User,
    theme: Theme | None = None,
    team: Team | None = None,
) -> Element:
    """Merge points into one: the lowest-numbered keeps its number and takes `summary` (and
    `theme`/`team`, else keeps its own); the others go, and the points after them close up."""
    chosen = sorted({e.pk: e for e in elements}.values(), key=lambda e: e.number)
    if len(chosen) < 2:
        raise ApplicationError.for_field("elements", "Choose two or more points to merge.")
    _ensure_changeable("merge-points", case, chosen, actor)
    kept, *gone = chosen
    changes = _set_point(kept, summary, theme or kept.theme, team or kept.team, actor)
    for element in gone:
        changes[f"point {element.number}"] = [_point_text(element), None]
        element.delete()
    # Only unanswered points change, and they come after every answered one: renumbering
    # them closes the gaps without touching a number a letter or outcome already used.
    for number, element in enumerate(case.elements.order_by("number"), start=1):
        if element.number != number:
            changes[f"point {element.number} number"] = [str(element.number), str(number)]
            element.number = number
            element.save(update_fields=["number", "modified_at"])
    record_event(
        case=case,
        actor=actor,
        verb="elements_merged",
        description=f"Points {_numbers([e.number for e in chosen])} merged into point "
        f"{kept.number}",
        changes=changes,
    )
    return kept


@transaction.atomic
def case_update(*, case: Case, actor: User, **values: Any) -> Case:
    """Change the summary, details, teams, themes or people-facing facts of a case."""
    workflow.require("edit", case=case, actor=actor)
    allowed = {"summary", "details", "channel", "praised_worker", "teams", "themes"}
    unknown = set(values) - allowed
    if unknown:
        raise ApplicationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if "summary" in values:
        values["summary"] = _require_text("summary", values["summary"], "Enter a summary.")
    if "channel" in values and values["channel"] not in Channel.values:
        raise ApplicationError.for_field("channel", "Choose how it was received.")
    changes: dict[str, list[str | None]] = {}
    for name in ("teams", "themes"):
        if name in values:
            manager = getattr(case, name)
            old = sorted(str(t) for t in manager.all())
            new_items = list(values.pop(name))
            new = sorted(str(t) for t in new_items)
            if old != new:
                manager.set(new_items)
                changes[name] = ["; ".join(old), "; ".join(new)]
    values = _changed_text(case, values, ("summary", "details", "praised_worker"))
    changes.update(set_fields(case, values))
    if changes:
        _touch(case, actor)
        case.save()
        record_event(
            case=case,
            actor=actor,
            verb="updated",
            description="Case details changed",
            changes=changes,
        )
    return case


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
    stage: Stage, actor: User, verb: str, description: str, changes: dict[str, list[str | None]]
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
    _check_date(
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
        "acknowledged",
        f"Stage {stage.number} acknowledged on {format_date(on)}",
        changes,
    )


@transaction.atomic
def stage_pause(*, case: Case, reason: str, actor: User) -> Stage:
    """Hold back the stage 1 clock, e.g. while an advocate is arranged for the child."""
    stage, _ = _open("pause", case, actor)
    reason = _require_text("reason", reason, "Enter why the clock is held back.")
    changes = set_fields(stage, {"paused_reason": reason[:300]})
    return _save_stage(stage, actor, "paused", f"Stage 1 clock deferred: {reason}", changes)


@transaction.atomic
def stage_resume(*, case: Case, on: dt.date, actor: User) -> Stage:
    """Start a deferred stage 1 clock from `on`."""
    stage, _ = _open("resume", case, actor)
    _check_date("on", on, label="the clock starts", not_before=stage.received_on)
    changes = set_fields(stage, {"clock_override_on": on})
    return _save_stage(
        stage, actor, "resumed", f"Stage 1 clock started on {format_date(on)}", changes
    )


@transaction.atomic
def stage_extend(
    *, case: Case, new_due_on: dt.date, reason: str, complainant_told_on: dt.date, actor: User
) -> Extension:
    """Agree a later response date, no later than the procedure's longest extension."""
    stage, spec = _open("extend", case, actor)
    reason = _require_text("reason", reason, "Enter the reason for the extension.")
    _check_date(
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
        "extended",
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
    _check_date("on", on, label="the statement was agreed", not_before=stage.received_on)
    changes = set_fields(stage, {"statement_agreed_on": on})
    return _save_stage(
        stage,
        actor,
        "statement_agreed",
        f"Statement of complaint agreed on {format_date(on)}",
        changes,
    )


def _check_appointee(stage: Stage, spec: StageDef, user: User, role: str) -> None:
    if role == AppointmentRole.INVESTIGATING_OFFICER and not spec.requires_investigating_officer:
        raise ApplicationError(f"Stage {stage.number} has no Investigating Officer.")
    if role == AppointmentRole.INDEPENDENT_PERSON and not spec.requires_independent_person:
        raise ApplicationError(f"Stage {stage.number} has no Independent Person.")
    if role in PANEL_ROLES and not spec.panel_size:
        raise ApplicationError(f"Stage {stage.number} has no review panel.")
    if role in (AppointmentRole.INDEPENDENT_PERSON, *PANEL_ROLES) and user.employed_by_council:
        raise ApplicationError.for_field(
            "user",
            f"{user} works for the council: an Independent Person or panel member must "
            "be independent of it (reg 2).",
        )
    active = stage.appointments.filter(ended_on__isnull=True)
    if active.filter(user=user).exists():
        raise ApplicationError.for_field("user", f"{user} is already appointed to this stage.")
    if role in PANEL_ROLES:
        was_ip = Appointment.objects.filter(
            stage__case=stage.case, role=AppointmentRole.INDEPENDENT_PERSON, user=user
        ).exists()
        if was_ip:
            raise ApplicationError.for_field(
                "user",
                f"{user} was the Independent Person at stage 2 and may not sit on the "
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
def appointment_make(*, case: Case, user: User, role: str, on: dt.date, actor: User) -> Appointment:
    """Appoint an IO, IP or panel member to the open stage; they can then see the case."""
    stage, spec = _open("appoint", case, actor)
    if role not in AppointmentRole.values:
        raise ApplicationError.for_field("role", "Choose the role.")
    _check_date("on", on, label="of the appointment", not_before=stage.received_on)
    _check_appointee(stage, spec, user, role)
    appointment = Appointment.objects.create(
        stage=stage, user=user, role=role, appointed_on=on, created_by=actor, modified_by=actor
    )
    if case.restricted:
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
    _save_stage(
        stage,
        actor,
        "appointed",
        f"{user} appointed {AppointmentRole(role).label} on {format_date(on)}",
        changes,
    )
    return appointment


@transaction.atomic
def appointment_end(*, appointment: Appointment, on: dt.date, actor: User) -> Appointment:
    case = appointment.stage.case
    workflow.require("end-appointment", case=case, actor=actor)
    if appointment.ended_on:
        raise ApplicationError("This appointment has already ended.")
    _check_date("on", on, label="the appointment ended", not_before=appointment.appointed_on)
    appointment.ended_on = on
    appointment.end_reason = AppointmentEnd.BY_HAND
    _touch(appointment, actor)
    appointment.save()
    record_event(
        case=case,
        actor=actor,
        verb="appointment_ended",
        description=f"{appointment.user}'s appointment as "
        f"{appointment.get_role_display()} ended on {format_date(on)}",
    )
    return appointment


def _end_appointments(stage: Stage, on: dt.date, reason: str, actor: User) -> None:
    """The stage's work is over: its appointees stop seeing the case (they keep their own
    documents for a while: `documents.selectors`). One timeline event names them all."""
    ending = list(stage.appointments.filter(ended_on__isnull=True).select_related("user"))
    if not ending:
        return
    Appointment.objects.filter(pk__in=[a.pk for a in ending]).update(
        ended_on=on, end_reason=reason, modified_by=actor
    )
    names = ", ".join(f"{a.user} ({a.get_role_display()})" for a in ending)
    record_event(
        case=stage.case,
        actor=actor,
        verb="appointments_ended",
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
    return changes


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
    _check_date("on", on, label=f"the {spec.response_label} was sent", not_before=stage.received_on)
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
    changes = _record_outcomes(stage, outcomes, actor)
    changes.update(set_fields(stage, {"response_sent_on": on, "responder": responder}))
    _save_stage(
        stage,
        actor,
        "responded",
        f"Stage {stage.number} {spec.response_label} sent on {format_date(on)}",
        changes,
    )
    _end_appointments(stage, on, AppointmentEnd.STAGE_CONCLUDED, actor)
    _close_case(case, on, actor)
    case_refresh_next_due(case)
    return stage


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
        "panel_planned",
        f"Review panel meeting planned for {format_date(on)}",
        changes,
    )


@transaction.atomic
def panel_met(*, case: Case, on: dt.date, actor: User) -> Stage:
    stage, _ = _open("panel-met", case, actor)
    _check_date("on", on, label="the panel met", not_before=stage.received_on)
    changes = set_fields(stage, {"panel_met_on": on})
    return _save_stage(stage, actor, "panel_met", f"Review panel met on {format_date(on)}", changes)


@transaction.atomic
def panel_report(*, case: Case, on: dt.date, actor: User) -> Stage:
    stage, _ = _open("panel-report", case, actor)
    _check_date("on", on, label="the panel report was sent", not_before=stage.panel_met_on)
    changes = set_fields(stage, {"panel_report_sent_on": on})
    return _save_stage(
        stage, actor, "panel_report", f"Panel report sent on {format_date(on)}", changes
    )


@transaction.atomic
def council_response(*, case: Case, on: dt.date, outcomes: Mapping[int, str], actor: User) -> Stage:
    """The council's response to the panel's report concludes stage 3."""
    stage, _ = _open("council-response", case, actor)
    _check_date(
        "on", on, label="the council's response was sent", not_before=stage.panel_report_sent_on
    )
    changes = _record_outcomes(stage, outcomes, actor)
    changes.update(set_fields(stage, {"council_response_sent_on": on, "responder": actor}))
    _save_stage(
        stage,
        actor,
        "council_response",
        f"Council's response to the panel sent on {format_date(on)}",
        changes,
    )
    _end_appointments(stage, on, AppointmentEnd.STAGE_CONCLUDED, actor)
    _close_case(case, on, actor)
    case_refresh_next_due(case)
    return stage


@transaction.atomic
def complaint_escalate(
    *, case: Case, requested_on: dt.date, actor: User, late_reason: str = ""
) -> Stage:
    """Open the next stage at the complainant's request (late only with a reason)."""
    state = workflow.require("escalate", case=case, actor=actor)
    stage = state.stage
    assert stage is not None  # noqa: S101 (the guards)
    assert stage.concluded_on is not None  # noqa: S101
    _check_date("requested_on", requested_on, label="of the request", not_before=stage.concluded_on)
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
    case_refresh_next_due(case, clock=clock)
    record_event(
        case=case,
        actor=actor,
        verb="escalated",
        description=f"Stage {next_stage.number} requested on "
        f"{format_date(requested_on)}"
        + (f" (late, accepted: {late_reason})" if late_reason else ""),
        changes=changes,
    )
    return next_stage


def _end_early(
    case: Case,
    *,
    status: str,
    on: dt.date,
    reason: str,
    actor: User,
    date_field: str,
    reason_field: str,
) -> Case:
    _check_date("on", on, label=f"it was {status}", not_before=case.received_on)
    reason = _require_text("reason", reason, "Enter the reason.")
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
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb=status,
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
    reason = _require_text("reason", reason, "Enter why the case is reopened.")
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
    case_refresh_next_due(case)
    record_event(
        case=case, actor=actor, verb="reopened", description=f"Reopened: {reason}", changes=changes
    )
    return case


# --- Contacts, representations and compliments ------------------------------------------


@transaction.atomic
def contact_resolve(*, case: Case, on: dt.date, actor: User) -> Case:
    """An initial contact resolved informally."""
    workflow.require("resolve", case=case, actor=actor)
    _check_date("on", on, label="it was resolved", not_before=case.received_on)
    changes = set_fields(case, {"contact_outcome": ContactOutcome.RESOLVED, "responded_on": on})
    changes.update(_close_case(case, on, actor))
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb="resolved",
        description=f"Resolved as an initial contact on {format_date(on)}",
        changes=changes,
    )
    return case


@transaction.atomic
def contact_progress(
    *,
    case: Case,
    on: dt.date,
    actor: User,
    procedure_code: str | None = None,
    elements: Sequence[ElementInput] = (),
) -> Case:
    """Progress an initial contact to a stage 1 complaint, keeping the link between them."""
    workflow.require("progress", case=case, actor=actor)
    _check_date("on", on, label="it was progressed", not_before=case.received_on)
    complaint = case_create(
        actor=actor,
        kind=Kind.COMPLAINT,
        channel=case.channel,
        received_on=on,
        summary=case.summary,
        details=case.details,
        teams=case.teams.all(),
        themes=case.themes.all(),
        procedure_code=procedure_code,
        people=[
            PersonInput(
                role=p.role, relationship=p.relationship, person=p.person, child_knows=p.child_knows
            )
            for p in case.parties.all()
        ],
        elements=elements,
        restricted=case.restricted,
        restricted_to=case.restricted_to.all(),
        assigned_to=case.assigned_to,
        progressed_from=case,
        # When the grounds arose, and why a late complaint is still considered, go with it.
        grounds_arose_on=case.grounds_arose_on,
        late_complaint_reason=case.late_complaint_reason,
    )
    changes = set_fields(case, {"contact_outcome": ContactOutcome.PROGRESSED, "responded_on": on})
    changes.update(_pass_reference(case, complaint))
    changes.update(_close_case(case, on, actor))
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb="progressed",
        description=f"Progressed to stage 1 complaint {complaint.reference} on {format_date(on)}; "
        f"the complaint keeps the reference {complaint.reference} and this contact is now "
        f"{case.reference}",
        changes=changes,
    )
    return complaint


def _pass_reference(contact: Case, complaint: Case) -> dict[str, list[str | None]]:
    """The person keeps the reference they were given: the complaint takes the contact's, and
    the contact the number just allocated to the complaint, remembering the one it had."""
    given, allocated = contact.reference, complaint.reference
    # Three updates so that no two rows ever hold the same reference (it is unique).
    Case.objects.filter(pk=contact.pk).update(reference=_placeholder_reference())
    Case.objects.filter(pk=complaint.pk).update(reference=given)
    complaint.reference = given
    changes = set_fields(contact, {"reference": allocated, "previous_reference": given})
    Case.objects.filter(pk=contact.pk).update(reference=allocated, previous_reference=given)
    # The complaint's own timeline does not name the contact's new reference: who may see
    # the complaint may not see the contact (its page links to it only for those who may).
    event = complaint.events.filter(verb="created").first()
    if event is not None:
        event.description = (
            f"{event.description}; keeps the reference its initial contact was given"
        )[:500]
        event.save(update_fields=["description"])
    return changes


@transaction.atomic
def representation_respond(*, case: Case, on: dt.date, actor: User) -> Case:
    """An enquiry, comment or suggestion answered."""
    workflow.require("answer", case=case, actor=actor)
    _check_date("on", on, label="it was answered", not_before=case.received_on)
    changes = set_fields(case, {"responded_on": on})
    changes.update(_close_case(case, on, actor))
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb="responded",
        description=f"Answered on {format_date(on)}",
        changes=changes,
    )
    return case


@transaction.atomic
def compliment_pass_on(*, case: Case, on: dt.date, actor: User) -> Case:
    """A compliment passed to the worker and their managers."""
    workflow.require("pass-on", case=case, actor=actor)
    _check_date("on", on, label="it was passed on", not_before=case.received_on)
    changes = set_fields(case, {"passed_on_on": on})
    changes.update(_close_case(case, on, actor))
    case_refresh_next_due(case)
    record_event(
        case=case,
        actor=actor,
        verb="passed_on",
        description=f"Compliment passed on on {format_date(on)}",
        changes=changes,
    )
    return case


# --- Around the case ------------------------------------------------------------------------


@transaction.atomic
def case_assign(*, case: Case, user: User | None, actor: User) -> Case:
    workflow.require("assign", case=case, actor=actor)
    if user is not None and case.restricted and not case.restricted_to.filter(pk=user.pk).exists():
        # They would be given a case they then could not open (404): say so instead.
        raise ApplicationError.for_field(
            "user",
            f"{user} is not named on this restricted case, so could not see it. Name them "
            "under “Restrict access” first.",
        )
    if user is not None and not access.can_view_case(user, case) and not user.sees_all_cases:
        raise ApplicationError.for_field("user", f"{user} cannot see this case.")
    changes = set_fields(case, {"assigned_to": user})
    if changes:
        _touch(case, actor)
        case.save()
        record_event(
            case=case,
            actor=actor,
            verb="assigned",
            description=f"Assigned to {user}" if user else "Unassigned",
            changes=changes,
        )
    return case


@transaction.atomic
def case_restrict(*, case: Case, restricted: bool, people: Iterable[User], actor: User) -> Case:
    """Restrict a case (e.g. a member of staff complains) to named people. Whoever is appointed
    to it (IO, IP, panel) and the officer it is assigned to stay named, and the timeline says
    so: restricting must not silently cut off the people doing the work."""
    workflow.require("restrict", case=case, actor=actor)
    named = {*people, actor}
    kept = sorted(
        {
            *User.objects.filter(
                appointments__stage__case=case, appointments__ended_on__isnull=True
            ),
            *([case.assigned_to] if case.assigned_to else []),
        }
        - named,
        key=str,
    )
    old = sorted(str(u) for u in case.restricted_to.all())
    changes = set_fields(case, {"restricted": restricted})
    case.restricted_to.set({*named, *kept} if restricted else [])
    new = sorted(str(u) for u in case.restricted_to.all())
    if old != new:
        changes["restricted_to"] = ["; ".join(old), "; ".join(new)]
    _touch(case, actor)
    case.save()
    description = "Restricted to named people" if restricted else "Restriction lifted"
    if restricted and kept:
        description += (
            f"; {', '.join(str(u) for u in kept)} also named, as appointed to the case or "
            "assigned it"
        )
    record_event(
        case=case, actor=actor, verb="restricted", description=description, changes=changes
    )
    return case


def restriction_keeps(case: Case) -> list[User]:
    """Who restricting `case` would keep named besides those chosen: its appointees in office
    and the officer it is assigned to (for the page to say so before it is done)."""
    people = set(
        User.objects.filter(appointments__stage__case=case, appointments__ended_on__isnull=True)
    )
    if case.assigned_to:
        people.add(case.assigned_to)
    return sorted(people, key=str)


@transaction.atomic
def ombudsman_flag(*, case: Case, involved: bool, actor: User) -> Case:
    workflow.require("ombudsman", case=case, actor=actor)
    changes = set_fields(case, {"ombudsman_involved": involved})
    if changes:
        _touch(case, actor)
        case.save()
        record_event(
            case=case,
            actor=actor,
            verb="ombudsman",
            description="The Ombudsman is involved"
            if involved
            else "Ombudsman involvement removed",
            changes=changes,
        )
    return case


@transaction.atomic
def safeguarding_record(
    *,
    case: Case,
    raised_on: dt.date,
    description: str,
    referred_to: str,
    actor: User,
    referred_on: dt.date | None = None,
    referral_reference: str = "",
) -> SafeguardingConcern:
    """A safeguarding concern and the referral made; it shows before anything else."""
    workflow.require("safeguarding", case=case, actor=actor)
    description = _require_text("description", description, "Describe the concern.")
    if referred_to not in Referral.values:
        raise ApplicationError.for_field("referred_to", "Choose where it was referred.")
    # Raised while the case is with the council: not before it was received.
    _check_date(
        "raised_on",
        raised_on,
        label="the concern was raised",
        not_before=case.received_on,
        before_label=f"the date the case was received ({format_date(case.received_on)})",
    )
    if referred_to != Referral.NONE:
        _check_date("referred_on", referred_on, label="of the referral", not_before=raised_on)
    concern = SafeguardingConcern.objects.create(
        case=case,
        raised_on=raised_on,
        description=description,
        referred_to=referred_to,
        referred_on=referred_on if referred_to != Referral.NONE else None,
        referral_reference=referral_reference,
        created_by=actor,
        modified_by=actor,
    )
    record_event(
        case=case,
        actor=actor,
        verb="safeguarding",
        description=f"Safeguarding concern recorded; referred to "
        f"{concern.get_referred_to_display()}",
    )
    return concern


@transaction.atomic
def note_add(*, case: Case, text: str, actor: User) -> Note:
    workflow.require("note", case=case, actor=actor)
    text = _require_text("text", text, "Enter the note.")
    note = Note.objects.create(case=case, text=text, created_by=actor, modified_by=actor)
    record_event(case=case, actor=actor, verb="note", description="Note added")
    return note


def working_days_open(case: Case, on: dt.date | None = None) -> int:
    return working_days_between(case.received_on, on or today())
