"""Children's homes in a browser, with axe-core on every new page in every state (empty, with
errors, filled).

- An officer adds a home (a malformed Ofsted URN refused first), records a Regulation 44 visit
  (refused empty, then in the future, then recorded), adds a recommendation to the action plan
  and records a safeguarding concern raised at the visit, which becomes a case that shows
  where it was raised.
- A month with no visit is flagged on the start page and on the compliance page.
- A drop-in is recorded and an issue raised at it is turned into a complaint in one step.
The dates are worked out from today (the suite runs on the real date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible
from .test_casework import casework_setup, staff  # noqa: F401 (a fixture)


def _month_name(day: dt.date) -> str:
    return day.strftime("%B %Y")


def _months_ago(n: int) -> dt.date:
    from harken.homes.selectors import add_months, month_start

    return add_months(month_start(dt.date.today()), -n)


@pytest.fixture
def homes_setup(casework_setup: None) -> dict[str, Any]:  # noqa: F811 (imported fixture)
    from harken.accounts.models import Role, Team

    officer = staff("olive_officer", Role.FEEDBACK_OFFICER)
    manager = staff("mo_manager", Role.MANAGER, teams=[Team.objects.get(name="Assessment Teams")])
    return {"officer": officer, "manager": manager}


class Forms:
    def __init__(self, page: Page) -> None:
        self.page = page

    def date(self, field: str, day: dt.date) -> None:
        self.page.locator(f"#id_{field}_0").fill(str(day.day))
        self.page.locator(f"#id_{field}_1").fill(str(day.month))
        self.page.locator(f"#id_{field}_2").fill(str(day.year))

    def heading(self, text: str, context: str) -> None:
        expect(self.page.locator("h1")).to_contain_text(text)
        assert_accessible(self.page, context=context)

    def success(self, text: str) -> None:
        expect(self.page.locator(".govuk-notification-banner--success")).to_contain_text(text)
        assert_accessible(self.page, context=f"after: {text}")

    def refused(self, message: str, context: str) -> None:
        expect(self.page.locator(".govuk-error-summary")).to_contain_text(message)
        assert_accessible(self.page, context=context)


def test_record_a_visit_with_a_recommendation_and_a_concern(
    page: Page, server: str, login_as: Any, homes_setup: dict[str, Any]
) -> None:
    officer, manager = homes_setup["officer"], homes_setup["manager"]
    forms = Forms(page)
    login_as(officer)

    page.goto(f"{server}/staff/homes/")
    forms.heading("Children's homes", "homes list, empty")
    page.get_by_role("link", name="Add a home").click()
    forms.heading("Add a children's home", "add a home")
    page.get_by_role("button", name="Add home").click()
    forms.refused("Enter", "add a home, refused empty")
    page.get_by_label("Name of the home").fill("Oak Lodge")
    page.get_by_label("Provider").fill("Shire County Council")
    page.get_by_label("The council's own home").check()
    page.get_by_label("Ofsted URN").fill("OF123")
    page.get_by_label("Number of places").fill("4")
    forms.date("opened_on", dt.date(2020, 1, 6))
    page.get_by_role("button", name="Add home").click()
    forms.refused("Enter the Ofsted URN as Ofsted shows it", "add a home, bad URN")
    page.get_by_label("Ofsted URN").fill("sc123456")
    page.get_by_role("button", name="Add home").click()
    forms.success("Oak Lodge added to the register")
    expect(page.get_by_text("SC123456", exact=True)).to_be_visible()

    # The visit: refused empty, refused in the future, then recorded.
    page.get_by_role("link", name="Record a visit").click()
    forms.heading("Record a Regulation 44 visit", "visit form")
    page.get_by_role("button", name="Record visit").click()
    forms.refused("Enter", "visit form, refused empty")
    visited = dt.date.today() - dt.timedelta(days=1)
    forms.date("visited_on", dt.date.today() + dt.timedelta(days=2))
    page.get_by_label("Independent visitor's name").fill("Vera Visitor")
    page.locator("#id_announced_1").check()
    page.get_by_label("Number of children spoken to").fill("3")
    page.get_by_label("Number of staff spoken to").fill("2")
    page.locator("#id_safeguarded_0").check()
    page.locator("#id_wellbeing_promoted_0").check()
    page.get_by_role("button", name="Record visit").click()
    forms.refused("must be today or in the past", "visit form, in the future")
    forms.date("visited_on", visited)
    page.get_by_role("button", name="Record visit").click()
    forms.success("recorded")
    expect(page.locator("h1")).to_contain_text("Regulation 44 visit of")

    # A recommendation onto the action plan, refused first.
    page.get_by_role("link", name="Add a recommendation").click()
    forms.heading("Add a recommendation", "visit recommendation form")
    page.get_by_role("button", name="Add recommendation").click()
    forms.refused("Enter", "visit recommendation, refused empty")
    page.get_by_label("Recommendation", exact=True).fill("Repair the garden fence.")
    page.get_by_label("Owner").select_option(label=str(manager))
    forms.date("due_on", dt.date.today() + dt.timedelta(days=30))
    page.get_by_label("Team (optional)").select_option(label="Assessment Teams")
    page.get_by_role("button", name="Add recommendation").click()
    forms.success("added to the action plan")
    reference = page.locator("td a", has_text=" R1").first.inner_text()

    # A safeguarding concern raised at the visit: refused without its referral, then a case.
    page.get_by_role("link", name="Record a concern or issue").click()
    forms.heading("Record an issue raised", "issue form")
    page.get_by_role("button", name="Record the issue").click()
    forms.refused("Enter", "issue form, refused empty")
    page.get_by_label("The issue raised").fill("A child said night staff shout at them.")
    page.get_by_role("radio", name="Safeguarding concern").check()
    page.get_by_role("button", name="Record the issue").click()
    forms.refused("Choose where it was referred", "issue form, no referral")
    page.get_by_label("Where the safeguarding concern was referred").select_option(
        label="Local Authority Designated Officer (LADO)"
    )
    forms.date("referred_on", visited)
    page.get_by_role("button", name="Record the issue").click()
    forms.success("Issue recorded: safeguarding concern")
    case_link = page.locator("#issues ~ table a").first
    case_link.click()
    expect(page.get_by_role("heading", name="Where it was raised")).to_be_visible()
    expect(page.get_by_role("link", name="Regulation 44 visit to Oak Lodge")).to_be_visible()
    assert_accessible(page, context="case page raised at a visit")

    # The recommendation is on the action plan.
    page.goto(f"{server}/staff/learning/")
    expect(page.get_by_text(f"{reference}.1")).to_be_visible()
    assert_accessible(page, context="action plan with a visit's recommendation")


def test_the_month_with_no_visit_is_flagged(
    page: Page, server: str, login_as: Any, homes_setup: dict[str, Any]
) -> None:
    from harken.homes.tests.factories import home, visit

    officer = homes_setup["officer"]
    first = _months_ago(3)
    oak = home(officer, opened_on=first)
    visit(officer, oak, visited_on=first + dt.timedelta(days=2), sent_to_ofsted_on=None)
    visit(officer, oak, visited_on=_months_ago(1) + dt.timedelta(days=3))
    login_as(officer)

    page.goto(f"{server}/staff/start/")
    flagged = page.locator("#homes ~ ul").first
    expect(flagged).to_contain_text(f"no visit in {_month_name(_months_ago(2))}")
    expect(flagged).to_contain_text("report not sent to Ofsted")
    assert_accessible(page, context="start page with a month with no visit")
    page.get_by_role("link", name="Visits due and made").first.click()
    expect(page.locator("h1")).to_contain_text("Visits due and made")
    expect(page.get_by_text(f"no visit in {_month_name(_months_ago(2))}")).to_be_visible()
    assert_accessible(page, context="compliance page")
    page.get_by_role("link", name="Oak Lodge").first.click()
    expect(page.get_by_text("No visit").first).to_be_visible()
    assert_accessible(page, context="home page with a month missed")


def test_a_drop_in_issue_turned_into_a_complaint(
    page: Page, server: str, login_as: Any, homes_setup: dict[str, Any]
) -> None:
    officer = homes_setup["officer"]
    forms = Forms(page)
    login_as(officer)

    page.goto(f"{server}/staff/homes/drop-ins/")
    forms.heading("Drop-ins", "drop-ins, empty")
    page.get_by_role("link", name="Record a drop-in").click()
    forms.heading("Record a drop-in", "drop-in form")
    page.get_by_role("button", name="Record drop-in").click()
    forms.refused("Enter", "drop-in form, refused empty")
    page.get_by_label("Or the placement or venue").fill("Youth centre, Market Street")
    page.get_by_label("Officer").select_option(label=str(officer))
    page.get_by_label("Number of young people who came").fill("6")
    page.get_by_role("button", name="Record drop-in").click()
    forms.success("Drop-in recorded")

    page.get_by_role("link", name="Record an issue raised").click()
    forms.heading("Record an issue raised", "drop-in issue form")
    page.get_by_label("The issue raised").fill("My placement moved without anyone asking me.")
    page.get_by_role("radio", name="Recorded as a complaint").check()
    page.get_by_role("button", name="Record the issue").click()
    forms.refused("Enter the name of the young person", "drop-in issue, no name")
    page.get_by_label("Young person's first name").fill("Jo")
    page.get_by_label("Young person's last name").fill("Young")
    page.get_by_role("button", name="Record the issue").click()
    forms.success("Issue recorded: recorded as a complaint")
    page.locator("#issues ~ table a").first.click()
    expect(page.get_by_role("heading", name="Where it was raised")).to_be_visible()
    expect(page.get_by_role("link", name="Drop-in at Youth centre, Market Street")).to_be_visible()
    assert_accessible(page, context="complaint raised at a drop-in")
    page.goto(f"{server}/staff/homes/drop-ins/")
    expect(page.get_by_text("Youth centre, Market Street")).to_be_visible()
    assert_accessible(page, context="drop-ins, one recorded")
