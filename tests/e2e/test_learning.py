"""The learning action plan in a browser, with axe-core on every page and state visited.

An officer adds a recommendation with an action to a case (a refusal first); the manager who
owns the action marks it complete with evidence (a refusal first); the overview counts it;
everyone's reminders page. Dates are fixed in 2024, in the past whatever the day the suite
runs, so the services (which refuse future dates) accept them without freezing the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible

D = dt.date


@pytest.fixture
def learning_setup() -> dict[str, Any]:
    """Reference data (a flushed database lacks it), an officer, a manager, a stage 2 case."""
    from harken.accounts.models import Role, Team
    from harken.accounts.tests.factories import make_user
    from harken.cases import reference_data
    from harken.learning.tests.factories import stage2_case
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()
    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    manager = make_user(
        "mo_manager", Role.MANAGER, teams=[Team.objects.get(name="Assessment Teams")]
    )
    return {"officer": officer, "manager": manager, "case": stage2_case(officer)}


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


def test_recommendation_to_completed_action(
    page: Page, server: str, login_as: Any, context: Any, learning_setup: dict[str, Any]
) -> None:
    officer, manager, case = (learning_setup[k] for k in ("officer", "manager", "case"))
    forms = Forms(page)

    # The officer adds a recommendation from the case page.
    login_as(officer)
    page.goto(f"{server}/staff/cases/{case.reference}/points/")
    expect(page.get_by_role("heading", name="Recommendations and actions")).to_be_visible()
    assert_accessible(page, context="case page with the action-plan section")
    page.get_by_role("link", name="Add a recommendation").click()
    forms.heading("Add a recommendation", "recommendation form")
    page.get_by_label("Stage 3 review panel").check()
    forms.date("made_on", D(2024, 3, 1))
    page.get_by_label("Recommendation", exact=True).fill(
        "Share the assessment plan with parents before each meeting."
    )
    page.get_by_label("Team (optional)").select_option(label="Assessment Teams")
    page.get_by_role("button", name="Add recommendation").click()
    forms.refused("has no stage 3", "recommendation form refused")
    page.get_by_label("Stage 2 investigation").check()
    page.get_by_label("Accepted", exact=True).check()
    forms.date("decided_on", D(2024, 3, 8))
    page.get_by_role("button", name="Add recommendation").click()
    forms.success(f"Recommendation {case.reference} R1 added")

    # ... and an action, owned by the team's manager.
    page.get_by_role("link", name="Add an action").click()
    forms.heading("Add an action", "action form")
    page.get_by_label("What will be done").fill("Add a plan-sharing step to the guidance.")
    page.get_by_label("Owner").select_option(label="Mo Tester (Manager)")
    page.get_by_role("button", name="Add action").click()
    forms.refused("Enter the due date", "action form refused")
    forms.date("due_on", D(2024, 9, 30))
    page.get_by_role("button", name="Add action").click()
    forms.success(f"Action {case.reference} R1.1 added")

    # The manager finds it on the action plan, overdue, and completes it with evidence.
    context.clear_cookies()
    login_as(manager)
    page.goto(f"{server}/staff/learning/")
    forms.heading("Action plan", "action plan")
    row = page.get_by_role("row").filter(has_text=f"{case.reference} R1.1")
    expect(row).to_contain_text("Overdue")
    page.get_by_role("checkbox", name="Only overdue actions").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 action", exact=True)).to_be_visible()
    assert_accessible(page, context="action plan filtered")
    page.get_by_role("link", name=f"{case.reference} R1.1").click()
    forms.heading(f"Recommendation {case.reference} R1", "recommendation page (owner)")
    page.get_by_role("link", name=f"Record progress on action {case.reference} R1.1").click()
    forms.heading("Record progress", "progress form")
    page.get_by_label("Completed", exact=True).check()
    forms.date("completed_on", D(2024, 9, 20))
    page.get_by_role("button", name="Save progress").click()
    forms.refused("Describe the evidence", "progress form refused")
    page.get_by_label("Evidence that it is complete").fill(
        "Guidance version 4, section 2.3, published on the intranet on 20 September 2024."
    )
    page.get_by_role("button", name="Save progress").click()
    forms.success(f"Action {case.reference} R1.1 updated")
    expect(page.locator("#action-1")).to_contain_text("Completed on 20 September 2024")

    # The overview counts it as completed, and nothing overdue.
    page.goto(f"{server}/staff/learning/overview/")
    forms.heading("Action plan overview", "overview")
    social_care = page.get_by_role("row").filter(has_text="Children's social care")
    completed = "1 completed actions in Children's social care"
    expect(social_care.get_by_role("link", name=completed)).to_be_visible()
    expect(social_care.get_by_role("cell").nth(2)).to_have_text("0")  # overdue

    # The manager's reminders: choices and (none yet) sent.
    page.goto(f"{server}/staff/reminders/")
    forms.heading("Your reminders", "reminders page")
    page.get_by_label("Daily digest").uncheck()
    page.get_by_role("button", name="Save choices").click()
    forms.success("Your reminder choices are saved")
    expect(page.get_by_label("Daily digest")).not_to_be_checked()
