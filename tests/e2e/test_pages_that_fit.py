"""Pages that fit: the caseload and the case page at 320 px and at 200% zoom, with the filter
shown and hidden, and the case page's parts by keyboard; axe on every state.

200% zoom of a 1280 px wide window lays the page out 640 CSS px wide at two device pixels to
each: that is the viewport the zoomed journeys use. No state may scroll sideways
(`document.documentElement.scrollWidth <= innerWidth`, WCAG 1.4.10 reflow).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible
from .test_casework import casework_setup, staff  # noqa: F401 (a fixture)

D = dt.date

SIZES = {
    "320px": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1},
    "200% zoom": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
PARTS = [
    "Summary and deadlines",
    "People",
    "Points of complaint and outcomes",
    "Stages",
    "Documents and letters",
    "Notes and timeline",
]


# The innermost elements reaching past the window's right edge: what to fix when one does.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


def assert_fits(page: Page, context: str) -> None:
    """Nothing scrolls sideways, and axe finds nothing."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide = page.evaluate(WIDEST)
        raise AssertionError(f"{context}: {width[0]} px wide in a {width[1]} px window: {wide}")
    assert_accessible(page, context=context)


@pytest.fixture
def fit_setup(casework_setup: None) -> Any:  # noqa: F811 (the fixture imported above)
    from harken.accounts.models import Role
    from harken.cases import services
    from harken.cases.tests.factories import complaint

    officer = staff("olive_officer", Role.FEEDBACK_OFFICER)
    case = complaint(actor=officer, received_on=D(2025, 1, 6), elements=2)
    services.safeguarding_record(
        case=case,
        raised_on=D(2025, 1, 7),
        description="Bruise seen on a visit",
        referred_to="none",
        actor=officer,
    )
    services.note_add(case=case, text="Rang mum back", actor=officer)
    return officer, case


@pytest.mark.parametrize("size", SIZES)
def test_the_caseload_and_the_case_page_fit(
    browser: Any, server: str, fit_setup: Any, size: str
) -> None:
    officer, case = fit_setup
    context = browser.new_context(**SIZES[size])
    page = context.new_page()

    _login(context, server, officer)

    # The caseload: the filter panel is in the page above the list, not over it.
    page.goto(server + "/staff/")
    panel = page.locator(".moj-filter-layout__filter")
    results = page.locator("#results")
    expect(panel).to_be_visible()
    expect(results).to_be_visible()
    panel_box, results_box = panel.bounding_box(), results.bounding_box()
    assert panel_box is not None
    assert results_box is not None
    assert panel_box["y"] + panel_box["height"] <= results_box["y"], "the filter covers the list"
    assert_fits(page, f"caseload, filter shown, {size}")

    page.get_by_role("button", name="Hide filter").click()
    expect(panel).to_have_count(0)
    expect(results).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    assert_fits(page, f"caseload, filter hidden, {size}")

    page.get_by_role("button", name="Show filter").click()
    expect(panel).to_be_visible()
    assert_fits(page, f"caseload, filter shown again, {size}")

    # The case page, part by part, by keyboard: Tab from the part shown reaches the next one,
    # Enter opens it; the safeguarding concern comes first on each.
    page.get_by_role("link", name=case.reference).click()
    concern = page.get_by_role("region", name="Safeguarding concern raised 7 January 2025")
    for n, part in enumerate(PARTS):
        current = page.locator('.moj-sub-navigation__link[aria-current="page"]')
        expect(current).to_have_text(part)
        expect(concern).to_be_visible()
        concern_box, heading_box = concern.bounding_box(), page.locator("h1").bounding_box()
        assert concern_box is not None
        assert heading_box is not None
        assert concern_box["y"] < heading_box["y"], f"{part}: the concern is not first"
        assert_fits(page, f"case page: {part}, {size}")
        if n + 1 < len(PARTS):
            current.focus()
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.textContent.trim()")
            assert focused == PARTS[n + 1]
            page.keyboard.press("Enter")
            page.wait_for_url(f"**/staff/cases/{case.reference}/*/")
    expect(page.locator(".moj-timeline")).to_be_visible()
    expect(page.get_by_text("Rang mum back")).to_be_visible()
    context.close()


