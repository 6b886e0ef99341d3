"""Word letter templates in a browser: an administrator downloads the starter, uploads a Word
template (refused first, with the reason beside the file), an officer writes a letter from it
on a case and downloads the filled-in .docx; axe on every state, and the new pages at 320 px
and at 200% zoom."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .axe import assert_accessible
from .test_documents import documents_setup  # noqa: F401 (a fixture)
from .test_pages_that_fit import SIZES, _login, assert_fits

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_file(*paragraphs: str) -> bytes:
    from docx import Document as WordDocument

    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    rows = document.add_table(rows=4, cols=2)
    rows.rows[0].cells[0].text, rows.rows[0].cells[1].text = "Point", "Summary"
    rows.rows[1].cells[0].text = "{%tr for element in elements %}"
    rows.rows[2].cells[0].text = "{{ element.number }}"
    rows.rows[2].cells[1].text = "{{ element.summary }}"
    rows.rows[3].cells[0].text = "{%tr endfor %}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class WordTemplatePage:
    def __init__(self, page: Any) -> None:
        self.page = page

    def fill(self, *, name: str, kind: str, data: bytes) -> None:
        self.page.get_by_label("Name").fill(name)
        self.page.get_by_label("What is the letter for?").select_option(label=kind)
        self.page.get_by_label("Word template").set_input_files(
            files=[{"name": "council letter.docx", "mimeType": DOCX, "buffer": data}]
        )

    def upload(self) -> None:
        self.page.get_by_role("button", name="Upload the template").click()


@pytest.mark.usefixtures("documents_setup")
def test_a_word_template_uploaded_and_a_letter_written_from_it(
    page: Any, server: str, login_as: Any
) -> None:
    from docx import Document as WordDocument

    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases.tests.factories import complaint

    admin = make_user("ada_admin", Role.ADMINISTRATOR)
    officer = make_user("olive_officer", Role.FEEDBACK_OFFICER)
    case = complaint(actor=officer, received_on=dt.date.today() - dt.timedelta(days=2))
    login_as(admin)

    # The administrator adds a Word template: the starter first, for the merge fields.
    page.goto(server + reverse("documents:letter_templates"))
    page.get_by_role("link", name="Add a Word letter template").click()
    expect(page.get_by_role("heading", name="Add a Word letter template")).to_be_visible()
    expect(page.get_by_role("cell", name="stage.due_on", exact=False).first).to_be_visible()
    assert_accessible(page, context="add a Word template")
    with page.expect_download() as starter:
        page.get_by_role("link", name="Download a starter Word template").click()
    starter_text = [p.text for p in WordDocument(starter.value.path()).paragraphs]
    assert "Our reference: {{ case.reference }}" in starter_text

    # A misspelt merge field: refused, the reason beside the file field.
    form = WordTemplatePage(page)
    form.fill(
        name="Council acknowledgement",
        kind="Acknowledgement",
        data=word_file("Dear {{ complainant.name }}", "Reply by {{ stage.due_onn }}."),
    )
    form.upload()
    expect(page.locator("#id_file-error")).to_contain_text("{{ stage.due_onn }}")
    assert page.title().startswith("Error: ")
    assert_accessible(page, context="add a Word template, refused")

    # Corrected: saved as version 1.
    form.fill(
        name="Council acknowledgement",
        kind="Acknowledgement",
        data=word_file(
            "Our reference: {{ case.reference }}",
            "Dear {{ complainant.name }}",
            "We will reply by {{ stage.due_on }}.",
        ),
    )
    form.upload()
    expect(page.get_by_text('Word letter template "Council acknowledgement" added')).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Council acknowledgement")
    expect(row).to_contain_text("Word")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Versions")).to_be_visible()
    assert_accessible(page, context="change a Word template, its versions")

    # The officer writes the letter from it: the preview is the filled-in text only.
    login_as(officer)
    page.goto(server + reverse("documents:letter_new", kwargs={"reference": case.reference}))
    page.get_by_label("Council acknowledgement", exact=True).check()
    page.get_by_role("button", name="Preview the letter").click()
    preview = page.locator("section[aria-labelledby='preview-heading']")
    expect(preview).to_contain_text(f"Our reference: {case.reference}")
    expect(preview).to_contain_text("We will reply by")
    expect(preview).not_to_contain_text("{{")
    expect(preview.get_by_role("table")).to_be_visible()
    assert_accessible(page, context="letter from a Word template, preview")
    page.get_by_role("button", name="Create Word and PDF").click()
    expect(page.get_by_text("Letter created:")).to_be_visible()

    # Downloaded, the .docx is the council's template filled in.
    with page.expect_download() as letter:
        page.locator("#documents").get_by_role("link", name=".docx").first.click()
    document = WordDocument(letter.value.path())
    text = [p.text for p in document.paragraphs]
    assert f"Our reference: {case.reference}" in text
    assert not any("{{" in p for p in text)
    summaries = [row.cells[1].text for row in document.tables[0].rows][1:]
    assert summaries == [e.summary for e in case.elements.order_by("number")]


@pytest.mark.usefixtures("documents_setup")
@pytest.mark.parametrize("size", SIZES)
def test_the_word_template_pages_fit(browser: Any, server: str, size: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.documents import services

    admin = make_user("ada_admin", Role.ADMINISTRATOR)
    template = services.letter_template_upload(
        kind="other",
        name="A council letter with a long name to wrap",
        file=SimpleUploadedFile("letter.docx", word_file("Dear {{ complainant.name }}"), DOCX),
        actor=admin,
    )
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    _login(context, server, admin)
    page.goto(server + reverse("documents:letter_templates"))
    assert_fits(page, f"letter templates, {size}")
    page.goto(server + reverse("documents:word_template_new"))
    assert_fits(page, f"add a Word template, {size}")
    page.get_by_role("button", name="Upload the template").click()
    expect(page.locator("#id_file-error")).to_be_visible()
    assert_fits(page, f"add a Word template, refused, {size}")
    page.goto(server + reverse("documents:word_template_edit", args=[template.pk]))
    assert_fits(page, f"change a Word template, {size}")
    context.close()
