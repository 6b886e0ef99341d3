"""Every change to the homes, their visits, drop-ins and the issues raised at them.

Each service is keyword-only and atomic, asks the permission table (`Perm.HOMES_EDIT`),
refuses with an `ApplicationError` beside the field it is about, and writes its `HomeEvent`
in the same transaction. What an issue becomes (an advocacy referral, a safeguarding concern,
an initial contact or a complaint) is made by the services of the registers and the case core,
in the same transaction, so a refusal there saves nothing here either.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db import transaction

from harken import access
from harken.access import Perm
from harken.accounts.models import ServiceArea, Team, User
from harken.cases.models import Channel, Kind, PartyRole, Relationship, TimelineEvent
from harken.core import checks
from harken.core.audit import record_event, set_fields
from harken.core.dates import format_date
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.storage import save_file
from harken.core.updates import NOT_GIVEN, NotGiven, given

if TYPE_CHECKING:
    from harken.pool.models import PoolEntry

from .audit import home_event
from .models import (
    DropIn,
    Home,
    HomeEvent,
    Issue,
    Opinion,
    Ownership,
    Triage,
    Visit,
)

Verb = HomeEvent.Verb

REPORT_PREFIX = "home-visits/"

# "SC" and six digits (older registrations) or seven digits (Ofsted's newer URNs).
URN = re.compile(r"(SC[0-9]{6}|[0-9]{6,7})")


def _ensure_edit(actor: User | None) -> User:
    if actor is None or not access.may(actor, Perm.HOMES_EDIT):
        raise AccessDenied("Only the feedback team records homes, visits and drop-ins.")
    return actor


def normal_urn(value: str | None) -> str:
    return (value or "").strip().upper().replace(" ", "")


def _check_urn(value: str | None, *, exclude: int | None = None) -> str:
    urn = normal_urn(value)
    if not urn:
        raise ApplicationError.for_field("ofsted_urn", "Enter the home's Ofsted URN.")
    if not URN.fullmatch(urn):
        raise ApplicationError.for_field(
            "ofsted_urn",
            "Enter the Ofsted URN as Ofsted shows it: SC and six digits (like SC123456), or "
            "six or seven digits.",
        )
    clash = Home.objects.filter(ofsted_urn=urn).exclude(pk=exclude or 0).first()
    if clash is not None:
        raise ApplicationError.for_field(
            "ofsted_urn", f"{clash} already has Ofsted URN {urn}: each home has its own."
        )
    return urn


HOME_FIELDS = (
    "name",
    "provider",
    "ownership",
    "ofsted_urn",
    "registered_manager",
    "places",
    "opened_on",
    "closed_on",
)


def _check_home(values: dict[str, Any], *, exclude: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": checks.text_field(
            "name", values["name"], what="the name", most=200, required="Enter the home's name."
        ),
        "provider": checks.text_field(
            "provider",
            values["provider"],
            what="the provider",
            most=200,
            required="Enter the provider that runs the home.",
        ),
        "registered_manager": checks.text_field(
            "registered_manager",
            values.get("registered_manager") or "",
            what="the registered manager's name",
            most=200,
        ),
    }
    if values["ownership"] not in Ownership.values:
        raise ApplicationError.for_field(
            "ownership", "Choose whether the home is the council's own or independent."
        )
    out["ownership"] = values["ownership"]
    out["ofsted_urn"] = _check_urn(values["ofsted_urn"], exclude=exclude)
    out["places"] = checks.whole_number(
        "places", values["places"], what="places", lowest=1, highest=200
    )
    out["opened_on"] = checks.date("opened_on", values["opened_on"], label="the home opened")
    out["closed_on"] = checks.date(
        "closed_on",
        values.get("closed_on"),
        label="the home closed",
        required=False,
        not_before=out["opened_on"],
        before_label=f"the date it opened ({format_date(out['opened_on'])})",
    )
    return out


@transaction.atomic
def home_create(
    *,
    actor: User,
    name: str,
    provider: str,
    ownership: str,
    ofsted_urn: str,
    places: int | str | None,
    opened_on: dt.date | None,
    registered_manager: str = "",
    closed_on: dt.date | None = None,
    teams: Any = (),
) -> Home:
    """Add a children's home to the register, with the teams responsible for it."""
    _ensure_edit(actor)
    chosen = _check_teams(teams)
    values = _check_home(
        {
            "name": name,
            "provider": provider,
            "ownership": ownership,
            "ofsted_urn": ofsted_urn,
            "registered_manager": registered_manager,
            "places": places,
            "opened_on": opened_on,
            "closed_on": closed_on,
        }
    )
    home = Home.objects.create(**values, created_by=actor, modified_by=actor)
    home.teams.set(chosen)
    changes: dict[str, list[str | None]] = {
        name: [None, str(value)] for name, value in values.items() if value
    }
    if chosen:
        changes["teams"] = [None, _team_names(chosen)]
    home_event(
        actor=actor,
        verb=Verb.HOME_ADDED,
        home=home,
        description=f"{home} (Ofsted URN {home.ofsted_urn}) added to the register",
        changes=changes,
    )
    return home


