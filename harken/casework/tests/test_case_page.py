"""The case page: summary, stages with deadlines and explanations, elements, people, the
timeline, notes, panels; bounded queries; nothing typed by a person is trusted as HTML."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases import services
from harken.cases.models import PartyRole, Relationship
from harken.cases.tests.factories import respond_all

from .conftest import queries_for

pytestmark = pytest.mark.django_db

D = dt.date


def page(client, case, part: str = "") -> str:
    """One part of the case page ("" its summary and deadlines)."""
    response = client.get(f"/staff/cases/{case.reference}/{part}")
    assert response.status_code == 200
    return response.content.decode()


def test_shows_the_current_deadline_and_why(officer, sign_in, case):
    html = page(sign_in(officer), case)
    assert "Stage 1 acknowledgement due" in html
    assert "Due 17 June 2024: 10 working days after receipt on 3 June 2024." in html
    assert "It can be extended to 1 July 2024 at most." in html
    assert ">Overdue</strong>" in html


def test_stages_elements_and_outcomes(officer, sign_in, make_complaint):
    case = make_complaint(received_on=D(2024, 4, 1))
    services.stage_acknowledge(case=case, on=D(2024, 4, 2), actor=officer)
    respond_all(case, on=D(2024, 4, 10), actor=officer, outcome="partially_upheld")
    services.complaint_escalate(case=case, requested_on=D(2024, 4, 15), actor=officer)
    client = sign_in(officer)
    html = page(client, case, "stages/") + page(client, case, "points/")
    assert "Stage 2: Investigation (current)" in html
    assert "Stage 1: Local resolution" in html
    assert "Partially upheld" in html
    assert "Statement of complaint agreed" in html
    assert "The clock starts with the agreed statement of complaint." in html
    assert "within the timescale" in html
    assert "Last day to ask for stage 2" in html


def test_people_with_flags_preferences_and_needs(officer, sign_in, case, make_complaint):
    child = services.person_create(
        actor=officer,
        first_name="Kai",
        last_name="Young",
        looked_after=True,
        care_leaver=False,
        accessibility_needs="Uses British Sign Language",
        contact_preference="text",
    )
    services.case_add_person(
        case=case,
        item=services.PersonInput(
            role=PartyRole.CHILD, relationship=Relationship.CHILD, person=child
        ),
        actor=officer,
    )
    other = make_complaint(summary="Another complaint about Kai")
    services.case_add_person(
        case=other,
        item=services.PersonInput(
            role=PartyRole.CHILD, relationship=Relationship.CHILD, person=child
        ),
        actor=officer,
    )
    html = page(sign_in(officer), case, "people/")
    assert "Kai Young" in html
    assert "Looked-after child" in html
    assert ">Looked after</strong>" in html
    assert "Uses British Sign Language" in html
    assert "Text message" in html
    assert other.reference in html  # the child's other open case


def test_timeline_shows_who_when_what_and_old_and_new(officer, sign_in, case, manager):
    services.case_assign(case=case, user=manager, actor=officer)
    services.stage_acknowledge(case=case, on=D(2024, 6, 5), actor=officer)
    html = page(sign_in(officer), case, "timeline/")
    assert 'class="moj-timeline"' in html
    assert "Stage 1 acknowledged on 5 June 2024" in html
    assert "by Olive Tester" in html
    assert "28 June 2024 at 1:00pm" in html  # 12:00 UTC is 1pm in London (BST)
    assert "Stage 1 acknowledged on: nothing → 5 June 2024" in html
    assert "Assigned to: nothing → Mo Tester" in html


def test_notes_and_panels(officer, sign_in, case):
    services.note_add(case=case, text="Called back", actor=officer)
    html = page(sign_in(officer), case, "timeline/")
    assert "Called back" in html
    assert 'action="/staff/cases/' + case.reference + '/note/"' in html


def test_html_typed_by_people_is_escaped(officer, sign_in, make_complaint):
    case = make_complaint(
        summary='<img src=x onerror="alert(1)">', details="<script>alert(2)</script>\nline two"
    )
    services.note_add(case=case, text="<b>note</b>", actor=officer)
    client = sign_in(officer)
    html = page(client, case) + page(client, case, "timeline/")
    assert "<script>alert(2)" not in html
    assert "<img src=x" not in html
    assert "<b>note</b>" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;<br>line two" in html


@pytest.mark.parametrize("part", ["", "people/", "points/", "stages/", "documents/", "timeline/"])
def test_query_count_does_not_grow_with_the_case(officer, manager, sign_in, make_complaint, part):
    """The same number of queries for a small case as for one with more of everything, on
    every part of the case page."""
    small = make_complaint(elements=1)
    big = make_complaint(elements=6)
    for n in range(5):
        services.note_add(case=big, text=f"Note {n}", actor=officer)
    services.safeguarding_record(
        case=big, raised_on=D(2024, 6, 5), description="x", referred_to="none", actor=officer
    )
    for n in range(3):
        services.case_add_person(
            case=big,
            item=services.PersonInput(
                role=PartyRole.CHILD, details={"first_name": f"C{n}", "last_name": "Kid"}
            ),
            actor=officer,
        )
    services.stage_acknowledge(case=big, on=D(2024, 6, 4), actor=officer)
    services.stage_extend(
        case=big,
        new_due_on=D(2024, 6, 20),
        reason="r",
        complainant_told_on=D(2024, 6, 5),
        actor=officer,
    )
    client = sign_in(officer)
    assert queries_for(client, f"/staff/cases/{small.reference}/{part}") == queries_for(
        client, f"/staff/cases/{big.reference}/{part}"
    )
    # Ours are about 20; the panels other apps add to the page (documents, registers…) the rest.
    assert queries_for(client, f"/staff/cases/{big.reference}/{part}") <= 40


def test_links_between_contact_and_complaint_only_to_cases_the_user_may_see(
    officer, manager, sign_in, assessment_team, send_team
):
    """A manager sees the complaint about their team, but not a link to its initial contact
    once that contact is another team's; the officer, who sees both, gets both links."""
    from harken.cases.models import Kind

    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 6, 3),
        summary="Phone call",
        teams=[assessment_team],
    )
    complaint_case = services.contact_progress(case=contact, on=D(2024, 6, 5), actor=officer)
    contact.teams.set([send_team])  # the contact is now the SEND Team's
    manager_page = page(sign_in(manager), complaint_case)
    assert "Progressed from" not in manager_page
    assert contact.reference not in manager_page
    officer_page = page(sign_in(officer), complaint_case)
    assert "Progressed from" in officer_page
    assert contact.reference in officer_page
    assert complaint_case.reference in page(sign_in(officer), contact)


