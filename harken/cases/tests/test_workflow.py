"""The workflow is declared once (`cases.workflow`): the services refuse by it, the staff
pages offer by it and the API exposes it."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.api.actions import ACTIONS as API_ACTIONS
from harken.cases import services, workflow
from harken.cases.models import Kind
from harken.cases.tests.factories import complaint, respond_all
from harken.cases.workflow import TRANSITIONS, CaseState
from harken.casework.actions import ACTIONS as STAFF_ACTIONS
from harken.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

D = dt.date


def test_workflow_staff_pages_and_api_hold_the_same_transitions():
    """Adding a transition, a page or an endpoint alone fails here: each of the three lists
    names the same steps, once."""
    names = [t.name for t in TRANSITIONS]
    staff = [a.name for a in STAFF_ACTIONS]
    api = [a.transition.name for a in API_ACTIONS]
    assert len(set(names)) == len(names)
    assert sorted(staff) == sorted(names)
    assert sorted(api) == sorted(names)


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_each_transition_names_a_service_that_requires_it(transition):
    """The service a transition names exists, and starts by requiring that transition."""
    import inspect

    service = getattr(services, transition.service)
    source = inspect.getsource(service)
    assert f'"{transition.name}"' in source, transition.service


# --- Guards, each on its own ---------------------------------------------------------------


def _stage1(officer, **extra):
    return complaint(actor=officer, received_on=D(2024, 3, 1), **extra)


def test_a_concluded_stage_refuses_stage_work(officer):
    case = _stage1(officer)
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    state = CaseState(case, fresh=True)
    assert workflow._complaint_open(state) == "The complaint is closed."
    assert workflow._stage_running(state) == "Stage 1 is already concluded."


def test_only_stage_1_may_be_deferred(officer):
    case = _stage1(officer)
    assert workflow._deferrable_stage(CaseState(case, fresh=True)) is None
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    refusal = workflow._deferrable_stage(CaseState(case, fresh=True))
    assert refusal == "Only the start of stage 1 may be deferred."


def test_a_deferred_clock_is_not_deferred_twice(officer):
    case = _stage1(officer)
    services.stage_pause(case=case, reason="Advocate being arranged", actor=officer)
    state = CaseState(case, fresh=True)
    assert workflow._not_deferred(state) == (
        "The stage 1 clock is already deferred: Advocate being arranged"
    )
    assert workflow._deferred(state) is None


def test_the_last_stage_points_to_the_ombudsman(officer):
    case = _stage1(officer)
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    assert workflow._has_next_stage(CaseState(case, fresh=True)) is None
    case.stages.filter(number=2).update(concluded_on=D(2024, 5, 1))
    services.complaint_escalate(case=case, requested_on=D(2024, 5, 7), actor=officer)
    refusal = workflow._has_next_stage(CaseState(case, fresh=True))
    assert refusal is not None
    assert refusal.startswith("Stage 3 is the last stage of this procedure")


def test_a_withdrawn_complaint_cannot_be_escalated(officer):
    case = _stage1(officer)
    services.case_withdraw(case=case, on=D(2024, 3, 5), reason="Resolved", actor=officer)
    state = CaseState(case, fresh=True)
    assert workflow._not_ended_early(state) == "The complaint was withdrawn."


def test_reopen_is_for_an_ending_recorded_in_error(officer):
    case = _stage1(officer)
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    refusal = workflow._ended_early(CaseState(case, fresh=True))
    assert refusal is not None
    assert refusal.startswith("Stage 1 was concluded: escalate to the next stage")


def test_an_open_case_is_not_reopened(officer):
    assert workflow._closed(CaseState(_stage1(officer))) == "The case is already open."


# --- The page offers what the service accepts ----------------------------------------------


def _escalation_states(officer):
    """Complaints in each state an escalation could be asked of."""
    open_stage = _stage1(officer, summary="open")
    answered = _stage1(officer, summary="answered")
    respond_all(answered, on=D(2024, 3, 8), actor=officer)
    withdrawn = _stage1(officer, summary="withdrawn")
    services.case_withdraw(case=withdrawn, on=D(2024, 3, 5), reason="Resolved", actor=officer)
    contact = services.case_create(
        actor=officer, kind=Kind.CONTACT, channel="phone", received_on=D(2024, 3, 1), summary="x"
    )
    return [open_stage, answered, withdrawn, contact]


def test_escalation_is_offered_exactly_when_the_service_accepts_it(officer):
    """Before, the page offered escalation only for a closed complaint while the service
    refused only withdrawn or discontinued ones; both now read the procedure's rule: the
    stage's response has been sent and the procedure has a next stage."""
    transition = workflow.TRANSITIONS_BY_NAME["escalate"]
    for case in _escalation_states(officer):
        offered = transition.allowed(officer, CaseState(case))
        try:
            services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
        except ApplicationError as exc:
            accepted, message = False, exc.message
        else:
            accepted, message = True, ""
        assert offered == accepted, (case.summary, message)
        if not accepted:
            assert message == transition.refusal(CaseState(case, fresh=True))


@pytest.mark.parametrize("name", ["pause", "resume", "acknowledge", "statement", "extend"])
def test_a_step_the_page_does_not_offer_is_refused_with_the_guards_words(officer, name):
    """Each of these on a concluded stage: not offered, and the service says why."""
    case = _stage1(officer)
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    transition = workflow.TRANSITIONS_BY_NAME[name]
    assert not transition.allowed(officer, CaseState(case))
    with pytest.raises(ApplicationError) as refused:
        workflow.require(name, case=case, actor=officer)
    assert refused.value.message == "The complaint is closed."
