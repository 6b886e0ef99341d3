"""Letters: filled in from the case with the statutory content, made as Word and PDF, kept."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from django.core.files.storage import default_storage

from harken.cases import services as case_services
from harken.cases.models import Case, PartyRole, Relationship, TimelineEvent
from harken.cases.tests.factories import complaint, respond_all
from harken.core.errors import AccessDenied, ApplicationError
from harken.documents import letters, services
from harken.documents.models import (
    Document,
    DocumentKind,
    LetterKind,
    LetterTemplate,
    LetterTemplateRevision,
)

pytestmark = pytest.mark.django_db

D = dt.date


def template(kind: str) -> LetterTemplate:
    return LetterTemplate.objects.filter(kind=kind).order_by("pk").first()  # type: ignore[return-value]


def stored(document: Document) -> bytes:
    with default_storage.open(document.storage_name, "rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    """The PDF's text via pdftotext (poppler-utils), lines joined so wrapped phrases match."""
    assert data.startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(  # noqa: S603 - a fixed program and arguments
        [pdftotext, "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def docx_text(data: bytes) -> str:
    return " ".join(letters.docx_text(data).split())


def both_texts(docx: Document, pdf: Document) -> Iterator[str]:
    """The Word letter's text, then the PDF's: the Word checks run even where pdftotext is
    missing and the PDF half is skipped."""
    yield docx_text(stored(docx))
    yield pdf_text(stored(pdf))


def test_shipped_templates_exist_for_every_kind_and_pass_the_checks():
    """The data migration installs a template for each kind, each one valid."""
    for kind in LetterKind.values:
        shipped = template(kind)
        assert shipped is not None, kind
        letters.check_body(shipped.body)
        assert shipped.revisions.count() == 1


def test_acknowledgement_gives_the_due_date_and_how_it_is_worked_out(officer, case):
    """Word and PDF both say when the response is due and why, and offer an advocate."""
    case_services.case_add_person(
        case=case,
        item=case_services.PersonInput(
            role=PartyRole.CHILD,
            relationship=Relationship.CHILD,
            details={"first_name": "Alex", "last_name": "Child"},
        ),
        actor=officer,
    )
    docx, pdf = services.letter_create(
        case=case, template=template(LetterKind.ACKNOWLEDGEMENT), actor=officer
    )
    assert docx.filename == f"{case.reference} acknowledgement 2024-06-28.docx"
    assert pdf.filename == f"{case.reference} acknowledgement 2024-06-28.pdf"
    assert {docx.kind, pdf.kind} == {DocumentKind.LETTER}
    assert docx.letter_template_version == 1
    for text in both_texts(docx, pdf):
        assert "28 June 2024" in text  # the letter's date
        assert "We will send you our response by 17 June 2024" in text
        assert "10 working days after receipt on 3 June 2024" in text
        assert "It will not be later than 1 July 2024" in text  # 20 working days at most
        assert "If Alex would like to give their own views" in text  # s26A advocacy
        assert case.reference in text
        assert "Harken Borough Council" in text
        assert "Yours sincerely" in text
        assert "Olive Tester" in text
    event = TimelineEvent.objects.get(case=case, verb="letter_created")
    assert docx.filename in event.description
    assert pdf.filename in event.description


def test_stage_response_gives_the_last_day_to_escalate(officer, case):
    """A stage 1 response says the complainant may ask for stage 2 and the last day to ask."""
    respond_all(case, on=D(2024, 6, 14), actor=officer)
    docx, pdf = services.letter_create(
        case=case,
        template=template(LetterKind.STAGE_RESPONSE),
        actor=officer,
        text="We have apologised for the cancelled visits.",
    )
    for text in both_texts(docx, pdf):
        assert "stage 2 of our procedure (Investigation)" in text
        assert "The last day to ask is 12 July 2024" in text  # 20 working days after 14 June
        assert "Point 1: Point 1. Our finding: not upheld." in text
        assert "We have apologised for the cancelled visits." in text
        assert "https://www.lgo.org.uk" in text


def test_response_drafted_before_it_is_recorded_counts_the_window_from_the_letter(officer, case):
    """Before the response is recorded, the last day to ask runs from the letter's date."""
    letter = services.letter_build(
        case=case, template=template(LetterKind.STAGE_RESPONSE), actor=officer
    )
    text = " ".join(b.text for b in letter.blocks)
    assert "The last day to ask is 26 July 2024" in text  # 20 working days after 28 June


def test_final_stage_response_gives_the_ombudsman_instead(officer, admin_user):
    """At the last stage there is no next stage: the Ombudsman's details are given."""
    case = complaint(actor=officer, received_on=D(2024, 4, 1), team="SEND Team")
    assert case.procedure_version is not None
    assert case.procedure_version.procedure.code == "corporate-lgsco-2024"
    case_services.stage_acknowledge(case=case, on=D(2024, 4, 2), actor=officer)
    respond_all(case, on=D(2024, 4, 12), actor=officer)
    case_services.complaint_escalate(case=case, requested_on=D(2024, 4, 22), actor=officer)
    case_services.stage_acknowledge(case=case, on=D(2024, 4, 23), actor=officer)
    respond_all(case, on=D(2024, 5, 20), actor=officer, responder=admin_user)
    letter = services.letter_build(
        case=case, template=template(LetterKind.STAGE_RESPONSE), actor=officer
    )
    text = " ".join(b.text for b in letter.blocks) + " ".join(
        i for b in letter.blocks for i in b.items
    )
    assert "This is our final response" in text
    assert "Local Government and Social Care Ombudsman" in text
    assert "https://www.lgo.org.uk" in text
    assert "0300 061 0614" in text
    assert "last day to ask" not in text


def test_extension_letter_gives_the_reason_and_the_new_date(officer, case):
    case_services.stage_acknowledge(case=case, on=D(2024, 6, 4), actor=officer)
    case_services.stage_extend(
        case=case,
        new_due_on=D(2024, 6, 28),
        reason="The social worker is on leave until 20 June.",
        complainant_told_on=D(2024, 6, 14),
        actor=officer,
    )
    letter = services.letter_build(
        case=case, template=template(LetterKind.EXTENSION), actor=officer
    )
    text = " ".join(b.text for b in letter.blocks)
    assert "The social worker is on leave until 20 June." in text
    assert "We will now send you our response by 28 June 2024" in text
    assert "We told you we would reply by 17 June 2024" in text


def test_stage2_acknowledgement_before_the_statement_explains_when_the_clock_starts(
    officer, io_user, ip_user
):
    case = complaint(actor=officer, received_on=D(2024, 1, 8))
    respond_all(case, on=D(2024, 1, 19), actor=officer)
    case_services.complaint_escalate(case=case, requested_on=D(2024, 1, 29), actor=officer)
    letter = services.letter_build(
        case=case, template=template(LetterKind.ACKNOWLEDGEMENT), actor=officer
    )
    text = " ".join(b.text for b in letter.blocks)
    assert "request for stage 2 (Investigation) on 29 January 2024" in text
    assert "within 25 working days of the agreed statement of complaint" in text, (
        "the stage 2 clock runs from the agreed statement"
    )


@pytest.mark.parametrize("role", ["io_user", "other_manager", "report_viewer"])
def test_only_people_who_answer_for_the_case_create_letters(request, stage2_case, role):
    user = request.getfixturevalue(role)
    with pytest.raises(AccessDenied):
        services.letter_create(
            case=stage2_case, template=template(LetterKind.OTHER), actor=user, text="Hello"
        )
    assert not Document.objects.exists()


def test_an_inactive_template_cannot_be_used(officer, case):
    shipped = template(LetterKind.OTHER)
    shipped.active = False
    shipped.save()
    with pytest.raises(ApplicationError, match="no longer in use"):
        services.letter_create(case=case, template=shipped, actor=officer)


def test_suggestion_follows_the_case(officer, case):
    """Acknowledgement first; an extension letter after an extension; else the response."""

    def suggested(c: Case) -> str:
        from harken.documents.selectors import last_letter_at

        c.refresh_from_db()
        return letters.suggest_kind(c, last_letter_at=last_letter_at(case=c))

    assert suggested(case) == LetterKind.ACKNOWLEDGEMENT
    case_services.stage_acknowledge(case=case, on=D(2024, 6, 4), actor=officer)
    assert suggested(case) == LetterKind.STAGE_RESPONSE
    case_services.stage_extend(
        case=case,
        new_due_on=D(2024, 6, 28),
        reason="Leave",
        complainant_told_on=D(2024, 6, 14),
        actor=officer,
    )
    assert suggested(case) == LetterKind.EXTENSION
    services.letter_create(case=case, template=template(LetterKind.EXTENSION), actor=officer)
    assert suggested(case) == LetterKind.STAGE_RESPONSE


def test_suggestion_at_stage2_is_the_adjudication(officer, stage2_case):
    case_services.stage_acknowledge(case=stage2_case, on=D(2024, 1, 30), actor=officer)
    stage2_case.refresh_from_db()
    assert letters.suggest_kind(stage2_case) == LetterKind.ADJUDICATION


# --- The sandbox ------------------------------------------------------------------------------


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | bool)


def test_context_holds_only_plain_data(officer, case):
    """No model object reaches a template, so no method or relation can be reached from it."""
    context = letters.letter_context(case=case, actor=officer, on=D(2024, 6, 28))
    assert _plain(context)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{% load static %}", "Invalid block tag on line 1: 'load'"),
        ('{% include "base.html" %}', "Invalid block tag"),
        ('{% extends "base.html" %}', "Invalid block tag"),
        ("{% debug %}", "Invalid block tag"),
        ("{% url 'casework:caseload' %}", "Invalid block tag"),
        ("{% autoescape off %}x{% endautoescape %}", "Invalid block tag"),
        ("{{ case.reference|safe }}", "Invalid filter"),
        ("Dear {{ complainant.name }}\n{% if stage %}\nText", "Unclosed tag on line 2"),
        ("{{ stage.due_onn }}", "do not exist: {{ stage.due_onn }}"),
        ("{% for element in elements %}{{ element.outcom }}{% endfor %}", "element.outcom"),
        ("   ", "Enter the letter's wording"),
    ],
)
def test_unsafe_or_broken_templates_are_refused(body, message):
    with pytest.raises(ApplicationError, match=message.replace("{", r"\{").replace("}", r"\}")):
        letters.check_body(body)


