"""Procedures as data: the shipped four, their clocks across bank holidays, and versions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from harken.cases.tests.factories import complaint, respond_all
from harken.core.errors import ApplicationError
from harken.procedures import clocks
from harken.procedures.definitions import (
    ADULTS_STATUTORY,
    CHILDREN_STATUTORY,
    CORPORATE_LEGACY,
    CORPORATE_LGSCO,
    SHIPPED,
    DefinitionError,
    Milestone,
    ProcedureDef,
)
from harken.procedures.models import Procedure
from harken.procedures.services import procedure_version_create
from harken.workdays import rules
from harken.workdays.models import ClosureDay
from harken.workdays.rules import add_working_days, is_working_day

pytestmark = pytest.mark.django_db
D = dt.date
M = Milestone
CHILDREN = "children-statutory"


def test_shipped_procedures_match_domain_timescales():
    """Children's 10(20)/25(65)/panel 30-5-15; adults one stage; LGSCO 5+10(+10), 5+20(+20)."""
    c1, c2, c3 = CHILDREN_STATUTORY.stages
    assert (c1.response_days, c1.max_response_days, c1.escalation_window_days) == (10, 20, 20)
    assert (c2.clock_starts, c2.response_days, c2.max_response_days) == ("statement_agreed", 25, 65)
    assert c2.escalation_window_days == 20
    assert [s.working_days for s in c3.steps] == [30, 5, 15]
    assert c3.panel_size == 3
    assert len(ADULTS_STATUTORY.stages) == 1
    assert ADULTS_STATUTORY.stages[0].acknowledge_days == 3
    assert ADULTS_STATUTORY.stages[0].relevant_period_months == 6
    l1, l2 = CORPORATE_LGSCO.stages
    assert (l1.clock_starts, l1.acknowledge_days, l1.response_days, l1.max_response_days) == (
        "acknowledgement",
        5,
        10,
        20,
    )
    assert (l2.acknowledge_days, l2.response_days, l2.max_response_days) == (5, 20, 40)
    assert l2.different_responder
    assert [s.response_days for s in CORPORATE_LEGACY.stages] == [10, 25]


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda s: s.code)
def test_shipped_definitions_round_trip_through_json(spec):
    assert ProcedureDef.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize(
    ("spec", "number", "received", "dates", "expected_due"),
    [
        # Children's stage 1 over Christmas and New Year 2023/24.
        (CHILDREN_STATUTORY, 1, D(2023, 12, 18), {}, D(2024, 1, 4)),
        # Over Easter 2024 (Good Friday 29 March, Easter Monday 1 April).
        (CHILDREN_STATUTORY, 1, D(2024, 3, 22), {}, D(2024, 4, 9)),
        # Over the Coronation bank holiday, 8 May 2023.
        (CHILDREN_STATUTORY, 1, D(2023, 5, 2), {}, D(2023, 5, 17)),
        # Stage 2: 25 working days from the agreed statement, over the Queen's funeral 2022.
        (
            CHILDREN_STATUTORY,
            2,
            D(2022, 8, 30),
            {M.STATEMENT_AGREED: D(2022, 9, 5)},
            D(2022, 10, 11),
        ),
        # Stage 3: the panel meets within 30 working days of the request (Platinum Jubilee).
        (CHILDREN_STATUTORY, 3, D(2022, 5, 16), {}, D(2022, 6, 29)),
        # LGSCO: 10 working days from the acknowledgement, over the August bank holiday.
        (CORPORATE_LGSCO, 1, D(2025, 8, 18), {M.ACKNOWLEDGED: D(2025, 8, 20)}, D(2025, 9, 4)),
        # Legacy corporate stage 2: 25 working days from the request; Boxing Day 2020 was a
        # Saturday, so 28 December was the substitute day.
        (CORPORATE_LEGACY, 2, D(2020, 12, 14), {}, D(2021, 1, 21)),
        # Adults: six calendar months; no 31 June, and 30 June 2024 is a Sunday.
        (ADULTS_STATUTORY, 1, D(2023, 12, 31), {}, D(2024, 7, 1)),
    ],
)
def test_response_due_dates_across_bank_holidays(spec, number, received, dates, expected_due):
    clock = clocks.compute(spec.stage(number), {M.RECEIVED: received, **dates})
    assert clock.due_on == expected_due


