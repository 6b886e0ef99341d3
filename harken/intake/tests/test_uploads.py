"""Files sent with the public forms: one file-type policy with staff uploads, a cap on what one
form and one address may send, and a storage failure that is said, never silent."""

from __future__ import annotations

import datetime as dt
import errno
import io
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from harken.documents.models import Document
from harken.documents.tests.conftest import (
    docx_bytes,
    eml_bytes,
    ole_bytes,
    pdf_bytes,
    png_bytes,
)
from harken.intake.models import Attachment

from .conftest import complaint_pages, step_slug

pytestmark = pytest.mark.django_db

ATTACHMENTS = reverse("intake:step", args=["complaint", "documents-and-photos"])


def _odt(*, macro: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
        if macro:
            archive.writestr("Basic/Standard/Module1.xml", "<script:module/>")
    return out.getvalue()


def _docm() -> bytes:
    """A macro-enabled Word document that names itself as one (not only its vbaProject)."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            target.writestr(item, data)
    return out.getvalue()


SAMPLES = {
    "letter.pdf": pdf_bytes(),
    "photo.png": png_bytes(),
    "photo.webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40,
    "notes.docx": docx_bytes(),
    "macros.docx": docx_bytes(macro=True),
    "macros.docm": _docm(),
    "notes.odt": _odt(),
    "macros.odt": _odt(macro=True),
    "old.doc": ole_bytes("Root Entry", "WordDocument"),
    "old-macros.doc": ole_bytes("Root Entry", "WordDocument", "Macros"),
    "letter.rtf": b"{\\rtf1\\ansi Dear council\\par}",
    "email.eml": eml_bytes(),
    "notes.txt": b"Notes of the phone call.\r\n",
    "page.html": b"<html><script>alert(1)</script></html>",
    "program.exe": b"MZ\x90\x00\x03" + b"\x00" * 64,
    "sheet.xlsx": b"PK\x03\x04" + b"\x00" * 64,
}


@pytest.fixture
def at_documents(walker, client, frozen):
    w = walker("complaint")
    url = w.start()
    pages = complaint_pages()
    while step_slug(url) != "documents-and-photos":
        url = client.post(url, pages[step_slug(url)])["Location"]
    return w


def _public_upload(client: Client, name: str, data: bytes):
    return client.post(ATTACHMENTS, {"action": "upload", "file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_public_forms_and_staff_uploads_accept_and_refuse_the_same_files(
    at_documents, client, officer, name
):
    """One policy: whatever staff may upload to a case a person may send with a form, and
    what staff uploads refuse (macros, RTF, programs, web pages) the forms refuse too."""
    from harken.cases.tests.factories import complaint

    public = _public_upload(client, name, SAMPLES[name])
    public_ok = public.status_code == 302 and Attachment.objects.count() == 1
    staff = Client()
    staff.force_login(officer)
    session = staff.session
    session["harken_2fa_verified"] = True
    session.save()
    case = complaint(actor=officer, received_on=dt.date(2025, 3, 3))
    staff.post(
        f"/staff/documents/cases/{case.reference}/upload/",
        {"file": SimpleUploadedFile(name, SAMPLES[name]), "description": ""},
    )
    staff_ok = Document.objects.count() == 1
    assert public_ok == staff_ok, (name, public.content.decode()[-2000:])
    if not public_ok:
        assert "govuk-error-message" in public.content.decode()


def test_a_macro_enabled_word_document_is_refused_with_the_reason(at_documents, client):
    response = _public_upload(client, "form.docx", _docm())
    assert "contains macros, so it is not accepted" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_forms_files_together_are_capped(at_documents, client, settings):
    """However many sessions are not the question here: one form may hold so much."""
    settings.HARKEN_INTAKE_MAX_FORM_MB = 1
    big = pdf_bytes() + b"%" * 450_000
    assert _public_upload(client, "a.pdf", big).status_code == 302
    assert _public_upload(client, "b.pdf", big).status_code == 302
    response = _public_upload(client, "c.pdf", big)
    assert response.status_code == 200
    assert "The files you send with one form must add up to less than 1MB" in (
        response.content.decode()
    )
    assert Attachment.objects.count() == 2


def test_uploads_from_one_address_count_against_an_hourly_limit(frozen, settings):
    """Three sessions from one address cannot each fill a form with files: the bytes sent
    from an address in an hour are limited (150 MB took 1.1 s before)."""
    settings.HARKEN_INTAKE_UPLOAD_MB_PER_HOUR = 1
    big = pdf_bytes() + b"%" * 400_000
    answers = []
    for _ in range(3):
        client = Client()
        url = client.get(reverse("intake:start", args=["complaint"]))["Location"]
        pages = complaint_pages()
        while step_slug(url) != "documents-and-photos":
            url = client.post(url, pages[step_slug(url)])["Location"]
        answers.append(_public_upload(client, "a.pdf", big).status_code)
    assert answers[:2] == [302, 302]
    assert answers[2] == 429
    assert Attachment.objects.count() == 2


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_full_disk_says_so_and_leaves_no_partial_file(at_documents, client, settings):
    """The disk fills part way through the file: the person is told, nothing half-written is
    left behind, no record points to a missing file, and their answers are kept."""
    real_save = FileSystemStorage._save  # type: ignore[attr-defined]

    def fills_up(self, name, content):
        def chunks(chunk_size=None):
            yield b"%PDF-1.4 first part"
            raise OSError(errno.ENOSPC, "No space left on device")

        content.chunks = chunks
        return real_save(self, name, content)

    with mock.patch.object(FileSystemStorage, "_save", fills_up):
        response = _public_upload(client, "letter.pdf", pdf_bytes())
    assert response.status_code == 503
    html = response.content.decode()
    assert "Your file could not be saved just now" in html
    assert "govuk-error-summary" in html
    assert Attachment.objects.count() == 0
    assert _files_under(Path(settings.MEDIA_ROOT)) == []
    # The answers are kept: the form goes on once the disk has room.
    assert _public_upload(client, "letter.pdf", pdf_bytes()).status_code == 302
    assert Attachment.objects.count() == 1


def test_read_only_storage_says_so(at_documents, client, settings):
    def refuses(self, name, content):
        raise OSError(errno.EROFS, "Read-only file system")

    with mock.patch.object(FileSystemStorage, "_save", refuses):
        response = _public_upload(client, "photo.png", png_bytes())
    assert response.status_code == 503
    assert "Your file could not be saved just now" in response.content.decode()
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize("name", ["letter.pdf", "photo.webp", "notes.odt", "email.eml"])
def test_what_people_send_most_is_accepted(at_documents, client, name):
    assert _public_upload(client, name, SAMPLES[name]).status_code == 302
    assert Attachment.objects.count() == 1


def test_a_staff_upload_to_a_full_disk_says_so_and_leaves_no_partial_file(
    sign_in, officer, settings, frozen
):
    from harken.cases.tests.factories import complaint

    case = complaint(actor=officer, received_on=dt.date(2025, 3, 3))
    real_save = FileSystemStorage._save  # type: ignore[attr-defined]

    def fills_up(self, name, content):
        def chunks(chunk_size=None):
            yield b"%PDF-1.4 first part"
            raise OSError(errno.ENOSPC, "No space left on device")

        content.chunks = chunks
        return real_save(self, name, content)

    client = sign_in(officer)
    with mock.patch.object(FileSystemStorage, "_save", fills_up):
        response = client.post(
            f"/staff/documents/cases/{case.reference}/upload/",
            {"file": SimpleUploadedFile("letter.pdf", pdf_bytes()), "description": ""},
        )
    assert response.status_code == 200
    assert "The file could not be saved just now" in response.content.decode()
    assert Document.objects.count() == 0
    assert _files_under(Path(settings.MEDIA_ROOT)) == []
