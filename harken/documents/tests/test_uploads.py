"""Uploading: the type is judged from the content, the size is limited, viruses are refused."""

from __future__ import annotations

import datetime as dt
import hashlib
from unittest import mock

import pytest
import time_machine
from django.core.files.storage import default_storage

from harken.cases.models import TimelineEvent
from harken.core.errors import AccessDenied, ApplicationError
from harken.documents import filetypes, services
from harken.documents.models import Document, DocumentKind, ScanStatus

from .conftest import (
    EICAR,
    docx_bytes,
    eml_bytes,
    ole_bytes,
    pdf_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "data", "mime", "filename"),
    [
        ("Complaint letter.pdf", pdf_bytes(), "application/pdf", "Complaint letter.pdf"),
        (
            "visit notes.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "visit notes.docx",
        ),
        ("photo.PNG", png_bytes(), "image/png", "photo.png"),
        ("email from mum.eml", eml_bytes(), "message/rfc822", "email from mum.eml"),
        ("old.doc", ole_bytes("Root Entry", "WordDocument"), "application/msword", "old.doc"),
        (
            "outlook.msg",
            ole_bytes("Root Entry", "__substg1.0_0037001F"),
            "application/vnd.ms-outlook",
            "outlook.msg",
        ),
        ("call notes.txt", b"Phoned the complainant.\r\n", "text/plain", "call notes.txt"),
        (
            "photo.jpeg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64,
            "image/jpeg",
            "photo.jpeg",
        ),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32, "image/gif", "anim.gif"),
        (
            "IMG_0001.HEIC",
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
            "image/heic",
            "IMG_0001.heic",
        ),
    ],
)
def test_accepted_types_are_stored_with_a_random_name(officer, case, name, data, mime, filename):
    """Each accepted type is kept: its type from content, a random storage name, its hash."""
    document = services.document_upload(
        case=case, file=upload(name, data), actor=officer, description="From the complainant"
    )
    assert document.content_type == mime
    assert document.filename == filename
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.kind == DocumentKind.UPLOADED
    assert document.scan_status == ScanStatus.NOT_SCANNED
    assert document.uploaded_by == officer
    # No part of the original name (which may name a person) in the storage path.
    stem = name.rsplit(".", 1)[0]
    assert stem not in document.storage_name
    assert document.storage_name.startswith("documents/")
    with default_storage.open(document.storage_name, "rb") as stored:
        assert stored.read() == data
    event = TimelineEvent.objects.get(case=case, verb="document_uploaded")
    assert filename in event.description
    assert event.actor == officer


def test_extension_follows_the_content_not_the_name(officer, case):
    """A PNG called scan.pdf is kept as scan.png."""
    document = services.document_upload(
        case=case, file=upload("scan.pdf", png_bytes()), actor=officer
    )
    assert document.filename == "scan.png"
    assert document.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("letter.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "appears to be a program"),
        (
            "letter.pdf",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            "appears to be a web page",
        ),
        ("notes.txt", b"<svg onload=alert(1)></svg>", "appears to be a web page"),
        ("macro.docx", docx_bytes(macro=True), "contains macros"),
        ("macro.doc", ole_bytes("WordDocument", "_VBA_PROJECT"), "contains macros"),
        ("sheet.xls", ole_bytes("Workbook"), "not a Word document"),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n", "text but not an e-mail"),
        ("data.pdf", bytes(range(256)) * 4, "must be a PDF"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(officer, case, name, data, message):
    """A .pdf that is really a program or a web page is refused, and nothing is stored."""
    with pytest.raises(ApplicationError, match=message) as caught:
        services.document_upload(case=case, file=upload(name, data), actor=officer)
    assert "file" in caught.value.field_errors
    assert not Document.objects.exists()
    assert not TimelineEvent.objects.filter(verb="document_uploaded").exists()


def test_over_the_size_limit_is_refused(officer, case, settings):
    settings.HARKEN_MAX_UPLOAD_MB = 0.001  # about 1 KB
    with pytest.raises(ApplicationError, match=r"must be smaller than 0\.001MB"):
        services.document_upload(
            case=case, file=upload("big.pdf", pdf_bytes() + b"0" * 2048), actor=officer
        )
    assert not Document.objects.exists()


def test_empty_file_is_refused(officer, case):
    with pytest.raises(ApplicationError, match="The selected file is empty"):
        services.document_upload(case=case, file=upload("empty.pdf", b""), actor=officer)


def test_appointed_io_may_upload_but_not_a_manager_of_another_team(
    stage2_case, io_user, other_manager
):
    """Appointees may upload to their case; someone who cannot see the case may not."""
    document = services.document_upload(
        case=stage2_case, file=upload("report.pdf", pdf_bytes()), actor=io_user
    )
    assert document.uploaded_by == io_user
    with pytest.raises(AccessDenied):
        services.document_upload(
            case=stage2_case, file=upload("x.pdf", pdf_bytes()), actor=other_manager
        )


def test_storage_write_is_removed_when_the_transaction_fails(officer, case, media_root):
    """If the row or its timeline event cannot be saved, the stored file is deleted again."""
    with (
        mock.patch(
            "harken.documents.services.record_event", side_effect=RuntimeError("database down")
        ),
        pytest.raises(RuntimeError),
    ):
        services.document_upload(case=case, file=upload("a.pdf", pdf_bytes()), actor=officer)
    assert not Document.objects.exists()
    folder = media_root / "documents"
    assert not folder.exists() or not any(folder.iterdir())


def test_prune_removes_only_orphaned_files(officer, case, media_root):
    """Files no document refers to (after an outer rollback) are pruned; others are kept."""

    document = services.document_upload(case=case, file=upload("a.pdf", pdf_bytes()), actor=officer)
    orphan = default_storage.save("documents/orphan.pdf", upload("o.pdf", pdf_bytes()))
    written = default_storage.get_modified_time(orphan)
    with time_machine.travel(written + dt.timedelta(minutes=10), tick=False):
        assert services.prune_orphan_files(older_than=dt.timedelta(hours=1)) == []  # too new
        assert services.prune_orphan_files(older_than=dt.timedelta(hours=1), dry_run=True) == []
    with time_machine.travel(written + dt.timedelta(hours=2), tick=False):
        removed = services.prune_orphan_files(older_than=dt.timedelta(hours=1))
    assert removed == [orphan]
    assert default_storage.exists(document.storage_name)
    assert not default_storage.exists(orphan)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\sam\\My letter.pdf", "My letter.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.pdf"),
        ("a<b>c:d?.pdf", "a_b_c_d_.pdf"),
        ("...", "document.pdf"),
        ("report.final", "report.final.pdf"),
        ("x" * 300 + ".pdf", "x" * 150 + ".pdf"),
    ],
)
def test_filenames_are_sanitised(name, expected):
    assert filetypes.sanitise_filename(name, filetypes.PDF) == expected