def test_stage3_chain_uses_actual_dates_once_recorded():
    stage = CHILDREN_STATUTORY.stage(3)
    clock = clocks.compute(
        stage,
        {
            M.RECEIVED: D(2024, 3, 11),
            M.PANEL_MET: D(2024, 4, 22),
            M.PANEL_REPORT_SENT: D(2024, 5, 2),
            M.COUNCIL_RESPONSE_SENT: D(2024, 5, 20),
        },
    )
    assert clock.step_dues["panel_report"].due == D(2024, 4, 29)
    assert clock.within_timescale is False  # the report was late


def test_lgsco_unacknowledged_projects_from_acknowledgement_due():
    clock = clocks.compute(CORPORATE_LGSCO.stage(1), {M.RECEIVED: D(2024, 5, 1)})
    assert clock.acknowledgement_due is not None
    assert clock.acknowledgement_due.due == D(2024, 5, 9)
    assert clock.due_on == D(2024, 5, 23)
    assert "the clock starts when acknowledged" in clock.explanation


@settings(max_examples=150, deadline=None)
@given(
    received=st.dates(D(2012, 1, 1), D(2027, 6, 30)),
    spec=st.sampled_from([CHILDREN_STATUTORY, CORPORATE_LEGACY]),
)
def test_stage1_due_is_the_nth_working_day_and_a_working_day(received, spec):
    """Property: the due date is a working day, reached by adding the response days."""
    stage = spec.stage(1)
    clock = clocks.compute(stage, {M.RECEIVED: received})
    assert clock.due_on == add_working_days(received, stage.response_days)
    assert is_working_day(clock.due_on)
    assert clock.latest_extension_on == add_working_days(received, stage.max_response_days)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stages": []}, "at least one stage"),
        ({"kind": "nonsense"}, "not valid"),
        ({"time_limit_months": "abc"}, "time_limit_months must be a whole number"),
        ({"time_limit_months": 1.5}, "time_limit_months must be a whole number"),
        ({"time_limit_months": -3}, "time_limit_months must be a whole number"),
        ({"time_limit_months": 1_000_000}, "time_limit_months must be a whole number"),
        ({"code": "x" * 300}, "The code must be 1 to 40"),
        ({"code": "Has Spaces"}, "The code must be 1 to 40"),
    ],
)
def test_invalid_definitions_are_refused(change, message):
    data = {**CHILDREN_STATUTORY.to_dict(), **change}
    with pytest.raises(DefinitionError, match=message):
        ProcedureDef.from_dict(data)


@pytest.mark.parametrize("recorded_by", [[], ["investigating_officer"], ["manager", "panel"]])
def test_who_records_a_stage_is_one_of_the_roles_that_answer(recorded_by):
    """recorded_by names at least one of the roles that may answer a complaint."""
    data = CHILDREN_STATUTORY.to_dict()
    data["stages"][1]["recorded_by"] = recorded_by
    with pytest.raises(DefinitionError, match="recorded_by lists who records its response"):
        ProcedureDef.from_dict(data)


def test_shipped_stages_say_who_records_them():
    """Responses by the feedback team or a manager (the senior manager's adjudication at
    stage 2); the council's response to a review panel by the feedback team."""
    c1, c2, c3 = CHILDREN_STATUTORY.stages
    assert c1.responders == c2.responders == ("feedback_officer", "administrator", "manager")
    assert c3.responders == ("feedback_officer", "administrator")


def test_a_clock_longer_than_any_calendar_is_refused():
    """A response time of ten million days would make dates past the year 9999."""
    data = CHILDREN_STATUTORY.to_dict()
    data["stages"][0]["response_days"] = 10**7
    data["stages"][0]["max_response_days"] = 10**7
    with pytest.raises(DefinitionError, match="response_days must be a whole number from 1"):
        ProcedureDef.from_dict(data)


