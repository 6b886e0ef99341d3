"""Every workflow action through its page; the services' refusals show beside the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases import services
from harken.cases.models import (
    AppointmentRole,
    Case,
    Element,
    Kind,
    Note,
    Outcome,
    PartyRole,
    Person,
    SafeguardingConcern,
    Stage,
    Status,
)
from harken.cases.tests.factories import respond_all

pytestmark = pytest.mark.django_db

D = dt.date


def form_data(**values: Any) -> dict[str, Any]:
    """Form data; a date becomes the three GOV.UK date boxes."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, dt.date):
            data.update({f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year})
        else:
            data[name] = value
    return data


def act(client: Any, case: Case, action: str, **values: Any) -> Any:
    return client.post(f"/staff/cases/{case.reference}/{action}/", form_data(**values))


# The case page's parts an action may land on ("" is its summary).
CASE_PARTS = ("", "people/", "points/", "stages/", "documents/", "timeline/")


def done(response: Any, case: Case, part: str | None = None) -> None:
    """The action was done and the user is back on the case page (on `part`, if given), or
    on to the letter for the step (acknowledgement, extension, response), drafted."""
    assert response.status_code == 302, response.content.decode()[:3000]
    location = response["Location"]
    if location.split("?")[0] == f"/staff/documents/cases/{case.reference}/letters/new/":
        return
    if part is None:
        assert location in {f"/staff/cases/{case.reference}/{p}" for p in CASE_PARTS}
    else:
        assert location == f"/staff/cases/{case.reference}/{part}"


def stage(case: Case, number: int) -> Stage:
    return Stage.objects.get(case=case, number=number)


def outcomes(case: Case, value: str = Outcome.NOT_UPHELD) -> dict[str, str]:
    return {f"outcome_{e.pk}": value for e in case.elements.all()}


def test_children_complaint_through_all_three_stages(
    officer, io_user, ip_user, panel_users, sign_in, make_complaint
):
    """Acknowledge, extend, respond, escalate, statement, IO and IP, adjudicate, then the
    review panel through to the council's response: every step through its page."""
    case = make_complaint(received_on=D(2024, 1, 8))
    client = sign_in(officer)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Record the stage 1 acknowledgement" in page

    done(act(client, case, "acknowledge", acknowledged_on=D(2024, 1, 9)), case)
    assert stage(case, 1).acknowledged_on == D(2024, 1, 9)

    done(
        act(
            client,
            case,
            "extend",
            new_due_on=D(2024, 2, 5),
            reason="Waiting for the social worker's return",
            complainant_told_on=D(2024, 1, 15),
        ),
        case,
    )
    assert stage(case, 1).due_on == D(2024, 2, 5)

    response = act(
        client,
        case,
        "respond",
        on=D(2024, 2, 1),
        **{**outcomes(case, Outcome.NOT_UPHELD), f"outcome_{case.elements.first().pk}": "upheld"},
    )
    done(response, case)
    s1 = stage(case, 1)
    assert s1.response_sent_on == D(2024, 2, 1)
    assert s1.within_timescale is True
    assert sorted(s1.outcomes.values_list("outcome", flat=True)) == ["not_upheld", "upheld"]
    case.refresh_from_db()
    assert case.status == Status.CLOSED

    done(act(client, case, "escalate", requested_on=D(2024, 2, 20)), case)
    done(act(client, case, "acknowledge", acknowledged_on=D(2024, 2, 21)), case)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    # No response date until the statement is agreed; four months on, past the team's target.
    assert "The clock starts with the agreed statement of complaint." in page
    assert ">Overdue</strong>" in page
    assert "Stage 2 agreed statement of complaint: the team&#x27;s own target" in page
    done(act(client, case, "statement", on=D(2024, 3, 1)), case)
    done(act(client, case, "appoint", user=io_user.pk, role="io", on=D(2024, 2, 26)), case)
    done(act(client, case, "appoint", user=ip_user.pk, role="ip", on=D(2024, 2, 26)), case)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Record the adjudication" in page
    done(act(client, case, "respond", on=D(2024, 4, 3), **outcomes(case)), case)
    assert stage(case, 2).concluded_on == D(2024, 4, 3)

    done(act(client, case, "escalate", requested_on=D(2024, 4, 10)), case)
    done(act(client, case, "acknowledge", acknowledged_on=D(2024, 4, 11)), case)
    for n, member in enumerate(panel_users[:3]):
        role = "panel_chair" if n == 0 else "panel_member"
        done(act(client, case, "appoint", user=member.pk, role=role, on=D(2024, 4, 15)), case)
    # Planned ahead (a future date is a plan), moved, then recorded as held.
    done(act(client, case, "schedule-panel", on=D(2024, 7, 8)), case)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Planned for 8 July 2024" in page
    assert "Move the planned panel meeting" in page
    done(act(client, case, "schedule-panel", on=D(2024, 5, 10)), case)
    done(act(client, case, "panel-met", on=D(2024, 5, 10)), case)
    done(act(client, case, "panel-report", on=D(2024, 5, 15)), case)
    done(act(client, case, "council-response", on=D(2024, 5, 30), **outcomes(case)), case)
    s3 = stage(case, 3)
    assert s3.council_response_sent_on == D(2024, 5, 30)
    assert s3.within_timescale is True
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Stage 3 dates: review panel steps" in page
    assert "Record a request for stage" not in page  # stage 3 is the last


