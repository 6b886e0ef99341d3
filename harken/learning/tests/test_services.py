"""The action plan's rules, through the services: validation, numbering, access and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from harken.accounts.models import Role, ServiceArea
from harken.accounts.tests.factories import make_user
from harken.cases import services as case_services
from harken.cases.models import TimelineEvent
from harken.cases.tests.factories import complaint
from harken.core.errors import AccessDenied, ApplicationError
from harken.learning import selectors, services
from harken.learning.models import ActionStatus, Decision, Source
from harken.registers.models import OmbudsmanCase

from .factories import action, recommendation, stage2_case, team

pytestmark = pytest.mark.django_db

D = dt.date


def events(case, verb):
    return list(TimelineEvent.objects.filter(case=case, verb=verb).order_by("id"))


def field_error(exc_info, field):
    return exc_info.value.field_errors[field][0]


# --- Recommendations ------------------------------------------------------------------------


def test_recommendations_are_numbered_within_the_case_and_go_on_the_timeline(officer):
    """R1, R2 on one case; each recorded on the case's timeline; the team gives the area."""
    case = stage2_case(officer)
    first = recommendation(officer, case)
    second = recommendation(officer, case, text="Train staff on recording.")
    assert (first.number, second.number) == (1, 2)
    assert second.reference == f"{case.reference} R2"
    assert first.stage is not None
    assert first.stage.number == 2
    assert first.service_area.name == "Children's social care"
    added = events(case, "recommendation_added")
    assert len(added) == 2
    assert "R1 (stage 2 investigation, made 1 March 2024)" in added[0].description
    assert added[0].actor == officer


def test_stage_source_needs_that_stage(officer):
    """A stage 3 recommendation on a case that never reached stage 3 is refused."""
    case = stage2_case(officer)
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, source=Source.STAGE3)
    assert "has no stage 3" in field_error(exc, "source")


@pytest.mark.parametrize(
    ("made_on", "message"),
    [
        (None, "Enter the date the recommendation was made."),
        (D(2024, 7, 1), "must be today or in the past"),
        (D(2024, 1, 26), "on or after stage 2 was requested (29 January 2024)"),
    ],
)
def test_made_on_is_checked(officer, made_on, message):
    case = stage2_case(officer)
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, made_on=made_on)
    assert message in field_error(exc, "made_on")


def test_ombudsman_recommendation_on_any_case_from_its_receipt(officer):
    """The Ombudsman's recommendations need no stage; the date is checked against receipt."""
    case = complaint(actor=officer, received_on=D(2024, 2, 1))
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, source=Source.OMBUDSMAN, made_on=D(2024, 1, 31))
    assert "the case was received (1 February 2024)" in field_error(exc, "made_on")
    made = recommendation(
        officer, case, source=Source.OMBUDSMAN, made_on=D(2024, 6, 3), decided_on=D(2024, 6, 10)
    )
    assert made.stage is None


def test_ombudsman_case_must_be_the_cases_own_and_source_ombudsman(officer):
    case = stage2_case(officer)
    other = stage2_case(officer)
    theirs = OmbudsmanCase.objects.create(
        case=other, ombudsman_reference="24 000 111", enquiry_received_on=D(2024, 4, 1)
    )
    ours = OmbudsmanCase.objects.create(
        case=case, ombudsman_reference="24 000 222", enquiry_received_on=D(2024, 4, 1)
    )
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, source=Source.OMBUDSMAN, ombudsman_case=theirs)
    assert "not about" in field_error(exc, "ombudsman_case")
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, source=Source.STAGE2, ombudsman_case=ours)
    assert "Only a recommendation from the Ombudsman" in field_error(exc, "ombudsman_case")
    made = recommendation(officer, case, source=Source.OMBUDSMAN, ombudsman_case=ours)
    assert list(ours.recommendations.all()) == [made]


def test_decision_needs_a_date_after_made_and_a_reason_if_refused(officer):
    case = stage2_case(officer)
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, decided_on=None)
    assert field_error(exc, "decided_on") == "Enter the date of the decision."
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, decided_on=D(2024, 2, 28))
    assert "on or after the recommendation was made" in field_error(exc, "decided_on")
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, decision=Decision.NOT_ACCEPTED)
    assert "reason" in field_error(exc, "decision_reason")
    pending = recommendation(officer, case, decision=Decision.PENDING)
    assert pending.decided_on is None


def test_team_must_belong_to_the_chosen_service_area(officer):
    case = stage2_case(officer)
    education = ServiceArea.objects.get(name="Education and SEND")
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, service_area=education)
    assert "is not part of Education and SEND" in field_error(exc, "team")
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, team=None)
    assert field_error(exc, "service_area") == "Choose the service area."
    made = recommendation(officer, case, team=None, service_area=education)
    assert made.team is None


def test_text_is_required(officer):
    case = stage2_case(officer)
    with pytest.raises(ApplicationError) as exc:
        recommendation(officer, case, text="   ")
    assert field_error(exc, "text") == "Enter the recommendation."


