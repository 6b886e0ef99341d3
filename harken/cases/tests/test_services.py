"""The complaint workflow, through the services, against each shipped procedure."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from harken.cases import services
from harken.cases.models import (
    AppointmentRole,
    Case,
    ContactOutcome,
    Kind,
    Outcome,
    Referral,
    Stage,
    Status,
    TimelineEvent,
)
from harken.core.errors import AccessDenied, ApplicationError

from .factories import complaint, respond_all

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def stage(case: Case, number: int) -> Stage:
    return case.stages.get(number=number)


def test_reference_is_human_and_sequential_per_year(officer):
    """References read HK-<year>-<number>, counting up within the year received."""
    a = complaint(actor=officer, received_on=D(2024, 1, 3))
    b = complaint(actor=officer, received_on=D(2024, 1, 4))
    c = complaint(actor=officer, received_on=D(2023, 12, 1))
    assert a.reference == "HK-2024-00001"
    assert b.reference == "HK-2024-00002"
    assert c.reference == "HK-2023-00001"


def test_a_refused_case_uses_no_reference_and_leaves_nothing(officer):
    """A case refused part-way (a person with an unknown part) is not saved and does not use
    up a number: the next case takes the next reference in the year."""
    complaint(actor=officer, received_on=D(2024, 1, 3))
    with pytest.raises(ApplicationError):
        services.case_create(
            actor=officer,
            kind=Kind.CONTACT,
            channel="phone",
            received_on=D(2024, 1, 4),
            summary="Phone call",
            people=[services.PersonInput(role="neighbour", details={"first_name": "Ann"})],
        )
    assert Case.objects.count() == 1
    assert not Case.objects.filter(reference__startswith="~").exists()
    later = complaint(actor=officer, received_on=D(2024, 1, 5))
    assert later.reference == "HK-2024-00002"


def test_the_same_person_twice_in_one_part_is_recorded_once(officer):
    first = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 1, 4),
        summary="Phone call",
        people=[services.PersonInput(role="complainant", details={"first_name": "Ann"})],
    )
    person = first.parties.get().person
    again = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 1, 5),
        summary="Second call",
        people=[
            services.PersonInput(role="complainant", person=person),
            services.PersonInput(role="complainant", person=person),
            services.PersonInput(role="child", person=person),
        ],
    )
    assert sorted(again.parties.values_list("role", flat=True)) == ["child", "complainant"]


def test_stage1_children_due_10_working_days_after_receipt_over_christmas(officer):
    """Received 18 December 2023: due 4 January 2024, skipping 25, 26 December and 1 January."""
    case = complaint(actor=officer, received_on=D(2023, 12, 18))
    s1 = stage(case, 1)
    assert s1.due_on == D(2024, 1, 4)
    assert s1.acknowledgement_due_on == D(2023, 12, 21)
    assert "not counting 25 and 26 December and 1 January" in s1.due_explanation
    case.refresh_from_db()
    assert case.next_due_on == D(2023, 12, 21)
    assert case.next_due_label == "Stage 1 acknowledgement due"


def test_complaint_procedure_suggested_by_team(officer):
    """A SEND complaint follows the corporate procedure; social care the statutory one."""
    send = complaint(actor=officer, received_on=D(2024, 3, 1), team="SEND Team")
    social = complaint(actor=officer, received_on=D(2024, 3, 1))
    assert send.procedure_version is not None
    assert social.procedure_version is not None
    assert send.procedure_version.procedure.code == "corporate-lgsco-2024"
    assert social.procedure_version.procedure.code == "children-statutory"


def test_extension_within_maximum_is_accepted_and_counts_for_timeliness(officer):
    """An agreed extension to 20 working days makes a day-18 response on time."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    services.stage_acknowledge(case=case, on=D(2024, 3, 4), actor=officer)
    services.stage_extend(
        case=case,
        new_due_on=D(2024, 3, 28),
        reason="Complex",
        complainant_told_on=D(2024, 3, 12),
        actor=officer,
    )
    respond_all(case, on=D(2024, 3, 27), actor=officer)
    s1 = stage(case, 1)
    assert s1.original_due_on == D(2024, 3, 15)
    assert s1.due_on == D(2024, 3, 28)
    assert s1.within_timescale is True
    assert s1.working_days_taken == 18