def test_extension_beyond_the_maximum_is_shown_beside_the_date(officer, sign_in, case):
    """The service's refusal appears next to the new date; nothing is saved."""
    client = sign_in(officer)
    response = act(
        client,
        case,
        "extend",
        new_due_on=D(2024, 7, 31),
        reason="Complex",
        complainant_told_on=D(2024, 6, 10),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'id="id_new_due_on-error"' in html
    assert "can be extended to 20 working days at most" in html
    assert not stage(case, 1).extensions.exists()


def test_an_extension_agreed_late_is_shown_beside_the_date_told(officer, sign_in, case):
    """Due 17 June; telling the complainant on 20 June is too late: the refusal is beside
    "Date the complainant was told", in the error summary, and nothing is saved."""
    response = act(
        sign_in(officer),
        case,
        "extend",
        new_due_on=D(2024, 7, 1),
        reason="Complex",
        complainant_told_on=D(2024, 6, 20),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'id="id_complainant_told_on-error"' in html
    assert "after the response was due (17 June 2024)" in html
    assert not stage(case, 1).extensions.exists()


def test_saving_the_details_unchanged_adds_nothing_to_the_timeline(officer, sign_in, case):
    """The browser sends the details back with CRLF line endings: no false "Details: X -> X"."""
    services.case_update(case=case, actor=officer, details="Line one\nLine two")
    client = sign_in(officer)
    values = {
        "summary": case.summary,
        "details": "Line one\r\nLine two",
        "channel": case.channel,
        "teams": [t.pk for t in case.teams.all()],
        "themes": [t.pk for t in case.themes.all()],
    }
    done(act(client, case, "edit", **values), case)
    html = client.get(f"/staff/cases/{case.reference}/timeline/").content.decode()
    assert html.count("Case details changed") == 1  # only the change made above


def test_invalid_date_shows_gov_uk_message(officer, sign_in, case):
    response = act(
        sign_in(officer),
        case,
        "acknowledge",
        acknowledged_on_0="31",
        acknowledged_on_1="2",
        acknowledged_on_2="2024",
    )
    assert "Date acknowledged must be a real date" in response.content.decode()
    response = act(sign_in(officer), case, "acknowledge", acknowledged_on=D(2024, 7, 1))
    assert "Date acknowledged must be today or in the past" in response.content.decode()


def test_respond_needs_every_outcome(officer, sign_in, case):
    client = sign_in(officer)
    first = case.elements.order_by("number").first()
    response = act(client, case, "respond", on=D(2024, 6, 14), **{f"outcome_{first.pk}": "upheld"})
    assert response.status_code == 200
    assert "Choose an outcome for element 2" in response.content.decode()
    assert stage(case, 1).response_sent_on is None


def test_late_escalation_needs_a_reason(officer, sign_in, make_complaint):
    case = make_complaint(received_on=D(2024, 3, 1))
    services.stage_acknowledge(case=case, on=D(2024, 3, 4), actor=officer)
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    client = sign_in(officer)
    response = act(client, case, "escalate", requested_on=D(2024, 5, 1))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_late_reason-error"' in html
    assert "give the reason a late request is accepted" in html
    done(
        act(client, case, "escalate", requested_on=D(2024, 5, 1), late_reason="In hospital"),
        case,
    )
    assert stage(case, 2).late_request_reason == "In hospital"


def test_action_that_does_not_apply_redirects_with_a_message(officer, sign_in, case):
    client = sign_in(officer)
    response = client.get(f"/staff/cases/{case.reference}/panel-met/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "does not apply to this case now" in page


def test_contact_progressed_to_a_complaint(officer, sign_in, assessment_team):
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 6, 20),
        summary="Asked about a meeting",
        teams=[assessment_team],
    )
    client = sign_in(officer)
    response = act(
        client, contact, "progress", on=D(2024, 6, 24), procedure="", elements="Late\nRude"
    )
    assert response.status_code == 302
    complaint = Case.objects.get(progressed_from=contact)
    assert response["Location"] == f"/staff/cases/{complaint.reference}/"
    assert list(complaint.elements.values_list("summary", flat=True)) == ["Late", "Rude"]
    assert complaint.procedure_version is not None
    assert complaint.procedure_version.procedure.code == "children-statutory"
    page = client.get(f"/staff/cases/{contact.reference}/").content.decode()
    assert complaint.reference in page


def test_contact_resolved_and_reopened(officer, sign_in):
    contact = services.case_create(
        actor=officer, kind=Kind.CONTACT, channel="email", received_on=D(2024, 6, 20), summary="Q"
    )
    client = sign_in(officer)
    done(act(client, contact, "resolve", on=D(2024, 6, 21)), contact)
    contact.refresh_from_db()
    assert contact.status == Status.CLOSED
    done(act(client, contact, "reopen", reason="Recorded in error"), contact)
    contact.refresh_from_db()
    assert contact.status == Status.OPEN


def test_representation_answered(officer, sign_in):
    enquiry = services.case_create(
        actor=officer, kind=Kind.ENQUIRY, channel="letter", received_on=D(2024, 6, 20), summary="Q"
    )
    done(act(sign_in(officer), enquiry, "answer", on=D(2024, 6, 27)), enquiry)
    enquiry.refresh_from_db()
    assert enquiry.responded_on == D(2024, 6, 27)


def test_withdraw_then_reopen_then_discontinue(officer, sign_in, case):
    client = sign_in(officer)
    done(act(client, case, "withdraw", on=D(2024, 6, 20), reason="Sorted out"), case)
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Withdrawn" in page
    assert "/reopen/" in page
    done(act(client, case, "reopen", reason="Withdrawn in error"), case)
    done(act(client, case, "discontinue", on=D(2024, 6, 21), reason="No consent"), case)
    case.refresh_from_db()
    assert case.status == Status.DISCONTINUED


def test_assign_note_safeguarding_restrict_ombudsman(officer, manager, sign_in, case):
    client = sign_in(officer)
    done(act(client, case, "assign", user=manager.pk), case)
    case.refresh_from_db()
    assert case.assigned_to == manager
    done(act(client, case, "note", text="Rang mum back"), case)
    assert Note.objects.get(case=case).text == "Rang mum back"
    done(
        act(
            client,
            case,
            "safeguarding",
            raised_on=D(2024, 6, 27),
            description="Disclosure during the call",
            referred_to="front_door",
            referred_on=D(2024, 6, 27),
            referral_reference="MASH-123",
        ),
        case,
    )
    assert SafeguardingConcern.objects.get(case=case).referral_reference == "MASH-123"
    done(act(client, case, "ombudsman", involved="yes"), case)
    done(act(client, case, "restrict", restricted="yes", people=[manager.pk]), case)
    case.refresh_from_db()
    assert case.ombudsman_involved
    assert case.restricted
    html = client.get(f"/staff/cases/{case.reference}/").content.decode()
    # The safeguarding concern shows before anything else on the page.
    assert html.index("hk-safeguarding") < html.index("<h1")
    assert "Disclosure during the call" in html
    assert "Restricted" in html
    assert "Ombudsman involved" in html


def test_safeguarding_referral_needs_its_date(officer, sign_in, case):
    response = act(
        sign_in(officer),
        case,
        "safeguarding",
        raised_on=D(2024, 6, 27),
        description="Concern",
        referred_to="police",
    )
    assert response.status_code == 200
    assert 'id="id_referred_on-error"' in response.content.decode()


def test_pause_and_resume_the_stage_1_clock(officer, sign_in, case):
    client = sign_in(officer)
    done(act(client, case, "pause", reason="Advocate being arranged"), case)
    case.refresh_from_db()
    assert case.paused
    done(act(client, case, "resume", on=D(2024, 6, 10)), case)
    assert stage(case, 1).clock_override_on == D(2024, 6, 10)


def test_add_element_and_end_appointment(officer, io_user, sign_in, make_complaint):
    case = make_complaint(received_on=D(2024, 4, 1))
    client = sign_in(officer)
    done(act(client, case, "add-element", summary="Missed visit"), case)
    assert Element.objects.filter(case=case, number=3, summary="Missed visit").exists()
    services.stage_acknowledge(case=case, on=D(2024, 4, 2), actor=officer)
    respond_all(case, on=D(2024, 4, 10), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 4, 15), actor=officer)
    appointment = services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 4, 16),
        actor=officer,
    )
    done(act(client, case, "end-appointment", appointment=appointment.pk, on=D(2024, 5, 1)), case)
    appointment.refresh_from_db()
    assert appointment.ended_on == D(2024, 5, 1)


