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
    """The person's legal hold pages, the new-record form (refused, then as it is) and the
    public form's "late" page, at 320 px and at 200% zoom; axe on every state."""
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