def test_extension_beyond_maximum_is_refused(officer):
    """Stage 1 may extend to 20 working days at most: 21 is refused with the latest date."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(ApplicationError) as err:
        services.stage_extend(
            case=case,
            new_due_on=D(2024, 4, 3),
            reason="Complex",
            complainant_told_on=D(2024, 3, 12),
            actor=officer,
        )
    assert "20 working days at most: 2 April 2024" in err.value.message
    assert not stage(case, 1).extensions.exists()


def _extend(case, *, to, told):
    return services.stage_extend(
        case=case, new_due_on=to, reason="Complex", complainant_told_on=told, actor=case.created_by
    )


def test_an_extension_agreed_after_the_due_date_is_refused(officer):
    """Due 15 March; an extension the complainant was told of on 22 March cannot rescue the
    late stage: refused with the reason, beside the date, and nothing saved."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(ApplicationError) as err:
        _extend(case, to=D(2024, 3, 28), told=D(2024, 3, 22))
    assert err.value.field_errors["complainant_told_on"] == [
        "The complainant was told on 22 March 2024, after the response was due (15 March "
        "2024): an extension must be agreed before the date it extends."
    ]
    assert not stage(case, 1).extensions.exists()
    respond_all(case, on=D(2024, 3, 27), actor=officer)
    assert stage(case, 1).within_timescale is False


def test_an_extension_agreed_on_the_due_date_is_accepted(officer):
    """Agreed on the day the response was due: still before the deadline passed."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    _extend(case, to=D(2024, 3, 28), told=D(2024, 3, 15))
    respond_all(case, on=D(2024, 3, 27), actor=officer)
    assert stage(case, 1).within_timescale is True


def test_a_further_extension_is_agreed_before_the_date_then_in_force(officer):
    """A second extension is judged against the date as it stood when the complainant was
    told: before the first extension's date it is accepted, after it refused."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    _extend(case, to=D(2024, 3, 22), told=D(2024, 3, 14))
    with pytest.raises(ApplicationError, match=r"after the response was due \(22 March 2024\)"):
        _extend(case, to=D(2024, 3, 28), told=D(2024, 3, 25))
    _extend(case, to=D(2024, 3, 28), told=D(2024, 3, 21))
    assert stage(case, 1).due_on == D(2024, 3, 28)


def test_a_response_dated_before_an_extension_was_agreed_is_refused(officer):
    """An extension is agreed before the response: a response dated earlier than the
    extension's agreement is refused, so the extension cannot be added after the event."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    _extend(case, to=D(2024, 3, 28), told=D(2024, 3, 14))
    with pytest.raises(ApplicationError) as err:
        respond_all(case, on=D(2024, 3, 13), actor=officer)
    assert err.value.field_errors["on"] == [
        "The response is dated 13 March 2024, before the extension agreed on 14 March 2024: "
        "an extension is agreed before the response."
    ]
    assert stage(case, 1).response_sent_on is None


def test_late_response_misses_timescale(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    respond_all(case, on=D(2024, 3, 18), actor=officer)
    s1 = stage(case, 1)
    assert s1.within_timescale is False
    assert s1.working_days_taken == 11


def test_adult_procedure_has_six_month_relevant_period_and_no_extension(officer):
    case = complaint(actor=officer, received_on=D(2024, 1, 31), procedure_code="adults-statutory")
    s1 = stage(case, 1)
    assert s1.due_on == D(2024, 7, 31)
    with pytest.raises(ApplicationError, match="cannot be extended"):
        services.stage_extend(
            case=case,
            new_due_on=D(2024, 8, 30),
            reason="x",
            complainant_told_on=D(2024, 2, 1),
            actor=officer,
        )


def test_lgsco_response_counts_from_acknowledgement(officer):
    """Corporate (Code 2024): respond within 10 working days of the acknowledgement."""
    case = complaint(actor=officer, received_on=D(2024, 5, 1), team="SEND Team")
    assert stage(case, 1).acknowledgement_due_on == D(2024, 5, 9)  # 6 May bank holiday
    services.stage_acknowledge(case=case, on=D(2024, 5, 7), actor=officer)
    assert stage(case, 1).due_on == D(2024, 5, 21)


def test_lgsco_stage2_needs_a_different_responder(officer, admin_user):
    case = complaint(actor=officer, received_on=D(2024, 5, 1), team="SEND Team")
    services.stage_acknowledge(case=case, on=D(2024, 5, 2), actor=officer)
    respond_all(case, on=D(2024, 5, 10), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 5, 20), actor=officer)
    with pytest.raises(ApplicationError, match="someone other than"):
        respond_all(case, on=D(2024, 6, 1), actor=officer)
    respond_all(case, on=D(2024, 6, 3), actor=officer, responder=admin_user)
    assert stage(case, 2).concluded_on == D(2024, 6, 3)


def test_stage2_request_without_stage1_response_is_refused(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(ApplicationError, match="Stage 1 has no response yet"):
        services.complaint_escalate(case=case, requested_on=D(2024, 3, 5), actor=officer)


def test_concluding_needs_an_outcome_for_every_element(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1), elements=3)
    first = case.elements.order_by("number")[0]
    with pytest.raises(ApplicationError, match="element 2, 3 has none"):
        services.stage_respond(
            case=case, on=D(2024, 3, 8), actor=officer, outcomes={first.pk: Outcome.UPHELD}
        )
    assert stage(case, 1).concluded_on is None
    assert not first.outcomes.exists()


def test_late_escalation_needs_a_reason(officer):
    """Stage 2 must be asked for within 20 working days of the stage 1 response."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    assert stage(case, 1).escalation_due_on == D(2024, 4, 9)  # Easter: 29 Mar, 1 Apr
    with pytest.raises(ApplicationError) as err:
        services.complaint_escalate(case=case, requested_on=D(2024, 4, 10), actor=officer)
    assert "late_reason" in err.value.field_errors
    s2 = services.complaint_escalate(
        case=case,
        requested_on=D(2024, 4, 10),
        actor=officer,
        late_reason="Complainant was in hospital",
    )
    assert s2.late_request_reason == "Complainant was in hospital"