def test_extension_shorter_than_response_is_refused():
    data = CHILDREN_STATUTORY.to_dict()
    data["stages"][0]["max_response_days"] = 5
    with pytest.raises(DefinitionError, match="shorter than the response"):
        ProcedureDef.from_dict(data)


def test_shipped_procedures_are_installed():
    assert set(Procedure.objects.values_list("code", flat=True)) == {s.code for s in SHIPPED}


def test_change_makes_new_version_and_cases_keep_theirs(admin_user, officer):
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, tzinfo=dt.UTC), tick=False):
        before = complaint(actor=officer, received_on=D(2024, 3, 1))
        data = CHILDREN_STATUTORY.to_dict()
        data["stages"][0]["response_days"] = 15
        version = procedure_version_create(definition=data, actor=admin_user, note="Longer")
        after = complaint(actor=officer, received_on=D(2024, 3, 1))
    assert version.number == 2
    before.refresh_from_db()
    assert before.procedure_version is not None
    assert before.procedure_version.number == 1
    assert before.stages.get().due_on == D(2024, 3, 15)
    assert after.procedure_version == version
    assert after.stages.get().due_on == D(2024, 3, 22)


def test_only_administrators_change_procedures(officer):
    with pytest.raises(ApplicationError, match="Only an administrator"):
        procedure_version_create(definition=CHILDREN_STATUTORY.to_dict(), actor=officer)


def test_unchanged_definition_is_not_a_new_version(admin_user):
    with pytest.raises(ApplicationError, match="same as the current version"):
        procedure_version_create(definition=CHILDREN_STATUTORY.to_dict(), actor=admin_user)


# --- Council closure days: working days for every statutory clock ---------------------------


def _skipping(spec: ProcedureDef, **changes) -> dict:
    return {**spec.to_dict(), "skip_closure_days": True, **changes}


def test_no_shipped_procedure_skips_closure_days():
    """Reg 2 (2006), the 2009 Regulations and the LGSCO Code count working days without the
    council's closure days: no shipped procedure skips them."""
    assert [spec.skip_closure_days for spec in SHIPPED] == [False] * len(SHIPPED)


@pytest.mark.parametrize("spec", [CHILDREN_STATUTORY, ADULTS_STATUTORY], ids=lambda s: s.code)
def test_a_statutory_procedure_may_not_skip_closure_days(spec):
    """The statutory working day is defined by the Regulations: a version that would skip the
    council's closure days is refused, saying why."""
    with pytest.raises(DefinitionError, match="A statutory procedure counts the council's"):
        ProcedureDef.from_dict(_skipping(spec))


def test_a_non_statutory_procedure_may_skip_closure_days():
    """A corporate procedure may say its clocks skip closure days (the council's own policy)."""
    spec = ProcedureDef.from_dict(_skipping(CORPORATE_LEGACY, code="corporate-own"))
    assert spec.skip_closure_days


def test_a_statutory_clock_counts_a_closure_day_and_says_so():
    """A closure day inside a children's stage 1 does not move the response date; the
    explanation names it as counted."""
    with rules.override_closure_days({D(2024, 3, 8): "Staff training day"}):
        clock = clocks.compute(CHILDREN_STATUTORY.stage(1), {M.RECEIVED: D(2024, 3, 1)})
    assert clock.due_on == D(2024, 3, 15)
    assert clock.explanation == (
        "Due 15 March 2024: 10 working days after receipt on 1 March 2024; 8 March, a council "
        "closure day, counts as a working day."
    )


def test_a_clock_that_skips_closure_days_moves_and_says_so():
    """A procedure whose definition skips closure days moves its deadline past one, and the
    explanation names the day skipped; its days taken skip it too."""
    spec = ProcedureDef.from_dict(_skipping(CORPORATE_LEGACY, code="corporate-own")).stage(1)
    with rules.override_closure_days({D(2024, 3, 8): "Staff training day"}):
        clock = clocks.compute(
            spec,
            {M.RECEIVED: D(2024, 3, 1), M.RESPONSE_SENT: D(2024, 3, 18)},
            skip_closure_days=True,
        )
    assert clock.due_on == D(2024, 3, 18)
    assert clock.explanation == (
        "Due 18 March 2024: 10 working days after receipt on 1 March 2024, not counting 8 March "
        "(8 March: a council closure day)."
    )
    assert (clock.working_days_taken, clock.within_timescale) == (10, True)