def test_case_data_cannot_inject_markup(officer, case):
    """Text from the case is escaped in the HTML preview and the PDF's HTML."""
    case.summary = '<img src="http://evil.example/x"> Unhappy'
    case.save()
    letter = letters.compose(
        body="{{ case.summary }}\n\n## <b>Heading</b>\n\n- {{ letter.text }}",
        context=letters.letter_context(
            case=case, actor=officer, on=D(2024, 6, 28), text="<script>alert(1)</script>"
        ),
        template_name="Test",
        kind_label="Other",
    )
    for html in (letters.to_html_fragment(letter), letters.to_html_document(letter)):
        for markup in ("<img", "<script>", "<b>"):
            assert markup not in html
        for escaped in ("&lt;img", "&lt;script&gt;", "&lt;b&gt;"):
            assert escaped in html


def test_layout_of_paragraphs_headings_and_lists():
    blocks = letters.to_blocks(
        "Dear Sam\n\n## Title\n\nOne line\njoined.\n\n- first\n  carried on\n- second\nAfter.\n"
        "\n## Section\n\nEnd."
    )
    assert [(b.kind, b.text or b.items, b.level) for b in blocks] == [
        ("p", "Dear Sam", 1),
        ("h", "Title", 1),
        ("p", "One line joined.", 1),
        ("ul", ("first carried on", "second"), 1),
        ("p", "After.", 1),
        ("h", "Section", 2),
        ("p", "End.", 1),
    ]