def _to_stage2(officer, io_user, ip_user) -> Case:
    case = complaint(actor=officer, received_on=D(2024, 1, 8))
    respond_all(case, on=D(2024, 1, 19), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 1, 29), actor=officer)
    return case


def test_stage2_clock_runs_from_agreed_statement(officer, io_user, ip_user):
    case = _to_stage2(officer, io_user, ip_user)
    case.refresh_from_db()
    assert case.paused is True
    assert stage(case, 2).due_on is None
    services.statement_agree(case=case, on=D(2024, 2, 5), actor=officer)
    case.refresh_from_db()
    assert case.paused is False
    assert stage(case, 2).due_on == D(2024, 3, 11)  # 25 working days
    assert stage(case, 2).latest_extension_on == D(2024, 5, 9)  # 65, over Easter and 6 May


def test_adjudication_needs_statement_io_and_ip(officer, io_user, ip_user):
    case = _to_stage2(officer, io_user, ip_user)
    with pytest.raises(ApplicationError, match="statement of complaint"):
        respond_all(case, on=D(2024, 3, 1), actor=officer)
    services.statement_agree(case=case, on=D(2024, 2, 5), actor=officer)
    with pytest.raises(ApplicationError, match="Investigating Officer"):
        respond_all(case, on=D(2024, 3, 1), actor=officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 2, 6),
        actor=officer,
    )
    with pytest.raises(ApplicationError, match="Independent Person"):
        respond_all(case, on=D(2024, 3, 1), actor=officer)
    services.appointment_make(
        case=case,
        user=ip_user,
        role=AppointmentRole.INDEPENDENT_PERSON,
        on=D(2024, 2, 6),
        actor=officer,
    )
    respond_all(case, on=D(2024, 3, 1), actor=officer)
    s2 = stage(case, 2)
    assert s2.within_timescale is True
    assert s2.io_appointed_on == D(2024, 2, 6)


def test_council_employee_cannot_be_independent_person(officer, io_user, manager):
    case = _to_stage2(officer, io_user, None)
    with pytest.raises(ApplicationError, match="independent of it"):
        services.appointment_make(
            case=case,
            user=manager,
            role=AppointmentRole.INDEPENDENT_PERSON,
            on=D(2024, 2, 6),
            actor=officer,
        )


def _to_stage3(officer, io_user, ip_user) -> Case:
    case = _to_stage2(officer, io_user, ip_user)
    services.statement_agree(case=case, on=D(2024, 2, 5), actor=officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 2, 6),
        actor=officer,
    )
    services.appointment_make(
        case=case,
        user=ip_user,
        role=AppointmentRole.INDEPENDENT_PERSON,
        on=D(2024, 2, 6),
        actor=officer,
    )
    respond_all(case, on=D(2024, 3, 1), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 11), actor=officer)
    return case


