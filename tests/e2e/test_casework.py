"""Staff case work in a browser, with axe-core on every page and state visited.

- A phone complaint recorded, acknowledged, extended (a refusal first), answered with an
  outcome per element, escalated to stage 2 (statement, IO and IP, adjudication) and to stage 3
  through to the council's response.
- A manager who cannot see another team's case; an IO who sees only their appointment.
- Compliments logged quickly and passed on; search; the team view.

Every date is fixed in early 2025, in the past whatever the day the suite runs, so the services
(which refuse future dates) accept them without freezing the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible

D = dt.date


@pytest.fixture
def casework_setup() -> None:
    """The reference data a flushed database lacks."""
    from harken.cases import reference_data
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()


def staff(username: str, role: str, **kwargs: Any) -> Any:
    from harken.accounts.tests.factories import make_user

    return make_user(username, role, **kwargs)


class CasePage:
    """The staff case page and the action pages reached from it."""

    def __init__(self, page: Page, server: str) -> None:
        self.page = page
        self.server = server
        self.forms_checked: set[str] = set()

    @property
    def reference(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def check(self, context: str) -> None:
        expect(self.page.locator("h1")).to_have_text(re.compile(r"HK-\d{4}-\d{5}"))
        assert_accessible(self.page, context=context)

    def action(self, name: str) -> None:
        """Follow an action button or link, and check the form page."""
        button = self.page.get_by_role("button", name=name, exact=True)
        button.or_(self.page.get_by_role("link", name=name, exact=True)).first.click()
        expect(self.page.locator("h1")).to_have_text(name)
        if name not in self.forms_checked:  # the same form again is the same page
            assert_accessible(self.page, context=f"form: {name}")
            self.forms_checked.add(name)

    def date(self, field: str, day: dt.date) -> None:
        self.page.locator(f"#id_{field}_0").fill(str(day.day))
        self.page.locator(f"#id_{field}_1").fill(str(day.month))
        self.page.locator(f"#id_{field}_2").fill(str(day.year))

    def outcomes(self, *labels: str) -> None:
        for n, label in enumerate(labels, start=1):
            group = self.page.get_by_role("group", name=re.compile(rf"^Element {n}:"))
            group.get_by_label(label, exact=True).check()

    def save(self, success: str) -> None:
        self.page.get_by_role("button", name="Save").click()
        heading = self.page.locator("h1")
        expect(heading).to_have_text(re.compile(r"HK-\d{4}-\d{5}|Check the letter"))
        banner = self.page.locator(".govuk-notification-banner--success")
        if heading.inner_text().strip() == "Check the letter":
            # A step with a letter goes on to it, drafted; this journey sends none.
            expect(banner).to_contain_text("The letter for it is drafted below.")
            assert_accessible(self.page, context=f"letter after: {success}")
            self.page.get_by_role("link", name="go back to the case").click()
            self.page.get_by_role("link", name="Summary and deadlines", exact=True).click()
        else:
            expect(banner).to_contain_text(success)
        self.check(f"after: {success}")

    def simple(self, name: str, field: str, day: dt.date, success: str) -> None:
        self.action(name)
        self.date(field, day)
        self.save(success)


def test_phone_complaint_through_three_stages(
    page: Page, server: str, login_as: Any, casework_setup: None
) -> None:
    from harken.accounts.models import Role

    officer = staff("olive_officer", Role.FEEDBACK_OFFICER)
    io = staff("ivy_io", Role.INVESTIGATING_OFFICER, employed_by_council=False)
    ip = staff("ian_ip", Role.INDEPENDENT_PERSON, employed_by_council=False)
    panel = [
        staff(f"pat{i}_panel", Role.PANEL_MEMBER, employed_by_council=False) for i in (1, 2, 3)
    ]
    login_as(officer)

    page.goto(server + "/staff/")
    expect(page.locator("h1")).to_have_text("Caseload")
    assert_accessible(page, context="empty caseload")

    # Record a phone complaint.
    page.get_by_role("button", name="Record a new contact").click()
    expect(page.get_by_role("button", name="Save record")).to_be_visible()
    assert_accessible(page, context="new record form")
    page.get_by_role("button", name="Save record").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, context="new record form with errors")
    page.get_by_role("group", name="What kind of record is it?").get_by_label("Complaint").check()
    page.get_by_role("group", name="How was it received?").get_by_label("Phone").check()
    case = CasePage(page, server)
    case.date("received_on", D(2025, 1, 6))
    page.get_by_label("Summary").fill("Social worker did not return calls")
    page.get_by_label("What they said").fill("Mum rang <b>three</b> times and nobody rang back.")
    page.get_by_role("group", name="Teams it is about").get_by_label("Assessment Teams").check()
    page.get_by_role("group", name="Themes").get_by_label("Communication").check()
    page.get_by_label("Points of complaint (complaints only)").fill(
        "No call back\nNot told about the meeting"
    )
    page.locator("#id_complainant-first_name").fill("Dana")
    page.locator("#id_complainant-last_name").fill("Whitfield")
    page.locator("#id_complainant-relationship").select_option("parent")
    page.locator("#id_complainant-email").fill("dana@example.org")
    page.locator("#id_child-first_name").fill("Ellis")
    page.locator("#id_child-last_name").fill("Whitfield")
    page.locator("#id_child-looked_after").check()
    page.get_by_role("button", name="Save record").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("recorded")
    case.check("new complaint")
    expect(page.get_by_text("Mum rang <b>three</b> times")).to_be_visible()  # escaped
    expect(page.get_by_text("Looked-after child")).to_be_visible()
    # The banner explains the date it shows (the acknowledgement's); the response's own
    # explanation is beside it in the stage's dates.
    banner = page.locator(".govuk-inset-text").first
    expect(banner).to_contain_text("Stage 1 acknowledgement due: 9 January 2025")
    expect(banner).to_contain_text("Due 9 January 2025: 3 working days after receipt")
    expect(page.locator("table", has_text="Stage 1 dates")).to_contain_text(
        "Due 20 January 2025: 10 working days after receipt on 6 January 2025."
    )

    # Stage 1.
    case.simple(
        "Record the stage 1 acknowledgement",
        "acknowledged_on",
        D(2025, 1, 7),
        "Acknowledgement recorded",
    )
    case.action("Extend the response date")
    case.date("new_due_on", D(2025, 2, 28))
    page.get_by_label("Reason for the extension").fill("The social worker is on leave")
    case.date("complainant_told_on", D(2025, 1, 15))
    page.get_by_role("button", name="Save").click()
    error = page.locator("#id_new_due_on-error")
    expect(error).to_contain_text("can be extended to 20 working days at most: 3 February 2025")
    assert_accessible(page, context="extension refused")
    case.date("new_due_on", D(2025, 2, 3))
    case.save("Extension recorded")
    expect(
        page.locator("dd", has_text="To 3 February 2025: The social worker is on leave")
    ).to_be_visible()
    case.action("Record the response")
    case.date("on", D(2025, 1, 30))
    case.outcomes("Upheld", "Not upheld")
    case.save("Response recorded")
    expect(page.get_by_text("within the timescale").first).to_be_visible()

    # Stage 2: statement, IO and IP, adjudication.
    case.simple(
        "Record a request for stage 2", "requested_on", D(2025, 2, 10), "The next stage is open"
    )
    case.simple(
        "Record the stage 2 acknowledgement",
        "acknowledged_on",
        D(2025, 2, 11),
        "Acknowledgement recorded",
    )
    # Waiting for the statement, past the team's 10-day target for agreeing it: flagged.
    expect(page.get_by_text("Overdue", exact=True).first).to_be_visible()
    expect(page.locator(".govuk-inset-text").first).to_contain_text(
        "Stage 2 agreed statement of complaint: the team's own target"
    )
    case.simple(
        "Record the agreed statement of complaint",
        "on",
        D(2025, 2, 14),
        "Statement of complaint recorded",
    )
    for person, role in ((io, "Investigating Officer"), (ip, "Independent Person")):
        case.action("Appoint an Investigating Officer, Independent Person or panel member")
        page.get_by_label("Person appointed").select_option(str(person.pk))
        page.get_by_role("group", name="Role").get_by_label(role, exact=True).check()
        case.date("on", D(2025, 2, 17))
        case.save("Appointment recorded")
    case.action("Record the adjudication")
    case.date("on", D(2025, 3, 14))
    case.outcomes("Partially upheld", "Not upheld")
    case.save("Response recorded")

    # Stage 3: the review panel through to the council's response.
    case.simple(
        "Record a request for stage 3", "requested_on", D(2025, 3, 24), "The next stage is open"
    )
    case.simple(
        "Record the stage 3 acknowledgement",
        "acknowledged_on",
        D(2025, 3, 25),
        "Acknowledgement recorded",
    )
    for n, member in enumerate(panel):
        case.action("Appoint an Investigating Officer, Independent Person or panel member")
        page.get_by_label("Person appointed").select_option(str(member.pk))
        role = "Review panel chair" if n == 0 else "Review panel member"
        page.get_by_role("group", name="Role").get_by_label(role, exact=True).check()
        case.date("on", D(2025, 3, 31))
        case.save("Appointment recorded")
    case.simple("Record the review panel meeting", "on", D(2025, 4, 28), "Panel meeting recorded")
    case.simple("Record the panel's report", "on", D(2025, 5, 2), "Panel report recorded")
    case.action("Record the council's response to the panel")
    case.date("on", D(2025, 5, 16))
    case.outcomes("Not upheld", "Not upheld")
    case.save("stage 3 is concluded")
    expect(page.locator("table", has_text="review panel steps")).to_contain_text("16 May 2025")
    page.get_by_role("link", name="Notes and timeline").click()
    timeline = page.locator(".moj-timeline")
    expect(timeline).to_contain_text("Council's response to the panel sent on 16 May 2025")
    expect(timeline).to_contain_text("Stage 2 adjudication sent on 14 March 2025")

    # Closed: it leaves the caseload, and search finds it by the complainant's name.
    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_role("heading", name="No cases", exact=True)).to_be_visible()
    assert_accessible(page, context="caseload after closing")
    page.get_by_role("link", name="Search", exact=True).click()
    expect(page.locator("h1")).to_have_text("Search")
    assert_accessible(page, context="search")
    page.get_by_label("Reference, name or words").fill("whitfield")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 case found")).to_be_visible()
    assert_accessible(page, context="search results")


def test_manager_and_io_see_only_their_own_work(
    page: Page, server: str, login_as: Any, casework_setup: None, context: Any
) -> None:
    from harken.accounts.models import Role, Team
    from harken.cases import services
    from harken.cases.models import AppointmentRole
    from harken.cases.tests.factories import complaint, respond_all

    officer = staff("olive_officer", Role.FEEDBACK_OFFICER)
    assessment = Team.objects.get(name="Assessment Teams")
    manager = staff("mo_manager", Role.MANAGER, teams=[assessment])
    io = staff("ivy_io", Role.INVESTIGATING_OFFICER, employed_by_council=False)
    ours = complaint(actor=officer, received_on=D(2025, 1, 6), summary="About assessment")
    theirs = complaint(
        actor=officer, received_on=D(2025, 1, 7), team="Fostering Team", summary="About fostering"
    )
    services.stage_acknowledge(case=theirs, on=D(2025, 1, 8), actor=officer)
    respond_all(theirs, on=D(2025, 1, 20), actor=officer)
    services.complaint_escalate(case=theirs, requested_on=D(2025, 1, 27), actor=officer)
    services.appointment_make(
        case=theirs,
        user=io,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2025, 1, 28),
        actor=officer,
    )

    # The manager: their team's case, not the fostering team's.
    login_as(manager)
    page.goto(server + "/staff/")
    table = page.locator(".govuk-table")
    expect(table).to_contain_text(ours.reference)
    expect(table).not_to_contain_text(theirs.reference)
    assert_accessible(page, context="manager caseload")
    page.get_by_role("link", name=ours.reference).click()
    expect(page.get_by_role("button", name="Record the response")).to_be_visible()
    expect(page.get_by_role("button", name="Record the stage 1 acknowledgement")).to_have_count(0)
    assert_accessible(page, context="manager case page")
    response = page.goto(f"{server}/staff/cases/{theirs.reference}/")
    assert response is not None
    assert response.status == 404
    assert_accessible(page, context="another team's case")
    page.goto(server + "/staff/team/")
    expect(page.locator("main")).to_contain_text("Assessment Teams")
    expect(page.locator("main")).not_to_contain_text("Fostering Team")
    assert_accessible(page, context="manager team view")

    # The IO: only the case they are appointed to.
    context.clear_cookies()
    login_as(io)
    page.goto(server + "/staff/")
    table = page.locator(".govuk-table")
    expect(table).to_contain_text(theirs.reference)
    expect(table).not_to_contain_text(ours.reference)
    assert_accessible(page, context="IO caseload")
    page.get_by_role("link", name=theirs.reference).click()
    page.get_by_role("link", name="Notes and timeline").click()
    expect(page.get_by_role("button", name="Add note")).to_be_visible()
    # No workflow actions for an IO.
    expect(page.get_by_role("button", name=re.compile(r"^(Record|Extend|Appoint)"))).to_have_count(
        0
    )
    expect(page.get_by_role("link", name="Withdraw")).to_have_count(0)
    page.get_by_label("Note").fill("Spoke to the complainant")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Note added")
    assert_accessible(page, context="IO case page")
    # Anyone on a case may record a safeguarding concern; it then shows before anything else.
    case = CasePage(page, server)
    case.action("Record a safeguarding concern")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, context="safeguarding form with errors")
    case.date("raised_on", D(2025, 2, 3))
    page.get_by_label("The concern").fill("The child said they are scared to go home.")
    page.get_by_role("group", name="Where it was referred").get_by_label("Police").check()
    case.date("referred_on", D(2025, 2, 3))
    page.get_by_label("Referral reference (if any)").fill("POL-77")
    case.save("Safeguarding concern recorded")
    expect(page.locator(".hk-safeguarding")).to_contain_text("scared to go home")
    assert page.evaluate(
        "document.querySelector('.hk-safeguarding').compareDocumentPosition("
        "document.querySelector('h1')) & Node.DOCUMENT_POSITION_FOLLOWING"
    ), "the safeguarding concern comes before the rest of the case page"
    response = page.goto(f"{server}/staff/cases/{ours.reference}/")
    assert response is not None
    assert response.status == 404
    response = page.goto(f"{server}/staff/team/")
    assert response is not None
    assert response.status == 403
    assert_accessible(page, context="IO refused the team view")


def test_compliments_logged_quickly_and_passed_on(
    page: Page, server: str, login_as: Any, casework_setup: None
) -> None:
    from django.core import mail

    from harken.accounts.models import Role, Team

    officer = staff("olive_officer", Role.FEEDBACK_OFFICER)
    boss = staff("fran_boss", Role.MANAGER, teams=[Team.objects.get(name="Fostering Team")])
    boss.email = "fran@council.example"
    boss.save()
    login_as(officer)
    page.goto(server + "/staff/compliments/new/")
    assert_accessible(page, context="compliment quick log")
    for n, worker in enumerate(("Sam Worker", "Alex Helper")):
        page.get_by_label("What they said").fill(f"Thank you to {worker} for everything ({n})")
        page.get_by_label("Worker praised").fill(worker)
        page.get_by_label("Team", exact=True).select_option(label="Fostering Team")
        page.get_by_label("How it came in").select_option("letter")
        CasePage(page, server).date("received_on", D(2025, 3, 3))
        if n == 1:
            page.get_by_label("Worker's e-mail address (optional)").fill("alex@council.example")
            page.get_by_label("Pass it on now by e-mail").check()
        page.get_by_role("button", name="Log compliment").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("logged")
        expect(page.get_by_label("What they said")).to_have_value("")
        expect(page.get_by_label("How it came in")).to_have_value("letter")
        assert_accessible(page, context=f"compliment {n} logged")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "passed on to 2 people"
    )
    assert sorted(mail.outbox[-1].to) == ["alex@council.example", "fran@council.example"]

    # The first is passed on from the list.
    page.get_by_role("link", name=re.compile("Pass on by e-mail")).click()
    expect(page.get_by_label("Worker's e-mail address")).to_be_visible()
    assert_accessible(page, context="pass on form")
    page.get_by_label("Worker's e-mail address").fill("sam@council.example")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("passed on")
    page.get_by_role("link", name="Notes and timeline").click()
    expect(page.locator(".moj-timeline")).to_contain_text("Compliment passed on")
    assert_accessible(page, context="compliment passed on")
    assert sorted(mail.outbox[-1].to) == ["fran@council.example", "sam@council.example"]

    page.goto(server + "/staff/team/")
    assert_accessible(page, context="officer team view")