def test_only_officers_who_can_see_the_case_add_recommendations(officer, manager, admin_user):
    case = stage2_case(officer)
    with pytest.raises(AccessDenied):
        recommendation(manager, case)
    case_services.case_restrict(case=case, restricted=True, people=[], actor=admin_user)
    with pytest.raises(AccessDenied):
        recommendation(officer, case)
    assert recommendation(admin_user, case).number == 1


def test_update_records_changes_and_the_decision(officer):
    case = stage2_case(officer)
    rec = recommendation(officer, case, decision=Decision.PENDING)
    services.recommendation_update(
        recommendation=rec,
        actor=officer,
        decision=Decision.ACCEPTED,
        decided_on=D(2024, 3, 15),
        text="Share plans in writing.",
    )
    rec.refresh_from_db()
    assert rec.decision == Decision.ACCEPTED
    (event,) = events(case, "recommendation_decided")
    assert event.description == "Recommendation R1 accepted on 15 March 2024"
    assert event.changes["decision"] == ["pending", "accepted"]
    assert event.changes["text"][1] == "Share plans in writing."


def test_update_refuses_unknown_fields_and_checks_actions(officer, manager):
    case = stage2_case(officer)
    rec = recommendation(officer, case, decision=Decision.PENDING)
    action(officer, rec, manager, due_on=D(2024, 3, 20))
    with pytest.raises(TypeError, match="'case'"):  # a field it does not change: refused
        services.recommendation_update(recommendation=rec, actor=officer, case=None)  # type: ignore[call-arg]
    with pytest.raises(ApplicationError) as exc:
        services.recommendation_update(recommendation=rec, actor=officer, made_on=D(2024, 3, 25))
    assert "Action 1 is due on 20 March 2024" in field_error(exc, "made_on")
    with pytest.raises(ApplicationError) as exc:
        services.recommendation_update(
            recommendation=rec,
            actor=officer,
            decision=Decision.NOT_ACCEPTED,
            decided_on=D(2024, 4, 1),
            decision_reason="Too costly",
        )
    assert "actions still open" in field_error(exc, "decision")


def test_changing_the_team_moves_the_service_area(officer):
    case = stage2_case(officer)
    rec = recommendation(officer, case)
    services.recommendation_update(recommendation=rec, actor=officer, team=team("SEND Team"))
    rec.refresh_from_db()
    assert rec.service_area.name == "Education and SEND"


# --- Actions --------------------------------------------------------------------------------


def test_actions_are_numbered_and_checked(officer, manager, io_user):
    case = stage2_case(officer)
    rec = recommendation(officer, case)
    first = action(officer, rec, manager)
    second = action(officer, rec, officer)
    assert (first.reference, second.number) == (f"{case.reference} R1.1", 2)
    (added, _) = events(case, "action_added")
    assert added.description == "Action R1.1 added: owned by Mo Tester, due 30 September 2024"
    with pytest.raises(ApplicationError) as exc:
        action(officer, rec, manager, due_on=D(2024, 2, 29))
    assert "on or after the recommendation was made (1 March 2024)" in field_error(exc, "due_on")
    with pytest.raises(ApplicationError) as exc:
        action(officer, rec, io_user)
    assert "cannot own an action" in field_error(exc, "owner")
    with pytest.raises(ApplicationError) as exc:
        action(officer, rec, manager, description="")
    assert field_error(exc, "description") == "Describe the action."


def test_a_refused_recommendation_has_no_actions(officer, manager):
    case = stage2_case(officer)
    rec = recommendation(
        officer, case, decision=Decision.NOT_ACCEPTED, decision_reason="Already done"
    )
    with pytest.raises(ApplicationError, match="not accepted"):
        action(officer, rec, manager)


def test_completion_needs_evidence_and_a_real_date(officer, manager):
    """The owner completes the action: evidence and a past date after the recommendation."""
    case = stage2_case(officer)
    act = action(officer, action_rec := recommendation(officer, case), manager)
    complete: dict[str, Any] = {"action": act, "actor": manager, "status": ActionStatus.COMPLETED}
    with pytest.raises(ApplicationError) as exc:
        services.action_record_progress(**complete, completed_on=D(2024, 6, 1))
    assert field_error(exc, "evidence") == "Describe the evidence that the action is complete."
    with pytest.raises(ApplicationError) as exc:
        services.action_record_progress(**complete, evidence="New guidance")
    assert field_error(exc, "completed_on") == "Enter the date the action was completed."
    with pytest.raises(ApplicationError) as exc:
        services.action_record_progress(
            **complete, evidence="New guidance", completed_on=D(2024, 7, 1)
        )
    assert "today or in the past" in field_error(exc, "completed_on")
    with pytest.raises(ApplicationError) as exc:
        services.action_record_progress(
            **complete, evidence="New guidance", completed_on=D(2024, 2, 1)
        )
    assert "on or after the recommendation was made" in field_error(exc, "completed_on")
    act.refresh_from_db()
    assert act.status == ActionStatus.OPEN  # nothing half-saved
    services.action_record_progress(
        **complete, evidence="Guidance v2 on the intranet", completed_on=D(2024, 6, 20)
    )
    act.refresh_from_db()
    assert (act.status, act.completed_on) == (ActionStatus.COMPLETED, D(2024, 6, 20))
    (event,) = events(action_rec.case, "action_progress")
    assert event.description == "Action R1.1 completed on 20 June 2024"
    assert event.actor == manager
    assert event.changes["status"] == ["open", "completed"]