def _check_teams(teams: Any) -> list[Team]:
    chosen = list(teams or ())
    for team in chosen:
        if not isinstance(team, Team):
            raise ApplicationError.for_field("teams", "Choose the teams from the list.")
    return sorted(set(chosen), key=lambda t: (t.name, t.pk))


def _team_names(teams: list[Team]) -> str:
    return ", ".join(t.name for t in teams) or "none"


@transaction.atomic
def home_update(
    *,
    home: Home,
    actor: User,
    name: str | NotGiven = NOT_GIVEN,
    provider: str | NotGiven = NOT_GIVEN,
    ownership: str | NotGiven = NOT_GIVEN,
    ofsted_urn: str | NotGiven = NOT_GIVEN,
    registered_manager: str | NotGiven = NOT_GIVEN,
    places: int | str | NotGiven = NOT_GIVEN,
    opened_on: dt.date | NotGiven = NOT_GIVEN,
    closed_on: dt.date | NotGiven | None = NOT_GIVEN,
    teams: Any = NOT_GIVEN,
) -> Home:
    """Change a home's details (closing it is giving `closed_on`, the teams responsible for it
    `teams`); what is not given stays."""
    _ensure_edit(actor)
    changed = given(
        name=name,
        provider=provider,
        ownership=ownership,
        ofsted_urn=ofsted_urn,
        registered_manager=registered_manager,
        places=places,
        opened_on=opened_on,
        closed_on=closed_on,
    )
    home = Home.objects.select_for_update().get(pk=home.pk)
    current = {field: getattr(home, field) for field in HOME_FIELDS}
    values = _check_home({**current, **changed}, exclude=home.pk)
    first = home.visits.order_by("visited_on").values_list("visited_on", flat=True).first()
    if first is not None and values["opened_on"] > first:
        raise ApplicationError.for_field(
            "opened_on",
            f"The home was visited on {format_date(first)}: the date it opened must be on or "
            "before then.",
        )
    changes = set_fields(home, values)
    if teams is not NOT_GIVEN:
        chosen = _check_teams(teams)
        before = sorted(home.teams.all(), key=lambda t: (t.name, t.pk))
        if before != chosen:
            home.teams.set(chosen)
            changes["teams"] = [_team_names(before), _team_names(chosen)]
    if changes:
        home.modified_by = actor
        home.save()
        home_event(
            actor=actor,
            verb=Verb.HOME_CHANGED,
            home=home,
            description=f"{home}'s details changed",
            changes=changes,
        )
    return home


# --- Visits ---------------------------------------------------------------------------------

VISIT_FIELDS = (
    "visited_on",
    "visitor_name",
    "announced",
    "children_spoken_to",
    "parents_spoken_to",
    "staff_spoken_to",
    "safeguarded",
    "wellbeing_promoted",
    "summary",
    "sent_to_home_on",
    "sent_to_provider_on",
    "sent_to_ofsted_on",
)

