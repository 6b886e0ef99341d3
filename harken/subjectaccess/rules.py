"""Restriction of processing (UK GDPR art. 18): the one place that says whose data is
restricted, and the words a user reads when Harken refuses to process it.

A person's processing is restricted from the day a restriction request is carried out until
it is lifted (`rights.rights_request_lift`). Their records are kept (storage is allowed) and
read by those who may see them; the services that send, change, export or act in bulk on
their data ask `processing_restricted` (or, for a case, `case_restrictions`) and refuse.
What is limited and why is ADR 0150.

The lower layers (cases, documents, notifications) import this module inside their
functions, as access and cases do with each other: it imports only its own models and the
ground floor at the top."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from harken.core.dates import format_date
from harken.core.errors import ApplicationError

from .models import RightsKind, RightsRequest, RightsStatus

if TYPE_CHECKING:
    import datetime as dt


@dataclass(frozen=True)
class Restriction:
    """A restriction in force: whose, since when, what was limited (the request's outcome)."""

    request_id: int
    person_id: int
    person_name: str
    since: dt.date
    what: str

    @property
    def sentence(self) -> str:
        """The banner's words: "Processing of this person's data is restricted since ..."."""
        return f"Processing of this person's data is restricted since {format_date(self.since)}"

    def refusal(self, doing: str) -> str:
        """The words of a refusal: who, since when, and what was not done."""
        return (
            f"Processing of {self.person_name}'s data is restricted since "
            f"{format_date(self.since)} (UK GDPR art. 18): {doing}. Lift the restriction on "
            "their rights request first if the person agrees or the law allows."
        )


IN_FORCE = Q(kind=RightsKind.RESTRICTION, status=RightsStatus.DONE, lifted_on__isnull=True)


def restrictions_in_force() -> QuerySet[RightsRequest]:
    return RightsRequest.objects.filter(IN_FORCE)


def _as_restriction(request: RightsRequest) -> Restriction:
    assert request.decided_on is not None  # noqa: S101  # a carried-out request has its date
    return Restriction(
        request_id=request.pk,
        person_id=request.person_id,
        person_name=request.person.full_name,
        since=request.decided_on,
        what=request.outcome,
    )


def processing_restricted(person: Any) -> Restriction | None:
    """The restriction in force on this person (the earliest, if several), or None."""
    person_id = getattr(person, "pk", person)
    found = (
        restrictions_in_force()
        .filter(person_id=person_id)
        .select_related("person")
        .order_by("decided_on", "pk")
        .first()
    )
    return _as_restriction(found) if found else None


def people_restricted(person_ids: Iterable[int]) -> dict[int, Restriction]:
    """The restriction in force for each of these people who has one, in one query."""
    ids = list(set(person_ids))
    found: dict[int, Restriction] = {}
    if not ids:
        return found
    for request in (
        restrictions_in_force()
        .filter(person_id__in=ids)
        .select_related("person")
        .order_by("-decided_on", "-pk")
    ):
        found[request.person_id] = _as_restriction(request)  # the earliest wins
    return found


def case_restrictions(case: Any) -> list[Restriction]:
    """The restrictions in force on the people of a case (complainant, child, other party)."""
    from harken.cases.models import CaseParty

    case_id = getattr(case, "pk", case)
    people = CaseParty.objects.filter(case_id=case_id).values_list("person_id", flat=True)
    return sorted(people_restricted(people).values(), key=lambda r: (r.since, r.person_id))


def restricted_case_ids(case_ids: Iterable[int]) -> set[int]:
    """Which of these cases have a person whose processing is restricted, in one query."""
    from harken.cases.models import CaseParty

    ids = list(set(case_ids))
    if not ids:
        return set()
    return set(
        CaseParty.objects.filter(
            case_id__in=ids, person_id__in=restrictions_in_force().values("person_id")
        ).values_list("case_id", flat=True)
    )


def ensure_case_not_restricted(case: Any, doing: str, *, field: str | None = None) -> None:
    """Refuse, with the reason a user reads, processing of a case whose person is restricted."""
    found = case_restrictions(case)
    if found:
        message = found[0].refusal(doing)
        if field:
            raise ApplicationError.for_field(field, message)
        raise ApplicationError(message)


def ensure_may_change_person(person: Any, carrying_out: Any = None) -> None:
    """Refuse a change to a restricted person's details, except the rectification (or the
    erasure of contact details) of a request of theirs being carried out (art. 18(1)(a): the
    restriction lasts while accuracy is checked, and the correction is the point of it)."""
    found = processing_restricted(person)
    if found is None:
        return
    if (
        isinstance(carrying_out, RightsRequest)
        and carrying_out.person_id == found.person_id
        and carrying_out.kind in (RightsKind.RECTIFICATION, RightsKind.ERASURE)
        and carrying_out.status == RightsStatus.OPEN
    ):
        return
    raise ApplicationError(
        found.refusal(
            "their details were not changed (correct them by carrying out a rectification request)"
        )
    )


def _own_data_protection_complaint(case: Any, role: str) -> bool:
    """A complaint under the data-protection procedure (DPA 2018 s164A, ADR 0100) made by the
    person: their complaint about how the council handled their own data, the restriction
    included. Adding them as its complainant is the exercise of their own rights, which they
    ask for by complaining (art. 18(2): consent; legal claims)."""
    from harken.cases.models import PartyRole
    from harken.procedures.models import ProcedureKind

    if role != PartyRole.COMPLAINANT or getattr(case, "procedure_version_id", None) is None:
        return False
    return bool(case.procedure_version.procedure.kind == ProcedureKind.DATA_PROTECTION)


def ensure_may_add_to_case(person: Any, case: Any, role: str) -> None:
    """Refuse adding a restricted person to a case (a new use of their data: their name on
    another record, its letters and its figures), except as the complainant of their own
    data-protection complaint (docs/adr/0152)."""
    found = processing_restricted(person)
    if found is None or _own_data_protection_complaint(case, role):
        return
    raise ApplicationError.for_field(
        "person",
        found.refusal(
            "they were not added to the case (only their own data-protection complaint may "
            "name them)"
        ),
    )


def ensure_may_record_alias(person: Any) -> None:
    """Refuse recording another name for a restricted person: it is new data about them, and
    not the correction a rectification request carries out (docs/adr/0152)."""
    found = processing_restricted(person)
    if found is not None:
        raise ApplicationError.for_field(
            "name", found.refusal("no other name was recorded for them")
        )