def test_reopening_clears_the_completion_date(officer, manager):
    case = stage2_case(officer)
    act = action(officer, recommendation(officer, case), manager)
    services.action_record_progress(
        action=act,
        actor=manager,
        status=ActionStatus.COMPLETED,
        evidence="Done",
        completed_on=D(2024, 6, 20),
    )
    services.action_record_progress(
        action=act, actor=officer, status=ActionStatus.IN_PROGRESS, progress="Not embedded yet"
    )
    act.refresh_from_db()
    assert act.completed_on is None
    assert act.evidence == "Done"
    assert events(case, "action_progress")[-1].description == "Action R1.1 reopened"


def test_who_may_record_progress(officer, manager, other_manager, io_user, admin_user):
    """The owner, the manager of the recommendation's team and officers; nobody else."""
    case = stage2_case(officer)
    rec = recommendation(officer, case)  # for the Assessment Teams: `manager`'s team
    act = action(officer, rec, officer)
    progress: dict[str, Any] = {"action": act, "status": ActionStatus.IN_PROGRESS}
    for allowed in (officer, manager, admin_user):
        services.action_record_progress(**progress, actor=allowed, progress=f"by {allowed}")
    for refused in (other_manager, io_user):
        with pytest.raises(AccessDenied):
            services.action_record_progress(**progress, actor=refused)
    owned = action(officer, rec, other_manager)
    services.action_record_progress(
        action=owned, actor=other_manager, status=ActionStatus.IN_PROGRESS
    )


def test_officer_edits_and_cancels_open_actions_only(officer, manager, other_manager):
    case = stage2_case(officer)
    act = action(officer, recommendation(officer, case), manager)
    with pytest.raises(AccessDenied):
        services.action_update(action=act, actor=manager, due_on=D(2024, 12, 1))
    services.action_update(action=act, actor=officer, owner=other_manager, due_on=D(2024, 12, 2))
    (changed,) = events(case, "action_changed")
    assert changed.changes["owner"] == ["Mo Tester", "Sam Tester"]
    assert changed.changes["due_on"] == ["2024-09-30", "2024-12-02"]
    with pytest.raises(ApplicationError) as exc:
        services.action_cancel(action=act, actor=officer, reason="")
    assert "reason" in field_error(exc, "cancel_reason")
    services.action_cancel(action=act, actor=officer, reason="Covered by R2")
    act.refresh_from_db()
    assert (act.status, act.cancelled_on) == (ActionStatus.CANCELLED, D(2024, 6, 28))
    with pytest.raises(ApplicationError, match="cancelled"):
        services.action_update(action=act, actor=officer, due_on=D(2024, 12, 3))
    with pytest.raises(ApplicationError, match="cancelled"):
        services.action_record_progress(action=act, actor=officer, status=ActionStatus.OPEN)


def test_no_change_records_no_event(officer, manager):
    case = stage2_case(officer)
    act = action(officer, recommendation(officer, case), manager)
    services.action_update(action=act, actor=officer, due_on=act.due_on)
    services.action_record_progress(action=act, actor=manager, status=ActionStatus.OPEN)
    assert events(case, "action_changed") == []
    assert events(case, "action_progress") == []


# --- Who sees what --------------------------------------------------------------------------


def test_visibility_by_role_team_ownership_and_restriction(
    officer, admin_user, manager, other_manager, io_user, report_viewer
):
    assessment = stage2_case(officer)  # manager's team
    send = stage2_case(officer, team="SEND Team")  # other_manager's team
    rec_a = recommendation(officer, assessment)
    rec_s = recommendation(officer, send)
    action(officer, rec_s, manager)  # manager owns an action on the SEND case

    def seen(user):
        return set(selectors.visible_recommendations(user))

    assert seen(officer) == {rec_a, rec_s}
    assert seen(manager) == {rec_a, rec_s}
    assert seen(other_manager) == {rec_s}
    assert seen(io_user) == set()
    assert seen(report_viewer) == set()
    # A recommendation for a team on another team's case: that team's manager sees it.
    cross = recommendation(officer, assessment, team=team("SEND Team"))
    assert cross in seen(other_manager)
    # A restricted case: only the people named on it, and owners of its actions.
    case_services.case_restrict(case=assessment, restricted=True, people=[], actor=admin_user)
    assert seen(officer) == {rec_s}
    assert rec_a not in seen(manager)
    assert cross not in seen(other_manager)
    owner = make_user("oscar_manager", Role.MANAGER)
    action(admin_user, rec_a, owner)
    assert seen(owner) == {rec_a}
