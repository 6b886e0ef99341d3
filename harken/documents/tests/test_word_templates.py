"""Letter templates edited in Word: checked on upload, versioned, filled in by docxtpl."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from docx import Document as WordDocument

from harken.cases.models import TimelineEvent
from harken.cases.tests.factories import respond_all
from harken.core.errors import AccessDenied, ApplicationError
from harken.documents import services, word
from harken.documents.models import (
    Document,
    DocumentKind,
    LetterKind,
    LetterTemplate,
    LetterTemplateRevision,
    TemplateFormat,
)

from .conftest import D, docx_bytes, pdf_bytes, upload
from .test_letters import pdf_text, stored

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_file(*paragraphs: str, table: bool = False) -> bytes:
    """A Word document with these paragraphs, and optionally the points of complaint's table
    filled by a {%tr for %} loop."""
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        rows = document.add_table(rows=4, cols=2)
        rows.rows[0].cells[0].text, rows.rows[0].cells[1].text = "Point", "Outcome"
        rows.rows[1].cells[0].text = "{%tr for element in elements %}"
        rows.rows[2].cells[0].text = "{{ element.summary }}"
        rows.rows[2].cells[1].text = "{{ element.outcome }}"
        rows.rows[3].cells[0].text = "{%tr endfor %}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


LETTER = (
    "Our reference: {{ case.reference }}",
    "Dear {{ complainant.name }}",
    "We will respond by {{ stage.due_on }}.",
    "{%p if stage.is_last %}",
    "You can go to the {{ ombudsman.name }}.",
    "{%p else %}",
    "You can ask for stage {{ stage.next_number }} by {{ stage.escalation_due_on }}.",
    "{%p endif %}",
    "{{ letter.text }}",
)


def add(actor, data: bytes, *, name: str = "Word response", filename: str = "response.docx"):
    return services.letter_template_upload(
        kind=LetterKind.STAGE_RESPONSE, name=name, file=upload(filename, data, DOCX), actor=actor
    )


def refusal(actor, data: bytes, filename: str = "letter.docx") -> str:
    with pytest.raises(ApplicationError) as caught:
        add(actor, data, filename=filename)
    assert not LetterTemplate.objects.filter(name="Word response").exists()
    assert list(caught.value.field_errors) == ["file"]
    return caught.value.field_errors["file"][0]


def cells(data: bytes) -> list[list[str]]:
    [table] = WordDocument(io.BytesIO(data)).tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in WordDocument(io.BytesIO(data)).paragraphs]


# --- Checked before it is saved ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (pdf_bytes(), "letter.docx", "must be a Word document (.docx)"),
        (b"PK\x03\x04" + b"\x00" * 200, "letter.docx", "must be a Word document (.docx)"),
        (docx_bytes(macro=True), "letter.docx", "contains macros"),
        (docx_bytes(), "letter.docm", "with macros (.docm)"),
        (b"", "letter.docx", "The selected file is empty"),
    ],
    ids=["pdf", "corrupt-zip", "macros-inside", "docm-name", "empty"],
)
def test_a_file_that_is_not_a_word_document_without_macros_is_refused(
    officer, data, filename, words
):
    assert words in refusal(officer, data, filename)


def test_a_damaged_word_document_is_refused(officer):
    """A zip that says it is a Word document but whose text cannot be read."""
    import zipfile

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes())) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, b"<w:document" if item.filename == "word/document.xml" else data)
    assert "cannot be opened as a Word document" in refusal(officer, buffer.getvalue())


def test_a_syntax_error_is_refused_with_the_paragraph_it_is_in(officer):
    message = refusal(officer, word_file("Dear {{ complainant.name }}", "{% if stage.is_last %}"))
    assert "The Word template cannot be used" in message
    assert "'endif'" in message
    assert "in the main text, in the paragraph “{% if stage.is_last %}”" in message


def test_a_merge_field_that_does_not_exist_is_refused_by_name(officer):
    message = refusal(officer, word_file("Due {{ stage.due_onn }}", table=True))
    assert "merge fields that do not exist: {{ stage.due_onn }}" in message
    loop = refusal(
        officer, word_file("{%p for e in elements %}", "{{ e.summry }}", "{%p endfor %}")
    )
    assert "{{ element.summry }}" in loop


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{{ case.reference|xmlattr }}", 'the filter "xmlattr" is not allowed'),
        ("{{ case.summary|safe }}", 'the filter "safe" is not allowed'),
        ("{% macro m() %}x{% endmacro %}", "macros ({% macro %}) are not allowed"),
        ("{% include 'other.docx' %}", "{% include %} is not allowed"),
        ("{% import 'x' as x %}", "{% import %} is not allowed"),
        ("{{ range(10) }}", "calling a function"),
        ("{{ case.summary.upper() }}", "calling a function"),
        ("{{ case.__class__ }}", "do not exist"),
        ("{{ stage.items }}", "do not exist"),
        ("{{ cycler }}", "do not exist"),
        ("{{ 'x' * 1000000000 }}", "multiplying (*) is not allowed"),
        ("{{ case.summary|truncate(10 ** 9) }}", "powers (**) are not allowed"),
        ("{{ case.summary|indent(100) }}", 'the filter "indent" is not allowed'),
    ],
)
def test_what_a_word_template_may_not_do_is_refused(officer, text, words):
    """The sandbox: no filter beyond the list, no macros, calls, includes or imports, no
    attribute of a value and no global (a template reaches only what the letter shows)."""
    assert words in refusal(officer, word_file("Dear {{ complainant.name }}", text))


def test_the_refusal_is_beside_the_file_field_and_nothing_is_saved(sign_in, admin_user):
    response = sign_in(admin_user).post(
        reverse("documents:word_template_new"),
        {
            "name": "Word response",
            "kind": LetterKind.STAGE_RESPONSE,
            "file": upload("r.docx", word_file("{{ stage.due_onn }}"), DOCX),
            "active": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_file-error"' in html
    assert "{{ stage.due_onn }}" in html
    assert 'href="#id_file"' in html  # the error summary links to the field
    assert not LetterTemplate.objects.filter(name="Word response").exists()
    assert (
        not default_storage.exists("letter-templates")
        or not default_storage.listdir("letter-templates")[1]
    )


def test_the_starter_template_passes_the_checks_and_lists_the_points(officer, case):
    template = add(officer, word.starter(), name="Starter")
    [docx, _pdf] = services.letter_create(case=case, template=template, actor=officer)
    text = "\n".join(paragraphs(stored(docx)))
    assert "How to use this template" not in text
    assert f"Our reference: {case.reference}" in text
    assert [row[1] for row in cells(stored(docx))][1:] == [
        e.summary for e in case.elements.order_by("number")
    ]


# --- Versions ---------------------------------------------------------------------------------


def test_each_upload_is_a_version_with_its_own_file_and_old_letters_stay(officer, admin_user, case):
    first = word_file("First wording for {{ case.reference }}")
    template = add(officer, first)
    assert (template.format, template.version) == (TemplateFormat.WORD, 1)
    [old_letter, _] = services.letter_create(case=case, template=template, actor=officer)
    old_bytes = stored(old_letter)

    second = word_file("Second wording for {{ case.reference }}")
    template = services.letter_template_update_word(
        template=template,
        kind=template.kind,
        name=template.name,
        active=True,
        file=upload("second.docx", second, DOCX),
        actor=admin_user,
    )
    assert template.version == 2
    revisions = {r.version: r for r in LetterTemplateRevision.objects.filter(template=template)}
    assert services.word_template_file(template=template, version=1) == first
    assert services.word_template_file(template=template, version=2) == second
    assert (revisions[1].saved_by, revisions[2].saved_by) == (officer, admin_user)
    assert revisions[2].filename == "second.docx"
    assert stored(old_letter) == old_bytes
    assert any("First wording" in p for p in paragraphs(old_bytes))

    # Only the name changes: a version of its own, the file kept.
    template = services.letter_template_update_word(
        template=template, kind=template.kind, name="Renamed", active=True, actor=officer
    )
    assert template.version == 3
    assert services.word_template_file(template=template) == second
    [new_letter, _] = services.letter_create(case=case, template=template, actor=officer)
    assert any("Second wording" in p for p in paragraphs(stored(new_letter)))
    assert Document.objects.get(pk=new_letter.pk).letter_template_version == 3


def test_an_unchanged_save_makes_no_version(officer):
    template = add(officer, word_file("Hello {{ complainant.name }}"))
    again = services.letter_template_update_word(
        template=template, kind=template.kind, name=template.name, active=True, actor=officer
    )
    assert again.version == 1


def test_a_refused_new_version_keeps_the_old_one(officer):
    template = add(officer, word_file("Hello {{ complainant.name }}"))
    with pytest.raises(ApplicationError):
        services.letter_template_update_word(
            template=template,
            kind=template.kind,
            name=template.name,
            active=True,
            file=upload("bad.docx", word_file("{{ complainant.nam }}"), DOCX),
            actor=officer,
        )
    template.refresh_from_db()
    assert template.version == 1
    assert template.revisions.count() == 1


def test_old_versions_are_downloadable_by_editors(sign_in, officer, admin_user):
    first = word_file("Version one {{ case.reference }}")
    template = add(officer, first)
    services.letter_template_update_word(
        template=template,
        kind=template.kind,
        name=template.name,
        active=True,
        file=upload("two.docx", word_file("Version two"), DOCX),
        actor=officer,
    )
    client = sign_in(admin_user)
    page = client.get(reverse("documents:word_template_edit", args=[template.pk])).content.decode()
    assert reverse("documents:word_template_file", args=[template.pk, 1]) in page
    response = client.get(reverse("documents:word_template_file", args=[template.pk, 1]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == first
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        client.get(reverse("documents:word_template_file", args=[template.pk, 9])).status_code
        == 404
    )


# --- Filling it in ----------------------------------------------------------------------------


def test_a_letter_from_a_word_template_is_the_filled_in_document(officer, case):
    template = add(officer, word_file(*LETTER, table=True))
    documents = services.letter_create(
        case=case, template=template, actor=officer, text="First paragraph.\n\nSecond one."
    )
    docx, pdf = sorted(documents, key=lambda d: d.filename.endswith(".pdf"))
    assert docx.kind == DocumentKind.LETTER
    assert docx.letter_template == template
    assert docx.content_type == DOCX
    data = stored(docx)
    text = paragraphs(data)
    stage = case.stages.get()
    assert f"Our reference: {case.reference}" in text
    assert "We will respond by 17 June 2024." in text  # 10 working days after 3 June 2024
    assert f"Dear {case.parties.get(role='complainant').person.full_name}" in text
    assert "You can ask for stage 2 by" in " ".join(text)
    assert not any("Ombudsman" in p for p in text)  # the {%p if %} left that paragraph out
    # A blank line in the typed text is a new paragraph.
    assert "First paragraph." in text
    assert "Second one." in text
    assert not any("{{" in p or "{%" in p for p in text)
    # The loop filled one row for each point of complaint.
    outcomes = {o.element_id: o.get_outcome_display() for o in stage.outcomes.all()}
    assert cells(data) == [
        ["Point", "Outcome"],
        *([e.summary, outcomes.get(e.pk, "")] for e in case.elements.order_by("number")),
    ]
    # The same letter on the timeline, as for a text template.
    event = TimelineEvent.objects.get(case=case, verb="letter_created")
    assert "Word response" in event.description
    # The PDF is the merged document's text laid out (ADR 0160).
    words = pdf_text(stored(pdf))
    assert f"Our reference: {case.reference}" in words
    assert "We will respond by 17 June 2024." in words
    assert "Point Outcome" in words


def test_the_outcomes_recorded_fill_the_table_rows(officer, case):
    respond_all(case, on=D(2024, 6, 14), actor=officer)
    template = add(officer, word_file("Findings", table=True))
    [docx, _] = services.letter_create(case=case, template=template, actor=officer)
    rows = cells(stored(docx))
    assert len(rows) == 1 + case.elements.count()
    assert all(row[1] for row in rows[1:])  # each point's outcome is there


def test_values_with_markup_characters_are_written_as_text(officer, case):
    case.summary = 'Visits <w:p> & "calls" ran late'
    case.save(update_fields=["summary"])
    template = add(officer, word_file("About: {{ case.summary }}"))
    [docx, _] = services.letter_create(case=case, template=template, actor=officer)
    assert 'About: Visits <w:p> & "calls" ran late' in paragraphs(stored(docx))


def test_the_preview_shows_the_filled_in_text_never_the_template_code(
    sign_in, officer, manager, case
):
    template = add(officer, word_file(*LETTER))
    response = sign_in(manager).post(
        reverse("documents:letter_new", args=[case.reference]),
        {"template": template.pk, "text": "", "action": "preview"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Our reference: {case.reference}" in html
    assert "We will respond by 17 June 2024." in html
    assert "{{" not in html.split('id="preview-heading"')[1]
    assert "stage.due_on" not in html
    assert "{%p" not in html


# --- Who may -----------------------------------------------------------------------------------


def test_only_template_editors_upload_or_download_word_templates(sign_in, officer, manager):
    template = add(officer, word_file("Hello {{ complainant.name }}"))
    with pytest.raises(AccessDenied):
        add(manager, word_file("Hello"), name="By a manager")
    with pytest.raises(AccessDenied):
        services.letter_template_update_word(
            template=template, kind=template.kind, name="x", active=True, actor=manager
        )
    client = sign_in(manager)
    for url in (
        reverse("documents:word_template_new"),
        reverse("documents:word_template_edit", args=[template.pk]),
        reverse("documents:word_template_file", args=[template.pk, 1]),
        reverse("documents:word_template_starter"),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("documents:word_template_new"),
        {"name": "Sneaky", "kind": "other", "file": upload("s.docx", word_file("Hi"), DOCX)},
    )
    assert response.status_code == 403
    assert not LetterTemplate.objects.filter(name="Sneaky").exists()


def test_a_letter_from_a_word_template_keeps_the_case_access_checks(
    sign_in, officer, other_manager, case
):
    """A manager of another team cannot see the case: "Page not found", and no letter."""
    template = add(officer, word_file("Hello {{ complainant.name }}"))
    response = sign_in(other_manager).post(
        reverse("documents:letter_new", args=[case.reference]),
        {"template": template.pk, "action": "create"},
    )
    assert response.status_code == 404
    with pytest.raises(AccessDenied):
        services.letter_create(case=case, template=template, actor=other_manager)
    assert not Document.objects.filter(case=case).exists()


def test_the_word_pages_work_for_an_administrator(sign_in, admin_user):
    client = sign_in(admin_user)
    page = client.get(reverse("documents:word_template_new")).content.decode()
    assert "stage.escalation_due_on" in page  # the merge fields, with examples
    assert "1 February 2024" in page
    starter = client.get(reverse("documents:word_template_starter"))
    assert starter.status_code == 200
    word.check(starter.content)
    response = client.post(
        reverse("documents:word_template_new"),
        {
            "name": "Word response",
            "kind": LetterKind.STAGE_RESPONSE,
            "file": upload("r.docx", word_file(*LETTER), DOCX),
            "active": "on",
        },
    )
    assert response.status_code == 302
    template = LetterTemplate.objects.get(name="Word response")
    assert (template.format, template.version, template.updated_by) == ("word", 1, admin_user)
    listing = client.get(reverse("documents:letter_templates")).content.decode()
    assert reverse("documents:word_template_edit", args=[template.pk]) in listing
    # The text editor sends a Word template to its own page.
    text_edit = client.get(reverse("documents:letter_template_edit", args=[template.pk]))
    assert text_edit.status_code == 302


def test_word_template_files_move_and_rotate_with_the_documents(officer):
    """Moving the files to another storage, rotating the key and the backup's list of files
    all read `stored_files`: a template's file is among them, once for versions sharing it."""
    from harken.ops import storage

    template = add(officer, word_file("Hello {{ complainant.name }}"))
    services.letter_template_update_word(
        template=template, kind=template.kind, name="Renamed", active=True, actor=officer
    )
    revision = template.revisions.get(version=1)
    files = list(storage.stored_files())
    assert files.count((revision.storage_name, revision.sha256)) == 1


def test_a_template_file_no_version_refers_to_is_pruned(officer):
    import datetime as dt

    import time_machine
    from django.core.files.base import ContentFile

    template = add(officer, word_file("Hello {{ complainant.name }}"))
    kept = template.revisions.get().storage_name
    orphan = default_storage.save("letter-templates/" + "0" * 32 + ".docx", ContentFile(b"x"))
    written = default_storage.get_modified_time(orphan)
    with time_machine.travel(written + dt.timedelta(hours=2), tick=False):
        assert services.prune_orphan_files(older_than=dt.timedelta(hours=1)) == [orphan]
    assert default_storage.exists(kept)
    assert not default_storage.exists(orphan)


def test_a_template_whose_file_is_missing_is_refused_not_a_server_error(sign_in, officer, case):
    template = add(officer, word_file("Hello {{ complainant.name }}"))
    default_storage.delete(template.revisions.get().storage_name)
    response = sign_in(officer).post(
        reverse("documents:letter_new", args=[case.reference]),
        {"template": template.pk, "action": "create"},
    )
    assert response.status_code == 200
    assert "The Word file of this letter template cannot be read just now" in (
        response.content.decode()
    )
    assert not Document.objects.filter(case=case).exists()
