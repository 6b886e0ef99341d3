"""Reads of the pool: the list with its filters, one entry, who is offered for a stage's role,
and an appointee's own appointments with the documents of their stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from harken import access
from harken.accounts.models import User
from harken.cases.models import PANEL_ROLES, Appointment, AppointmentRole, Stage
from harken.core.dates import today
from harken.core.errors import AccessDenied

from . import services
from .models import DBS_VALID_YEARS, PartnerAppointment, PoolEntry, PoolEntryRole, PoolEvent


def dbs_lapsed_before(on: dt.date | None = None) -> dt.date:
    """A check made on or before this day is over three years old on `on` (today)."""
    on = on or today()
    try:
        return on.replace(year=on.year - DBS_VALID_YEARS)
    except ValueError:  # 29 February
        return dt.date(on.year - DBS_VALID_YEARS, 2, 28)


def dbs_lapsed_q(on: dt.date | None = None) -> Q:
    return Q(dbs_checked_on__isnull=True) | Q(dbs_checked_on__lte=dbs_lapsed_before(on))


def _with_load(qs: QuerySet[PoolEntry]) -> QuerySet[PoolEntry]:
    """Each entry's current load: its open appointments to stages here and by partner
    councils. A count of the open
    ones only (the partial index `appointment_pool_open_idx`), not of every appointment the
    person ever had: the cost follows the work now, not the history."""
    open_ones = (
        Appointment.objects.filter(pool_entry=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("pool_entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # An appointment by a partner council is work too, until it is ended.
    partner_open = (
        PartnerAppointment.objects.filter(entry=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        load=Coalesce(Subquery(open_ones), 0) + Coalesce(Subquery(partner_open), 0)
    ).prefetch_related(Prefetch("role_rows", queryset=PoolEntryRole.objects.order_by("role")))


@dataclass(frozen=True)
class PoolFilters:
    role: str = ""
    sharing: str = ""
    organisation_kind: str = ""
    available: bool = False
    dbs_lapsed: bool = False
    include_left: bool = False
    name: str = ""


def pool_list(*, user: User, filters: PoolFilters | None = None) -> QuerySet[PoolEntry]:
    if not access.may(user, access.Perm.POOL_VIEW):
        raise AccessDenied("You are not allowed to see the pool.")
    f = filters or PoolFilters()
    qs = PoolEntry.objects.all()
    if not f.include_left:
        qs = qs.filter(active=True)
    if f.role:
        qs = qs.filter(pk__in=PoolEntryRole.objects.filter(role=f.role).values("entry_id"))
    if f.sharing:
        qs = qs.filter(sharing=f.sharing)
    if f.organisation_kind:
        qs = qs.filter(organisation_kind=f.organisation_kind)
    if f.available:
        qs = qs.filter(available=True)
    if f.dbs_lapsed:
        qs = qs.filter(dbs_lapsed_q())
    if f.name:
        qs = qs.filter(name__icontains=f.name)
    return _with_load(qs).order_by("name", "id")


def pool_entry_get(*, user: User, pk: int, via: str = "page") -> PoolEntry:
    """One entry, with its training, appointments and history; the read is audited."""
    if not access.may(user, access.Perm.POOL_VIEW):
        raise AccessDenied("You are not allowed to see the pool.")
    try:
        entry = (
            _with_load(PoolEntry.objects.filter(pk=pk))
            .select_related("user")
            .prefetch_related("training", "partner_appointments")
            .get()
        )
    except PoolEntry.DoesNotExist as exc:
        raise AccessDenied("There is no such pool entry.") from exc
    services.pool_entry_viewed(entry=entry, user=user, via=via)
    return entry


def entry_appointments(*, entry: PoolEntry) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(pool_entry=entry)
        .select_related("stage__case", "pool_fee")
        .order_by("-appointed_on", "-id")
    )


def entry_history(*, entry: PoolEntry) -> QuerySet[PoolEvent]:
    return entry.events.select_related("actor").order_by("-at", "-id")[:50]  # type: ignore[return-value]


def offered(*, stage: Stage, role: str) -> list[PoolEntry]:
    """Who the appointment page offers for `role`: in the pool, taking the role, available,
    and, for an IP or panel member, not employed by the council (reg 2); least loaded first.
    The service still judges the one chosen (it refuses a conflict on this case with its
    reason)."""
    if role not in AppointmentRole.values:
        return []
    qs = PoolEntry.objects.filter(
        active=True,
        available=True,
        pk__in=PoolEntryRole.objects.filter(role=role).values("entry_id"),
    )
    if role in (AppointmentRole.INDEPENDENT_PERSON, *PANEL_ROLES):
        qs = qs.filter(employed_by_council=False)
    return list(_with_load(qs).order_by("load", "name", "id"))  # type: ignore[misc]


def not_offered_employed(*, role: str) -> int:
    """How many take `role` but work for the council (not offered as an IP or panel member)."""
    if role not in (AppointmentRole.INDEPENDENT_PERSON, *PANEL_ROLES):
        return 0
    return PoolEntry.objects.filter(
        active=True,
        employed_by_council=True,
        pk__in=PoolEntryRole.objects.filter(role=role).values("entry_id"),
    ).count()


@dataclass
class MyAppointment:
    appointment: Appointment
    documents: list[Any] = field(default_factory=list)


def my_appointments(*, user: User) -> list[MyAppointment]:
    """The signed-in appointee's open appointments, each with the documents of that stage
    (and the case's documents of no stage), newest first: two queries."""
    from harken.documents.selectors import appointee_documents

    appointments = list(
        Appointment.objects.filter(user=user, ended_on__isnull=True)
        .filter(stage__case__in=access.visible_cases(user))
        .select_related("stage__case", "pool_entry")
        .order_by("-appointed_on", "-id")
    )
    found = appointee_documents(user=user, stages=[a.stage for a in appointments])
    return [MyAppointment(a, found.get(a.stage_id, [])) for a in appointments]


# --- DBS checks to renew ----------------------------------------------------------------------

# How long before a DBS check is three years old the feedback team is told.
DBS_NOTICE_DAYS = 30


def dbs_to_renew(on: dt.date | None = None) -> list[PoolEntry]:
    """People still in the pool whose DBS check is over three years old or will be within
    DBS_NOTICE_DAYS, the soonest (or longest lapsed) first. One with no check date recorded is
    flagged on the pool's own page, not here: there is no date to count from."""
    from .models import dbs_lapse_date

    on = on or today()
    limit = dbs_lapsed_before(on + dt.timedelta(days=DBS_NOTICE_DAYS))
    rows = PoolEntry.objects.filter(
        active=True, dbs_checked_on__isnull=False, dbs_checked_on__lte=limit
    ).order_by("dbs_checked_on", "name", "id")
    entries = list(rows)
    for entry in entries:
        entry.dbs_lapse = dbs_lapse_date(entry.dbs_checked_on)  # type: ignore[arg-type,attr-defined]
        entry.dbs_lapsed_now = entry.dbs_lapse <= on  # type: ignore[attr-defined]
    return entries
