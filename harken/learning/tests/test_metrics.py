"""The action plan's figures: the overview by service area and the report's summary."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.learning import metrics, services
from harken.learning.models import ActionStatus, Decision, Source

from .factories import action, recommendation, stage2_case, team

pytestmark = pytest.mark.django_db

D = dt.date


def complete(act, actor, on):
    services.action_record_progress(
        action=act, actor=actor, status=ActionStatus.COMPLETED, evidence="Done", completed_on=on
    )


@pytest.fixture
def plan(officer, manager, other_manager):
    """Social care: 2 recommendations, actions open (1 overdue), completed, cancelled.
    Education: 1 recommendation, 1 overdue action. One refused recommendation."""
    case = stage2_case(officer)
    r1 = recommendation(officer, case, made_on=D(2024, 3, 1))
    a1 = action(officer, r1, manager, due_on=D(2024, 4, 30))  # completed 1 May
    a2 = action(officer, r1, manager, due_on=D(2024, 5, 31))  # cancelled
    complete(a1, manager, D(2024, 5, 1))
    services.action_cancel(action=a2, actor=officer, reason="Merged into R2")
    r2 = recommendation(officer, case, made_on=D(2024, 4, 2), decided_on=D(2024, 4, 5))
    action(officer, r2, manager, due_on=D(2024, 6, 3))  # overdue
    action(officer, r2, manager, due_on=D(2024, 8, 1))  # open, not yet due
    send_case = stage2_case(officer, team="SEND Team")
    r3 = recommendation(
        officer, send_case, made_on=D(2024, 5, 1), decided_on=D(2024, 5, 2), team=team("SEND Team")
    )
    action(officer, r3, other_manager, due_on=D(2024, 6, 10))  # overdue
    recommendation(
        officer,
        send_case,
        made_on=D(2024, 5, 1),
        decision=Decision.NOT_ACCEPTED,
        decided_on=D(2024, 5, 20),
        decision_reason="Already in place",
        team=team("SEND Team"),
    )
    return {"r1": r1, "r2": r2, "r3": r3}


def test_overview_counts_open_overdue_completed_by_service_area(plan, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = metrics.action_overview()
    by_area = {r.service_area: r for r in rows}
    social = by_area["Children's social care"]
    assert (social.recommendations, social.open, social.overdue, social.completed) == (2, 2, 1, 1)
    education = by_area["Education and SEND"]
    assert (education.recommendations, education.open, education.overdue) == (2, 1, 1)
    assert by_area["Early help"].open == 0
    total = rows[-1]
    assert total.service_area_id is None
    assert (total.recommendations, total.open, total.overdue, total.completed) == (4, 3, 2, 1)


def test_summary_for_a_period(plan, django_assert_num_queries):
    """Made from 1 March to 30 June 2024, as things stand at the end of the period."""
    with django_assert_num_queries(1):
        summary = metrics.recommendations_summary(D(2024, 3, 1), D(2024, 6, 30))
    assert summary == {
        "made": 4,
        "not_accepted": 1,
        "implemented": 1,  # R1: its only live action completed (the other cancelled)
        "open": 2,
        "overdue": 2,  # R2 and R3 each have an action past its due date
        "actions_completed": 1,
    }


def test_summary_as_at_the_end_of_an_earlier_period(plan):
    """At 30 April R1's action was not yet completed (1 May) but already due: overdue."""
    summary = metrics.recommendations_summary(D(2024, 3, 1), D(2024, 4, 30))
    assert summary == {
        "made": 2,
        "not_accepted": 0,
        "implemented": 0,
        "open": 2,
        "overdue": 0,  # R1's action was due on 30 April: not yet past
        "actions_completed": 0,
    }
    summary = metrics.recommendations_summary(D(2024, 3, 1), D(2024, 5, 2))
    assert summary["implemented"] == 0  # the cancelled action still counted until cancelled
    assert summary["actions_completed"] == 1


def test_summary_of_a_period_with_nothing(db):
    assert metrics.recommendations_summary(D(2023, 1, 1), D(2023, 12, 31)) == {
        "made": 0,
        "not_accepted": 0,
        "implemented": 0,
        "open": 0,
        "overdue": 0,
        "actions_completed": 0,
    }


def test_ombudsman_recommendation_counts_like_any_other(officer, manager):
    case = stage2_case(officer)
    rec = recommendation(
        officer, case, source=Source.OMBUDSMAN, made_on=D(2024, 6, 3), decided_on=D(2024, 6, 4)
    )
    complete(action(officer, rec, manager, due_on=D(2024, 6, 30)), manager, D(2024, 6, 27))
    assert metrics.recommendations_summary(D(2024, 6, 1), D(2024, 6, 30))["implemented"] == 1
