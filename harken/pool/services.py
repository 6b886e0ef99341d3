"""Writes to the pool of independent people, each with its audit row in one transaction.

The pool's own rules live here: who may be in it and how (a partner council named for a
shared entry, one entry per account), and what appointing from it adds to the stage's rules
(`cases.services.appointment_make`: reg 2, the stage 2 IP off the panel, nobody twice): the
person takes that role, is in the pool and available, and their fee becomes an investigation
cost of the costs register (docs/adr/0190-the-pool-of-independent-people.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction

from harken import access
from harken.accounts.models import User
from harken.cases.models import Appointment, AppointmentRole, Case
from harken.core import checks
from harken.core.audit import set_fields
from harken.core.dates import format_date
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.updates import NOT_GIVEN, NotGiven, given

from .models import (
    FeeBasis,
    Organisation,
    PartnerAppointment,
    PartnerOutcome,
    PoolEntry,
    PoolEntryRole,
    PoolEvent,
    PoolFee,
    PoolRole,
    PoolTraining,
    Sharing,
)

Verb = PoolEvent.Verb
Changes = dict[str, list[str | None]]

ENTRY_FIELDS = [
    "name",
    "organisation_kind",
    "organisation",
    "email",
    "phone",
    "address",
    "user",
    "employed_by_council",
    "available",
    "availability",
    "day_rate",
    "fixed_fee",
    "dbs_checked_on",
    "sharing",
    "partner_council",
    "active",
]

# A stage appointment's role -> the costs register's "what the cost was for".
COST_ROLES = {
    AppointmentRole.INVESTIGATING_OFFICER: "io",
    AppointmentRole.INDEPENDENT_PERSON: "ip",
    AppointmentRole.PANEL_CHAIR: "panel",
    AppointmentRole.PANEL_MEMBER: "panel",
}
MOST_DAYS = Decimal(100)
HALF_DAY = Decimal("0.5")
PENCE = Decimal("0.01")


def ensure_may(actor: User | None, perm: access.Perm) -> User:
    if actor is None or not access.may(actor, perm):
        raise AccessDenied("You are not allowed to change the pool.")
    return actor


def _event(
    *, entry: PoolEntry | None, actor: User | None, verb: Verb, description: str, changes: Changes
) -> PoolEvent:
    return PoolEvent.objects.create(
        entry=entry, actor=actor, verb=verb, description=description[:500], changes=changes
    )


def _optional_money(name: str, value: Any, *, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return checks.money(name, value, what=what)


def _check_roles(roles: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(roles))
    if not chosen:
        raise ApplicationError.for_field("roles", "Choose at least one role they can take.")
    unknown = [r for r in chosen if r not in PoolRole.values]
    if unknown:
        raise ApplicationError.for_field("roles", f"There is no role “{unknown[0]}”.")
    return chosen


def _check_entry(values: dict[str, Any], *, entry: PoolEntry | None = None) -> dict[str, Any]:
    """Every field of an entry, as the page, the API and the demo data give them."""
    out = dict(values)
    out["name"] = checks.text_field(
        "name", values["name"], what="the name", most=120, required="Enter the name."
    )
    kind = values["organisation_kind"]
    if kind not in Organisation.values:
        raise ApplicationError.for_field("organisation_kind", "Choose who they work for.")
    out["organisation"] = checks.text_field(
        "organisation", values["organisation"], what="the organisation", most=200
    )
    if kind in (Organisation.OTHER_COUNCIL, Organisation.CHARITY) and not out["organisation"]:
        raise ApplicationError.for_field(
            "organisation", "Enter the name of the council or charity they work for."
        )
    email = checks.text_field("email", values["email"], what="the e-mail address", most=254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError as exc:
            raise ApplicationError.for_field(
                "email", "Enter an e-mail address in the right format, like name@example.com."
            ) from exc
    out["email"] = email
    out["phone"] = checks.text_field("phone", values["phone"], what="the phone number", most=40)
    out["address"] = checks.text_field(
        "address", values["address"], what="the address", most=500, one_line=False
    )
    out["availability"] = checks.text_field(
        "availability", values["availability"], what="the availability", most=500
    )
    employed = bool(values["employed_by_council"])
    if kind == Organisation.THIS_COUNCIL and not employed:
        raise ApplicationError.for_field(
            "employed_by_council",
            "Someone who works for this council is employed by it: answer yes, or choose "
            "who they work for.",
        )
    out["employed_by_council"] = employed
    out["day_rate"] = _optional_money("day_rate", values["day_rate"], what="day rate")
    out["fixed_fee"] = _optional_money("fixed_fee", values["fixed_fee"], what="fixed fee")
    out["dbs_checked_on"] = checks.date(
        "dbs_checked_on", values["dbs_checked_on"], label="of the DBS check", required=False
    )
    sharing = values["sharing"]
    if sharing not in Sharing.values:
        raise ApplicationError.for_field("sharing", "Choose whose pool they are in.")
    partner = checks.text_field(
        "partner_council", values["partner_council"], what="the partner council", most=120
    )
    if sharing != Sharing.OWN and not partner:
        raise ApplicationError.for_field(
            "partner_council", "Enter the name of the partner council."
        )
    out["partner_council"] = partner if sharing != Sharing.OWN else ""
    user = values["user"]
    if user is not None:
        taken = PoolEntry.objects.filter(user=user)
        other = (taken.exclude(pk=entry.pk) if entry is not None else taken).first()
        if other is not None:
            raise ApplicationError.for_field(
                "user", f"That account is already linked to the pool entry of {other}."
            )
    return out


def _set_roles(entry: PoolEntry, roles: list[str]) -> Changes:
    before = entry.roles if entry.pk else []
    if sorted(before) == sorted(roles):
        return {}
    entry.role_rows.exclude(role__in=roles).delete()
    PoolEntryRole.objects.bulk_create(
        [PoolEntryRole(entry=entry, role=r) for r in roles if r not in before]
    )
    if hasattr(entry, "_prefetched_objects_cache"):
        entry._prefetched_objects_cache.pop("role_rows", None)
    label = ", ".join
    return {
        "roles": [
            label(PoolRole(r).label for r in before) or None,
            label(PoolRole(r).label for r in roles),
        ]
    }


@transaction.atomic
def pool_entry_create(
    *,
    actor: User,
    name: str,
    organisation_kind: str,
    roles: Iterable[str],
    organisation: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    user: User | None = None,
    employed_by_council: bool = False,
    available: bool = True,
    availability: str = "",
    day_rate: Decimal | str | None = None,
    fixed_fee: Decimal | str | None = None,
    dbs_checked_on: dt.date | None = None,
    sharing: str = Sharing.OWN,
    partner_council: str = "",
) -> PoolEntry:
    """Add a person to the pool."""
    ensure_may(actor, access.Perm.POOL_EDIT)
    values = _check_entry(
        {
            "name": name,
            "organisation_kind": organisation_kind,
            "organisation": organisation,
            "email": email,
            "phone": phone,
            "address": address,
            "user": user,
            "employed_by_council": employed_by_council,
            "available": bool(available),
            "availability": availability,
            "day_rate": day_rate,
            "fixed_fee": fixed_fee,
            "dbs_checked_on": dbs_checked_on,
            "sharing": sharing,
            "partner_council": partner_council,
        }
    )
    chosen = _check_roles(roles)
    entry = PoolEntry(**values, created_by=actor, modified_by=actor)
    entry.save()
    changes = set_fields(PoolEntry(), {k: getattr(entry, k) for k in ENTRY_FIELDS})
    changes.update(_set_roles(entry, chosen))
    _event(
        entry=entry,
        actor=actor,
        verb=Verb.ADDED,
        description=f"Added to the pool: {entry}",
        changes=changes,
    )
    return entry


@transaction.atomic
def pool_entry_update(
    *,
    entry: PoolEntry,
    actor: User,
    name: str | NotGiven = NOT_GIVEN,
    organisation_kind: str | NotGiven = NOT_GIVEN,
    roles: Iterable[str] | NotGiven = NOT_GIVEN,
    organisation: str | NotGiven = NOT_GIVEN,
    email: str | NotGiven = NOT_GIVEN,
    phone: str | NotGiven = NOT_GIVEN,
    address: str | NotGiven = NOT_GIVEN,
    user: User | NotGiven | None = NOT_GIVEN,
    employed_by_council: bool | NotGiven = NOT_GIVEN,
    available: bool | NotGiven = NOT_GIVEN,
    availability: str | NotGiven = NOT_GIVEN,
    day_rate: Decimal | str | NotGiven | None = NOT_GIVEN,
    fixed_fee: Decimal | str | NotGiven | None = NOT_GIVEN,
    dbs_checked_on: dt.date | NotGiven | None = NOT_GIVEN,
    sharing: str | NotGiven = NOT_GIVEN,
    partner_council: str | NotGiven = NOT_GIVEN,
    active: bool | NotGiven = NOT_GIVEN,
) -> PoolEntry:
    """Change an entry: only the fields given."""
    ensure_may(actor, access.Perm.POOL_EDIT)
    entry = PoolEntry.objects.select_for_update().get(pk=entry.pk)
    changed = given(
        name=name,
        organisation_kind=organisation_kind,
        organisation=organisation,
        email=email,
        phone=phone,
        address=address,
        user=user,
        employed_by_council=employed_by_council,
        available=available,
        availability=availability,
        day_rate=day_rate,
        fixed_fee=fixed_fee,
        dbs_checked_on=dbs_checked_on,
        sharing=sharing,
        partner_council=partner_council,
    )
    current = {k: getattr(entry, k) for k in ENTRY_FIELDS if k != "active"}
    values = _check_entry({**current, **changed}, entry=entry)
    if active is not NOT_GIVEN:
        values["active"] = bool(active)
    values["available"] = bool(values["available"])
    changes = set_fields(entry, values)
    if roles is not NOT_GIVEN:
        changes.update(_set_roles(entry, _check_roles(roles)))
    if not changes:
        return entry
    entry.modified_by = actor
    entry.save()
    _event(
        entry=entry,
        actor=actor,
        verb=Verb.CHANGED,
        description=f"Pool entry changed: {entry}",
        changes=changes,
    )
    return entry


def pool_entry_viewed(*, entry: PoolEntry, user: User, via: str) -> None:
    """A read of a person's record: who looked at whose entry, and when."""
    _event(
        entry=entry,
        actor=user,
        verb=Verb.VIEWED,
        description=f"Pool entry viewed ({via})",
        changes={},
    )


