"""The pool's services: each refusal with its reason, nothing half-saved, the fee in the
costs register, the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from harken.cases.models import Appointment, AppointmentRole, TimelineEvent
from harken.core.errors import AccessDenied, ApplicationError
from harken.pool import services
from harken.pool.models import FeeBasis, Organisation, PoolEntry, PoolEvent, PoolFee, PoolRole
from harken.registers.models import InvestigationCost

from .conftest import D, Sharing, make_entry, to_stage2, to_stage3

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june_2024():
    with time_machine.travel("2024-06-03 10:00 +0100", tick=False):
        yield


def _nothing_saved(case) -> None:
    assert not Appointment.objects.filter(stage__case=case, pool_entry__isnull=False).exists()
    assert not InvestigationCost.objects.filter(case=case).exists()
    assert not PoolFee.objects.exists()


def test_an_entry_is_added_with_its_roles_and_audited(officer):
    entry = make_entry(officer)
    assert entry.roles == ["ip", "panel_chair", "panel_member"]
    event = PoolEvent.objects.get(entry=entry)
    assert event.verb == PoolEvent.Verb.ADDED
    assert event.actor == officer
    assert event.changes["name"] == ["", "Pat Independent"]


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"name": " "}, "name", "Enter the name."),
        ({"roles": []}, "roles", "Choose at least one role they can take."),
        (
            {"organisation_kind": Organisation.CHARITY},
            "organisation",
            "Enter the name of the council or charity they work for.",
        ),
        (
            {"sharing": Sharing.TO_PARTNER},
            "partner_council",
            "Enter the name of the partner council.",
        ),
        ({"email": "not an address"}, "email", "in the right format"),
        ({"day_rate": "-3"}, "day_rate", "The day rate must be more than £0."),
        ({"dbs_checked_on": D(2025, 1, 1)}, "dbs_checked_on", "today or in the past"),
        (
            {"organisation_kind": Organisation.THIS_COUNCIL, "employed_by_council": False},
            "employed_by_council",
            "employed by it",
        ),
    ],
)
def test_bad_entries_are_refused_by_field_and_nothing_saved(officer, extra, field, message):
    values = {"name": "Pat"} | extra
    name = values.pop("name")
    with pytest.raises(ApplicationError) as caught:
        make_entry(officer, name=name, **values)
    assert message in caught.value.field_errors[field][0]
    assert not PoolEntry.objects.exists()
    assert not PoolEvent.objects.exists()


def test_only_the_feedback_team_changes_the_pool(manager, ip_user):
    with pytest.raises(AccessDenied):
        make_entry(manager)
    with pytest.raises(AccessDenied):
        make_entry(ip_user)


def test_one_entry_per_account(officer, ip_user):
    make_entry(officer, user=ip_user)
    with pytest.raises(ApplicationError, match="already linked"):
        make_entry(officer, name="Another", user=ip_user)


def test_a_change_records_what_changed(officer, entry):
    services.pool_entry_update(
        entry=entry, actor=officer, available=False, roles=[PoolRole.INDEPENDENT_PERSON]
    )
    entry.refresh_from_db()
    assert entry.available is False
    assert entry.roles == ["ip"]
    event = PoolEvent.objects.filter(verb=PoolEvent.Verb.CHANGED).get()
    assert event.changes["available"] == ["True", "False"]
    assert event.changes["roles"][1] == "Independent Person"


def test_a_dbs_check_over_three_years_old_is_lapsed(officer):
    entry = make_entry(officer, dbs_checked_on=D(2021, 6, 3))
    assert entry.dbs_lapsed(D(2024, 6, 2)) is False
    assert entry.dbs_lapsed(D(2024, 6, 3)) is True
    assert make_entry(officer, name="No check", dbs_checked_on=None).dbs_lapsed() is True


def test_appointing_from_the_pool_with_a_day_rate_records_the_fee_as_a_cost(officer, entry):
    case = to_stage2(officer)
    made = services.pool_appoint(
        case=case,
        pool_entry=entry,
        role=AppointmentRole.INDEPENDENT_PERSON,
        on=D(2024, 2, 6),
        fee_basis=FeeBasis.DAYS,
        days="2.5",
        actor=officer,
    )
    assert made.appointment.pool_entry == entry
    assert made.appointment.user is None
    assert made.warnings == []
    cost = InvestigationCost.objects.get(case=case)
    assert cost.amount == Decimal("875.00")
    assert cost.role == "ip"
    assert cost.stage_number == 2
    assert made.fee is not None
    assert made.fee.cost == cost
    assert "2.5 days at £350.00" in cost.notes
    timeline = TimelineEvent.objects.filter(case=case, verb=TimelineEvent.Verb.APPOINTED).get()
    assert "Pat Independent appointed Independent Person from the pool" in timeline.description
    assert PoolEvent.objects.filter(entry=entry, verb=PoolEvent.Verb.APPOINTED).exists()


def test_a_fixed_fee_is_the_cost(officer, entry):
    case = to_stage2(officer)
    services.pool_appoint(
        case=case,
        pool_entry=entry,
        role=AppointmentRole.INDEPENDENT_PERSON,
        on=D(2024, 2, 6),
        fee_basis=FeeBasis.FIXED,
        actor=officer,
    )
    assert InvestigationCost.objects.get(case=case).amount == Decimal("600.00")


def test_the_stage_2_ip_may_not_sit_on_the_stage_3_panel(officer, io_user, entry):
    case = to_stage3(officer, io_user, entry)
    with pytest.raises(ApplicationError) as caught:
        services.pool_appoint(
            case=case,
            pool_entry=entry,
            role=AppointmentRole.PANEL_MEMBER,
            on=D(2024, 3, 20),
            fee_basis=FeeBasis.FIXED,
            actor=officer,
        )
    assert caught.value.field_errors["pool_entry"] == [
        "Pat Independent was the Independent Person at stage 2 and may not sit on the review panel."
    ]
    assert not Appointment.objects.filter(stage__number=3).exists()
    assert not InvestigationCost.objects.filter(stage_number=3).exists()


def test_the_stage_2_ip_account_may_not_sit_on_the_panel_as_a_user(officer, io_user, ip_user):
    """The same person, appointed once from the pool and once by their account."""
    entry = make_entry(officer, user=ip_user)
    case = to_stage3(officer, io_user, entry)
    from harken.cases import services as case_services

    with pytest.raises(ApplicationError, match="was the Independent Person at stage 2"):
        case_services.appointment_make(
            case=case,
            user=ip_user,
            role=AppointmentRole.PANEL_MEMBER,
            on=D(2024, 3, 20),
            actor=officer,
        )


def test_an_ip_employed_by_the_council_is_refused(officer):
    employee = make_entry(
        officer,
        name="Cora Council",
        organisation_kind=Organisation.THIS_COUNCIL,
        employed_by_council=True,
    )
    case = to_stage2(officer)
    with pytest.raises(ApplicationError) as caught:
        services.pool_appoint(
            case=case,
            pool_entry=employee,
            role=AppointmentRole.INDEPENDENT_PERSON,
            on=D(2024, 2, 6),
            fee_basis=FeeBasis.DAYS,
            days=3,
            actor=officer,
        )
    assert "works for the council" in caught.value.field_errors["pool_entry"][0]
    assert "(reg 2)" in caught.value.field_errors["pool_entry"][0]
    _nothing_saved(case)


def test_the_same_person_twice_on_one_panel_is_refused(officer, io_user, entry):
    other_ip = make_entry(officer, name="Ola Other")
    case = to_stage3(officer, io_user, other_ip)
    services.pool_appoint(
        case=case,
        pool_entry=entry,
        role=AppointmentRole.PANEL_CHAIR,
        on=D(2024, 3, 20),
        actor=officer,
    )
    with pytest.raises(ApplicationError) as caught:
        services.pool_appoint(
            case=case,
            pool_entry=entry,
            role=AppointmentRole.PANEL_MEMBER,
            on=D(2024, 3, 20),
            fee_basis=FeeBasis.FIXED,
            actor=officer,
        )
    assert caught.value.field_errors["pool_entry"] == [
        "Pat Independent is already on this review panel: a panel is three people."
    ]
    assert Appointment.objects.filter(stage__number=3).count() == 1
    assert not InvestigationCost.objects.filter(stage_number=3).exists()


def test_a_lapsed_dbs_check_warns_but_does_not_refuse(officer):
    lapsed = make_entry(officer, dbs_checked_on=D(2020, 5, 1))
    case = to_stage2(officer)
    made = services.pool_appoint(
        case=case,
        pool_entry=lapsed,
        role=AppointmentRole.INDEPENDENT_PERSON,
        on=D(2024, 2, 6),
        actor=officer,
    )
    assert made.appointment.pk
    assert made.warnings == [
        "Pat Independent's DBS check is over three years old (checked on 1 May 2020): ask "
        "for a new one."
    ]


@pytest.mark.parametrize(
    ("change", "role", "message"),
    [
        ({"available": False}, "ip", "is not available for appointments now"),
        ({"active": False}, "ip", "has left the pool"),
        ({}, "io", "does not take the role of Investigating Officer"),
    ],
)
def test_the_pools_own_refusals(officer, entry, change, role, message):
    if change:
        services.pool_entry_update(entry=entry, actor=officer, **change)
        entry.refresh_from_db()
    case = to_stage2(officer)
    with pytest.raises(ApplicationError, match=message):
        services.pool_appoint(
            case=case, pool_entry=entry, role=role, on=D(2024, 2, 6), actor=officer
        )
    _nothing_saved(case)


@pytest.mark.parametrize(
    ("basis", "days", "message"),
    [
        (FeeBasis.DAYS, None, "Enter the number of days."),
        (FeeBasis.DAYS, "0", "between 0.5 and 100, in half days"),
        (FeeBasis.DAYS, "1.3", "between 0.5 and 100, in half days"),
        (FeeBasis.DAYS, "lots", "must be a number"),
        ("hourly", None, "Choose how the fee is worked out."),
    ],
)
def test_a_bad_fee_saves_nothing(officer, entry, basis, days, message):
    case = to_stage2(officer)
    with pytest.raises(ApplicationError, match=message):
        services.pool_appoint(
            case=case,
            pool_entry=entry,
            role="ip",
            on=D(2024, 2, 6),
            fee_basis=basis,
            days=days,
            actor=officer,
        )
    _nothing_saved(case)


def test_no_day_rate_no_fee_by_days(officer):
    entry = make_entry(officer, day_rate=None)
    case = to_stage2(officer)
    with pytest.raises(ApplicationError, match="has no day rate"):
        services.pool_appoint(
            case=case,
            pool_entry=entry,
            role="ip",
            on=D(2024, 2, 6),
            fee_basis=FeeBasis.DAYS,
            days=2,
            actor=officer,
        )
    _nothing_saved(case)


def test_a_refusal_by_the_stage_after_the_pools_checks_saves_nothing(officer, entry):
    """A date before the stage was received: the stage's rule refuses, and no cost stays."""
    case = to_stage2(officer)
    with pytest.raises(ApplicationError, match="must be on or after"):
        services.pool_appoint(
            case=case,
            pool_entry=entry,
            role="ip",
            on=D(2024, 1, 2),
            fee_basis=FeeBasis.FIXED,
            actor=officer,
        )
    _nothing_saved(case)


