"""Documents encrypted at rest (HARKEN_DOCUMENT_KEYS) on the disk, in S3 (moto) and in Azure
Blob Storage (Azurite): stored as ciphertext, scanned as plaintext, downloaded decrypted as
they stream, older plain files still read, and `harken rotate-document-key` moves every file
to the first key. The stream format refuses every change to a file."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from unittest import mock

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from harken.cases.models import CaseRead
from harken.cases.tests.factories import complaint
from harken.documents import scanning, services
from harken.documents.models import Document, ScanStatus
from harken.intake import services as intake_services
from harken.ops import crypto, storage

from .conftest import fresh_object_env

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"B" * 32).decode()
LABEL_A = crypto.parse_keys(KEY_A, name="t").first.label
LABEL_B = crypto.parse_keys(KEY_B, name="t").first.label


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _local_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""


@pytest.fixture(params=["local", "s3", "azure"])
def kind(request, monkeypatch) -> str:
    """Each storage backend, with a new bucket or container for the object stores."""
    if request.param != "local":
        fresh_object_env(request.param, request, monkeypatch)
    return request.param


def use(settings, kind: str, *keys: str) -> None:
    """Configure documents as HARKEN_DOCUMENT_STORAGE and HARKEN_DOCUMENT_KEYS would."""
    env = {**os.environ, "HARKEN_DOCUMENT_KEYS": ",".join(keys)}
    env.pop("HARKEN_DOCUMENT_ENCRYPTION", None)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage.document_storage_config(kind, env),
    }


def stored_bytes(name: str) -> bytes:
    """What the disk, bucket or container holds, not decrypted."""
    return b"".join(storage.raw_stream(name, storage.inner_of(default_storage)))


def upload(officer, case=None, data: bytes = PDF) -> Document:
    case = case or complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    return services.document_upload(
        case=case, file=SimpleUploadedFile("notes.pdf", data), actor=officer
    )


def rotate() -> str:
    out = io.StringIO()
    call_command("rotate_document_key", stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- At rest, and on the way out ---------------------------------------------------------------


def test_an_upload_is_stored_encrypted_and_downloads_as_it_was(kind, settings, officer, sign_in):
    use(settings, kind, KEY_A)
    document = upload(officer)
    at_rest = stored_bytes(document.storage_name)
    assert at_rest.startswith(crypto.PREFIX)
    assert b"%PDF" not in at_rest
    assert len(at_rest) == crypto.encrypted_size(len(PDF))

    response = sign_in(officer).get(f"/staff/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Length"] == str(len(PDF))
    assert CaseRead.objects.filter(case=document.case, user=officer, via="download").exists()


def test_a_file_sent_with_an_online_form_is_stored_encrypted(kind, settings):
    use(settings, kind, KEY_A)
    attachment = intake_services.attachment_store(
        journey_key=uuid.uuid4(), upload=SimpleUploadedFile("photo.pdf", PDF)
    )
    name = str(attachment.file.name)
    assert stored_bytes(name).startswith(crypto.PREFIX)
    assert b"".join(storage.stream(name)) == PDF


def test_the_virus_scan_is_given_the_plain_bytes_before_they_are_encrypted(settings, officer):
    use(settings, "local", KEY_A)
    scanned: list[bytes] = []

    def scan(chunks):
        scanned.append(b"".join(chunks))
        return scanning.ScanResult(ScanStatus.CLEAN)

    with mock.patch.object(scanning, "scan", side_effect=scan):
        document = upload(officer)
    assert scanned == [PDF]
    assert document.scan_status == ScanStatus.CLEAN
    assert b"%PDF" not in stored_bytes(document.storage_name)


def test_an_encrypted_storage_opens_and_sizes_files_as_plaintext(settings, officer):
    use(settings, "local", KEY_A)
    big = PDF + os.urandom(200_000)  # several chunks
    document = upload(officer, data=big)
    assert default_storage.size(document.storage_name) == len(big)
    with default_storage.open(document.storage_name) as handle:
        assert handle.read() == big
    assert default_storage.exists(document.storage_name)


def test_without_the_key_an_encrypted_file_is_refused_not_served_as_ciphertext(settings, officer):
    use(settings, "local", KEY_A)
    document = upload(officer)
    use(settings, "local", KEY_B)
    with pytest.raises(crypto.UnknownKey, match=LABEL_A):
        storage.stream(document.storage_name)
    settings.STORAGES = {**settings.STORAGES, "default": storage.storage_config("local")}
    with pytest.raises(crypto.UnknownKey):
        storage.stream(document.storage_name)


def test_a_download_without_its_key_is_a_page_saying_so_not_a_500(settings, officer, sign_in):
    """The officer reads what is wrong and whom to ask; the logs name the document, not the
    person; the ciphertext is never sent."""
    use(settings, "local", KEY_A)
    document = upload(officer)
    use(settings, "local", KEY_B)
    client = sign_in(officer)
    client.raise_request_exception = False
    response = client.get(f"/staff/documents/{document.pk}/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "This file cannot be opened" in page
    assert "HARKEN_DOCUMENT_KEYS" in page
    assert not response.has_header("Content-Disposition")


# --- Files from before encryption, and key rotation ----------------------------------------------


def test_plain_files_still_download_and_rotation_encrypts_them(kind, settings, officer, sign_in):
    use(settings, kind)  # encryption off: stored as they are
    case = complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    documents = [upload(officer, case, PDF + bytes([i])) for i in range(2)]
    attachment = intake_services.attachment_store(
        journey_key=uuid.uuid4(), upload=SimpleUploadedFile("photo.pdf", PDF)
    )
    names = [d.storage_name for d in documents]
    assert stored_bytes(names[0]).startswith(b"%PDF")

    use(settings, kind, KEY_A)
    client = sign_in(officer)
    response = client.get(f"/staff/documents/{documents[0].pk}/")
    assert b"".join(response.streaming_content) == PDF + b"\x00"
    assert storage.key_state(names[0]) == "plain"
    # Only files a record points to are moved: this one has no submission yet, but a record.
    assert f"3 encrypted with key {LABEL_A}, 0 already under it" in rotate()

    for i, name in enumerate(names):
        assert storage.key_state(name) == "current"
        assert b"%PDF" not in stored_bytes(name)
        assert b"".join(storage.stream(name)) == PDF + bytes([i])
    assert b"".join(storage.stream(str(attachment.file.name))) == PDF
    response = client.get(f"/staff/documents/{documents[1].pk}/")
    assert b"".join(response.streaming_content) == PDF + b"\x01"
    assert "0 encrypted with key" in rotate()
    assert "3 already under it" in rotate()


def test_a_new_first_key_encrypts_new_files_and_rotation_moves_the_old_ones(
    kind, settings, officer
):
    use(settings, kind, KEY_A)
    case = complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    old = [upload(officer, case, PDF + bytes([i])) for i in range(2)]

    use(settings, kind, KEY_B, KEY_A)  # rotation, step 1: the new key first
    new = upload(officer, case, PDF + b"new")
    assert storage.key_state(new.storage_name) == "current"
    assert [storage.key_state(d.storage_name) for d in old] == ["old", "old"]
    assert b"".join(storage.stream(old[0].storage_name)) == PDF + b"\x00"
    assert f"2 encrypted with key {LABEL_B}, 1 already under it" in rotate()

    use(settings, kind, KEY_B)  # step 3: the old key taken out
    for document in [*old, new]:
        assert storage.sha256_of(document.storage_name, default_storage) == document.sha256
    use(settings, kind, KEY_A)
    with pytest.raises(crypto.UnknownKey):
        storage.stream(new.storage_name)


def test_rotation_leaves_alone_a_file_that_does_not_match_its_record(settings, officer):
    use(settings, "local")
    document = upload(officer)
    Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    use(settings, "local", KEY_A)
    err = io.StringIO()
    with pytest.raises(CommandError, match="not encrypted with the first key"):
        call_command("rotate_document_key", stdout=io.StringIO(), stderr=err)
    assert "does not match its recorded checksum" in err.getvalue()
    assert stored_bytes(document.storage_name) == PDF


def test_a_rewrite_that_fails_part_way_leaves_the_old_file_whole(settings, officer):
    use(settings, "local")
    document = upload(officer)
    use(settings, "local", KEY_A)
    with (
        mock.patch("harken.ops.storage.os.replace", side_effect=OSError("disk full")),
        pytest.raises(OSError, match="disk full"),
    ):
        storage.replace(document.storage_name, [PDF + b"changed"])
    assert stored_bytes(document.storage_name) == PDF
    folder = settings.MEDIA_ROOT / "documents"
    assert sorted(p.name for p in folder.iterdir()) == [document.storage_name.split("/")[1]]


def test_rotation_without_keys_says_what_to_set():
    with pytest.raises(CommandError, match="HARKEN_DOCUMENT_KEYS"):
        rotate()


def test_migrate_documents_keeps_the_files_encrypted_in_the_new_storage(
    object_env, settings, officer
):
    use(settings, "local", KEY_A)
    document = upload(officer)
    call_command(
        "migrate_documents", "--to", object_env["kind"], stdout=io.StringIO(), stderr=io.StringIO()
    )
    target = storage.build(object_env["kind"])
    at_rest = b"".join(storage.raw_stream(document.storage_name, storage.inner_of(target)))
    assert at_rest.startswith(crypto.PREFIX)
    assert b"%PDF" not in at_rest
    assert storage.sha256_of(document.storage_name, target) == document.sha256


# --- Keys from the environment only, checked at the start ----------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HARKEN_DOCUMENT_ENCRYPTION": "on"}, "HARKEN_DOCUMENT_KEYS is not set"),
        ({"HARKEN_DOCUMENT_KEYS": "not-a-key"}, "key 1 of 1 is not base64"),
        (
            {"HARKEN_DOCUMENT_KEYS": f"{KEY_A},{base64.b64encode(b'x' * 16).decode()}"},
            "key 2 of 2 is 16 bytes",
        ),
        ({"HARKEN_DOCUMENT_KEYS": f"{KEY_A},{KEY_A}"}, "the same key twice"),
        ({"HARKEN_DOCUMENT_KEYS": KEY_A, "HARKEN_DOCUMENT_ENCRYPTION": "off"}, "remove one"),
        ({"HARKEN_DOCUMENT_ENCRYPTION": "maybe"}, "must be on or off"),
    ],
)
def test_encryption_settings_that_cannot_work_stop_the_start(env, message):
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        storage.document_keys(env)
    assert KEY_A not in str(caught.value)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"HARKEN_DOCUMENT_ENCRYPTION": "off"}, None),
        ({"HARKEN_DOCUMENT_KEYS": f" {KEY_B} , {KEY_A} "}, [LABEL_B, LABEL_A]),
    ],
)
def test_encryption_settings_name_the_keys_first_to_last(env, expected):
    keyring = storage.document_keys(env)
    assert (keyring and [k.label for k in keyring.keys]) == expected


def test_production_settings_refuse_to_start_with_encryption_on_and_no_key():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": "x" * 50,
        "HARKEN_DOCUMENT_ENCRYPTION": "on",
        "DATABASE_URL": "sqlite:///unused.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "HARKEN_DOCUMENT_KEYS is not set" in result.stderr


# --- The stream format ------------------------------------------------------------------------


def _sealed(data: bytes, key: str = KEY_A, chunk: int = 1000) -> bytes:
    keyring = crypto.parse_keys(key, name="t")
    return b"".join(
        crypto.encrypt([data], keyring.first, purpose=crypto.Purpose.DOCUMENT, chunk=chunk)
    )


def _open(sealed: bytes, *keys: str) -> bytes:
    keyring = crypto.parse_keys(list(keys or [KEY_A]), name="t")
    pieces = [sealed[i : i + 333] for i in range(0, len(sealed), 333)]
    return b"".join(crypto.decrypt(pieces, keyring, purpose=crypto.Purpose.DOCUMENT))


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 3000, 3500])
def test_any_size_comes_back_as_it_went_in(size):
    data = os.urandom(size)
    sealed = _sealed(data)
    assert len(sealed) == crypto.encrypted_size(size, 1000)
    assert _open(sealed) == data
    assert _open(sealed, KEY_B, KEY_A) == data  # any key of the keyring opens it


HEADER = crypto.HEADER_BYTES
SEALED = 1000 + crypto.TAG_BYTES


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: s[:10] + bytes([s[10] ^ 1]) + s[11:], id="header key id"),
        pytest.param(
            lambda s: s[: HEADER - 1] + bytes([s[HEADER - 1] ^ 1]) + s[HEADER:], id="salt"
        ),
        pytest.param(
            lambda s: s[: HEADER + 5] + bytes([s[HEADER + 5] ^ 1]) + s[HEADER + 6 :], id="a byte"
        ),
        pytest.param(lambda s: s[: HEADER + SEALED], id="cut after a chunk"),
        pytest.param(lambda s: s[: HEADER + 2 * SEALED], id="cut after two chunks"),
        pytest.param(lambda s: s[:-1], id="last byte gone"),
        pytest.param(lambda s: s + b"\x00", id="a byte added"),
        pytest.param(
            lambda s: (
                s[:HEADER]
                + s[HEADER + SEALED : HEADER + 2 * SEALED]
                + s[HEADER : HEADER + SEALED]
                + s[HEADER + 2 * SEALED :]
            ),
            id="chunks swapped",
        ),
        pytest.param(lambda s: s[:HEADER], id="only the header"),
    ],
)
def test_every_change_to_an_encrypted_file_is_refused(change):
    with pytest.raises(crypto.DecryptionError):
        _open(change(_sealed(os.urandom(2500))))


def test_a_file_sealed_for_one_purpose_is_refused_as_another():
    keyring = crypto.parse_keys(KEY_A, name="t")
    backup = b"".join(crypto.encrypt([b"x"], keyring.first, purpose=crypto.Purpose.BACKUP))
    with pytest.raises(crypto.Tampered, match="backup archive, not a document"):
        list(crypto.decrypt([backup], keyring, purpose=crypto.Purpose.DOCUMENT))


def test_a_wrong_key_is_named_by_its_id_before_any_byte_is_read():
    with pytest.raises(crypto.UnknownKey, match=LABEL_A):
        crypto.decrypt([_sealed(b"secret")], crypto.parse_keys(KEY_B, name="t"), purpose=1)