@transaction.atomic
def pool_training_add(
    *, entry: PoolEntry, actor: User, course: str, completed_on: dt.date | None
) -> PoolTraining:
    """Record a course the person has completed."""
    ensure_may(actor, access.Perm.POOL_EDIT)
    course = checks.text_field(
        "course", course, what="the course", most=200, required="Enter the name of the course."
    )
    completed = checks.date("completed_on", completed_on, label="the course was completed")
    training = PoolTraining.objects.create(
        entry=entry, course=course, completed_on=completed, created_by=actor, modified_by=actor
    )
    _event(
        entry=entry,
        actor=actor,
        verb=Verb.TRAINING_ADDED,
        description=f"Training recorded for {entry}: {course}, {format_date(completed)}",
        changes={"training": [None, f"{course} ({completed.isoformat()})"]},
    )
    return training


@transaction.atomic
def partner_appointment_record(
    *, entry: PoolEntry, actor: User, role: str, appointed_on: dt.date | None
) -> PartnerAppointment:
    """One of the council's pool appointed by the partner council they are lent to."""
    ensure_may(actor, access.Perm.POOL_EDIT)
    if entry.sharing != Sharing.TO_PARTNER:
        raise ApplicationError(
            f"{entry} is not lent to a partner council: change their entry first."
        )
    if role not in entry.roles:
        raise ApplicationError.for_field("role", f"{entry} does not take that role.")
    on = checks.date("appointed_on", appointed_on, label="of the appointment")
    made = PartnerAppointment.objects.create(
        entry=entry,
        partner_council=entry.partner_council,
        role=role,
        appointed_on=on,
        created_by=actor,
        modified_by=actor,
    )
    _event(
        entry=entry,
        actor=actor,
        verb=Verb.PARTNER_APPOINTED,
        description=f"{entry} appointed {made.get_role_display()} by {made.partner_council} "
        f"on {format_date(on)}",
        changes={},
    )
    return made