def test_ip_employed_by_council_is_refused_beside_the_person(
    officer, manager, sign_in, make_complaint
):
    case = make_complaint(received_on=D(2024, 4, 1))
    services.stage_acknowledge(case=case, on=D(2024, 4, 2), actor=officer)
    respond_all(case, on=D(2024, 4, 10), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 4, 15), actor=officer)
    response = act(sign_in(officer), case, "appoint", user=manager.pk, role="ip", on=D(2024, 4, 16))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_user-error"' in html
    assert "must be independent of it" in html


def test_add_person_finds_someone_already_recorded(officer, sign_in, case):
    existing = services.person_create(actor=officer, first_name="Jo", last_name="Bloggs")
    client = sign_in(officer)
    response = act(
        client, case, "add-person", party_role="child", first_name="Jo", last_name="Bloggs"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "may be the same person" in html
    assert f'value="{existing.pk}"' in html
    done(
        act(client, case, "add-person", party_role="child", existing=existing.pk),
        case,
    )
    assert case.parties.filter(person=existing, role=PartyRole.CHILD).exists()
    assert Person.objects.filter(last_name="Bloggs").count() == 1
    # Choosing a new person adds one.
    done(
        act(
            client,
            case,
            "add-person",
            party_role="child",
            existing="new",
            first_name="Jo",
            last_name="Bloggs",
            looked_after="on",
        ),
        case,
    )
    assert Person.objects.filter(last_name="Bloggs").count() == 2


def test_compliment_pass_on_page_emails_worker_and_managers(
    officer, sign_in, assessment_team, django_capture_on_commit_callbacks
):
    boss = make_user("bea_boss", Role.MANAGER, teams=[assessment_team])
    boss.email = "bea@council.example"
    boss.save()
    compliment = services.case_create(
        actor=officer,
        kind=Kind.COMPLIMENT,
        channel="email",
        received_on=D(2024, 6, 27),
        summary="Thank you to Sam",
        details="Sam was wonderful",
        teams=[assessment_team],
        praised_worker="Sam Worker",
    )
    client = sign_in(officer)
    form = client.get(f"/staff/cases/{compliment.reference}/pass-on/").content.decode()
    assert "bea@council.example" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client,
            compliment,
            "pass-on",
            worker_email="sam@council.example",
            managers=[boss.pk],
            on=D(2024, 6, 28),
        )
    done(response, compliment)
    compliment.refresh_from_db()
    assert compliment.passed_on_on == D(2024, 6, 28)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["bea@council.example", "sam@council.example"]
    assert "Sam was wonderful" in mail.outbox[0].body
    note = Note.objects.get(case=compliment)
    assert "sam@council.example" in note.text