def _login(context: Any, server: str, user: Any) -> None:
    """As the `login_as` fixture, for a browser context made here (its own viewport)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from harken.core.web import TWO_FACTOR_SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    host = server.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "domain": host,
                "path": "/",
            }
        ]
    )


def test_the_navigation_fits_on_one_line_at_1280px(browser: Any, server: str, fit_setup: Any):
    """Every top-level item on one line; "More" opens by keyboard and without a script."""
    from harken.accounts.models import Role

    admin = staff("ada_admin", Role.ADMINISTRATOR)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    _login(context, server, admin)
    page.goto(server + "/staff/")
    items = page.locator("#navigation > li")
    tops = {round(box["y"]) for box in (items.nth(n).bounding_box() for n in range(items.count()))}
    assert len(tops) == 1, f"the navigation wraps onto {len(tops)} lines"
    assert_fits(page, "navigation at 1280 px")
    account = page.locator("#navigation").get_by_role("link", name="Your account")
    expect(account).to_be_hidden()
    page.locator(".hk-nav-more__summary").focus()
    page.keyboard.press("Enter")
    expect(account).to_be_visible()
    assert_fits(page, "navigation at 1280 px, More open")
    account.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/account/")
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_pages_added_since_fit(browser: Any, server: str, fit_setup: Any, size: str) -> None:
    """The person's legal hold pages, the new-record form (refused, then as it is), a report
    file being built and failed, and the public form's "late" page, at 320 px and at 200%
    zoom; axe on every state."""
    from harken.accounts.models import Role
    from harken.cases.models import PartyRole
    from harken.retention.defaults import install

    officer, case = fit_setup
    install()
    admin = staff("ada_admin", Role.ADMINISTRATOR)
    person = case.parties.get(role=PartyRole.COMPLAINANT).person
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, admin)

    # A legal hold on every record of a person: their page, the form refused, the hold placed.
    page.goto(f"{server}/staff/subject-access/people/{person.pk}/")
    expect(page.locator("h1")).to_contain_text(person.full_name)
    assert_fits(page, f"person page, {size}")
    page.get_by_role("link", name="Place a legal hold on every record of this person").click()
    expect(page.locator("h1")).to_contain_text("Place a legal hold")
    assert_fits(page, f"person hold form, {size}")
    page.get_by_label("An inquiry").check()
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"person hold form refused, {size}")
    page.get_by_label("Explain the hold").fill("Inquiry into the placement; keep everything.")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_text("Inquiry into the placement")).to_be_visible()
    assert_fits(page, f"person page with a hold, {size}")
    page.goto(f"{server}/staff/retention/holds/")
    expect(page.get_by_text("Inquiry into the placement")).to_be_visible()
    assert_fits(page, f"legal holds with a person's, {size}")
    context.close()

    # The new-record form, as it opens and refused with every error named.
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, officer)
    page.goto(f"{server}/staff/cases/new/")
    assert_fits(page, f"new record, {size}")
    page.get_by_role("button", name="Save record").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"new record refused, {size}")
    context.close()

    # A report file being built (waiting for the worker: "Check again"), then ready.
    from harken.reports.models import BuildStatus, ReportBuild

    waiting = ReportBuild.objects.create(
        requested_by=officer,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        fmt="pdf",
        status=BuildStatus.RUNNING,
        step="Working out the figures",
    )
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, officer)
    page.goto(f"{server}/staff/reports/builds/{waiting.pk}/")
    expect(page.get_by_role("link", name="Check again")).to_be_visible()
    assert_fits(page, f"report file being built, {size}")
    ReportBuild.objects.filter(pk=waiting.pk).update(
        status=BuildStatus.FAILED, error="Something went wrong while building the report."
    )
    page.get_by_role("link", name="Check again").click()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    assert_fits(page, f"report file failed, {size}")
    context.close()

    # The public form's page for something that happened longer ago than the time limit.
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    page.goto(f"{server}/complaint/when-did-it-happen/")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill(str(dt.date.today().year - 2))
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{server}/complaint/more-than-a-year-ago/")
    expect(page.locator("h1")).to_have_text("It happened more than a year ago")
    assert_fits(page, f"public form, late, {size}")
    context.close()


# --- Issue 14: the pool of independent people ------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_the_pool_pages_fit(browser: Any, server: str, fit_setup: Any, size: str) -> None:
    """The pool's list, an entry, its form refused, the appointment page offering people and
    refusing a conflict, and an Independent Person's own appointments, at 320 px and at 200%
    zoom; axe on every state."""
    from harken.accounts.models import Role
    from harken.pool import services as pool_services
    from harken.pool.tests.conftest import make_entry, to_stage3

    officer, _ = fit_setup
    io_user = staff("ivy_io", Role.INVESTIGATING_OFFICER, employed_by_council=False)
    ip_user = staff("ian_ip", Role.INDEPENDENT_PERSON, employed_by_council=False)
    ip = make_entry(
        officer,
        name="Pat Independent-Longname",
        organisation_kind="other_council",
        organisation="Gateshead Metropolitan Borough Council",
        sharing="from_partner",
        partner_council="Gateshead Metropolitan Borough Council",
        user=ip_user,
    )
    make_entry(officer, name="Larry Lapsed", dbs_checked_on=D(2019, 1, 1))
    case = to_stage3(officer, io_user, ip)
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, officer)
    page.goto(f"{server}/staff/pool/")
    assert_fits(page, f"pool list, {size}")
    page.goto(f"{server}/staff/pool/{ip.pk}/")
    assert_fits(page, f"pool entry, {size}")
    page.goto(f"{server}/staff/pool/{ip.pk}/change/")
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"pool entry form refused, {size}")
    page.goto(f"{server}/staff/pool/cases/{case.reference}/appoint/?role=panel_member")
    assert_fits(page, f"appoint from the pool, {size}")
    page.get_by_label("Pat Independent-Longname", exact=True).check()
    page.get_by_label("No fee", exact=True).check()
    page.get_by_role("button", name="Appoint").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("may not sit on the review panel")
    assert_fits(page, f"appointment refused for a conflict, {size}")
    context.close()

    pool_services.pool_appoint(
        case=case,
        pool_entry=make_entry(officer, name="Chair Person", user=None),
        role="panel_chair",
        on=D(2024, 3, 20),
        actor=officer,
    )
    # The stage 2 IP's appointment ended with stage 2; appoint them to another case.
    from harken.pool.tests.conftest import to_stage2

    pool_services.pool_appoint(
        case=to_stage2(officer), pool_entry=ip, role="ip", on=D(2024, 2, 6), actor=officer
    )
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, ip_user)
    page.goto(f"{server}/staff/pool/yours/")
    expect(page.locator("h1")).to_have_text("Your appointments")
    assert_fits(page, f"your appointments, {size}")
    context.close()


# --- Issue 14 (homes): the children's homes' pages ---


@pytest.mark.parametrize("size", SIZES)
def test_the_homes_pages_fit(browser: Any, server: str, fit_setup: Any, size: str) -> None:
    """The homes list (filter shown), a home with a year of months, a visit with an issue, the
    compliance page, the drop-in form refused, at 320 px and at 200% zoom; axe on each."""
    from harken.homes import services as homes
    from harken.homes.tests.factories import drop_in, home, visit

    officer, _case = fit_setup
    oak = home(officer, opened_on=D(2024, 1, 1))
    seen = visit(officer, oak, visited_on=dt.date.today() - dt.timedelta(days=40))
    homes.issue_record(
        actor=officer, visit=seen, summary="Night staffing is thin.", triage="no_action"
    )
    drop_in(officer, oak, held_on=dt.date.today() - dt.timedelta(days=3))
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, officer)
    for path, heading in (
        ("/staff/homes/", "Children's homes"),
        ("/staff/homes/?filter=hidden", "Children's homes"),
        (f"/staff/homes/{oak.pk}/", "Oak Lodge"),
        (f"/staff/homes/visits/{seen.pk}/", "Regulation 44 visit of"),
        ("/staff/homes/compliance/", "Visits due and made"),
        ("/staff/homes/drop-ins/", "Drop-ins"),
        (f"/staff/homes/{oak.pk}/visits/add/", "Record a Regulation 44 visit"),
        (f"/staff/homes/visits/{seen.pk}/report/upload/", "Upload the report"),
    ):
        page.goto(server + path)
        expect(page.locator("h1")).to_contain_text(heading)
        assert_fits(page, f"{path}, {size}")
    page.goto(f"{server}/staff/homes/drop-ins/add/")
    page.get_by_role("button", name="Record drop-in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"drop-in form refused, {size}")
    context.close()

    # An independent visitor's own pages ("Your visits", their visit).
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.pool import services as pool
    from harken.pool.models import Organisation, PoolRole

    vera = make_user(f"vera_{size}", Role.INDEPENDENT_VISITOR, employed_by_council=False)
    entry = pool.pool_entry_create(
        actor=officer,
        name="Vera Visitor",
        organisation_kind=Organisation.SELF_EMPLOYED,
        roles=[PoolRole.INDEPENDENT_VISITOR],
        user=vera,
    )
    hers = visit(officer, oak, visited_on=dt.date.today() - dt.timedelta(days=2), visitor=entry)
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, vera)
    for path, heading in (
        ("/staff/homes/your-visits/", "Your visits"),
        (f"/staff/homes/visits/{hers.pk}/", "Regulation 44 visit of"),
    ):
        page.goto(server + path)
        expect(page.locator("h1")).to_contain_text(heading)
        assert_fits(page, f"{path}, visitor, {size}")
    context.close()


# --- end of issue 14 (homes) ---
@pytest.mark.parametrize("size", SIZES)
def test_the_correspondence_pages_fit(
    browser: Any, server: str, fit_setup: Any, size: str, settings: Any, tmp_path: Any
) -> None:
    """Issue 13's pages at 320 px and at 200% zoom, axe on each: the inbox (an e-mail with a
    long subject and address, a text message, a reply to a closed case), an e-mail's page, its
    "new record" form refused, a text's page, a closed-case reply's page; sending from the case
    (refused too), the case's messages, messages not sent (a letter to post) and the texts
    received."""
    from harken.cases.models import PartyRole
    from harken.cases.services import case_withdraw
    from harken.cases.tests.factories import complaint
    from harken.correspondence import services as mailbox
    from harken.correspondence.tests.conftest import make_email
    from harken.notifications import notify
    from harken.notifications.models import Message, MessageKind, MessageStatus
    from harken.notifications.outbox import message_id

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    officer, case = fit_setup
    person = case.parties.get(role=PartyRole.COMPLAINANT).person
    person.email, person.phone = "jane.parent@example.org", "07700 900123"
    person.address, person.postcode = "1 High Street\nTownley", "AB1 2CD"
    person.save()
    email = mailbox.item_store(
        raw=make_email(
            sender="Jane Withaverylongsurname-Doublebarrelled <jane.parent@example.org>",
            subject="About the review meeting that was cancelled " * 3,
            text=f"See {case.reference}. " + "Nobody came to my daughter's review. " * 20,
            attachments=[
                (
                    "a-very-long-file-name-for-the-notes-of-the-meeting.pdf",
                    "application/pdf",
                    b"%PDF-1.4\n%%EOF\n",
                )
            ],
        )
    ).item
    notify.inbound_text(
        {
            "id": "fit-1",
            "source_number": "447700900123",
            "destination_number": "07700900000",
            "message": "Nobody has rung me back about my son's placement " * 3,
            "date_received": "2026-11-20T09:05:00Z",
        }
    )
    closed = complaint(actor=officer, received_on=D(2025, 1, 6))
    closed_person = closed.parties.get().person
    closed_person.email = "jane.parent@example.org"
    closed_person.save()
    case_withdraw(case=closed, on=D(2025, 1, 8), reason="Sorted", actor=officer)
    sent = Message.objects.create(
        kind=MessageKind.CASE_EMAIL, to=["jane.parent@example.org"], case=closed
    )
    reply = mailbox.item_store(
        raw=make_email(subject="Re: it is not sorted", headers={"In-Reply-To": message_id(sent)})
    ).item
    text_item = email.__class__.objects.get(kind="text")
    Message.objects.create(
        kind=MessageKind.CASE_LETTER,
        channel="letter",
        to=["Jane Parent", "1 High Street", "Townley", "AB1 2CD"],
        case=case,
        status=MessageStatus.TO_POST,
    )

    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, officer)
    page.goto(f"{server}/staff/inbox/")
    expect(page.get_by_text("Reply to a closed case")).to_be_visible()
    expect(page.get_by_text("Text message", exact=True)).to_be_visible()
    assert_fits(page, f"inbox, {size}")
    page.goto(f"{server}/staff/inbox/{email.pk}/")
    assert_fits(page, f"an e-mail in the inbox, {size}")
    page.get_by_label("Summary").fill("")
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"an e-mail's new record refused, {size}")
    page.goto(f"{server}/staff/inbox/{text_item.pk}/")
    expect(page.locator("h1")).to_contain_text("Text message from 447700900123")
    assert_fits(page, f"a text message in the inbox, {size}")
    page.goto(f"{server}/staff/inbox/{reply.pk}/")
    expect(page.get_by_role("heading", name="Reopen the case")).to_be_visible()
    assert_fits(page, f"a reply to a closed case, {size}")
    page.get_by_role("button", name="Reopen the case").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"a reply to a closed case, reopening refused, {size}")
    page.goto(f"{server}/staff/inbox/?view=done")
    assert_fits(page, f"inbox, dealt with, {size}")

    page.goto(f"{server}/staff/messages/cases/{case.reference}/send/")
    assert_fits(page, f"send from the case, {size}")
    page.get_by_label("Subject").fill("")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"send from the case refused, {size}")
    page.goto(f"{server}/staff/messages/cases/{case.reference}/")
    assert_fits(page, f"the case's messages, {size}")
    page.goto(f"{server}/staff/messages/not-sent/")
    expect(page.get_by_role("button", name="Record as posted today")).to_be_visible()
    assert_fits(page, f"messages not sent, {size}")
    page.goto(f"{server}/staff/messages/texts-received/")
    assert_fits(page, f"texts received, {size}")


# --- Issue 14: the surveys' staff pages -----------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_the_survey_pages_fit(browser: Any, server: str, fit_setup: Any, size: str) -> None:
    """The surveys sent, the comments, a comment's triage (refused), the import (refused) and
    a letter's link with its QR code, at 320 px and at 200% zoom; axe on every state."""
    from harken.surveys import services as survey_services
    from harken.surveys.defaults import install
    from harken.surveys.models import Comment, Invitation, Question, Survey
    from harken.surveys.tests.factories import closed_complaint, letter_survey

    officer, _case = fit_setup
    install(Survey, Question)
    answered, token = letter_survey(officer)
    text = Invitation.objects.get(case=answered).survey.questions.get(kind="text")
    survey_services.survey_answer(token=token, answers={text.pk: "A long comment " * 12})
    comment = Comment.objects.get()
    waiting = closed_complaint(officer)
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, officer)

    for url, name in (
        ("/staff/surveys/", "surveys sent"),
        ("/staff/surveys/comments/", "comments"),
        ("/staff/surveys/import/", "import"),
    ):
        page.goto(server + url)
        assert_fits(page, f"{name}, {size}")
    page.get_by_role("button", name="Import the returns").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"import refused, {size}")
    page.goto(f"{server}/staff/surveys/comments/{comment.pk}/")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"comment refused, {size}")
    page.goto(f"{server}/staff/surveys/send/{waiting.reference}/")
    assert_fits(page, f"send the survey, {size}")
    page.get_by_label("Which version").select_option("child")
    page.get_by_label("Link or QR code in a letter").check()
    page.get_by_role("button", name="Send the survey").click()
    expect(page.locator("h1")).to_have_text("Survey link made")
    assert_fits(page, f"letter link and QR code, {size}")
    context.close()


