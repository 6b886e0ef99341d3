"""Creating cases: references, the case itself, its points of complaint, and changing them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction

from harken import access
from harken.accounts.models import Team, User
from harken.core import checks
from harken.core.audit import record_event, set_fields
from harken.core.dates import format_date
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.updates import NOT_GIVEN, NotGiven, given
from harken.procedures.definitions import ProcedureDef
from harken.procedures.models import ProcedureVersion
from harken.procedures.services import current_version

from .. import workflow
from ..models import (
    REPRESENTATION_KINDS,
    Case,
    Channel,
    Element,
    Kind,
    ReferenceCounter,
    Stage,
    Theme,
    TimelineEvent,
)
from .base import (
    MAX_ELEMENTS,
    MAX_PEOPLE,
    ElementInput,
    PersonInput,
    _changed_text,
    _touch,
)
from .clocks import case_refresh_next_due, reply_target, stage_recompute
from .openteams import open_teams_added, open_teams_refresh
from .people import _add_parties

Verb = TimelineEvent.Verb

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
    checks.date("received_on", received_on, label="received")
    checks.required_text("summary", summary, "Enter a summary.")


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
    if actor is not None and not access.role_may(actor.role, access.Perm.CASE_MANAGE):
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
    open_teams_added(case=case, teams=teams)
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
        verb=Verb.CREATED,
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
    summary = checks.required_text(
        "elements", item.summary, "Enter what each point of complaint is."
    )
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
        verb=Verb.ELEMENT_ADDED,
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
    summary = checks.required_text("summary", summary, "Enter what the point of complaint is.")
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
            verb=Verb.ELEMENT_CHANGED,
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
        verb=Verb.ELEMENT_SPLIT,
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
        verb=Verb.ELEMENTS_MERGED,
        description=f"Points {_numbers([e.number for e in chosen])} merged into point "
        f"{kept.number}",
        changes=changes,
    )
    return kept


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor: User,
    summary: str | NotGiven = NOT_GIVEN,
    details: str | NotGiven = NOT_GIVEN,
    channel: str | NotGiven = NOT_GIVEN,
    praised_worker: str | NotGiven = NOT_GIVEN,
    teams: Iterable[Team] | NotGiven = NOT_GIVEN,
    themes: Iterable[Theme] | NotGiven = NOT_GIVEN,
) -> Case:
    """Change the summary, details, teams, themes or people-facing facts of a case; what is
    not given stays as it is."""
    workflow.require("edit", case=case, actor=actor)
    values = given(
        summary=summary,
        details=details,
        channel=channel,
        praised_worker=praised_worker,
        teams=teams,
        themes=themes,
    )
    if "summary" in values:
        values["summary"] = checks.required_text("summary", values["summary"], "Enter a summary.")
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
        if "teams" in changes:
            open_teams_refresh(case_ids=[case.pk])
        record_event(
            case=case,
            actor=actor,
            verb=Verb.UPDATED,
            description="Case details changed",
            changes=changes,
        )
    return case
