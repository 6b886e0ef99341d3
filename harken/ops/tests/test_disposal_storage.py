"""Disposal deletes a case's stored files through the storage API, wherever they are kept:
the server's disk, S3 (moto's server) or Azure Blob Storage (Azurite)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from harken.cases.models import Case, Status
from harken.cases.tests.factories import complaint
from harken.documents import services as document_services
from harken.documents.models import Document
from harken.intake import services as intake_services
from harken.intake.models import Attachment, Submission
from harken.ops import storage
from harken.retention.tests.conftest import dispose_all

from .conftest import fresh_object_env

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _local_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""


@pytest.fixture(params=["local", "s3", "azure"])
def where(request, monkeypatch, settings) -> str:
    if request.param != "local":
        env = fresh_object_env(request.param, request, monkeypatch)
        settings.STORAGES = {**settings.STORAGES, "default": storage.storage_config(env["kind"])}
    return str(request.param)


def test_disposal_deletes_documents_and_form_files_from_storage(where, officer, admin_user):
    case = complaint(actor=officer, received_on=dt.date(2018, 1, 8))
    document = document_services.document_upload(
        case=case, file=SimpleUploadedFile("Letter from Mrs Smith.pdf", PDF), actor=officer
    )
    attachment = intake_services.attachment_store(
        journey_key=uuid.uuid4(), upload=SimpleUploadedFile("photo.pdf", PDF)
    )
    submission = Submission.objects.create(
        form="complaint", key=uuid.uuid4(), answers={"name": "Mrs Smith"}, case=case
    )
    Attachment.objects.filter(pk=attachment.pk).update(submission=submission)
    kept = complaint(actor=officer, received_on=dt.date(2024, 6, 3))  # open: not due
    kept_document = document_services.document_upload(
        case=kept, file=SimpleUploadedFile("kept.pdf", PDF + b" "), actor=officer
    )
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_on=dt.date(2018, 2, 1))
    names = [document.storage_name, str(attachment.file.name)]
    assert all(default_storage.exists(n) for n in names)

    dispose_all(admin_user, day=dt.date(2025, 1, 1))

    assert not any(default_storage.exists(n) for n in names)
    assert default_storage.exists(kept_document.storage_name)
    document = Document.objects.get(pk=document.pk)
    assert document.filename == ""
    assert (document.size, document.content_type) == (len(PDF), "application/pdf")
    attachment.refresh_from_db()
    assert (attachment.file.name, attachment.original_name) == ("", "")
    assert Submission.objects.get(pk=submission.pk).answers == {}


def test_disposal_deletes_the_shared_mailboxs_raw_emails_from_storage(where, officer, admin_user):
    """An e-mail on a disposed case, and one set aside a year and more ago, lose their raw
    .eml wherever it is kept (ADR 0152); one still in the inbox keeps it."""
    from harken.correspondence import services as mailbox
    from harken.correspondence.tests.conftest import make_email

    case = complaint(actor=officer, received_on=dt.date(2018, 1, 8))
    long_ago = dt.datetime(2018, 1, 9, 9, 0, tzinfo=dt.UTC)
    on_case = mailbox.item_store(raw=make_email(), received_at=long_ago).item
    mailbox.item_attach(item=on_case, actor=officer, case=case)
    auto = mailbox.item_store(
        raw=make_email(headers={"Auto-Submitted": "auto-replied"}), received_at=long_ago
    ).item
    waiting = mailbox.item_store(raw=make_email(), received_at=long_ago).item
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_on=dt.date(2018, 2, 1))
    names = [on_case.raw_storage_name, auto.raw_storage_name]
    assert all(default_storage.exists(n) for n in [*names, waiting.raw_storage_name])

    dispose_all(admin_user, day=dt.date(2025, 1, 1))

    assert not any(default_storage.exists(n) for n in names)
    assert default_storage.exists(waiting.raw_storage_name)
    on_case.refresh_from_db()
    assert (on_case.sender_address, on_case.text, on_case.case_id) == ("", "", case.pk)