_SENT = (
    ("sent_to_home_on", "the report was sent to the home"),
    ("sent_to_provider_on", "the report was sent to the provider"),
    ("sent_to_ofsted_on", "the report was sent to Ofsted"),
)


def _check_visit(home: Home, values: dict[str, Any]) -> dict[str, Any]:
    # Never in the future: a visit is recorded once it has happened.
    visited_on = checks.date(
        "visited_on",
        values["visited_on"],
        label="of the visit",
        not_before=home.opened_on,
        before_label=f"the date the home opened ({format_date(home.opened_on)})",
    )
    if home.closed_on is not None and visited_on > home.closed_on:
        raise ApplicationError.for_field(
            "visited_on",
            f"The home closed on {format_date(home.closed_on)}: the date of the visit must be "
            "on or before then.",
        )
    out: dict[str, Any] = {"visited_on": visited_on}
    out["visitor_name"] = checks.text_field(
        "visitor_name",
        values["visitor_name"],
        what="the visitor's name",
        most=200,
        required="Enter the name of the independent visitor.",
    )
    if values["announced"] not in (True, False):
        raise ApplicationError.for_field("announced", "Choose whether the visit was announced.")
    out["announced"] = values["announced"]
    for field, what in (
        ("children_spoken_to", "children spoken to"),
        ("parents_spoken_to", "parents spoken to"),
        ("staff_spoken_to", "staff spoken to"),
    ):
        out[field] = checks.whole_number(field, values[field], what=what, lowest=0, highest=999)
    for field, question in (
        ("safeguarded", "whether children are effectively safeguarded"),
        ("wellbeing_promoted", "whether the home promotes children's well-being"),
    ):
        if values[field] not in Opinion.values:
            raise ApplicationError.for_field(field, f"Choose the visitor's opinion on {question}.")
        out[field] = values[field]
    out["summary"] = checks.text_field(
        "summary", values.get("summary") or "", what="the summary", most=5000
    )
    for field, label in _SENT:
        out[field] = checks.date(
            field,
            values.get(field),
            label=label,
            required=False,
            not_before=visited_on,
            before_label=f"the visit ({format_date(visited_on)})",
        )
    return out


def _store_report(file: Any, actor: User) -> dict[str, Any]:
    """The visitor's report through the documents' upload checks (type from content, size,
    virus scan), stored under a random name."""
    from harken.documents.services import upload_check

    stored = upload_check(file, log_context=f"visit report, user {actor.pk}")
    stored.content.seek(0)
    name = save_file(
        default_storage,
        f"{REPORT_PREFIX}{uuid.uuid4().hex}{stored.extension}",
        stored.content,
        message="The report could not be saved just now (the storage is full or unavailable), "
        "so nothing has been saved. Try again later, and tell your IT service desk if it "
        "happens again.",
    )
    return {
        "report_filename": stored.filename,
        "report_storage_name": name,
        "report_content_type": stored.content_type,
        "report_size": stored.size,
        "report_sha256": stored.sha256,
    }


def _with_report(file: Any, actor: User, save: Any) -> Any:
    """Store the file, then run `save(report_fields)`; delete the file again if that fails."""
    if file is None:
        return save({})
    fields = _store_report(file, actor)
    try:
        with transaction.atomic():
            return save(fields)
    except BaseException:
        default_storage.delete(fields["report_storage_name"])
        raise