def test_stage3_panel_steps_30_5_15(officer, io_user, ip_user, panel_users):
    case = _to_stage3(officer, io_user, ip_user)
    s3 = stage(case, 3)
    assert s3.due_on == D(2024, 4, 24)  # panel meets within 30 working days (Easter)
    with pytest.raises(ApplicationError, match="Appoint all 3 panel members"):
        services.panel_met(case=case, on=D(2024, 4, 10), actor=officer)
    services.appointment_make(
        case=case,
        user=panel_users[0],
        role=AppointmentRole.PANEL_CHAIR,
        on=D(2024, 3, 20),
        actor=officer,
    )
    for user in panel_users[1:3]:
        services.appointment_make(
            case=case,
            user=user,
            role=AppointmentRole.PANEL_MEMBER,
            on=D(2024, 3, 20),
            actor=officer,
        )
    with pytest.raises(ApplicationError, match="already has 3 members"):
        services.appointment_make(
            case=case,
            user=panel_users[3],
            role=AppointmentRole.PANEL_MEMBER,
            on=D(2024, 3, 20),
            actor=officer,
        )
    services.panel_met(case=case, on=D(2024, 4, 22), actor=officer)
    assert stage(case, 3).due_on == D(2024, 4, 29)  # report within 5 working days
    services.panel_report(case=case, on=D(2024, 4, 26), actor=officer)
    assert stage(case, 3).due_on == D(2024, 5, 20)  # response within 15 (6 May holiday)
    services.council_response(
        case=case,
        on=D(2024, 5, 17),
        actor=officer,
        outcomes={e.pk: Outcome.UPHELD for e in case.elements.all()},
    )
    s3 = stage(case, 3)
    assert s3.within_timescale is True
    assert s3.working_days_taken == working_days(D(2024, 3, 11), D(2024, 5, 17))
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    with pytest.raises(ApplicationError, match="Ombudsman"):
        services.complaint_escalate(case=case, requested_on=D(2024, 5, 20), actor=officer)


def _panel(case, officer, panel_users) -> None:
    for n, user in enumerate(panel_users[:3]):
        services.appointment_make(
            case=case,
            user=user,
            role=AppointmentRole.PANEL_CHAIR if n == 0 else AppointmentRole.PANEL_MEMBER,
            on=D(2024, 3, 20),
            actor=officer,
        )


def test_a_panel_meeting_is_planned_ahead_then_recorded_as_held(
    officer, io_user, ip_user, panel_users
):
    """Today is 28 June; the panel is planned for a day in July (a future date is fine for a
    plan), the later steps are projected from it, it can be moved, and the meeting is then
    recorded on the day it was held. Each change is on the timeline."""
    case = _to_stage3(officer, io_user, ip_user)
    _panel(case, officer, panel_users)
    services.panel_schedule(case=case, on=D(2024, 7, 10), actor=officer)
    s3 = stage(case, 3)
    assert s3.panel_planned_on == D(2024, 7, 10)
    clock = services.stage_clock(s3)
    meeting, report = clock.dues[1], clock.dues[2]
    assert meeting.planned_on == D(2024, 7, 10)
    assert report.due == D(2024, 7, 17)
    assert "the panel meeting planned for 10 July 2024" in report.explanation
    services.panel_schedule(case=case, on=D(2024, 7, 12), actor=officer)
    event = TimelineEvent.objects.filter(case=case, verb="panel_planned").last()
    assert event is not None
    assert event.description == "Review panel meeting planned for 12 July 2024"
    assert event.changes == {"stage 3 panel_planned_on": ["2024-07-10", "2024-07-12"]}
    services.panel_met(case=case, on=D(2024, 6, 27), actor=officer)
    s3 = stage(case, 3)
    assert (s3.panel_met_on, s3.due_on) == (D(2024, 6, 27), D(2024, 7, 4))
    with pytest.raises(ApplicationError, match="already met"):
        services.panel_schedule(case=case, on=D(2024, 7, 20), actor=officer)


