"""The action-plan pages: who may reach each, the forms' GOV.UK errors, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template.loader import render_to_string

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.learning import services
from harken.learning.models import Action, ActionStatus, Recommendation

from .factories import action, recommendation, stage2_case, team

pytestmark = pytest.mark.django_db

D = dt.date
PLAN = "/staff/learning/"
OVERVIEW = "/staff/learning/overview/"


def rec_url(rec):
    return f"/staff/learning/recommendations/{rec.pk}/"


@pytest.fixture
def case_with_action(officer, manager):
    case = stage2_case(officer)
    rec = recommendation(officer, case)
    return case, rec, action(officer, rec, manager)


def test_signed_out_goes_to_sign_in(client):
    response = client.get(PLAN)
    assert response.status_code == 302
    assert response.url.startswith("/staff/sign-in/")


@pytest.mark.parametrize(
    ("who", "plan", "overview"),
    [
        ("officer", 200, 200),
        ("admin_user", 200, 200),
        ("manager", 200, 200),
        ("report_viewer", 403, 200),
        ("io_user", 403, 403),
        ("ip_user", 403, 403),
    ],
)
def test_role_access_to_the_plan_and_overview(request, sign_in, who, plan, overview):
    client = sign_in(request.getfixturevalue(who))
    assert client.get(PLAN).status_code == plan
    assert client.get(OVERVIEW).status_code == overview


def test_action_plan_lists_and_filters(sign_in, officer, manager, other_manager):
    case = stage2_case(officer)
    rec = recommendation(officer, case)
    overdue = action(officer, rec, manager, due_on=D(2024, 6, 3), description="Fix the letters")
    later = action(officer, rec, other_manager, description="Train the team")
    send_rec = recommendation(
        officer, stage2_case(officer, team="SEND Team"), team=team("SEND Team")
    )
    action(officer, send_rec, other_manager, description="Review transport")
    client = sign_in(officer)
    page = client.get(PLAN).content.decode()
    assert "3 actions" in page
    assert page.index(overdue.reference) < page.index(later.reference)  # soonest first
    assert "Overdue" in page
    page = client.get(PLAN, {"overdue": "on"}).content.decode()
    assert "1 action" in page
    assert "Fix the letters" in page
    assert "Train the team" not in page
    assert "Remove this filter" in page
    page = client.get(PLAN, {"owner": other_manager.pk, "team": team("SEND Team").pk})
    assert "Review transport" in page.content.decode()
    assert "Train the team" not in page.content.decode()
    area = send_rec.service_area_id
    page = client.get(PLAN, {"service_area": area, "status": "outstanding"}).content.decode()
    assert "1 action" in page
    assert "Review transport" in page
    page = client.get(PLAN, {"status": "completed"}).content.decode()
    assert "No actions match these filters" in page
    # A filter value that does not exist shows everything rather than failing.
    assert client.get(PLAN, {"owner": "999999"}).status_code == 200


def test_managers_see_only_what_the_rules_allow(sign_in, officer, manager, other_manager):
    case = stage2_case(officer)
    rec = recommendation(officer, case)
    action(officer, rec, manager, description="Assessment work")
    client = sign_in(other_manager)
    assert "Assessment work" not in client.get(PLAN).content.decode()
    assert client.get(rec_url(rec)).status_code == 404
    assert "Assessment work" in sign_in(manager).get(PLAN).content.decode()


def test_action_plan_query_count_does_not_grow_with_rows(
    sign_in, officer, manager, django_assert_max_num_queries
):
    case = stage2_case(officer)
    rec = recommendation(officer, case)
    action(officer, rec, manager)
    client = sign_in(officer)
    client.get(PLAN)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(PLAN).status_code == 200
    for i in range(12):
        other = recommendation(officer, stage2_case(officer), text=f"More {i}")
        action(officer, other, manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PLAN).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(OVERVIEW).status_code == 200


def test_overview_shows_figures_and_links_only_for_plan_users(
    sign_in, case_with_action, report_viewer, officer
):
    _, rec, _act = case_with_action
    page = sign_in(report_viewer).get(OVERVIEW).content.decode()
    assert "Children&#x27;s social care" in page
    assert "?status=outstanding" not in page
    assert rec.case.reference not in page
    page = sign_in(officer).get(OVERVIEW).content.decode()
    assert f"?status=outstanding&amp;service_area={rec.service_area_id}" in page


def test_recommendation_page_shows_actions_and_what_each_may_do(
    sign_in, case_with_action, officer, manager, other_manager
):
    _case, rec, _act = case_with_action
    page = sign_in(officer).get(rec_url(rec)).content.decode()
    assert f"Recommendation {rec.reference}" in page
    assert "Record progress" in page
    assert "Add an action" in page
    assert "Cancel" in page
    page = sign_in(manager).get(rec_url(rec)).content.decode()
    assert "Record progress" in page
    assert "Add an action" not in page
    assert (
        sign_in(manager).get(f"/staff/learning/recommendations/{rec.pk}/edit/").status_code == 403
    )
    assert sign_in(other_manager).get(rec_url(rec)).status_code == 404


def test_a_cancelled_action_and_a_rejected_recommendation_offer_nothing_more(
    sign_in, case_with_action, officer
):
    """The page offers only what the services would do: no progress on a cancelled action,
    no change to it, and no new actions on a recommendation not accepted."""
    case, rec, act = case_with_action
    services.action_cancel(action=act, reason="Overtaken by the new guidance", actor=officer)
    page = sign_in(officer).get(rec_url(rec)).content.decode()
    assert "Record progress" not in page
    assert f"/staff/learning/actions/{act.pk}/cancel/" not in page
    assert f"/staff/learning/actions/{act.pk}/edit/" not in page
    assert "Add an action" in page
    rejected = recommendation(
        officer, case, decision="not_accepted", decision_reason="Already council policy."
    )
    page = sign_in(officer).get(rec_url(rejected)).content.decode()
    assert "Add an action" not in page


def test_add_recommendation_form_shows_errors_and_saves_nothing(sign_in, officer):
    case = stage2_case(officer)
    url = f"/staff/learning/cases/{case.reference}/recommendations/new/"
    client = sign_in(officer)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "source": "stage3",
            "made_on_0": "31",
            "made_on_1": "2",
            "made_on_2": "2024",
            "text": "",
            "decision": "pending",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Date the recommendation was made must be a real date" in page
    assert "Enter the recommendation" in page
    assert not Recommendation.objects.exists()
    # Shape is fine but the service refuses: shown beside the field.
    response = client.post(
        url,
        {
            "source": "stage3",
            "made_on_0": "1",
            "made_on_1": "3",
            "made_on_2": "2024",
            "text": "Share plans",
            "team": team("Assessment Teams").pk,
            "decision": "pending",
        },
    )
    assert "has no stage 3" in response.content.decode()
    assert not Recommendation.objects.exists()
    response = client.post(
        url,
        {
            "source": "stage2",
            "made_on_0": "1",
            "made_on_1": "3",
            "made_on_2": "2024",
            "text": "Share plans",
            "team": team("Assessment Teams").pk,
            "decision": "accepted",
            "decided_on_0": "8",
            "decided_on_1": "3",
            "decided_on_2": "2024",
        },
    )
    rec = Recommendation.objects.get()
    assert response.status_code == 302
    assert response.url == rec_url(rec)


def test_add_recommendation_refused_for_others(sign_in, officer, manager, io_user):
    case = stage2_case(officer)
    url = f"/staff/learning/cases/{case.reference}/recommendations/new/"
    assert sign_in(manager).get(url).status_code == 403
    assert sign_in(io_user).get(url).status_code == 403
    assert (
        sign_in(officer).get("/staff/learning/cases/HK-1999-00001/recommendations/new/").status_code
        == 404
    )


def test_add_and_edit_action_through_the_pages(sign_in, officer, manager, other_manager):
    case = stage2_case(officer)
    rec = recommendation(officer, case)
    client = sign_in(officer)
    url = f"/staff/learning/recommendations/{rec.pk}/actions/new/"
    response = client.post(url, {"description": "Do it", "owner": manager.pk})
    assert "Enter the due date" in response.content.decode()
    response = client.post(
        url,
        {
            "description": "Do it",
            "owner": manager.pk,
            "due_on_0": "1",
            "due_on_1": "2",
            "due_on_2": "2024",
        },
    )
    assert "on or after the recommendation was made" in response.content.decode()
    response = client.post(
        url,
        {
            "description": "Do it",
            "owner": manager.pk,
            "due_on_0": "1",
            "due_on_1": "10",
            "due_on_2": "2024",
        },
    )
    assert response.status_code == 302
    act = Action.objects.get()
    assert act.due_on == D(2024, 10, 1)
    response = client.post(
        f"/staff/learning/actions/{act.pk}/edit/",
        {
            "description": "Do it well",
            "owner": other_manager.pk,
            "due_on_0": "2",
            "due_on_1": "10",
            "due_on_2": "2024",
        },
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert (act.owner, act.description) == (other_manager, "Do it well")
    assert sign_in(manager).get(f"/staff/learning/actions/{act.pk}/edit/").status_code == 403


def test_owner_completes_action_with_evidence(sign_in, case_with_action, manager, other_manager):
    _, _rec, act = case_with_action
    url = f"/staff/learning/actions/{act.pk}/progress/"
    client = sign_in(manager)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "status": "completed",
            "completed_on_0": "20",
            "completed_on_1": "6",
            "completed_on_2": "2024",
        },
    )
    assert "Describe the evidence that the action is complete" in response.content.decode()
    response = client.post(
        url,
        {
            "status": "completed",
            "completed_on_0": "20",
            "completed_on_1": "6",
            "completed_on_2": "2024",
            "evidence": "New guidance published",
        },
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.status == ActionStatus.COMPLETED
    assert sign_in(other_manager).get(url).status_code == 404


def test_cancel_page(sign_in, case_with_action, officer, manager):
    _, _rec, act = case_with_action
    url = f"/staff/learning/actions/{act.pk}/cancel/"
    assert sign_in(manager).get(url).status_code == 403
    client = sign_in(officer)
    assert "Give the reason" in client.post(url, {"cancel_reason": ""}).content.decode()
    assert client.post(url, {"cancel_reason": "Not needed"}).status_code == 302
    act.refresh_from_db()
    assert act.status == ActionStatus.CANCELLED
    assert client.get(f"/staff/learning/actions/{act.pk}/progress/").status_code == 404


def test_case_panel_lists_recommendations_for_plan_users_only(
    case_with_action, officer, manager, io_user, django_assert_max_num_queries
):
    case, _rec, _act = case_with_action
    recommendation(officer, case, text="Second")
    with django_assert_max_num_queries(3):
        html = render_to_string("learning/case_panel.html", {"case": case, "user": officer})
    assert "Recommendations and actions" in html
    assert "0 of 1 completed" in html
    assert "0 of 0 completed" in html
    assert "Add a recommendation" in html
    html = render_to_string("learning/case_panel.html", {"case": case, "user": manager})
    assert "R1" in html
    assert "Add a recommendation" not in html
    html = render_to_string("learning/case_panel.html", {"case": case, "user": io_user})
    assert html.strip() == ""


def test_case_page_includes_the_panel(sign_in, case_with_action, officer):
    case, _, _ = case_with_action
    page = sign_in(officer).get(f"/staff/cases/{case.reference}/points/").content.decode()
    assert "Recommendations and actions" in page


def test_timeline_records_changes_made_through_pages(sign_in, case_with_action, manager):
    case, _, act = case_with_action
    sign_in(manager).post(
        f"/staff/learning/actions/{act.pk}/progress/",
        {"status": "in_progress", "progress": "Drafted"},
    )
    assert case.events.filter(verb="action_progress", actor=manager).exists()


def test_overdue_owner_from_other_team_sees_own_action(sign_in, officer):
    owner = make_user("fay_manager", Role.MANAGER)
    case = stage2_case(officer)
    rec = recommendation(officer, case)
    act = action(officer, rec, owner)  # due 30 September 2024
    services.action_record_progress(action=act, actor=owner, status=ActionStatus.IN_PROGRESS)
    client = sign_in(owner)
    # Not overdue yet: not on the overdue list.
    assert act.reference not in client.get(PLAN, {"overdue": "on"}).content.decode()
    with time_machine.travel(dt.datetime(2024, 10, 15, 12, tzinfo=dt.UTC), tick=False):
        response = sign_in(owner).get(PLAN, {"overdue": "on"})  # signed in again that day
        assert response.status_code == 200
        page = response.content.decode()
    assert act.reference in page


def test_reading_a_recommendation_is_in_its_case_audit_trail(sign_in, case_with_action, manager):
    from harken.cases.models import CaseRead

    case, rec, _act = case_with_action
    sign_in(manager).get(rec_url(rec))
    assert list(CaseRead.objects.filter(case=case).values_list("user", "via")) == [
        (manager.pk, "learning")
    ]
