"""The public online forms in Debian's Chromium: every form, every page, axe in every state.

Each page of each form is checked by axe empty, then (where a question is required) after
pressing Continue with nothing filled in, so with its error summary; then the answers are
given. Check your answers and the confirmation are checked too. One journey is done with
the keyboard only (Tab, Enter, Space and typing) and one on a 320 pixel wide screen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from harken.cases.models import Case, Kind, PartyRole
from harken.intake.models import Attachment, Submission

from .axe import assert_accessible

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _intake_settings(settings, tmp_path):
    """Teams and procedures (a browser test's database is emptied after each test), no rate
    limits (the journeys post many times a minute from one address), files in a temporary
    folder."""
    from harken.cases import reference_data
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()
    settings.HARKEN_INTAKE_RATE_LIMITS = False
    settings.MEDIA_ROOT = tmp_path / "media"


class FormPage:
    """Any page of an online form: the GOV.UK pattern is the same on each."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def check(self, context: str) -> None:
        assert_accessible(self.page, context=context)

    def continue_(self) -> None:
        self.page.get_by_role("button", name="Continue").click()

    def errors(self) -> str:
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
        return summary.inner_text()

    def choose(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).check()

    def fill(self, label: str, text: str) -> None:
        self.page.get_by_label(label, exact=True).fill(text)

    def date(self, day: str, month: str, year: str) -> None:
        for label, value in (("Day", day), ("Month", month), ("Year", year)):
            self.page.get_by_label(label, exact=True).fill(value)


Answer = Callable[[FormPage], None]


def walk(page: Page, pages: list[tuple[str, bool, Answer]], journey: str) -> None:
    """For each page: axe empty; if it has a required question, Continue to see the errors
    and axe again; then answer and continue."""
    form = FormPage(page)
    for heading, has_required, answer in pages:
        expect(page.locator("h1").first).to_have_text(re.compile(re.escape(heading)))
        form.check(f"{journey}: {heading} (empty)")
        if has_required:
            form.continue_()
            assert form.errors()
            assert page.title().startswith("Error: ")
            form.check(f"{journey}: {heading} (with errors)")
        answer(form)
        if page.get_by_role("button", name="Continue").count():
            form.continue_()


def check_and_send(page: Page, journey: str, noun: str) -> str:
    form = FormPage(page)
    expect(page.locator("h1")).to_have_text(f"Check your answers before sending your {noun}")
    form.check(f"{journey}: check your answers")
    page.get_by_role("button", name=f"Send {noun}").click()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_be_visible(timeout=20_000)
    form.check(f"{journey}: confirmation")
    reference = panel.locator("strong").inner_text().strip()
    assert re.fullmatch(r"HK-\d{4}-\d{5}", reference)
    return reference


def test_complaint_for_a_child_with_a_photo(page: Page, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    FormPage(page).check("start page")
    page.get_by_role("button", name="Make a complaint").click()
    photo = tmp_path / "bedroom.png"
    photo.write_bytes(PNG)
    wrong = tmp_path / "setup.exe"
    wrong.write_bytes(b"MZ\x90\x00\x03" + b"\x00" * 64)

    def attachments(form: FormPage) -> None:
        form.page.get_by_label("Upload a file").set_input_files(str(wrong))
        form.page.get_by_role("button", name="Upload file").click()
        assert "appears to be a program. It must be a PDF" in form.errors()
        form.check("complaint: documents (with errors)")
        form.page.get_by_label("Upload a file").set_input_files(str(photo))
        form.page.get_by_role("button", name="Upload file").click()
        expect(form.page.get_by_role("term")).to_have_text("bedroom.png")
        form.check("complaint: documents (one added)")

    walk(
        page,
        [
            ("Which of these best describes you?", True, lambda f: f.choose("Foster carer")),
            ("Are you complaining for a child", True, lambda f: f.choose("Yes")),
            (
                "The child or young person's details",
                True,
                lambda f: (f.fill("First name", "Ffion"), f.fill("Last name", "Jones")),
            ),
            ("Does the child or young person know", True, lambda f: f.choose("I'm not sure")),
            (
                "What happened?",
                True,
                lambda f: f.fill("What happened?", "Ni ddaeth neb i'r cyfarfod. 🙁"),
            ),
            ("When did it happen?", False, lambda f: f.date("4", "1", "2023")),
            (
                "It happened more than a year ago",
                False,
                lambda f: f.fill("Why are you telling us now? (optional)", "I was unwell"),
            ),
            (
                "Which service or team is it about?",
                True,
                lambda f: f.choose("Fostering Team"),
            ),
            ("What would put things right?", False, lambda f: None),
            ("Documents and photos", False, attachments),
            ("Your name", True, lambda f: f.fill("First name", "Siân")),
            ("How would you like us to contact you?", True, lambda f: f.choose("E-mail")),
            (
                "What is your e-mail address?",
                True,
                lambda f: (
                    f.fill("E-mail address", "sian@example.com"),
                    f.page.get_by_label(re.compile("^I agree")).check(),
                ),
            ),
            ("Help you need", False, lambda f: f.fill(re.compile("language"), "Cymraeg")),  # type: ignore[arg-type]
        ],
        "complaint",
    )
    # Change an answer from check your answers, and come back to it.
    page.get_by_role("link", name="Change what happened?").click()
    FormPage(page).fill("What happened?", "Ni ddaeth neb i'r cyfarfod adolygu. 🙁")
    FormPage(page).continue_()
    expect(page.get_by_text("cyfarfod adolygu")).to_be_visible()
    reference = check_and_send(page, "complaint", "complaint")
    case = Case.objects.get(reference=reference)
    assert case.kind == Kind.CONTACT
    assert "Ni ddaeth neb i'r cyfarfod adolygu. 🙁" in case.details
    assert case.grounds_arose_on == dt.date(2023, 1, 4)
    assert case.parties.get(role=PartyRole.CHILD).child_knows is None
    assert Attachment.objects.get().submission == Submission.objects.get()
    assert [m.to for m in mail.outbox] == [["sian@example.com"]]
    # Back after sending: the confirmation, not the answers.
    page.go_back()
    expect(page.locator("h1")).to_have_text("Complaint sent")
    assert Case.objects.count() == 1


def test_question_or_comment_by_post(page: Page, server: str) -> None:
    page.goto(server + "/question-or-comment/start/")
    walk(
        page,
        [
            ("What would you like to do?", True, lambda f: f.choose("Make a suggestion")),
            (
                "What is your question or comment?",
                True,
                lambda f: f.fill("What is your question or comment?", "مرحبا — more evening"),
            ),
            ("Which service or team is it about?", True, lambda f: f.choose("I'm not sure")),
            (
                "Your name",
                True,
                lambda f: (f.fill("First name", "Amir"), f.fill("Last name", "Haddad")),
            ),
            ("How would you like us to contact you?", True, lambda f: f.choose("Letter by post")),
            (
                "What is your address?",
                True,
                lambda f: (
                    f.fill("Address", "1 High Street"),
                    f.fill("Postcode", "ab1 2cd"),
                    f.page.get_by_label(re.compile("^I agree")).check(),
                ),
            ),
            ("Help you need", False, lambda f: None),
        ],
        "comment",
    )
    reference = check_and_send(page, "comment", "message")
    assert Case.objects.get(reference=reference).kind == Kind.SUGGESTION


def _tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_compliment_with_the_keyboard_only(page: Page, server: str) -> None:
    """Tab, Enter, Space and typing: no mouse from the start page to the confirmation."""
    page.goto(server + "/")
    keys = page.keyboard
    _tab_to(page, "a.govuk-button[href$='/compliment/start/']")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile("What would you like to tell us"))
    assert_accessible(page, context="compliment: your compliment")
    _tab_to(page, "textarea")
    keys.type("Jo listened to my son and helped him. Diolch!")
    _tab_to(page, "button.govuk-button")
    keys.press("Enter")
    # Leave "who is it for" empty: straight to Continue.
    expect(page.locator("h1")).to_have_text(re.compile("Who is your compliment for"))
    assert_accessible(page, context="compliment: who for")
    _tab_to(page, "button.govuk-button")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile("Which service or team"))
    _tab_to(page, "button.govuk-button")
    keys.press("Enter")  # nothing chosen: errors, focus moves to the summary
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page, context="compliment: which service (with errors)")
    _tab_to(page, "input[type=radio]")
    keys.press("Space")
    _tab_to(page, "button.govuk-button")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile("Would you like us to reply"))
    assert_accessible(page, context="compliment: reply")
    _tab_to(page, "input[type=radio]")
    keys.press("Space")  # Yes, by e-mail
    _tab_to(page, "button.govuk-button")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("What is your e-mail address?")
    assert_accessible(page, context="compliment: e-mail address")
    _tab_to(page, "input[name=email]")
    keys.type("parent@example.com")
    _tab_to(page, "input[name=consent]")
    keys.press("Space")
    _tab_to(page, "button.govuk-button")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("Your name")
    assert_accessible(page, context="compliment: your name")
    _tab_to(page, "input[name=first_name]")
    keys.type("Rhian")
    _tab_to(page, "button.govuk-button")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile("Check your answers"))
    assert_accessible(page, context="compliment: check your answers")
    _tab_to(page, "button.govuk-button")
    keys.press("Enter")
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    assert_accessible(page, context="compliment confirmation")
    case = Case.objects.get()
    assert case.kind == Kind.COMPLIMENT
    assert "Diolch!" in case.details
    assert case.teams.count() == 1