@transaction.atomic
def visit_record(
    *,
    actor: User,
    home: Home,
    visited_on: dt.date | None,
    visitor_name: str = "",
    announced: bool | None = None,
    children_spoken_to: int | str | None = None,
    parents_spoken_to: int | str | None = None,
    staff_spoken_to: int | str | None = None,
    safeguarded: str = "",
    wellbeing_promoted: str = "",
    summary: str = "",
    sent_to_home_on: dt.date | None = None,
    sent_to_provider_on: dt.date | None = None,
    sent_to_ofsted_on: dt.date | None = None,
    report: Any = None,
    visitor: PoolEntry | None = None,
) -> Visit:
    """Record a Regulation 44 visit to a home, and the visitor's report if given. `visitor`:
    their pool entry, when they are in the pool (with an account, they then see the visit);
    their name is the entry's unless another is given."""
    _ensure_edit(actor)
    if not isinstance(home, Home):
        raise ApplicationError.for_field("home", "Choose the home that was visited.")
    visitor = _check_visitor(visitor)
    if visitor is not None and not (visitor_name or "").strip():
        visitor_name = visitor.name
    values = _check_visit(
        home,
        {
            "visited_on": visited_on,
            "visitor_name": visitor_name,
            "announced": announced,
            "children_spoken_to": children_spoken_to,
            "parents_spoken_to": parents_spoken_to,
            "staff_spoken_to": staff_spoken_to,
            "safeguarded": safeguarded,
            "wellbeing_promoted": wellbeing_promoted,
            "summary": summary,
            "sent_to_home_on": sent_to_home_on,
            "sent_to_provider_on": sent_to_provider_on,
            "sent_to_ofsted_on": sent_to_ofsted_on,
        },
    )

    def save(report_fields: dict[str, Any]) -> Visit:
        visit = Visit.objects.create(
            home=home,
            visitor=visitor,
            **values,
            **report_fields,
            created_by=actor,
            modified_by=actor,
        )
        home_event(
            actor=actor,
            verb=Verb.VISIT_RECORDED,
            visit=visit,
            description=f"Visit to {home} on {format_date(visit.visited_on)} recorded"
            + (f" with the report {visit.report_filename}" if visit.report_filename else ""),
        )
        return visit

    result: Visit = _with_report(report, actor, save)
    return result


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    actor: User,
    visited_on: dt.date | NotGiven = NOT_GIVEN,
    visitor_name: str | NotGiven = NOT_GIVEN,
    announced: bool | NotGiven = NOT_GIVEN,
    children_spoken_to: int | str | NotGiven = NOT_GIVEN,
    parents_spoken_to: int | str | NotGiven = NOT_GIVEN,
    staff_spoken_to: int | str | NotGiven = NOT_GIVEN,
    safeguarded: str | NotGiven = NOT_GIVEN,
    wellbeing_promoted: str | NotGiven = NOT_GIVEN,
    summary: str | NotGiven = NOT_GIVEN,
    sent_to_home_on: dt.date | NotGiven | None = NOT_GIVEN,
    sent_to_provider_on: dt.date | NotGiven | None = NOT_GIVEN,
    sent_to_ofsted_on: dt.date | NotGiven | None = NOT_GIVEN,
    report: Any = None,
    visitor: PoolEntry | NotGiven | None = NOT_GIVEN,
) -> Visit:
    """Change a visit: most often the dates its report was sent, or a report to add (a new
    report replaces the one kept)."""
    _ensure_edit(actor)
    if visitor is not NOT_GIVEN:
        visitor = _check_visitor(visitor)
    changed = given(
        visited_on=visited_on,
        visitor_name=visitor_name,
        announced=announced,
        children_spoken_to=children_spoken_to,
        parents_spoken_to=parents_spoken_to,
        staff_spoken_to=staff_spoken_to,
        safeguarded=safeguarded,
        wellbeing_promoted=wellbeing_promoted,
        summary=summary,
        sent_to_home_on=sent_to_home_on,
        sent_to_provider_on=sent_to_provider_on,
        sent_to_ofsted_on=sent_to_ofsted_on,
    )
    visit = Visit.objects.select_for_update().select_related("home").get(pk=visit.pk)
    current = {field: getattr(visit, field) for field in VISIT_FIELDS}
    values = _check_visit(visit.home, {**current, **changed})
    if values["visited_on"] != visit.visited_on and visit.recommendations.exists():
        raise ApplicationError.for_field(
            "visited_on",
            "The visit's recommendations are dated from it: its date cannot change now.",
        )
    old_report = visit.report_storage_name

    if visitor is not NOT_GIVEN:
        values["visitor"] = visitor

    def save(report_fields: dict[str, Any]) -> Visit:
        changes = set_fields(visit, {**values, **report_fields})
        if "visitor" in changes:
            changes["visitor"] = [str(v) if v is not None else None for v in changes["visitor"]]
        changes.pop("report_storage_name", None)
        changes.pop("report_sha256", None)
        if changes:
            visit.modified_by = actor
            visit.save()
            home_event(
                actor=actor,
                verb=Verb.VISIT_REPORT_UPLOADED if report_fields else Verb.VISIT_CHANGED,
                visit=visit,
                description=(
                    f"Report {visit.report_filename} uploaded for the visit of "
                    f"{format_date(visit.visited_on)}"
                    if report_fields
                    else f"Visit of {format_date(visit.visited_on)} to {visit.home} changed"
                ),
                changes=changes,
            )
        return visit

    result: Visit = _with_report(report, actor, save)
    if report is not None and old_report:
        transaction.on_commit(lambda: default_storage.delete(old_report))
    return result


