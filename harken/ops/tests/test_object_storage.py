"""Documents in S3 (moto's server) and Azure Blob Storage (Azurite), both real servers on
127.0.0.1: stored there, scanned before, served only through the checked, audited view, and
moved there (and back) by `harken migrate-documents`, verified by checksum and resumable."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Iterator
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from harken.cases.models import CaseRead
from harken.cases.tests.factories import complaint
from harken.core.errors import ApplicationError
from harken.documents import scanning, services
from harken.documents.models import Document, ScanStatus
from harken.intake import services as intake_services
from harken.ops import storage

from .object_servers import objects as _objects

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _local_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""


def test_an_upload_is_stored_in_object_storage_and_only_the_checked_view_serves_it(
    in_object_storage, officer, io_user, sign_in, settings
):
    case = complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    document = services.document_upload(
        case=case, file=SimpleUploadedFile("notes.pdf", PDF), actor=officer
    )
    assert _objects(in_object_storage) == [document.storage_name]
    assert not (settings.MEDIA_ROOT / "documents").exists()

    client = sign_in(officer)
    response = client.get(f"/staff/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "Location" not in response
    assert CaseRead.objects.filter(case=case, user=officer, via="download").count() == 1

    client = sign_in(io_user)  # not appointed to this case
    assert client.get(f"/staff/documents/{document.pk}/").status_code == 404
    assert not CaseRead.objects.filter(user=io_user).exists()


def test_a_virus_is_refused_before_anything_reaches_object_storage(in_object_storage, officer):
    case = complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    infected = scanning.ScanResult(ScanStatus.INFECTED, signature="Eicar-Test-Signature")
    with (
        mock.patch.object(scanning, "scan", return_value=infected),
        pytest.raises(ApplicationError),
    ):
        services.document_upload(case=case, file=SimpleUploadedFile("x.pdf", PDF), actor=officer)
    assert _objects(in_object_storage) == []
    assert not Document.objects.exists()


def test_a_file_sent_with_an_online_form_is_kept_in_object_storage(in_object_storage):
    attachment = intake_services.attachment_store(
        journey_key=uuid.uuid4(), upload=SimpleUploadedFile("photo.pdf", PDF)
    )
    assert _objects(in_object_storage) == [attachment.file.name]
    assert b"".join(storage.stream(str(attachment.file.name))) == PDF


def _local_documents(officer, count: int) -> list[Document]:
    case = complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    return [
        services.document_upload(
            case=case, file=SimpleUploadedFile(f"n{i}.pdf", PDF + bytes([i])), actor=officer
        )
        for i in range(count)
    ]


def _migrate(kind: str) -> str:
    out = io.StringIO()
    call_command("migrate_documents", "--to", kind, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_migrate_documents_copies_each_file_verified_and_a_second_run_copies_none(
    object_env, officer
):
    kind = object_env["kind"]
    documents = _local_documents(officer, 3)
    assert "3 copied, 0 already there" in _migrate(kind)
    target = storage.build(kind)
    for document in documents:
        assert storage.sha256_of(document.storage_name, target) == document.sha256
    assert "0 copied, 3 already there (checksum verified)" in _migrate(kind)
    # Files stay on the disk until the switch: nothing is deleted from the source.
    assert all(default_storage.exists(d.storage_name) for d in documents)


def test_migrate_documents_resumes_after_a_stop_and_replaces_a_damaged_copy(object_env, officer):
    kind = object_env["kind"]
    documents = _local_documents(officer, 3)
    real = storage.copy_verified
    calls = {"n": 0}

    def stop_after_one(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    with (
        mock.patch.object(storage, "copy_verified", stop_after_one),
        pytest.raises(KeyboardInterrupt),
    ):
        _migrate(kind)
    target = storage.build(kind)
    [first] = _objects(kind)
    target.delete(first)
    assert target.save(first, ContentFile(b"damaged")) == first
    assert b"".join(storage.stream(first, target)) == b"damaged"
    assert "3 copied, 0 already there" in _migrate(kind)
    for document in documents:
        digest = hashlib.sha256(b"".join(storage.stream(document.storage_name, target)))
        assert digest.hexdigest() == document.sha256


def test_migrate_documents_refuses_a_source_file_that_does_not_match_its_record(
    object_env, officer
):
    kind = object_env["kind"]
    [document] = _local_documents(officer, 1)
    Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    with pytest.raises(CommandError, match="not copied"):
        _migrate(kind)
    assert not storage.build(kind).exists(document.storage_name)


def test_migrate_documents_back_to_local(in_object_storage, officer, settings):
    [document] = _local_documents(officer, 1)
    assert "1 copied" in _migrate("local")
    local = settings.MEDIA_ROOT / document.storage_name
    assert hashlib.sha256(local.read_bytes()).hexdigest() == document.sha256


def test_migrating_to_the_storage_in_use_is_refused():
    with pytest.raises(CommandError, match="already in local storage"):
        _migrate("local")


@pytest.mark.parametrize(
    ("kind", "env", "message"),
    [
        ("s3", {}, "HARKEN_S3_BUCKET"),
        ("azure", {}, "HARKEN_AZURE_CONTAINER"),
        ("azure", {"HARKEN_AZURE_CONTAINER": "c"}, "AZURE_ACCOUNT_NAME"),
        ("ftp", {}, "must be one of local, s3, azure"),
    ],
)
def test_a_storage_missing_its_settings_stops_the_start(kind, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        storage.storage_config(kind, env)