# --- Virus scanning -------------------------------------------------------------------------


def test_clean_file_is_scanned_and_marked_clean(officer, case, fake_clamd):
    document = services.document_upload(case=case, file=upload("a.pdf", pdf_bytes()), actor=officer)
    assert document.scan_status == ScanStatus.CLEAN
    assert fake_clamd.received == [pdf_bytes()]
    assert "no virus found" in TimelineEvent.objects.get(verb="document_uploaded").description


def test_infected_file_is_refused_and_not_stored(officer, case, fake_clamd, media_root):
    data = EICAR + b"\r\n"
    with pytest.raises(ApplicationError, match=r"contains a virus \(Eicar-Test-Signature\)"):
        services.document_upload(case=case, file=upload("notes.txt", data), actor=officer)
    assert fake_clamd.received == [data]
    assert not Document.objects.exists()
    assert not (media_root / "documents").exists()


def test_large_file_is_streamed_in_chunks(officer, case, fake_clamd):
    data = pdf_bytes() + b"0" * (300 * 1024)
    services.document_upload(case=case, file=upload("big.pdf", data), actor=officer)
    assert fake_clamd.received == [data]


def test_unreachable_clamd_refuses_when_required(officer, case, unreachable_clamd, settings):
    settings.HARKEN_CLAMD_REQUIRED = True
    with pytest.raises(ApplicationError, match="could not be checked for viruses"):
        services.document_upload(case=case, file=upload("a.pdf", pdf_bytes()), actor=officer)
    assert not Document.objects.exists()


def test_unreachable_clamd_accepts_with_error_status_when_not_required(
    officer, case, unreachable_clamd, settings
):
    settings.HARKEN_CLAMD_REQUIRED = "false"
    document = services.document_upload(case=case, file=upload("a.pdf", pdf_bytes()), actor=officer)
    assert document.scan_status == ScanStatus.ERROR


def test_clamd_over_a_unix_socket(officer, case, settings, tmp_path):
    """HARKEN_CLAMD_SOCKET: the same protocol over a Unix socket."""
    import socketserver
    import threading

    from .conftest import _ClamdHandler

    class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
        daemon_threads = True

    path = str(tmp_path / "clamd.sock")
    server = Server(path, _ClamdHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.HARKEN_CLAMD_SOCKET = path
        document = services.document_upload(
            case=case, file=upload("a.pdf", pdf_bytes()), actor=officer
        )
        assert document.scan_status == ScanStatus.CLEAN
        with pytest.raises(ApplicationError, match="virus"):
            services.document_upload(case=case, file=upload("v.txt", EICAR), actor=officer)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize(
    ("reply", "status", "detail"),
    [
        ("stream: OK", ScanStatus.CLEAN, ""),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", ScanStatus.INFECTED, "Win.Test.EICAR_HDB-1"),
        ("INSTREAM size limit exceeded. ERROR", ScanStatus.ERROR, "size limit"),
        ("", ScanStatus.ERROR, "no answer"),
    ],
)
def test_clamd_replies_are_understood(reply, status, detail):
    from harken.documents.scanning import parse_reply

    result = parse_reply(reply)
    assert result.status == status
    assert detail in (result.signature or result.error)


def test_prune_command_reports_what_it_would_delete(media_root):
    from io import StringIO

    from django.core.management import call_command

    orphan = default_storage.save("documents/orphan.pdf", upload("o.pdf", pdf_bytes()))
    written = default_storage.get_modified_time(orphan)
    out = StringIO()
    with time_machine.travel(written + dt.timedelta(days=2), tick=False):
        call_command("prune_document_files", "--dry-run", stdout=out)
    assert f"Would delete {orphan}" in out.getvalue()
    assert default_storage.exists(orphan)
