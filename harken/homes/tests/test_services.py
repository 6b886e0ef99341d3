"""The homes' services: what they refuse, that a refusal saves nothing, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases.models import Case, Kind, SafeguardingConcern, TimelineEvent
from harken.core.errors import AccessDenied, ApplicationError
from harken.homes import services
from harken.homes.models import Home, HomeEvent, Issue, Triage, Visit
from harken.learning.models import Action, Recommendation, Source
from harken.registers.models import AdvocacyReferral

from .factories import D, drop_in, home, visit

pytestmark = pytest.mark.django_db


def _error(exc: pytest.ExceptionInfo[ApplicationError], field: str) -> str:
    return exc.value.field_errors[field][0]


@pytest.mark.parametrize(
    ("urn", "stored"),
    [("SC123456", "SC123456"), ("sc 123456", "SC123456"), ("2591234", "2591234")],
)
def test_an_ofsted_urn_is_sc_and_six_digits_or_digits(officer, urn, stored):
    assert home(officer, ofsted_urn=urn).ofsted_urn == stored


@pytest.mark.parametrize("urn", ["SC12345", "XY123456", "12345", "SC1234567", "SC12345A"])
def test_a_malformed_ofsted_urn_is_refused_beside_its_field(officer, urn):
    with pytest.raises(ApplicationError) as exc:
        home(officer, ofsted_urn=urn)
    assert "Enter the Ofsted URN as Ofsted shows it" in _error(exc, "ofsted_urn")
    assert not Home.objects.exists()


def test_two_homes_cannot_share_an_ofsted_urn(officer):
    home(officer)
    with pytest.raises(ApplicationError) as exc:
        home(officer, name="Elm House")
    assert _error(exc, "ofsted_urn") == (
        "Oak Lodge already has Ofsted URN SC123456: each home has its own."
    )


def test_a_home_closed_before_it_opened_is_refused(officer):
    with pytest.raises(ApplicationError) as exc:
        home(officer, closed_on=D(2019, 1, 1))
    assert "closed_on" in exc.value.field_errors


def test_only_the_feedback_team_records_homes(manager, io_user):
    for who in (manager, io_user):
        with pytest.raises(AccessDenied):
            home(who)
    assert not Home.objects.exists()


def test_adding_and_changing_a_home_is_audited(officer):
    h = home(officer)
    services.home_update(home=h, actor=officer, places=5, closed_on=D(2024, 6, 1))
    events = list(HomeEvent.objects.filter(home=h).order_by("id"))
    assert [e.verb for e in events] == [HomeEvent.Verb.HOME_ADDED, HomeEvent.Verb.HOME_CHANGED]
    assert events[1].changes["places"] == ["4", "5"]
    assert events[1].actor == officer


def test_a_visit_in_the_future_is_refused_and_nothing_is_saved(officer):
    h = home(officer)
    with pytest.raises(ApplicationError) as exc:
        visit(officer, h, visited_on=D(2024, 6, 29))
    assert _error(exc, "visited_on") == "The date of the visit must be today or in the past."
    assert not Visit.objects.exists()
    assert not HomeEvent.objects.filter(verb=HomeEvent.Verb.VISIT_RECORDED).exists()


def test_a_visit_before_the_home_opened_or_after_it_closed_is_refused(officer):
    h = home(officer, opened_on=D(2024, 1, 1), closed_on=D(2024, 3, 31))
    for day in (D(2023, 12, 31), D(2024, 4, 1)):
        with pytest.raises(ApplicationError) as exc:
            visit(officer, h, visited_on=day)
        assert "visited_on" in exc.value.field_errors
    assert not Visit.objects.exists()


def test_a_visit_needs_both_of_the_visitors_opinions(officer):
    h = home(officer)
    with pytest.raises(ApplicationError) as exc:
        visit(officer, h, safeguarded="")
    assert _error(exc, "safeguarded") == (
        "Choose the visitor's opinion on whether children are effectively safeguarded."
    )


def test_numbers_spoken_to_are_whole_numbers(officer):
    h = home(officer)
    with pytest.raises(ApplicationError) as exc:
        visit(officer, h, children_spoken_to="two")
    assert _error(exc, "children_spoken_to") == (
        "The number of children spoken to must be a whole number."
    )


def test_a_report_sent_before_the_visit_is_refused(officer):
    h = home(officer)
    with pytest.raises(ApplicationError) as exc:
        visit(officer, h, sent_to_ofsted_on=D(2024, 5, 1))
    assert "sent_to_ofsted_on" in exc.value.field_errors


def test_a_visit_is_recorded_and_audited(officer):
    v = visit(officer, home(officer))
    assert v.children_spoken_to == 3
    event = HomeEvent.objects.get(verb=HomeEvent.Verb.VISIT_RECORDED)
    assert event.visit == v
    assert event.home == v.home
    assert "14 May 2024" in event.description


def test_a_recommendation_goes_on_the_action_plan_with_its_owner_and_timescale(
    officer, manager, assessment_team
):
    v = visit(officer, home(officer))
    rec = services.visit_recommendation_add(
        visit=v,
        text="Repair the garden fence.",
        owner=manager,
        due_on=D(2024, 7, 31),
        team=assessment_team,
        actor=officer,
    )
    assert rec.source == Source.VISIT
    assert rec.case is None
    assert rec.visit == v
    assert rec.reference == f"V{v.pk} R1"
    [action] = Action.objects.filter(recommendation=rec)
    assert (action.owner, action.due_on) == (manager, D(2024, 7, 31))
    assert HomeEvent.objects.filter(visit=v, verb=HomeEvent.Verb.VISIT_RECOMMENDATION).exists()
    # Its progress is recorded like any action's, and audited on the visit.
    from harken.learning import services as learning

    learning.action_record_progress(
        action=action,
        status="completed",
        evidence="Fence repaired; photo on file.",
        completed_on=D(2024, 6, 27),
        actor=manager,
    )
    assert HomeEvent.objects.filter(visit=v, verb=HomeEvent.Verb.PLAN_CHANGED).exists()


def test_a_recommendation_due_before_the_visit_saves_nothing(officer, manager, assessment_team):
    v = visit(officer, home(officer))
    with pytest.raises(ApplicationError) as exc:
        services.visit_recommendation_add(
            visit=v,
            text="Repair the fence.",
            owner=manager,
            due_on=D(2024, 5, 1),
            team=assessment_team,
            actor=officer,
        )
    assert "due_on" in exc.value.field_errors
    assert not Recommendation.objects.exists()


def test_a_safeguarding_concern_at_a_visit_becomes_a_concern_on_an_initial_contact(officer):
    v = visit(officer, home(officer))
    issue = services.issue_record(
        actor=officer,
        visit=v,
        summary="A child said a member of staff shouted at them at night.",
        triage=Triage.SAFEGUARDING,
        referred_to="lado",
        referred_on=D(2024, 5, 15),
    )
    case = issue.case
    assert case is not None
    assert case.kind == Kind.CONTACT
    assert case.received_on == v.visited_on
    concern = SafeguardingConcern.objects.get(case=case)
    assert issue.safeguarding_concern == concern
    assert case.raised_at.get() == issue  # the link both ways
    assert case.events.filter(verb=TimelineEvent.Verb.RAISED_AT_VISIT).exists()
    assert case.events.filter(verb=TimelineEvent.Verb.SAFEGUARDING).exists()


def test_a_safeguarding_concern_without_where_it_was_referred_saves_nothing(officer):
    v = visit(officer, home(officer))
    with pytest.raises(ApplicationError) as exc:
        services.issue_record(
            actor=officer, visit=v, summary="A concern.", triage=Triage.SAFEGUARDING
        )
    assert "referred_to" in exc.value.field_errors
    assert not Case.objects.exists()
    assert not Issue.objects.exists()


def test_a_drop_in_issue_becomes_a_complaint_from_the_young_person_in_one_step(officer):
    d = drop_in(officer)
    issue = services.issue_record(
        actor=officer,
        drop_in=d,
        summary="My social worker never calls me back.",
        triage=Triage.COMPLAINT,
        child_first_name="Jo",
        child_last_name="Young",
    )
    case = issue.case
    assert case is not None
    assert case.kind == Kind.COMPLAINT
    assert case.stage_number == 1
    party = case.parties.get()
    assert party.person.looked_after
    assert party.relationship == "child"
    assert case.elements.get().summary == "My social worker never calls me back."
    assert "Jo" not in issue.summary


def test_a_complaint_needs_the_young_persons_name(officer):
    d = drop_in(officer)
    with pytest.raises(ApplicationError) as exc:
        services.issue_record(actor=officer, drop_in=d, summary="Unhappy.", triage=Triage.COMPLAINT)
    assert "child_first_name" in exc.value.field_errors
    assert not Case.objects.exists()


def test_advocacy_from_a_drop_in_is_on_the_advocacy_register(officer):
    d = drop_in(officer)
    issue = services.issue_record(
        actor=officer,
        drop_in=d,
        summary="Wants help to speak at their review.",
        triage=Triage.ADVOCACY,
        child_first_name="Sam",
        child_last_name="Young",
        advocacy_provider="independent",
    )
    referral = AdvocacyReferral.objects.get()
    assert issue.advocacy_referral == referral
    assert referral.referred_on == d.held_on
    assert referral.raised_at == issue


def test_passed_to_the_team_needs_the_team_and_the_date(officer, assessment_team):
    d = drop_in(officer)
    with pytest.raises(ApplicationError) as exc:
        services.issue_record(
            actor=officer, drop_in=d, summary="Pocket money late.", triage=Triage.PASSED_TO_TEAM
        )
    assert "passed_to" in exc.value.field_errors
    issue = services.issue_record(
        actor=officer,
        drop_in=d,
        summary="Pocket money late.",
        triage=Triage.PASSED_TO_TEAM,
        passed_to=assessment_team,
        passed_on=D(2024, 6, 21),
    )
    assert issue.passed_to == assessment_team
    assert issue.case is None


def test_a_drop_in_needs_a_home_or_a_placement(officer):
    with pytest.raises(ApplicationError) as exc:
        drop_in(officer, placement="")
    assert "home" in exc.value.field_errors


def test_a_drop_in_officer_must_be_in_the_feedback_team(officer, manager):
    with pytest.raises(ApplicationError) as exc:
        drop_in(officer, officer=manager)
    assert "officer" in exc.value.field_errors


def test_only_the_feedback_team_records_a_visit_or_an_issue(officer, manager):
    h = home(officer)
    with pytest.raises(AccessDenied):
        visit(manager, h)
    v = visit(officer, h)
    with pytest.raises(AccessDenied):
        services.issue_record(actor=manager, visit=v, summary="x", triage=Triage.NO_ACTION)


def test_a_date_in_the_future_of_a_drop_in_is_refused(officer):
    with pytest.raises(ApplicationError) as exc:
        drop_in(officer, held_on=D(2024, 7, 1))
    assert "held_on" in exc.value.field_errors


def test_recommendation_dates_pin_the_visit_date(officer, manager, assessment_team):
    v = visit(officer, home(officer))
    services.visit_recommendation_add(
        visit=v, text="x", owner=manager, due_on=D(2024, 7, 1), team=assessment_team, actor=officer
    )
    with pytest.raises(ApplicationError):
        services.visit_update(visit=v, actor=officer, visited_on=dt.date(2024, 5, 20))