def _check_visitor(visitor: PoolEntry | None) -> PoolEntry | None:
    from harken.pool.models import PoolEntry, PoolRole

    if visitor is None:
        return None
    if (
        not isinstance(visitor, PoolEntry)
        or not visitor.role_rows.filter(role=PoolRole.INDEPENDENT_VISITOR).exists()
    ):
        raise ApplicationError.for_field(
            "visitor", "Choose an independent visitor from the pool, or leave it empty."
        )
    return visitor


def may_upload_report(actor: User | None, visit: Visit) -> bool:
    """The feedback team, or the visit's own independent visitor (signed in)."""
    if access.may(actor, Perm.HOMES_EDIT):
        return True
    return (
        actor is not None
        and access.may(actor, Perm.HOMES_OWN_VISITS)
        and visit.visitor_id is not None
        and visit.visitor is not None
        and visit.visitor.user_id == actor.pk
    )


@transaction.atomic
def visit_report_upload(*, visit: Visit, actor: User, report: Any) -> Visit:
    """Upload the visit's report, or replace the one kept: the feedback team, or the
    independent visitor whose visit it is (from "Your visits"). The same upload checks and
    trail as a report given with the visit."""
    # Lock the visit alone: PostgreSQL refuses FOR UPDATE across the nullable visitor join.
    visit = Visit.objects.select_for_update().select_related("home").get(pk=visit.pk)
    if not may_upload_report(actor, visit):
        raise AccessDenied("Only the feedback team or the visit's own visitor uploads its report.")
    if report is None:
        raise ApplicationError.for_field("report", "Choose the report to upload.")
    old_report = visit.report_storage_name
    replacing = bool(old_report)

    def save(report_fields: dict[str, Any]) -> Visit:
        changes = set_fields(visit, report_fields)
        changes.pop("report_storage_name", None)
        changes.pop("report_sha256", None)
        visit.modified_by = actor
        visit.save()
        home_event(
            actor=actor,
            verb=Verb.VISIT_REPORT_UPLOADED,
            visit=visit,
            description=(
                f"Report {visit.report_filename} "
                + ("replaced the one kept" if replacing else "uploaded")
                + f" for the visit of {format_date(visit.visited_on)}"
            ),
            changes=changes,
        )
        return visit

    result: Visit = _with_report(report, actor, save)
    if old_report:
        transaction.on_commit(lambda: default_storage.delete(old_report))
    return result


@transaction.atomic
def visit_recommendation_add(
    *,
    visit: Visit,
    text: str,
    owner: User | None,
    due_on: dt.date | None,
    actor: User,
    service_area: ServiceArea | None = None,
    team: Team | None = None,
) -> Any:
    """A recommendation of the visitor's, with its owner and timescale, on the action plan."""
    _ensure_edit(actor)
    from harken.learning import services as learning

    recommendation = learning.visit_recommendation_create(
        visit=visit,
        text=text,
        owner=owner,
        due_on=due_on,
        actor=actor,
        service_area=service_area,
        team=team,
    )
    home_event(
        actor=actor,
        verb=Verb.VISIT_RECOMMENDATION,
        visit=visit,
        description=f"Recommendation {recommendation.reference} added to the action plan",
    )
    return recommendation