def test_timeliness_counts_a_closure_day_as_a_working_day(officer):
    """A stage 1 answered 11 working days after receipt, one of them a closure day, is
    outside the statutory timescale: the closure day does not buy a day."""
    ClosureDay.objects.create(date=D(2024, 3, 8), reason="Staff training day")
    with time_machine.travel(dt.datetime(2024, 3, 20, 12, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=D(2024, 3, 1), procedure_code=CHILDREN)
        respond_all(case, on=D(2024, 3, 18), actor=officer)
    stage = case.stages.get()
    assert (stage.due_on, stage.working_days_taken, stage.within_timescale) == (
        D(2024, 3, 15),
        11,
        False,
    )
    assert "8 March, a council closure day, counts as a working day" in stage.due_explanation


# --- Each date labelled with its milestone ------------------------------------------------


def test_stage1_dues_each_carry_their_own_label_and_explanation():
    """Unacknowledged, a stage 1's next date is the acknowledgement, explained as such; the
    response date keeps its own explanation."""
    clock = clocks.compute(CHILDREN_STATUTORY.stage(1), {M.RECEIVED: D(2023, 11, 29)})
    assert [(d.key, d.label, d.due) for d in clock.dues] == [
        ("acknowledgement", "acknowledgement", D(2023, 12, 4)),
        ("response", "response", D(2023, 12, 13)),
    ]
    assert clock.next_due is not None
    assert clock.next_due.key == "acknowledgement"
    assert clock.next_due.explanation == (
        "Due 4 December 2023: 3 working days after receipt on 29 November 2023."
    )
    assert clock.dues[1].explanation == (
        "Due 13 December 2023: 10 working days after receipt on 29 November 2023."
    )
    acknowledged = clocks.compute(
        CHILDREN_STATUTORY.stage(1),
        {M.RECEIVED: D(2023, 11, 29), M.ACKNOWLEDGED: D(2023, 11, 30)},
    )
    assert acknowledged.next_due is not None
    assert acknowledged.next_due.key == "response"
    assert acknowledged.dues[0].done_on == D(2023, 11, 30)


def test_stage3_next_date_is_the_step_in_hand_with_its_own_name():
    """At stage 3 the date in force is that of the step in hand (the panel report once the
    panel has met), named as that step; the council's response keeps its own date."""
    clock = clocks.compute(
        CHILDREN_STATUTORY.stage(3),
        {M.RECEIVED: D(2023, 10, 2), M.ACKNOWLEDGED: D(2023, 10, 3), M.PANEL_MET: D(2023, 12, 1)},
    )
    labels = {d.key: (d.label, d.due) for d in clock.dues}
    assert labels == {
        "acknowledgement": ("acknowledgement", D(2023, 10, 5)),
        "panel_meeting": ("panel meeting", D(2023, 11, 13)),
        "panel_report": ("panel report", D(2023, 12, 8)),
        "council_response": ("council's response", D(2024, 1, 3)),
    }
    assert clock.next_due is not None
    assert clock.next_due.key == "panel_report"
    assert clock.next_due.explanation.startswith(
        "Due 8 December 2023: 5 working days after the panel meeting on 1 December 2023"
    )


def test_a_concluded_stage_shows_the_last_day_to_ask_for_the_next():
    """Concluded, nothing more is due from the team; the complainant's window is labelled."""
    clock = clocks.compute(
        CHILDREN_STATUTORY.stage(1),
        {M.RECEIVED: D(2024, 3, 1), M.ACKNOWLEDGED: D(2024, 3, 4), M.RESPONSE_SENT: D(2024, 3, 8)},
    )
    assert clock.next_due is None
    assert clock.dues[-1].key == "escalation"
    assert clock.dues[-1].heading == "Last day to ask for stage 2"
    assert clock.dues[-1].due == D(2024, 4, 9)  # Good Friday and Easter Monday