@transaction.atomic
def partner_appointment_end(
    *,
    appointment: PartnerAppointment,
    actor: User,
    ended_on: dt.date | None,
    outcome: str,
) -> PartnerAppointment:
    """The end of an appointment by a partner council: the day and how it ended. It then no
    longer counts in the person's load; a cancelled one (it never went ahead) is not counted
    in the report's appointments made for partners."""
    ensure_may(actor, access.Perm.POOL_EDIT)
    appointment = PartnerAppointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.ended_on is not None:
        raise ApplicationError("This appointment has already ended.")
    if outcome not in PartnerOutcome.values:
        raise ApplicationError.for_field("outcome", "Select how the appointment ended")
    on = checks.date(
        "ended_on",
        ended_on,
        label="the appointment ended",
        not_before=appointment.appointed_on,
        before_label=f"the day it was made ({format_date(appointment.appointed_on)})",
    )
    changes = set_fields(appointment, {"ended_on": on, "outcome": outcome})
    appointment.modified_by = actor
    appointment.save()
    _event(
        entry=appointment.entry,
        actor=actor,
        verb=Verb.PARTNER_ENDED,
        description=f"{appointment} (appointed {format_date(appointment.appointed_on)}) "
        f"ended on {format_date(on)}: {appointment.get_outcome_display().lower()}",
        changes=changes,
    )
    return appointment


# --- Appointing from the pool ---------------------------------------------------------------


@dataclass(frozen=True)
class PoolAppointment:
    """What appointing from the pool did: the appointment, its fee, and what to warn about."""

    appointment: Appointment
    fee: PoolFee | None
    warnings: list[str] = field(default_factory=list)


