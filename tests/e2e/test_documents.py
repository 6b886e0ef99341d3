"""Documents and letters in a browser: upload (a refusal, then a good file), download, write a
letter (preview, then Word and PDF), and change a letter template; axe on every page and state.

Starts from the case page when the case pages are installed, else from this app's own page of
the case's documents (the same panel)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from .axe import assert_accessible

D = dt.date


@pytest.fixture
def documents_setup(settings: Any, tmp_path: Any) -> None:
    """Files in a temp folder, scanning off, and the reference data a flushed database lacks."""
    from django.apps import apps

    from harken.cases import reference_data
    from harken.procedures.services import install_shipped_procedures

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    reference_data.install()
    install_shipped_procedures()
    importlib.import_module("harken.documents.migrations.0002_default_letter_templates").install(
        apps, None
    )


def case_page(reference: str) -> str:
    try:
        return reverse("casework:case_tab", kwargs={"reference": reference, "tab": "documents"})
    except NoReverseMatch:
        return reverse("documents:case", kwargs={"reference": reference})


def assert_panel_accessible(page: Any, *, context: str) -> None:
    """On this app's pages the whole page; on the case page (another app's) the panel."""
    if "/staff/documents/" in page.url:
        assert_accessible(page, context=context)
        return
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        context={"include": [["#documents"]]},
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
        },
    )
    violations = results.response.get("violations", [])
    assert not violations, f"axe on the documents panel ({context}): " + "; ".join(
        f"{v['id']}: {v['nodes'][0]['html'][:160]}" for v in violations
    )


class DocumentsPanel:
    def __init__(self, page: Any) -> None:
        self.page = page

    @property
    def section(self) -> Any:
        return self.page.locator("#documents")

    def upload(self) -> None:
        self.section.get_by_role("link", name="Upload a document").click()

    def write_letter(self) -> None:
        self.section.get_by_role("link", name="Write a letter").click()


class UploadPage:
    def __init__(self, page: Any) -> None:
        self.page = page

    def choose(self, name: str, data: bytes, mime: str) -> None:
        self.page.get_by_label("Upload a file").set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": data}]
        )

    def describe(self, text: str) -> None:
        self.page.get_by_label("Description (optional)").fill(text)

    def submit(self) -> None:
        self.page.get_by_role("button", name="Upload", exact=True).click()


def test_documents_and_letters_journey(page, server, login_as, documents_setup):
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases.tests.factories import complaint
    from harken.documents.models import Document

    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    officer.email = "olive@example.gov.uk"
    officer.job_title = "Complaints officer"
    officer.save()
    case = complaint(actor=officer, received_on=dt.date.today() - dt.timedelta(days=2))
    login_as(officer)

    # The case's documents: none yet.
    page.goto(server + case_page(case.reference))
    panel = DocumentsPanel(page)
    assert panel.section.get_by_text(
        "There are no documents or letters on this case yet."
    ).is_visible()
    assert_panel_accessible(page, context="documents panel, empty")

    # Upload: a "PDF" that is really a program is refused beside the field…
    panel.upload()
    expect(page.get_by_role("heading", name="Upload a document")).to_be_visible()
    assert_accessible(page, context="upload page")
    upload = UploadPage(page)
    upload.choose("letter.pdf", b"MZ" + b"\x00" * 200, "application/pdf")
    upload.submit()
    expect(page.get_by_role("alert").get_by_text("appears to be a program")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page, context="upload page with an error")

    # …then a real one is kept.
    upload.choose(
        "email from mum.eml",
        b"From: Sam <sam@example.com>\r\nTo: us@example.gov.uk\r\nSubject: Visits\r\n"
        b"Date: Mon, 3 Jun 2024 09:00:00 +0100\r\n\r\nThe visits keep being cancelled.\r\n",
        "message/rfc822",
    )
    upload.describe("The complaint as e-mailed")
    upload.submit()
    expect(page.get_by_text("email from mum.eml has been added to the case")).to_be_visible()
    assert_panel_accessible(page, context="after upload")

    # Download it.
    with page.expect_download() as download_info:
        panel.section.get_by_role("link", name="email from mum.eml").click()
    assert download_info.value.suggested_filename == "email from mum.eml"

    # Write a letter: the acknowledgement is suggested; preview, then create.
    panel.write_letter()
    expect(page.get_by_role("heading", name="Write a letter")).to_be_visible()
    assert page.get_by_label("Acknowledgement", exact=True).is_checked()
    assert_accessible(page, context="letter page")
    page.get_by_role("button", name="Preview the letter").click()
    preview = page.locator("section[aria-labelledby='preview-heading']")
    assert preview.get_by_text("We will send you our response by").is_visible()
    assert_accessible(page, context="letter preview")
    page.get_by_role("button", name="Create Word and PDF").click()
    expect(page.get_by_text("Letter created:")).to_be_visible()
    assert Document.objects.filter(case=case, kind="letter").count() == 2
    assert panel.section.get_by_role("link", name=f"{case.reference} acknowledgement").count() == 2
    assert_panel_accessible(page, context="after creating a letter")

    # The app's own page of the case's documents, with both kinds listed.
    page.goto(server + reverse("documents:case", kwargs={"reference": case.reference}))
    expect(page.get_by_role("link", name="email from mum.eml")).to_be_visible()
    assert_accessible(page, context="case documents page")

    # Change a template: broken wording is refused beside the field, then fixed and saved.
    page.goto(server + reverse("documents:letter_templates"))
    expect(page.get_by_role("heading", name="Letter templates")).to_be_visible()
    assert_accessible(page, context="letter templates")
    page.get_by_role("link", name="General letter").click()
    expect(page.get_by_label("Wording")).to_be_visible()
    assert_accessible(page, context="template edit")
    wording = page.get_by_label("Wording")
    wording.fill("Dear {{ complainant.name }}\n\n{% if stage.is_last %}\nThe Ombudsman")
    page.get_by_role("button", name="Save the template").click()
    expect(page.locator("#id_body-error").get_by_text("Unclosed tag on line 3")).to_be_visible()
    assert_accessible(page, context="template edit with an error")
    wording.fill("Dear {{ complainant.name }}\n\n{{ letter.text }}")
    page.get_by_role("button", name="Save the template").click()
    expect(page.get_by_text('Letter template "General letter" saved (version 2)')).to_be_visible()


def test_a_response_recorded_with_its_letter_in_one_step(page, server, login_as, documents_setup):
    """Drafted before the outcomes, the response letter warns its findings will be empty; the
    response recorded, the next page is its letter drafted with the findings; created, the
    stage lists it. axe on every state."""
    import re

    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import services as case_services
    from harken.cases.tests.factories import complaint

    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    today = dt.date.today()
    case = complaint(actor=officer, received_on=today - dt.timedelta(days=7))
    case_services.stage_acknowledge(case=case, on=today - dt.timedelta(days=6), actor=officer)
    login_as(officer)

    # Too early: the response letter says its findings would be empty.
    page.goto(server + reverse("documents:letter_new", kwargs={"reference": case.reference}))
    page.get_by_label("Stage response", exact=True).check()
    page.get_by_role("button", name="Preview the letter").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("findings will be empty")
    assert_accessible(page, context="response letter drafted before the outcomes")

    # Record the response: the next page is its letter, drafted, with the findings.
    page.goto(server + case_page(case.reference))
    page.get_by_role("button", name="Record the response", exact=True).or_(
        page.get_by_role("link", name="Record the response", exact=True)
    ).first.click()
    expect(page.locator("h1")).to_have_text("Record the response")
    page.locator("#id_on_0").fill(str(today.day))
    page.locator("#id_on_1").fill(str(today.month))
    page.locator("#id_on_2").fill(str(today.year))
    groups = page.get_by_role("group", name=re.compile(r"^Element \d+:"))
    for n in range(groups.count()):
        groups.nth(n).get_by_label("Upheld", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Check the letter")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Response recorded. The letter for it is drafted below."
    )
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    expect(page.get_by_text("Our finding: upheld.").first).to_be_visible()
    assert_accessible(page, context="response recorded, its letter drafted")

    # Created: back on the case, whose stages part lists the stage's letter.
    page.get_by_role("button", name="Create Word and PDF").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Letter created")
    page.get_by_role("link", name="Stages", exact=True).click()
    expect(page.get_by_role("link", name="Stages", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    letters = page.locator("dt", has_text="Letters").locator("xpath=following-sibling::dd")
    expect(letters.get_by_role("link")).to_have_count(2)
    assert_accessible(page, context="case page, stages part, with the stage's letter")
