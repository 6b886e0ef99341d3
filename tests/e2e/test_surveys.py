"""Surveys in a browser: the child-friendly survey answered by keyboard alone at 320 px, the
used link's page; an officer sends a letter's link from the case, imports returns with an
error then fixed, and triages a comment. axe on every page and state visited."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_accessible

PHONE = {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1}


@pytest.fixture
def surveys_setup() -> Any:
    """Reference data, the shipped surveys and a closed complaint."""
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import reference_data
    from harken.procedures.services import install_shipped_procedures
    from harken.surveys.defaults import install
    from harken.surveys.models import Question, Survey
    from harken.surveys.tests.factories import closed_complaint

    reference_data.install()
    install_shipped_procedures()
    install(Survey, Question)
    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    return officer, closed_complaint(officer)


def _fits(page: Page, context: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{context}: scrolls sideways ({width})"
    assert_accessible(page, context=context)


def _tab_to(page: Page, selector: str, most: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(most):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_child_survey_answered_by_keyboard_at_320px(
    browser: Any, server: str, surveys_setup: Any
) -> None:
    from harken.surveys.models import Invitation, Response
    from harken.surveys.tests.factories import letter_survey

    officer, case = surveys_setup
    _, token = letter_survey(officer, case, audience="child")
    questions = list(Invitation.objects.get(case=case).survey.questions.all())
    scale, listened = questions[0], questions[1]
    text = next(q for q in questions if q.kind == "text")

    context = browser.new_context(**PHONE)
    page = context.new_page()
    response = page.goto(f"{server}/survey/{token}/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("Tell us how we did")
    expect(page.get_by_text(case.reference)).to_have_count(0)
    _fits(page, "child survey, 320 px")

    # Keyboard only: Tab into the scale, arrows to 5; Tab to "Did we listen?", Space for Yes;
    # Tab to the text, type; Tab to the button, Enter.
    _tab_to(page, f"input[name=q{scale.pk}]")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    _tab_to(page, f"input[name=q{listened.pk}]")
    page.keyboard.press("Space")
    _tab_to(page, f"textarea[name=q{text.pk}]")
    page.keyboard.type("You listened to me")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/survey/thank-you/")
    expect(page.locator("h1")).to_have_text("Thank you for telling us")
    _fits(page, "child survey sent, 320 px")

    answered = Response.objects.get(invitation__case=case)
    assert answered.satisfaction == 5
    assert answered.answers.get(question=listened).yes_no is True

    # The link again: used.
    again = page.goto(f"{server}/survey/{token}/")
    assert again is not None
    assert again.status == 410
    expect(page.locator("h1")).to_have_text("This survey has already been answered")
    _fits(page, "used survey link, 320 px")
    context.close()


def test_officer_sends_imports_and_triages(
    page: Page, server: str, login_as: Any, surveys_setup: Any
) -> None:
    officer, case = surveys_setup
    login_as(officer)

    # Send the survey from the case page: a letter's link and QR code, shown once.
    page.goto(f"{server}/staff/cases/{case.reference}/")
    page.get_by_role("link", name="Send the survey").click()
    expect(page.locator("h1")).to_have_text("Send the satisfaction survey")
    assert_accessible(page, context="send page")
    page.get_by_role("button", name="Send the survey").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose which version of the survey to send"
    )
    assert_accessible(page, context="send page, errors")
    page.get_by_label("Which version").select_option("adult")
    page.get_by_label("Link or QR code in a letter").check()
    page.get_by_role("button", name="Send the survey").click()
    expect(page.locator("h1")).to_have_text("Survey link made")
    expect(page.locator("svg")).to_be_visible()
    assert_accessible(page, context="letter link and QR code")
    link = page.locator(".hk-survey-link").inner_text()

    # Someone answers it with a comment.
    page.goto(link)
    page.get_by_label("Is there anything we could have done better?").fill(
        "Nobody told me what happened next"
    )
    page.get_by_role("button", name="Send your answers").click()
    expect(page.locator("h1")).to_have_text("Thank you for your answers")

    # The surveys sent.
    page.goto(f"{server}/staff/surveys/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Answered")).to_be_visible()
    assert_accessible(page, context="surveys sent")

    # The import: an error named by line and column, nothing saved; then fixed.
    page.goto(f"{server}/staff/surveys/import/")
    assert_accessible(page, context="import page")
    page.get_by_label("Survey name").fill("Parents' survey, Q2")
    page.get_by_label("Survey returns file").set_input_files(
        files=[
            {
                "name": "q2.csv",
                "mimeType": "text/csv",
                "buffer": b"received_on,satisfaction,comment\n2026-07-01,9,Too slow\n",
            }
        ]
    )
    page.get_by_role("button", name="Import the returns").click()
    expect(page.locator("#problems")).to_contain_text(
        "line 2: satisfaction: '9' is not a number from 1 to 5."
    )
    assert_accessible(page, context="import refused")
    page.get_by_label("Survey returns file").set_input_files(
        files=[
            {
                "name": "q2.csv",
                "mimeType": "text/csv",
                "buffer": b"received_on,satisfaction,comment\n2026-07-01,4,Too slow\n",
            }
        ]
    )
    page.get_by_role("button", name="Import the returns").click()
    expect(page.get_by_text("1 return of Parents' survey, Q2 imported")).to_be_visible()
    assert_accessible(page, context="import done")

    # Triage the comment from the case's survey: it becomes an initial contact.
    page.goto(f"{server}/staff/surveys/comments/")
    assert_accessible(page, context="comments to triage")
    page.get_by_role("link", name="Nobody told me what happened next").click()
    assert_accessible(page, context="comment")
    page.get_by_label("Passed to the team").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the team it was passed to."
    )
    assert_accessible(page, context="comment, errors")
    page.get_by_label("Became an initial contact").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Became initial contact")).to_be_visible()
    assert_accessible(page, context="comment triaged")


def test_administrator_adds_a_question_seen_on_the_public_survey(
    page: Page, server: str, login_as: Any, surveys_setup: Any
) -> None:
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.surveys.tests.factories import letter_survey

    officer, case = surveys_setup
    admin = make_user("ada_admin", Role.ADMINISTRATOR)
    login_as(admin)

    # Found with the other configuration, under More.
    page.goto(f"{server}/staff/")
    page.locator(".hk-nav-more__summary").click()
    page.get_by_role("link", name="Survey questions").click()
    expect(page.locator("h1")).to_have_text("Survey questions")
    assert_accessible(page, context="survey questions list")
    page.get_by_role("link", name="How your complaint was handled (Adults)").click()
    assert_accessible(page, context="one survey's questions")

    page.get_by_role("link", name="Add a question").click()
    page.get_by_role("button", name="Add the question").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the kind of question")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the question")
    assert_accessible(page, context="add a question, errors")
    page.get_by_label("Yes or no").check()
    page.get_by_label("Question", exact=True).fill("Would you tell a friend about us?")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Question added")).to_be_visible()
    new = page.locator("#questions > li").last
    expect(new).to_contain_text("Would you tell a friend about us?")
    assert_accessible(page, context="question added")

    # Up one place, without JavaScript's help: the button is a form.
    count = page.locator("#questions > li").count()
    new.get_by_role("button", name=f"Move up question {count}").click()
    expect(page.locator("#questions > li").nth(count - 2)).to_contain_text(
        "Would you tell a friend about us?"
    )

    page.get_by_role("link", name="Preview the public page").click()
    expect(page.get_by_text("Would you tell a friend about us?")).to_be_visible()
    expect(page.get_by_role("button", name="Send your answers")).to_be_disabled()
    assert_accessible(page, context="survey preview")

    # A real link, answered by someone with no account.
    _, token = letter_survey(officer, case)
    page.context.clear_cookies()
    page.goto(f"{server}/survey/{token}/")
    expect(page.get_by_text("Would you tell a friend about us?")).to_be_visible()
    assert_accessible(page, context="public survey with the new question")
