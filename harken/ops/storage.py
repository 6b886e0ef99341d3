"""Where documents are kept: the server's disk (the default), S3-compatible object storage or
Azure Blob Storage, through django-storages, chosen by HARKEN_DOCUMENT_STORAGE.

Every file a case holds (uploads, letters, files sent with the online forms) goes through
Django's default storage, so this one setting moves all of them. Nothing is ever given a
public address: the bucket or container stays private (no ACL, no public access), and a
file reaches a person only through Harken's download views, which check who may see the
case, log the read, and then stream the file from storage (`stream`).

| variable | for | meaning |
|---|---|---|
| HARKEN_DOCUMENT_STORAGE | all | `local` (default), `s3` or `azure` |
| HARKEN_S3_BUCKET | s3 | the bucket (required) |
| HARKEN_S3_ENDPOINT_URL | s3 | for S3-compatible services (MinIO, Ceph, a council's own) |
| HARKEN_S3_REGION | s3 | e.g. `eu-west-2` |
| HARKEN_S3_ADDRESSING_STYLE | s3 | `path` or `virtual` (default: the library's choice) |
| AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY | s3 | credentials (or the instance's role) |
| HARKEN_S3_SSE | s3 | server-side encryption, e.g. `AES256` or `aws:kms` |
| HARKEN_AZURE_CONTAINER | azure | the container (required) |
| AZURE_STORAGE_CONNECTION_STRING | azure | or AZURE_ACCOUNT_NAME with AZURE_ACCOUNT_KEY |
| HARKEN_STORAGE_PREFIX | s3, azure | a folder inside the bucket or container (default none) |
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage, default_storage
from django.utils.functional import empty
from django.utils.module_loading import import_string

KINDS = ("local", "s3", "azure")
CHUNK_BYTES = 256 * 1024
# Seconds: an unreachable storage fails a request, not a worker, for ever.
CONNECT_TIMEOUT, READ_TIMEOUT = 5, 60


def _required(env: Mapping[str, str], name: str, kind: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"HARKEN_DOCUMENT_STORAGE={kind} needs {name}.")
    return value


def storage_config(kind: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The STORAGES entry for `kind`, from the environment. A missing setting stops the start."""
    env = os.environ if env is None else env
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind == "s3":
        from botocore.config import Config

        options: dict[str, Any] = {
            "bucket_name": _required(env, "HARKEN_S3_BUCKET", kind),
            "endpoint_url": env.get("HARKEN_S3_ENDPOINT_URL") or None,
            "region_name": env.get("HARKEN_S3_REGION") or None,
            "addressing_style": env.get("HARKEN_S3_ADDRESSING_STYLE") or None,
            "location": env.get("HARKEN_STORAGE_PREFIX", ""),
            # Private objects, never overwritten; a URL (never handed out) would expire fast.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "client_config": Config(
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
                retries={"max_attempts": 3, "mode": "standard"},
                signature_version="s3v4",
            ),
        }
        if env.get("HARKEN_S3_SSE"):
            options["object_parameters"] = {"ServerSideEncryption": env["HARKEN_S3_SSE"]}
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    if kind == "azure":
        options = {
            "azure_container": _required(env, "HARKEN_AZURE_CONTAINER", kind),
            "location": env.get("HARKEN_STORAGE_PREFIX", ""),
            "overwrite_files": False,
            "expiration_secs": 60,
            "timeout": READ_TIMEOUT,
        }
        if env.get("AZURE_STORAGE_CONNECTION_STRING"):
            options["connection_string"] = env["AZURE_STORAGE_CONNECTION_STRING"]
        else:
            options["account_name"] = _required(env, "AZURE_ACCOUNT_NAME", kind)
            options["account_key"] = _required(env, "AZURE_ACCOUNT_KEY", kind)
        return {"BACKEND": "storages.backends.azure_storage.AzureStorage", "OPTIONS": options}
    raise ImproperlyConfigured(
        f"HARKEN_DOCUMENT_STORAGE must be one of {', '.join(KINDS)}, not {kind!r}."
    )