def test_pass_on_needs_someone_to_send_to(officer, sign_in):
    compliment = services.case_create(
        actor=officer,
        kind=Kind.COMPLIMENT,
        channel="email",
        received_on=D(2024, 6, 27),
        summary="Thanks",
    )
    response = act(sign_in(officer), compliment, "pass-on", on=D(2024, 6, 28))
    assert response.status_code == 200
    assert "Enter the worker" in response.content.decode()
    compliment.refresh_from_db()
    assert compliment.passed_on_on is None


def test_manager_records_a_stage_1_response_for_their_team(manager, officer, sign_in, case):
    client = sign_in(manager)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Record the response" in page
    assert "/acknowledge/" not in page
    done(act(client, case, "respond", on=D(2024, 6, 14), **outcomes(case)), case)
    assert stage(case, 1).responder == manager


def test_change_the_case_details(officer, sign_in, case):
    client = sign_in(officer)
    form = client.get(f"/staff/cases/{case.reference}/edit/").content.decode()
    assert "Unhappy with the service" in form
    team = case.teams.get()
    done(
        act(
            client,
            case,
            "edit",
            summary="Unhappy with the visits",
            channel="letter",
            teams=[team.pk],
            details="Changed",
        ),
        case,
    )
    case.refresh_from_db()
    assert case.summary == "Unhappy with the visits"
    assert case.channel == "letter"
    assert list(case.themes.all()) == []
    event = case.events.get(verb="updated")
    assert event.changes["summary"] == ["Unhappy with the service", "Unhappy with the visits"]


