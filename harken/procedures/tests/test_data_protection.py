"""The data-protection complaints procedure (Data Protection Act 2018 s164A): acknowledged
within 30 calendar days, then the outcome without undue delay, then the ICO."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken.cases.tests.factories import complaint, respond_all
from harken.core.errors import ApplicationError
from harken.procedures import clocks
from harken.procedures.definitions import (
    DATA_PROTECTION,
    DayUnit,
    DefinitionError,
    Milestone,
    ProcedureDef,
)
from harken.procedures.models import Procedure
from harken.workdays.models import ClosureDay
from harken.workdays.rules import calendar_day_deadline

pytestmark = pytest.mark.django_db
D = dt.date
M = Milestone
STAGE = DATA_PROTECTION.stages[0]


def test_the_definition_cites_the_act_and_names_the_ico():
    assert "Data Protection Act 2018 s164A" in DATA_PROTECTION.regulations
    assert DATA_PROTECTION.ombudsman == "Information Commissioner's Office"
    assert DATA_PROTECTION.ombudsman_website.startswith("https://ico.org.uk")
    assert (STAGE.acknowledge_days, STAGE.acknowledge_unit) == (30, DayUnit.CALENDAR)
    assert STAGE.response_days is None
    assert DATA_PROTECTION.time_limit_months is None


def test_shipped_by_migration():
    procedure = Procedure.objects.get(code="data-protection")
    assert procedure.kind == "data_protection"
    assert procedure.current_version().spec == DATA_PROTECTION


def test_definition_survives_a_round_trip_through_json():
    assert ProcedureDef.from_dict(DATA_PROTECTION.to_dict()) == DATA_PROTECTION


def test_an_unknown_day_unit_is_refused():
    data = DATA_PROTECTION.to_dict()
    data["stages"][0]["acknowledge_unit"] = "fortnights"
    with pytest.raises(DefinitionError, match="not valid"):
        ProcedureDef.from_dict(data)


def test_it_may_not_skip_closure_days():
    """The law's 30 days move only past weekends and bank holidays."""
    data = {**DATA_PROTECTION.to_dict(), "skip_closure_days": True}
    with pytest.raises(DefinitionError, match="statutory procedure"):
        ProcedureDef.from_dict(data)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Day 1 is the day after receipt: 2 July + 30 days is 1 August, a Saturday: Monday.
        (D(2026, 7, 2), D(2026, 8, 3)),
        # 3 July + 30 = 2 August, a Sunday: Monday 3 August.
        (D(2026, 7, 3), D(2026, 8, 3)),
        # A weekday stays where it falls: 6 July + 30 = Wednesday 5 August.
        (D(2026, 7, 6), D(2026, 8, 5)),
        # 30 days ending on the August bank holiday (31 August 2026) move to 1 September.
        (D(2026, 8, 1), D(2026, 9, 1)),
        # Across Christmas: 25 November + 30 = Friday 25 December, then Boxing Day on a
        # Saturday, its substitute Monday 28 December: due Tuesday 29 December.
        (D(2026, 11, 25), D(2026, 12, 29)),
    ],
)
def test_acknowledgement_is_due_30_calendar_days_after_receipt(received, due):
    clock = clocks.compute(STAGE, {M.RECEIVED: received})
    assert clock.acknowledgement_due is not None
    assert clock.acknowledgement_due.due == due


def test_explanation_says_days_not_working_days():
    deadline = calendar_day_deadline(D(2026, 7, 2), 30, after="receipt on 2 July 2026")
    assert deadline.explain() == (
        "Due 3 August 2026: 30 days after receipt on 2 July 2026, moved from Saturday "
        "1 August 2026 to the next working day."
    )


def test_a_closure_day_is_a_working_day_for_the_30_days():
    ClosureDay.objects.create(date=D(2026, 8, 5), reason="Office move")
    deadline = calendar_day_deadline(D(2026, 7, 6), 30)
    assert deadline.due == D(2026, 8, 5)


def test_no_response_date_only_without_undue_delay():
    clock = clocks.compute(STAGE, {M.RECEIVED: D(2026, 7, 6)})
    assert clock.due_on is None
    assert clock.next_due is not None
    assert clock.next_due.key == "acknowledgement"


def test_a_complaint_under_it_stores_the_acknowledgement_date(officer):
    with time_machine.travel(dt.datetime(2026, 7, 10, 12, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=D(2026, 7, 6), procedure_code="data-protection")
    stage = case.stages.get()
    assert stage.acknowledgement_due_on == D(2026, 8, 5)
    assert stage.due_on is None
    case.refresh_from_db()
    assert case.next_due_on == D(2026, 8, 5)


def test_only_the_feedback_team_records_the_outcome(officer, manager):
    with time_machine.travel(dt.datetime(2026, 7, 10, 12, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=D(2026, 7, 6), procedure_code="data-protection")
        with pytest.raises(ApplicationError):
            respond_all(case, on=D(2026, 7, 9), actor=manager)
        respond_all(case, on=D(2026, 7, 9), actor=officer)
    assert case.stages.get().concluded_on == D(2026, 7, 9)


def test_the_last_stage_points_to_the_ico(officer):
    with time_machine.travel(dt.datetime(2026, 7, 10, 12, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=D(2026, 7, 6), procedure_code="data-protection")
        respond_all(case, on=D(2026, 7, 9), actor=officer)
        from harken.cases.services import complaint_escalate

        with pytest.raises(ApplicationError, match="Information Commissioner's Office"):
            complaint_escalate(case=case, requested_on=D(2026, 7, 10), actor=officer)