def test_a_contacts_reply_is_shown_as_the_teams_own_target(officer, sign_in):
    """A contact's reply date is the team's own target, shown as such, and it skips the
    council's closure days, saying which."""
    from harken.workdays.models import ClosureDay

    ClosureDay.objects.create(date=D(2024, 6, 14), reason="Staff training day")
    contact = services.case_create(
        actor=officer,
        kind="contact",
        channel="phone",
        received_on=D(2024, 6, 10),
        summary="Who is my social worker?",
    )
    assert contact.due_on == D(2024, 6, 25)
    html = page(sign_in(officer), contact)
    assert "Reply due (the team's own target, not a statutory deadline)" in html
    assert (
        "Due 25 June 2024: 10 working days after receipt on 10 June 2024, not counting "
        "14 June (14 June: a council closure day)."
    ) in html


def test_the_banner_explains_the_date_it_shows(officer, sign_in, make_complaint):
    """Unacknowledged, the banner gives the acknowledgement date and its own explanation; the
    response date is explained beside its own label."""
    case = make_complaint(received_on=D(2024, 6, 26))
    html = page(sign_in(officer), case)
    banner = html.split('<div class="govuk-inset-text">', 1)[1].split("</div>", 1)[0]
    assert "Stage 1 acknowledgement due: 1 July 2024" in banner
    assert "Due 1 July 2024: 3 working days after receipt on 26 June 2024." in banner
    assert "10 working days" not in banner
    assert "Response due" in html
    assert "Due 10 July 2024: 10 working days after receipt on 26 June 2024." in html


def test_stage3_dates_each_carry_the_name_of_their_step(officer, sign_in, make_complaint):
    """At stage 3 after the panel met, the panel report's date is called the panel report's,
    on the page and on the caseload; the council's response has its own, later, date."""
    from harken.accounts.tests.factories import make_user
    from harken.cases.models import AppointmentRole

    case = make_complaint(received_on=D(2024, 3, 1))
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 11), actor=officer)
    services.statement_agree(case=case, on=D(2024, 3, 12), actor=officer)
    for role, user_role in (
        (AppointmentRole.INVESTIGATING_OFFICER, "investigating_officer"),
        (AppointmentRole.INDEPENDENT_PERSON, "independent_person"),
    ):
        user = make_user(f"s2-{role}", role=user_role, employed_by_council=False)
        services.appointment_make(case=case, user=user, role=role, on=D(2024, 3, 12), actor=officer)
    respond_all(case, on=D(2024, 4, 12), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 4, 15), actor=officer)
    services.stage_acknowledge(case=case, on=D(2024, 4, 16), actor=officer)
    for i in range(3):
        member = make_user(f"panel-{i}", role="panel_member", employed_by_council=False)
        services.appointment_make(
            case=case,
            user=member,
            role=AppointmentRole.PANEL_CHAIR if i == 0 else AppointmentRole.PANEL_MEMBER,
            on=D(2024, 4, 16),
            actor=officer,
        )
    services.panel_met(case=case, on=D(2024, 5, 20), actor=officer)
    case.refresh_from_db()
    assert (case.next_due_label, case.next_due_on) == ("Stage 3 panel report due", D(2024, 5, 28))
    html = page(sign_in(officer), case)
    assert "Stage 3 panel report due: 28 May 2024" in html
    dates = html.split("Stage 3 dates: review panel steps", 1)[1].split("</table>", 1)[0]
    report = dates.split("Panel report due", 1)[1].split("</tr>", 1)[0]
    assert "<strong>28 May 2024</strong>" in report
    response = dates.split("Council&#x27;s response due", 1)[1].split("</tr>", 1)[0]
    # 15 working days after the report is due.
    assert "<strong>18 June 2024</strong>" in response


def test_a_stage2_shows_the_days_from_the_request_beside_its_timescale(
    officer, sign_in, make_complaint, io_user, ip_user
):
    """Within its statutory timescale from the agreed statement, the stage also says how long
    it took from the request, and how long the statement took to agree."""
    case = make_complaint(received_on=D(2023, 12, 11))
    respond_all(case, on=D(2023, 12, 20), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 1, 9), actor=officer)
    services.statement_agree(case=case, on=D(2024, 3, 20), actor=officer)
    for user, role in ((io_user, "io"), (ip_user, "ip")):
        services.appointment_make(case=case, user=user, role=role, on=D(2024, 3, 20), actor=officer)
    respond_all(case, on=D(2024, 4, 19), actor=officer)
    html = page(sign_in(officer), case)
    assert (
        "19 April 2024, after 20 working days: within the timescale; 71 working days from the "
        "request, of which 51 before the statement of complaint was agreed"
    ) in html