def test_young_person_on_a_320_pixel_wide_phone(page: Page, server: str) -> None:
    """The young person's form at 320 px: nothing wider than the screen; help when unsafe."""
    page.set_viewport_size({"width": 320, "height": 640})

    def fits(context: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{context}: the page is {width}px wide"

    page.goto(server + "/young-people/")
    fits("young people start")
    assert_accessible(page, context="young people start")
    expect(page.get_by_text("You can have an advocate").first).to_be_visible()
    page.get_by_role("button", name="Start").click()
    steps: list[tuple[str, bool, Answer]] = [
        ("Your safety", True, lambda f: f.choose("No")),
        ("Help you can get right now", False, lambda f: fits("get help")),
        (
            "What's wrong?",
            True,
            lambda f: f.fill("What's wrong?", "Dw i ddim yn cael gweld fy mrawd"),
        ),
        ("When did it happen?", False, lambda f: fits("when")),
        ("Who or what is it about?", False, lambda f: None),
        ("What would make things better?", False, lambda f: None),
        ("You can have an advocate", True, lambda f: f.choose("Yes, I'd like an advocate")),
        ("Your name", True, lambda f: f.fill("First name", "Kai")),
        ("How would you like us to contact you?", True, lambda f: f.choose("Text message")),
        (
            "What is your mobile phone number?",
            True,
            lambda f: (
                f.fill("Mobile phone number", "07700 900982"),
                f.page.get_by_label(re.compile("^I agree")).check(),
                fits("contact"),
            ),
        ),
        ("Help you need", False, lambda f: fits("needs")),
    ]
    walk(page, steps, "young person")
    fits("check answers")
    reference = check_and_send(page, "young person", "complaint")
    fits("confirmation")
    expect(page.get_by_text("0800 1111")).to_be_visible()
    submission = Submission.objects.get()
    assert submission.unsafe
    assert submission.advocate_requested
    assert Case.objects.get(reference=reference).summary.startswith("SAFETY:")


def test_pages_for_things_going_wrong(page: Page, server: str, settings) -> None:
    """The honeypot's 400, the rate limit's 429 and the timed-out page: plain and accessible."""
    page.goto(server + "/complaint/start/")
    page.evaluate("document.getElementById('id_website').value = 'http://spam.example'")
    FormPage(page).choose("Parent")
    FormPage(page).continue_()
    expect(page.locator("h1")).to_have_text("Your form could not be sent")
    assert_accessible(page, context="honeypot filled")

    settings.HARKEN_INTAKE_RATE_LIMITS = True
    settings.HARKEN_INTAKE_POSTS_PER_MINUTE = 1
    page.goto(server + "/complaint/start/")
    FormPage(page).continue_()
    FormPage(page).continue_()
    expect(page.locator("h1")).to_have_text("Please wait before trying again")
    assert_accessible(page, context="too many requests")

    settings.HARKEN_INTAKE_RATE_LIMITS = False
    settings.HARKEN_INTAKE_IDLE_MINUTES = 0
    page.goto(server + "/complaint/about-you/")
    expect(page.locator("h1")).to_have_text("You'll have to start again")
    assert_accessible(page, context="timed out")
    assert Case.objects.count() == 0


def test_data_protection_complaint(page: Page, server: str) -> None:
    """s164A(2): a complaint about personal data made online, told when it will be
    acknowledged and that the Information Commissioner is next."""
    page.goto(server + "/")
    page.get_by_role("button", name="Complain about your personal data").click()
    walk(
        page,
        [
            (
                "What is your complaint about?",
                True,
                lambda f: f.choose("Information about me that is wrong or incomplete"),
            ),
            (
                "What happened?",
                True,
                lambda f: f.fill("What happened?", "My son's record names the wrong school."),
            ),
            ("What would put things right?", False, lambda f: None),
            ("Documents and photos", False, lambda f: None),
            ("Your name", True, lambda f: f.fill("First name", "Gareth")),
            ("How would you like us to contact you?", True, lambda f: f.choose("E-mail")),
            (
                "What is your e-mail address?",
                True,
                lambda f: (
                    f.fill("E-mail address", "gareth@example.com"),
                    f.page.get_by_label(re.compile("^I agree")).check(),
                ),
            ),
            ("Help you need", False, lambda f: None),
        ],
        "data protection",
    )
    reference = check_and_send(page, "data protection", "complaint")
    expect(page.get_by_text("(within 30 days)")).to_be_visible()
    expect(page.get_by_text(re.compile("complain to the Information Commissioner"))).to_be_visible()
    case = Case.objects.get(reference=reference)
    assert case.kind == Kind.COMPLAINT
    assert case.procedure_version is not None
    assert case.procedure_version.procedure.code == "data-protection"
    assert "Information about me that is wrong or incomplete" in case.details
