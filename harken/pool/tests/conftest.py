from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from harken.cases import services
from harken.cases.models import AppointmentRole, Case
from harken.cases.tests.factories import complaint, respond_all
from harken.pool import services as pool_services
from harken.pool.models import Organisation, PoolEntry, PoolRole, Sharing

D = dt.date


def make_entry(actor, name="Pat Independent", **extra) -> PoolEntry:
    values = {
        "organisation_kind": Organisation.SELF_EMPLOYED,
        "roles": [PoolRole.INDEPENDENT_PERSON, PoolRole.PANEL_MEMBER, PoolRole.PANEL_CHAIR],
        "day_rate": Decimal("350.00"),
        "fixed_fee": Decimal("600.00"),
        "dbs_checked_on": D(2024, 1, 10),
        **extra,
    }
    return pool_services.pool_entry_create(actor=actor, name=name, **values)


def to_stage2(officer) -> Case:
    case = complaint(actor=officer, received_on=D(2024, 1, 8))
    respond_all(case, on=D(2024, 1, 19), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 1, 29), actor=officer)
    services.statement_agree(case=case, on=D(2024, 2, 5), actor=officer)
    return case


def to_stage3(officer, io_user, ip_entry) -> Case:
    case = to_stage2(officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 2, 6),
        actor=officer,
    )
    pool_services.pool_appoint(
        case=case,
        pool_entry=ip_entry,
        role=AppointmentRole.INDEPENDENT_PERSON,
        on=D(2024, 2, 6),
        actor=officer,
    )
    respond_all(case, on=D(2024, 3, 1), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 11), actor=officer)
    return case


@pytest.fixture
def entry(officer) -> PoolEntry:
    return make_entry(officer)


@pytest.fixture
def partner_entry(officer) -> PoolEntry:
    return make_entry(
        officer,
        name="Gail Gateshead",
        organisation_kind=Organisation.OTHER_COUNCIL,
        organisation="Gateshead Council",
        sharing=Sharing.FROM_PARTNER,
        partner_council="Gateshead Council",
    )


__all__ = ["D", "Sharing", "make_entry", "to_stage2", "to_stage3"]