def test_docx_is_a4_arial_and_titled(officer, case):
    from docx import Document as WordDocument
    from docx.shared import Mm

    letter = services.letter_build(case=case, template=template(LetterKind.OTHER), actor=officer)
    word = WordDocument(io.BytesIO(letters.to_docx(letter)))
    section = word.sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    assert word.styles["Normal"].font.name == "Arial"
    assert word.core_properties.title == f"Other \N{EN DASH} {case.reference}"


# --- Editing templates --------------------------------------------------------------------------


def test_editing_a_template_keeps_the_previous_version(officer):
    shipped = template(LetterKind.OTHER)
    old_body = shipped.body
    updated = services.letter_template_update(
        template=shipped,
        kind=LetterKind.OTHER,
        name="General letter",
        body="Dear {{ complainant.first_name }}\n\n{{ letter.text }}",
        active=True,
        actor=officer,
    )
    assert updated.version == 2
    assert updated.updated_by == officer
    versions = list(LetterTemplateRevision.objects.filter(template=shipped).order_by("version"))
    assert [(r.version, r.body == old_body) for r in versions] == [(1, True), (2, False)]
    # Saving without a change makes no new version.
    again = services.letter_template_update(
        template=updated,
        kind=updated.kind,
        name=updated.name,
        body=updated.body,
        active=True,
        actor=officer,
    )
    assert again.version == 2