def test_a_panel_cannot_be_planned_before_the_request_or_without_a_panel_stage(
    officer, io_user, ip_user
):
    case = _to_stage3(officer, io_user, ip_user)
    with pytest.raises(ApplicationError) as err:
        services.panel_schedule(case=case, on=D(2024, 3, 8), actor=officer)
    assert "on" in err.value.field_errors
    stage1 = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(ApplicationError, match="has no review panel"):
        services.panel_schedule(case=stage1, on=D(2024, 7, 1), actor=officer)


def working_days(a, b):
    from harken.workdays.rules import working_days_between

    return working_days_between(a, b)


def test_stage2_ip_may_not_sit_on_the_panel(officer, io_user, ip_user):
    case = _to_stage3(officer, io_user, ip_user)
    with pytest.raises(ApplicationError, match="may not sit on the review panel"):
        services.appointment_make(
            case=case,
            user=ip_user,
            role=AppointmentRole.PANEL_MEMBER,
            on=D(2024, 3, 20),
            actor=officer,
        )


def test_withdraw_closes_and_reopen_restores(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(ApplicationError, match="reason"):
        services.case_withdraw(case=case, on=D(2024, 3, 4), reason=" ", actor=officer)
    services.case_withdraw(case=case, on=D(2024, 3, 4), reason="Sorted out", actor=officer)
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    assert case.next_due_on is None
    with pytest.raises(ApplicationError, match="withdrawn"):
        services.stage_acknowledge(case=case, on=D(2024, 3, 5), actor=officer)
    services.case_reopen(case=case, reason="Recorded in error", actor=officer)
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.next_due_on == stage(case, 1).acknowledgement_due_on


def test_discontinue_when_child_declines_consent(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    services.case_discontinue(
        case=case, on=D(2024, 3, 6), actor=officer, reason="The young person declined consent"
    )
    case.refresh_from_db()
    assert case.status == Status.DISCONTINUED
    assert stage(case, 1).ended_early_on == D(2024, 3, 6)


def test_contact_progressed_to_stage1_keeps_link(officer, assessment_team):
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 4, 2),
        summary="Family time cancelled",
        teams=[assessment_team],
    )
    assert contact.due_on == D(2024, 4, 16)
    complaint_case = services.contact_progress(case=contact, on=D(2024, 4, 5), actor=officer)
    contact.refresh_from_db()
    assert contact.contact_outcome == ContactOutcome.PROGRESSED
    assert contact.status == Status.CLOSED
    assert complaint_case.progressed_from == contact
    assert complaint_case.kind == Kind.COMPLAINT
    assert stage(complaint_case, 1).received_on == D(2024, 4, 5)
    with pytest.raises(ApplicationError):
        services.contact_resolve(case=contact, on=D(2024, 4, 6), actor=officer)


def test_progressed_complaint_keeps_when_the_grounds_arose_and_the_late_reason(
    officer, assessment_team
):
    """A contact about something 14 months old, accepted late with a reason, becomes a stage 1
    complaint that still carries the date and the reason (the annual report counts them)."""
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="web",
        received_on=D(2024, 4, 2),
        summary="Placement move",
        teams=[assessment_team],
        grounds_arose_on=D(2023, 2, 1),
        late_complaint_reason="In hospital until March.",
    )
    complaint_case = services.contact_progress(case=contact, on=D(2024, 4, 5), actor=officer)
    assert complaint_case.grounds_arose_on == D(2023, 2, 1)
    assert complaint_case.late_complaint_reason == "In hospital until March."