def test_a_manager_may_not_appoint_from_the_pool(manager, officer, entry):
    case = to_stage2(officer)
    with pytest.raises(AccessDenied):
        services.pool_appoint(
            case=case, pool_entry=entry, role="ip", on=D(2024, 2, 6), actor=manager
        )
    _nothing_saved(case)


def test_an_appointment_with_an_account_gives_that_user_the_case(officer, ip_user):
    from harken import access

    entry = make_entry(officer, user=ip_user)
    case = to_stage2(officer)
    assert not access.can_view_case(ip_user, case)
    made = services.pool_appoint(
        case=case, pool_entry=entry, role="ip", on=D(2024, 2, 6), actor=officer
    )
    assert made.appointment.user == ip_user
    assert access.can_view_case(ip_user, case)


def test_partner_appointments_only_for_those_lent(officer, entry, partner_entry):
    with pytest.raises(ApplicationError, match="not lent to a partner council"):
        services.partner_appointment_record(
            entry=entry, actor=officer, role="ip", appointed_on=D(2024, 3, 1)
        )
    lent = make_entry(
        officer, name="Len Lent", sharing=Sharing.TO_PARTNER, partner_council="South Tyneside"
    )
    made = services.partner_appointment_record(
        entry=lent, actor=officer, role="ip", appointed_on=D(2024, 3, 1)
    )
    assert made.partner_council == "South Tyneside"
    assert PoolEvent.objects.filter(entry=lent, verb=PoolEvent.Verb.PARTNER_APPOINTED).exists()


def test_training_is_recorded_and_audited(officer, entry):
    services.pool_training_add(
        entry=entry, actor=officer, course="IP induction", completed_on=D(2024, 2, 1)
    )
    with pytest.raises(ApplicationError, match="Enter the name of the course"):
        services.pool_training_add(
            entry=entry, actor=officer, course="", completed_on=D(2024, 2, 1)
        )
    assert entry.training.count() == 1
    assert PoolEvent.objects.filter(verb=PoolEvent.Verb.TRAINING_ADDED).count() == 1