def test_a_broken_template_is_refused_beside_the_wording(admin_user):
    shipped = template(LetterKind.OTHER)
    with pytest.raises(ApplicationError) as caught:
        services.letter_template_update(
            template=shipped,
            kind=LetterKind.OTHER,
            name="General letter",
            body="{% if stage.is_last %}Ombudsman",
            active=True,
            actor=admin_user,
        )
    assert "Unclosed tag on line 1" in caught.value.field_errors["body"][0]
    shipped.refresh_from_db()
    assert shipped.version == 1


def test_template_names_are_unique_and_required(officer):
    with pytest.raises(ApplicationError) as caught:
        services.letter_template_create(
            kind=LetterKind.OTHER, name="general LETTER", body="Hello", actor=officer
        )
    assert caught.value.field_errors["name"] == ["There is already a template with that name"]
    with pytest.raises(ApplicationError) as caught:
        services.letter_template_create(kind="nonsense", name="", body="", actor=officer)
    assert set(caught.value.field_errors) == {"kind", "name", "body"}


@pytest.mark.parametrize("role", ["manager", "io_user", "report_viewer"])
def test_only_feedback_officers_and_administrators_edit_templates(request, role):
    with pytest.raises(AccessDenied):
        services.letter_template_create(
            kind=LetterKind.OTHER,
            name="New",
            body="Hello",
            actor=request.getfixturevalue(role),
        )


def test_a_review_panel_acknowledgement_gives_the_councils_response_date(officer, io_user, ip_user):
    """At stage 3 the date in hand is the panel meeting's; the acknowledgement promises the
    council's response, so it gives that date (after the meeting, report and response
    steps), named as such, and never the meeting's date under the response's name."""
    from harken.cases.tests.test_services import _to_stage3

    case = _to_stage3(officer, io_user, ip_user)
    stage = case.stages.get(number=3)
    meeting = stage.due_on
    letter = services.letter_build(
        case=case, template=template(LetterKind.ACKNOWLEDGEMENT), actor=officer
    )
    text = " ".join(b.text for b in letter.blocks)
    clock = case_services.stage_clock(stage)
    final = clock.dues[-1]
    assert final.key == "council_response"
    assert final.due is not None
    assert f"our council's response by {final.due.day} {final.due:%B %Y}" in text
    assert meeting is not None
    assert f"by {meeting.day} {meeting:%B %Y}" not in text