# --- Drop-ins -------------------------------------------------------------------------------


@transaction.atomic
def drop_in_record(
    *,
    actor: User,
    held_on: dt.date | None,
    officer: User | None,
    young_people: int | str | None,
    home: Home | None = None,
    placement: str = "",
) -> DropIn:
    """Record a drop-in session at a home or another placement."""
    _ensure_edit(actor)
    placement = checks.text_field("placement", placement, what="the placement", most=200)
    if home is None and not placement:
        raise ApplicationError.for_field(
            "home", "Choose the home, or enter the placement where the drop-in was held."
        )
    if home is not None and placement:
        raise ApplicationError.for_field(
            "placement", "Choose a home or enter a placement, not both."
        )
    held_on = checks.date("held_on", held_on, label="of the drop-in")
    if home is not None and held_on < home.opened_on:
        raise ApplicationError.for_field(
            "held_on",
            f"{home} opened on {format_date(home.opened_on)}: the drop-in must be on or after.",
        )
    if officer is None:
        raise ApplicationError.for_field("officer", "Choose the officer who ran the drop-in.")
    if not access.may(officer, Perm.HOMES_EDIT):
        raise ApplicationError.for_field(
            "officer", f"{officer} is not in the feedback team: choose who ran the drop-in."
        )
    young_people = checks.whole_number(
        "young_people", young_people, what="young people who came", lowest=0, highest=999
    )
    drop_in = DropIn.objects.create(
        home=home,
        placement=placement,
        held_on=held_on,
        officer=officer,
        young_people=young_people,
        created_by=actor,
        modified_by=actor,
    )
    home_event(
        actor=actor,
        verb=Verb.DROP_IN_RECORDED,
        drop_in=drop_in,
        description=f"Drop-in at {drop_in.where} on {format_date(held_on)} recorded: "
        f"{young_people} young people came",
    )
    return drop_in


# --- Issues raised at a visit or a drop-in ----------------------------------------------------


def _raised(visit: Visit | None, drop_in: DropIn | None) -> tuple[dt.date, str]:
    """The date an issue was raised and where, in words (no child named)."""
    if visit is not None:
        return visit.visited_on, f"the Regulation 44 visit to {visit.home}"
    assert drop_in is not None  # noqa: S101 (issue_record checks one is given)
    return drop_in.held_on, f"the drop-in at {drop_in.where}"


def _child_details(first_name: str, last_name: str) -> dict[str, Any]:
    first = checks.text_field("child_first_name", first_name, what="the first name", most=100)
    last = checks.text_field("child_last_name", last_name, what="the last name", most=100)
    if not first and not last:
        raise ApplicationError.for_field(
            "child_first_name", "Enter the young person's name: the record is about them."
        )
    return {"first_name": first, "last_name": last, "looked_after": True}