def test_future_dates_are_refused(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(ApplicationError, match="today or in the past"):
        services.stage_acknowledge(case=case, on=D(2024, 7, 1), actor=officer)


def test_complaint_after_time_limit_needs_reason(officer):
    with pytest.raises(ApplicationError) as err:
        complaint(actor=officer, received_on=D(2024, 3, 1), grounds_arose_on=D(2022, 1, 1))
    assert "late_complaint_reason" in err.value.field_errors
    assert not Case.objects.exists()
    case = complaint(
        actor=officer,
        received_on=D(2024, 3, 1),
        grounds_arose_on=D(2022, 1, 1),
        late_complaint_reason="Only recently found out",
    )
    assert case.late_complaint_reason


def test_every_change_is_on_the_timeline_with_old_and_new_values(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    services.stage_acknowledge(case=case, on=D(2024, 3, 4), actor=officer)
    services.case_update(case=case, actor=officer, summary="New summary")
    events = list(TimelineEvent.objects.filter(case=case).order_by("id"))
    assert [e.verb for e in events] == ["created", "acknowledged", "updated"]
    assert events[1].changes == {"stage 1 acknowledged_on": [None, "2024-03-04"]}
    assert events[2].changes == {"summary": ["Unhappy with the service", "New summary"]}
    assert all(e.actor == officer for e in events)


def test_saving_the_details_unchanged_records_nothing(officer):
    """Text typed on another computer comes back with other line endings (and the form trims
    it): the same words are no change, and nothing reaches the timeline."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1), details="First line\nSecond line\n")
    services.case_update(
        case=case, actor=officer, details="First line\r\nSecond line", summary=case.summary
    )
    assert not TimelineEvent.objects.filter(case=case, verb="updated").exists()
    services.case_update(case=case, actor=officer, details="First line\r\nThird line")
    event = TimelineEvent.objects.get(case=case, verb="updated")
    assert event.changes == {"details": ["First line\nSecond line\n", "First line\nThird line"]}


def test_a_persons_details_saved_unchanged_record_nothing(officer):
    """Likewise a person's address or needs typed again with other line endings."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    person = case.parties.get().person
    services.person_update(person=person, actor=officer, address="1 High St\nTown")
    before = TimelineEvent.objects.filter(case=case, verb="person_updated").count()
    services.person_update(person=person, actor=officer, address="1 High St\r\nTown\r\n")
    assert TimelineEvent.objects.filter(case=case, verb="person_updated").count() == before


def test_safeguarding_referral_recorded(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(ApplicationError, match="date of the referral"):
        services.safeguarding_record(
            case=case,
            raised_on=D(2024, 3, 2),
            description="Bruise",
            referred_to=Referral.LADO,
            actor=officer,
        )
    concern = services.safeguarding_record(
        case=case,
        raised_on=D(2024, 3, 2),
        description="Concern about a foster carer",
        referred_to=Referral.LADO,
        referred_on=D(2024, 3, 2),
        actor=officer,
    )
    assert concern.get_referred_to_display().startswith("Local Authority Designated Officer")


def test_manager_cannot_act_on_another_teams_case(officer, other_manager):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(AccessDenied):
        services.stage_extend(
            case=case,
            new_due_on=D(2024, 3, 20),
            reason="x",
            complainant_told_on=D(2024, 3, 5),
            actor=other_manager,
        )


def test_manager_responds_but_does_not_manage(officer, manager):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    with pytest.raises(AccessDenied):
        services.stage_acknowledge(case=case, on=D(2024, 3, 4), actor=manager)
    respond_all(case, on=D(2024, 3, 8), actor=manager)
    assert stage(case, 1).responder == manager


def _stage2(officer, ip_user, io_user, *, procedure_code="children-statutory") -> Case:
    case = complaint(actor=officer, received_on=D(2024, 1, 8), procedure_code=procedure_code)
    respond_all(case, on=D(2024, 1, 19), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 1, 29), actor=officer)
    services.statement_agree(case=case, on=D(2024, 2, 5), actor=officer)
    for user, role in ((io_user, "io"), (ip_user, "ip")):
        services.appointment_make(case=case, user=user, role=role, on=D(2024, 2, 6), actor=officer)
    case.refresh_from_db()
    return case


def test_the_head_of_service_records_the_adjudication_they_write(
    officer, manager, io_user, ip_user
):
    """The children's procedure says a senior manager adjudicates stage 2: the manager who
    writes the adjudication letter records it (and may extend it), through the one rule the
    procedure states for who records each stage."""
    from harken.documents import services as documents
    from harken.documents.models import LetterKind, LetterTemplate

    case = _stage2(officer, ip_user, io_user)
    letter = documents.letter_build(
        case=case,
        template=LetterTemplate.objects.filter(kind=LetterKind.ADJUDICATION)[0],
        actor=manager,
    )
    assert letter.blocks
    services.stage_extend(
        case=case,
        new_due_on=D(2024, 3, 18),
        reason="Complex",
        complainant_told_on=D(2024, 2, 9),
        actor=manager,
    )
    respond_all(case, on=D(2024, 3, 15), actor=manager)
    assert (stage(case, 2).responder, stage(case, 2).concluded_on) == (manager, D(2024, 3, 15))


def test_a_procedure_that_keeps_stage_2_to_the_feedback_team_refuses_writing_and_recording(
    officer, manager, io_user, ip_user, admin_user
):
    """A council's version that says only the feedback team records stage 2: the manager may
    neither record the adjudication nor write its letter, by the same rule."""
    from harken.documents import services as documents
    from harken.documents.models import LetterKind, LetterTemplate
    from harken.procedures.definitions import CHILDREN_STATUTORY
    from harken.procedures.services import procedure_version_create

    definition = CHILDREN_STATUTORY.to_dict()
    definition["stages"][1]["recorded_by"] = ["feedback_officer", "administrator"]
    procedure_version_create(definition=definition, actor=admin_user)
    case = _stage2(officer, ip_user, io_user)
    message = re.escape(
        "Stage 2 (the adjudication) is recorded by a feedback officer or an administrator."
    )
    with pytest.raises(AccessDenied, match=message):
        respond_all(case, on=D(2024, 3, 1), actor=manager)
    with pytest.raises(AccessDenied, match=message):
        services.stage_extend(
            case=case,
            new_due_on=D(2024, 4, 1),
            reason="Complex",
            complainant_told_on=D(2024, 2, 9),
            actor=manager,
        )
    with pytest.raises(AccessDenied, match=message):
        documents.letter_build(
            case=case,
            template=LetterTemplate.objects.filter(kind=LetterKind.ADJUDICATION)[0],
            actor=manager,
        )
    respond_all(case, on=D(2024, 3, 1), actor=officer)


def test_the_council_response_to_a_panel_is_the_feedback_teams_to_record(
    officer, manager, io_user, ip_user, panel_users
):
    """Stage 3's response (the council's, to the panel) is recorded by the feedback team; a
    manager may not record it nor write its letter."""
    from harken.documents import services as documents
    from harken.documents.models import LetterKind, LetterTemplate

    case = _to_stage3(officer, io_user, ip_user)
    _panel(case, officer, panel_users)
    services.panel_met(case=case, on=D(2024, 4, 22), actor=officer)
    services.panel_report(case=case, on=D(2024, 4, 26), actor=officer)
    with pytest.raises(AccessDenied, match="Stage 3 \\(the council's response\\)"):
        services.council_response(
            case=case,
            on=D(2024, 5, 17),
            actor=manager,
            outcomes={e.pk: Outcome.UPHELD for e in case.elements.all()},
        )
    with pytest.raises(AccessDenied, match="Stage 3"):
        documents.letter_build(
            case=case,
            template=LetterTemplate.objects.filter(kind=LetterKind.PANEL_RESPONSE)[0],
            actor=manager,
        )


def test_the_page_offers_a_manager_the_adjudication_and_the_api_takes_it(
    officer, manager, io_user, ip_user, sign_in
):
    from rest_framework.test import APIClient

    case = _stage2(officer, ip_user, io_user)
    page = sign_in(manager).get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Record the adjudication" in page
    assert "/extend/" in page
    api = APIClient()
    api.force_authenticate(manager)
    response = api.post(
        f"/api/v1/cases/{case.reference}/respond/",
        {
            "on": "2024-03-01",
            "outcomes": [{"element": e.pk, "outcome": "upheld"} for e in case.elements.all()],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stages"][1]["responder"]["id"] == manager.pk


def test_deferred_start_while_advocate_arranged(officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    services.stage_pause(case=case, reason="an advocate is arranged", actor=officer)
    case.refresh_from_db()
    assert case.paused is True
    assert stage(case, 1).due_on is None
    services.stage_resume(case=case, on=D(2024, 3, 11), actor=officer)
    assert stage(case, 1).due_on == D(2024, 3, 25)


def test_a_deferred_clock_is_deferred_once_and_started_once(officer):
    """The same rules as the case page's actions: no second deferral, no second start."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    services.stage_pause(case=case, reason="an advocate is arranged", actor=officer)
    with pytest.raises(ApplicationError, match="already deferred: an advocate is arranged"):
        services.stage_pause(case=case, reason="something else", actor=officer)
    services.stage_resume(case=case, on=D(2024, 3, 11), actor=officer)
    with pytest.raises(ApplicationError, match="already started on 11 March 2024"):
        services.stage_resume(case=case, on=D(2024, 3, 18), actor=officer)
    assert stage(case, 1).due_on == D(2024, 3, 25)
    assert stage(case, 1).paused_reason == "an advocate is arranged"