# --- Issue 14: the survey questions (administrators) and ending a partner appointment ---


@pytest.mark.parametrize("size", SIZES)
def test_the_survey_questions_and_partner_end_pages_fit(
    browser: Any, server: str, fit_setup: Any, size: str
) -> None:
    """The administrator's survey questions: the list, a survey's questions, a question refused
    (error summary), the retire page and the preview; and the officer ending a partner
    council's appointment, refused then shown again; at 320 px and 200% zoom, axe on each."""
    from harken.accounts.models import Role
    from harken.pool import services as pool
    from harken.pool.models import Organisation, PoolRole, Sharing
    from harken.surveys.defaults import install
    from harken.surveys.models import Question, Survey

    officer, _case = fit_setup
    install(Survey, Question)
    admin = staff(f"ada_admin_{size[:3]}", Role.ADMINISTRATOR)
    survey = Survey.objects.order_by("pk").first()
    assert survey is not None
    question = survey.questions.order_by("position", "pk").first()
    assert question is not None
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, admin)
    for path, heading in (
        ("/staff/surveys/questions/", "Survey questions"),
        (f"/staff/surveys/questions/{survey.pk}/", survey.name),
        (f"/staff/surveys/questions/{survey.pk}/{question.pk}/retire/", "this question?"),
        (f"/staff/surveys/questions/{survey.pk}/preview/", ""),
    ):
        page.goto(server + path)
        if heading:
            expect(page.locator("h1")).to_contain_text(heading)
        assert_fits(page, f"{path}, {size}")
    page.goto(f"{server}/staff/surveys/questions/{survey.pk}/add/")
    page.get_by_role("button", name="Add the question").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"survey question refused, {size}")
    context.close()

    lent = pool.pool_entry_create(
        actor=officer,
        name="Len Lent-Longname",
        organisation_kind=Organisation.SELF_EMPLOYED,
        roles=[PoolRole.INDEPENDENT_PERSON],
        sharing=Sharing.TO_PARTNER,
        partner_council="South Tyneside Council",
    )
    made = pool.partner_appointment_record(
        entry=lent,
        actor=officer,
        role=PoolRole.INDEPENDENT_PERSON,
        appointed_on=dt.date.today() - dt.timedelta(days=20),
    )
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, officer)
    page.goto(f"{server}/staff/pool/{lent.pk}/partner-appointments/{made.pk}/end/")
    expect(page.locator("h1")).to_contain_text("End an appointment by a partner council")
    assert_fits(page, f"end a partner appointment, {size}")
    page.get_by_role("button", name="End the appointment").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, f"end a partner appointment refused, {size}")
    context.close()