def test_change_a_persons_details(officer, sign_in, case):
    person = case.parties.get().person
    client = sign_in(officer)
    chooser = client.get(f"/staff/cases/{case.reference}/edit-person/").content.decode()
    assert f"?person={person.pk}" in chooser
    form = client.get(f"/staff/cases/{case.reference}/edit-person/?person={person.pk}")
    assert person.last_name in form.content.decode()
    done(
        act(
            client,
            case,
            "edit-person",
            person=person.pk,
            first_name=person.first_name,
            last_name=person.last_name,
            contact_preference="post",
            accessibility_needs="Large print",
            looked_after="on",
        ),
        case,
    )
    person.refresh_from_db()
    assert person.contact_preference == "post"
    assert person.accessibility_needs == "Large print"
    assert person.email == ""  # cleared, as the form said
    assert case.events.filter(verb="person_updated").exists()
    # Someone not on this case cannot be changed through it.
    stranger = services.person_create(actor=officer, last_name="Stranger")
    response = act(client, case, "edit-person", person=stranger.pk, last_name="Changed")
    assert response.status_code == 200
    stranger.refresh_from_db()
    assert stranger.last_name == "Stranger"


@pytest.mark.parametrize(
    "action",
    [
        "acknowledge",
        "extend",
        "respond",
        "assign",
        "add-person",
        "safeguarding",
        "edit",
        "withdraw",
    ],
)
def test_action_pages_make_as_many_queries_for_a_big_case_as_a_small_one(
    officer, sign_in, make_complaint, action
):
    """An action page (and its refusal) does not query once per element, person or note."""
    from .conftest import queries_for

    small = make_complaint(elements=1)
    big = make_complaint(elements=8)
    for n in range(4):
        services.note_add(case=big, text=f"Note {n}", actor=officer)
        services.case_add_person(
            case=big,
            item=services.PersonInput(
                role=PartyRole.CHILD, details={"first_name": f"C{n}", "last_name": "Kid"}
            ),
            actor=officer,
        )
    client = sign_in(officer)
    url = "/staff/cases/{}/" + action + "/"
    assert client.get(url.format(small.reference)).status_code == 200
    assert queries_for(client, url.format(big.reference)) == queries_for(
        client, url.format(small.reference)
    )
    # A refused form (nothing filled in) is drawn again with its errors, just as cheaply.
    refused_big = queries_for(client, url.format(big.reference), method="post")
    refused_small = queries_for(client, url.format(small.reference), method="post")
    assert refused_big == refused_small
