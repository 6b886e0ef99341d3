"""The staff pages: download access for each role, upload, letters, templates, the panel."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harken.cases.models import CaseRead
from harken.documents import services
from harken.documents.models import Document, DocumentKind, LetterKind, LetterTemplate

from .conftest import docx_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(case, officer) -> Document:
    return services.document_upload(
        case=case, file=upload("Letter from Sam Example.pdf", pdf_bytes()), actor=officer
    )


def download_url(document: Document) -> str:
    return reverse("documents:download", args=[document.pk])


# --- Download ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "admin_user", "manager"])
def test_people_who_can_see_the_case_download_it(request, sign_in, document, role):
    """The file comes as an attachment that browsers must not sniff, and the read is logged."""
    user = request.getfixturevalue(role)
    response = sign_in(user).get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Letter from Sam Example.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert CaseRead.objects.filter(case=document.case, user=user, via="download").count() == 1


@pytest.mark.parametrize("role", ["other_manager", "io_user", "report_viewer"])
def test_people_who_cannot_see_the_case_get_not_found(request, sign_in, document, role):
    """A manager of another team, an IO not appointed, a report viewer: 404, nothing logged."""
    user = request.getfixturevalue(role)
    response = sign_in(user).get(download_url(document))
    assert response.status_code == 404
    assert not CaseRead.objects.filter(user=user).exists()


def test_appointed_io_downloads_from_their_case(sign_in, stage2_case, io_user, officer):
    document = services.document_upload(
        case=stage2_case, file=upload("statement.docx", docx_bytes()), actor=officer
    )
    assert sign_in(io_user).get(download_url(document)).status_code == 200


def test_signed_out_is_sent_to_sign_in(client, document):
    response = client.get(download_url(document))
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/")


def test_unknown_document_is_not_found(sign_in, officer):
    response = sign_in(officer).get("/staff/documents/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


# --- Upload page -------------------------------------------------------------------------------


def test_upload_page_adds_a_file(sign_in, officer, case):
    client = sign_in(officer)
    url = reverse("documents:upload", args=[case.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    response = client.post(
        url, {"file": upload("notes.docx", docx_bytes()), "description": "Visit notes"}
    )
    assert response.status_code == 302
    document = Document.objects.get(case=case)
    assert document.description == "Visit notes"
    follow = client.get(response["Location"])
    assert "notes.docx has been added to the case" in follow.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select a file"),
        ({"file": upload("letter.pdf", b"MZ" + b"\x00" * 100)}, "appears to be a program"),
        ({"file": upload("empty.pdf", b"")}, "The selected file is empty"),
    ],
)
def test_upload_page_shows_why_a_file_is_refused(sign_in, officer, case, data, message):
    response = sign_in(officer).post(reverse("documents:upload", args=[case.reference]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert html.count(message) == 2  # in the summary and beside the field
    assert "<title>Error: " in html
    assert not Document.objects.exists()


def test_upload_page_of_a_case_you_cannot_see_is_not_found(sign_in, other_manager, case):
    response = sign_in(other_manager).get(reverse("documents:upload", args=[case.reference]))
    assert response.status_code == 404


# --- Letter page ---------------------------------------------------------------------------------


def test_letter_page_suggests_preview_then_creates(sign_in, officer, case):
    client = sign_in(officer)
    url = reverse("documents:letter_new", args=[case.reference])
    acknowledgement = LetterTemplate.objects.get(name="Acknowledgement")

    page = client.get(url).content.decode()
    assert "Suggested for this case now: acknowledgement" in page
    assert f'value="{acknowledgement.pk}" checked' in page
    assert "Create Word and PDF" not in page

    preview = client.post(url, {"template": acknowledgement.pk, "action": "preview"})
    html = preview.content.decode()
    assert "Check the letter" in html
    assert "We will send you our response by 17 June 2024" in html
    assert "Create Word and PDF" in html
    assert not Document.objects.exists()

    created = client.post(url, {"template": acknowledgement.pk, "action": "create"})
    assert created.status_code == 302
    assert sorted(Document.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    assert set(Document.objects.values_list("kind", flat=True)) == {DocumentKind.LETTER}


def test_letter_page_needs_a_template(sign_in, officer, case):
    response = sign_in(officer).post(
        reverse("documents:letter_new", args=[case.reference]), {"action": "preview"}
    )
    assert "Select a letter template" in response.content.decode()


def test_letter_page_is_refused_to_an_appointed_io(sign_in, io_user, stage2_case):
    """The IO can see the case but letters are written by those who answer for it."""
    response = sign_in(io_user).get(reverse("documents:letter_new", args=[stage2_case.reference]))
    assert response.status_code == 403


# --- Letter templates -----------------------------------------------------------------


def test_template_list_for_editors_only(sign_in, officer, manager):
    url = reverse("documents:letter_templates")
    html = sign_in(officer).get(url).content.decode()
    for kind in LetterKind:
        assert kind.label in html
    assert sign_in(manager).get(url).status_code == 403


def test_template_list_query_count_is_bounded(
    sign_in, admin_user, officer, django_assert_max_num_queries
):
    client = sign_in(admin_user)
    for i in range(5):
        services.letter_template_create(
            kind=LetterKind.OTHER, name=f"Extra {i}", body="Hello", actor=officer
        )
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("documents:letter_templates"))
    for i in range(5, 15):
        services.letter_template_create(
            kind=LetterKind.OTHER, name=f"Extra {i}", body="Hello", actor=officer
        )
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("documents:letter_templates"))


def test_template_edit_refuses_broken_wording_beside_the_field(sign_in, officer):
    shipped = LetterTemplate.objects.get(name="General letter")
    url = reverse("documents:letter_template_edit", args=[shipped.pk])
    client = sign_in(officer)
    page = client.get(url).content.decode()
    assert "stage.escalation_due_on" in page  # the list of placeholders
    response = client.post(
        url,
        {"name": shipped.name, "kind": shipped.kind, "body": "{% if x %}unclosed", "active": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_body-error"' in html
    assert "Unclosed tag on line 1" in html
    shipped.refresh_from_db()
    assert shipped.version == 1


def test_template_edit_saves_a_new_version(sign_in, officer):
    shipped = LetterTemplate.objects.get(name="General letter")
    response = sign_in(officer).post(
        reverse("documents:letter_template_edit", args=[shipped.pk]),
        {"name": "General letter", "kind": "other", "body": "Dear {{ complainant.name }}"},
    )
    assert response.status_code == 302
    shipped.refresh_from_db()
    assert (shipped.version, shipped.active, shipped.updated_by) == (2, False, officer)


def test_template_can_be_added(sign_in, admin_user):
    response = sign_in(admin_user).post(
        reverse("documents:letter_template_new"),
        {
            "name": "Vexatious contact",
            "kind": "other",
            "body": "Dear {{ complainant.name }}",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert LetterTemplate.objects.get(name="Vexatious contact").version == 1


# --- The case page's panel ------------------------------------------------------------------------


def test_panel_lists_documents_with_a_bounded_number_of_queries(officer, case, manager):
    # A fresh user each time, as each request has: the manager's teams are read once a
    # request and kept on the user object (ADR 0260).
    def fresh() -> Any:
        return type(manager).objects.get(pk=manager.pk)

    services.document_upload(case=case, file=upload("a.pdf", pdf_bytes()), actor=officer)
    with CaptureQueriesContext(connection) as one:
        html = render_to_string("documents/case_panel.html", {"case": case, "user": fresh()})
    for expected in ("a.pdf", "Upload a document", "Write a letter"):
        assert expected in html
    for i in range(6):
        services.document_upload(case=case, file=upload(f"b{i}.pdf", pdf_bytes()), actor=manager)
    with CaptureQueriesContext(connection) as seven:
        html = render_to_string("documents/case_panel.html", {"case": case, "user": fresh()})
    assert html.count('href="/staff/documents/') == 7 + 2
    assert len(seven) == len(one) <= 4  # with the manager's teams, read once a request


def test_panel_offers_only_what_the_user_may_do(io_user, stage2_case):
    html = render_to_string("documents/case_panel.html", {"case": stage2_case, "user": io_user})
    assert "Upload a document" in html
    assert "Write a letter" not in html
    assert "There are no documents or letters on this case yet." in html


def test_case_documents_page(sign_in, officer, document):
    response = sign_in(officer).get(reverse("documents:case", args=[document.case.reference]))
    assert response.status_code == 200
    assert "Letter from Sam Example.pdf" in response.content.decode()
