"""What the case services share: their inputs, limits and the checks they all make."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from harken.accounts.models import Team, User
from harken.core import checks
from harken.core.errors import ApplicationError
from harken.procedures.definitions import Milestone, ProcedureDef

from ..models import (
    AppointmentRole,
    Case,
    PartyRole,
    Person,
    Stage,
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


def _changed_text(obj: Any, values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """`values` with each text field normalised, and left out where it says what `obj` says
    already: saving a form unchanged records no false change."""
    kept = dict(values)
    for name in names:
        new = kept.get(name)
        if not isinstance(new, str):
            continue
        old = getattr(obj, name) or ""
        if checks.normal_text(old) == checks.normal_text(new):
            del kept[name]
        else:
            kept[name] = checks.normal_text(new)
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