@transaction.atomic
def issue_record(
    *,
    actor: User,
    summary: str,
    triage: str,
    visit: Visit | None = None,
    drop_in: DropIn | None = None,
    passed_to: Team | None = None,
    passed_to_person: str = "",
    passed_on: dt.date | None = None,
    child_first_name: str = "",
    child_last_name: str = "",
    advocacy_provider: str = "",
    referred_to: str = "",
    referred_on: dt.date | None = None,
    referral_reference: str = "",
    teams: list[Team] | None = None,
) -> Issue:
    """Record an issue raised at a visit or a drop-in and, in the same step, what it becomes:
    nothing, passed to a team (who and when), an advocacy referral, a safeguarding concern
    (on an initial contact, so it has a case to live on), an initial contact or a complaint.
    Each record made links back to where it was raised."""
    _ensure_edit(actor)
    if (visit is None) == (drop_in is None):
        raise ApplicationError("An issue is raised at one visit or one drop-in.")
    summary = checks.text_field(
        "summary",
        summary,
        what="the issue",
        most=2000,
        required="Describe the issue raised, without naming a child.",
    )
    if triage not in Triage.values:
        raise ApplicationError.for_field("triage", "Choose what happens to the issue.")
    raised_on, where = _raised(visit, drop_in)
    issue = Issue(visit=visit, drop_in=drop_in, summary=summary, triage=triage)
    if triage == Triage.PASSED_TO_TEAM:
        if passed_to is None:
            raise ApplicationError.for_field("passed_to", "Choose the team it was passed to.")
        issue.passed_to = passed_to
        issue.passed_to_person = checks.text_field(
            "passed_to_person", passed_to_person, what="who it was passed to", most=200
        )
        issue.passed_on = checks.date(
            "passed_on",
            passed_on,
            label="it was passed on",
            not_before=raised_on,
            before_label=f"the day it was raised ({format_date(raised_on)})",
        )
    elif triage == Triage.ADVOCACY:
        from harken.registers.services import advocacy_referral_create

        issue.advocacy_referral = advocacy_referral_create(
            actor=actor,
            referred_on=raised_on,
            provider=advocacy_provider,
            child_details=_child_details(child_first_name, child_last_name),
        )
    elif triage in (Triage.SAFEGUARDING, Triage.CONTACT, Triage.COMPLAINT):
        issue.case = _case_for(
            actor=actor,
            triage=triage,
            summary=summary,
            raised_on=raised_on,
            where=where,
            child=(child_first_name, child_last_name),
            teams=teams or [],
        )
        if triage == Triage.SAFEGUARDING:
            from harken.cases.services import safeguarding_record

            issue.safeguarding_concern = safeguarding_record(
                case=issue.case,
                raised_on=raised_on,
                description=summary,
                referred_to=referred_to,
                referred_on=referred_on,
                referral_reference=referral_reference,
                actor=actor,
            )
    issue.created_by = issue.modified_by = actor
    issue.save()
    home_event(
        actor=actor,
        verb=Verb.ISSUE_RECORDED,
        visit=visit,
        drop_in=drop_in,
        description=f"Issue raised at {where}: {issue.get_triage_display().lower()}"
        + (f" ({issue.case.reference})" if issue.case else ""),
    )
    return issue


def _case_for(
    *,
    actor: User,
    triage: str,
    summary: str,
    raised_on: dt.date,
    where: str,
    child: tuple[str, str],
    teams: list[Team],
) -> Any:
    """The initial contact or complaint an issue becomes, through the case core's service
    (a safeguarding concern is recorded on an initial contact). The young person is the
    complainant when named; the case's timeline says where it was raised."""
    from harken.cases.services import ElementInput, PersonInput, case_create

    people = []
    if any(part.strip() for part in child):
        people.append(
            PersonInput(
                role=PartyRole.COMPLAINANT,
                relationship=Relationship.CHILD,
                details=_child_details(*child),
            )
        )
    elif triage == Triage.COMPLAINT:
        raise ApplicationError.for_field(
            "child_first_name", "Enter the name of the young person making the complaint."
        )
    kind = Kind.COMPLAINT if triage == Triage.COMPLAINT else Kind.CONTACT
    procedure = None
    if kind == Kind.COMPLAINT:
        from harken.procedures.definitions import CHILDREN_STATUTORY

        # A looked-after young person's complaint: the children's statutory procedure (s26
        # Children Act 1989), unless the team it is about follows another.
        defaults = [t.default_procedure_code for t in teams if t.default_procedure_code]
        procedure = defaults[0] if defaults else CHILDREN_STATUTORY.code
    title = "Safeguarding concern" if triage == Triage.SAFEGUARDING else "Raised"
    case = case_create(
        actor=actor,
        kind=kind,
        channel=Channel.IN_PERSON,
        received_on=raised_on,
        summary=f"{title} at {where}"[:200],
        details=summary,
        teams=teams,
        procedure_code=procedure,
        people=people,
        elements=[ElementInput(summary=summary[:500])] if kind == Kind.COMPLAINT else [],
        assigned_to=actor,
    )
    record_event(
        case=case,
        actor=actor,
        verb=TimelineEvent.Verb.RAISED_AT_VISIT,
        description=f"Raised at {where} on {format_date(raised_on)}",
    )
    return case