def dbs_warning(entry: PoolEntry) -> str | None:
    """A lapsed DBS check warns; it does not refuse (issue 14)."""
    if not entry.dbs_lapsed():
        return None
    if entry.dbs_checked_on is None:
        return f"{entry} has no DBS check recorded: ask for one."
    return (
        f"{entry}'s DBS check is over three years old (checked on "
        f"{format_date(entry.dbs_checked_on)}): ask for a new one."
    )


def pool_refusal(entry: PoolEntry, role: str) -> str | None:
    """Why the pool's rules refuse `entry` for `role` (None: they do not)."""
    if not entry.active:
        return f"{entry} has left the pool."
    if role not in entry.roles:
        return f"{entry} does not take the role of {AppointmentRole(role).label}."
    if not entry.available:
        return f"{entry} is not available for appointments now."
    return None


def _days(value: Any) -> Decimal:
    if value is None or value == "":
        raise ApplicationError.for_field("days", "Enter the number of days.")
    try:
        days = Decimal(str(value))
    except InvalidOperation as exc:
        raise ApplicationError.for_field("days", "The number of days must be a number.") from exc
    if not days.is_finite() or days <= 0 or days > MOST_DAYS or days % HALF_DAY:
        raise ApplicationError.for_field(
            "days", "The number of days must be between 0.5 and 100, in half days."
        )
    return days


def _fee(entry: PoolEntry, basis: str, days: Any) -> tuple[Decimal | None, Decimal, Decimal] | None:
    """(days, rate, amount) of the fee, or None for no fee."""
    if basis == FeeBasis.NONE:
        return None
    if basis == FeeBasis.DAYS:
        if entry.day_rate is None:
            raise ApplicationError.for_field(
                "fee_basis", f"{entry} has no day rate: record one on their entry first."
            )
        number = _days(days)
        amount = (number * entry.day_rate).quantize(PENCE, rounding=ROUND_HALF_UP)
        return number, entry.day_rate, amount
    if basis == FeeBasis.FIXED:
        if entry.fixed_fee is None:
            raise ApplicationError.for_field(
                "fee_basis", f"{entry} has no fixed fee: record one on their entry first."
            )
        return None, entry.fixed_fee, entry.fixed_fee
    raise ApplicationError.for_field("fee_basis", "Choose how the fee is worked out.")


@transaction.atomic
def pool_appoint(
    *,
    case: Case,
    pool_entry: PoolEntry,
    role: str,
    on: dt.date,
    actor: User,
    fee_basis: str = FeeBasis.NONE,
    days: Decimal | int | str | None = None,
) -> PoolAppointment:
    """Appoint a person of the pool to the case's open stage: the stage's rules
    (`appointment_make`), the pool's (`pool_refusal`), and the fee as an investigation cost
    of the costs register. All of it or nothing."""
    ensure_may(actor, access.Perm.POOL_VIEW)
    entry = PoolEntry.objects.select_for_update().get(pk=pool_entry.pk)
    if role not in AppointmentRole.values:
        raise ApplicationError.for_field("role", "Choose the role.")
    problem = pool_refusal(entry, role)
    if problem:
        raise ApplicationError.for_field("pool_entry", problem)
    fee = _fee(entry, fee_basis, days)
    from harken.cases import services as case_services

    appointment = case_services.appointment_make(
        case=case, role=role, on=on, actor=actor, pool_entry=entry
    )
    pool_fee = None
    if fee is not None:
        from harken.registers.services import cost_create

        number, rate, amount = fee
        how = (
            f"{number.normalize():f} days at £{rate:,.2f}"
            if number is not None
            else f"fixed fee £{rate:,.2f}"
        )
        cost = cost_create(
            case=case,
            actor=actor,
            role=COST_ROLES[AppointmentRole(role)],
            amount=amount,
            incurred_on=on,
            stage_number=appointment.stage.number,
            supplier=(entry.organisation or entry.name)[:200],
            notes=f"Fee of the appointment from the pool: {entry}, "
            f"{AppointmentRole(role).label}, {how}.",
        )
        pool_fee = PoolFee.objects.create(
            appointment=appointment,
            basis=fee_basis,
            days=number,
            rate=rate,
            amount=amount,
            cost=cost,
            created_by=actor,
            modified_by=actor,
        )
    _event(
        entry=entry,
        actor=actor,
        verb=Verb.APPOINTED,
        description=f"{entry} appointed {AppointmentRole(role).label} to stage "
        f"{appointment.stage.number} of {case.reference} on {format_date(on)}",
        changes={"fee": [None, f"{pool_fee.amount:.2f}"]} if pool_fee else {},
    )
    warning = dbs_warning(entry)
    return PoolAppointment(
        appointment=appointment, fee=pool_fee, warnings=[warning] if warning else []
    )