def build(kind: str, env: Mapping[str, str] | None = None) -> Storage:
    """A storage of `kind` configured from the environment (for moving files between two)."""
    config = storage_config(kind, env)
    storage: Storage = import_string(config["BACKEND"])(**config.get("OPTIONS", {}))
    return storage


def kind_of(storage: Storage) -> str:
    path = f"{type(storage).__module__}.{type(storage).__name__}"
    if "s3" in path.lower():
        return "s3"
    if "azure" in path.lower():
        return "azure"
    return "local"


def _unwrapped(storage: Any) -> Storage:
    if getattr(storage, "_wrapped", None) is empty:
        storage._setup()
    return getattr(storage, "_wrapped", storage)  # type: ignore[no-any-return]


def stream(name: str, storage: Storage | None = None) -> Iterator[bytes]:
    """The stored file's bytes in chunks, read as they are sent (not first copied to memory
    or disk, as the libraries' `open` does for S3 and Azure). Raises FileNotFoundError at
    once, before any byte, when the file is not there."""
    target = _unwrapped(storage or default_storage)
    kind = kind_of(target)
    if kind == "s3":
        handle: Any = target.open(name, "rb")  # asks for the object: 404 -> FileNotFoundError
        body = handle.obj.get()["Body"]
        return _chunks_then_close(body.iter_chunks(CHUNK_BYTES), body)
    if kind == "azure":
        from azure.core.exceptions import ResourceNotFoundError

        path = target._get_valid_path(name)  # type: ignore[attr-defined]
        try:
            downloader = target.client.download_blob(  # type: ignore[attr-defined]
                path,
                timeout=target.timeout,  # type: ignore[attr-defined]
            )
        except ResourceNotFoundError as exc:
            raise FileNotFoundError(name) from exc
        return iter(downloader.chunks())
    handle = target.open(name, "rb")
    return _chunks_then_close(iter(lambda: handle.read(CHUNK_BYTES), b""), handle)


def _chunks_then_close(chunks: Iterator[bytes], handle: Any) -> Iterator[bytes]:
    try:
        yield from chunks
    finally:
        handle.close()


# --- Moving the files from one storage to another -------------------------------------------


def sha256_of(name: str, storage: Storage) -> str:
    digest = hashlib.sha256()
    for chunk in stream(name, storage):
        digest.update(chunk)
    return digest.hexdigest()


def stored_files() -> Iterator[tuple[str, str | None]]:
    """Every file a record points to, with its SHA-256 where the record keeps one."""
    from harken.documents.models import Document
    from harken.intake.models import Attachment

    yield from Document.objects.order_by("uploaded_at", "pk").values_list("storage_name", "sha256")
    for name in Attachment.objects.order_by("pk").values_list("file", flat=True):
        if name:
            yield str(name), None


def copy_verified(name: str, expected: str | None, source: Storage, target: Storage) -> str:
    """Copy one file unless the target already holds it with the same SHA-256; then read the
    copy back and compare. Returns "present", "copied" or raises ValueError naming the file's
    storage name (random: no personal data)."""
    from django.core.files import File

    if expected is None:
        expected = sha256_of(name, source)
    if target.exists(name):
        if sha256_of(name, target) == expected:
            return "present"
        target.delete(name)
    # Spooled (to disk past 8 MB): the storages' uploads need a file they can rewind.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        digest = hashlib.sha256()
        for chunk in stream(name, source):
            digest.update(chunk)
            spool.write(chunk)
        if digest.hexdigest() != expected:
            raise ValueError(f"{name}: the source's content does not match its recorded checksum")
        spool.seek(0)
        saved = target.save(name, File(spool, name=name))
    if saved != name:
        target.delete(saved)
        raise ValueError(f"{name}: the target stored it as {saved}")
    if sha256_of(name, target) != expected:
        target.delete(name)
        raise ValueError(f"{name}: the copy read back does not match")
    return "copied"
