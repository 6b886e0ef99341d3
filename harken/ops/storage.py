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
| HARKEN_DOCUMENT_KEYS | all | keys that encrypt files at rest: the first encrypts, all decrypt |
| HARKEN_DOCUMENT_ENCRYPTION | all | `on` (default when keys are set) or `off`; `on` needs keys |

With HARKEN_DOCUMENT_KEYS, the default storage is `EncryptedStorage` over the chosen backend:
every file is encrypted as it is saved (after its virus scan, which sees the plain bytes) and
decrypted as it is streamed out (ADR 0080). A file with no encryption header (stored before
encryption was turned on) is read as it is; `harken rotate-document-key` encrypts those and
re-encrypts the rest with the first key.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.utils.functional import empty
from django.utils.module_loading import import_string

from . import crypto

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


def _switch(env: Mapping[str, str], has_keys: bool) -> bool:
    value = env.get("HARKEN_DOCUMENT_ENCRYPTION", "").strip().lower()
    if not value:
        return has_keys
    if value in {"on", "1", "true", "yes"}:
        return True
    if value in {"off", "0", "false", "no"}:
        return False
    raise ImproperlyConfigured("HARKEN_DOCUMENT_ENCRYPTION must be on or off.")


def document_keys(env: Mapping[str, str] | None = None) -> crypto.Keyring | None:
    """The keys documents are encrypted with, from the environment, or None when encryption
    is off. Encryption on without keys, keys that are not 32 bytes of base64, or keys given
    with encryption off stop the start (the message never repeats a key)."""
    env = os.environ if env is None else env
    text = env.get("HARKEN_DOCUMENT_KEYS", "").strip()
    on = _switch(env, bool(text))
    if on and not text:
        raise ImproperlyConfigured(
            "HARKEN_DOCUMENT_ENCRYPTION is on but HARKEN_DOCUMENT_KEYS is not set: documents "
            "cannot be encrypted or read (docs/deployment.md, encryption at rest)."
        )
    if not on:
        if text:
            raise ImproperlyConfigured(
                "HARKEN_DOCUMENT_KEYS is set but HARKEN_DOCUMENT_ENCRYPTION is off: remove one."
            )
        return None
    try:
        return crypto.parse_keys(text, name="HARKEN_DOCUMENT_KEYS")
    except crypto.KeyFormatError as exc:
        raise ImproperlyConfigured(str(exc)) from None


def document_storage_config(kind: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The STORAGES entry for documents: the backend of `kind`, wrapped in `EncryptedStorage`
    when HARKEN_DOCUMENT_KEYS is set."""
    env = os.environ if env is None else env
    inner = storage_config(kind, env)
    keyring = document_keys(env)
    if keyring is None:
        return inner
    keys = [k.strip() for k in env["HARKEN_DOCUMENT_KEYS"].split(",") if k.strip()]
    return {
        "BACKEND": "harken.ops.storage.EncryptedStorage",
        "OPTIONS": {"inner": inner, "keys": keys},
    }


class EncryptedStorage(Storage):
    """Any storage, with every file encrypted at rest (harken.ops.crypto, purpose document).

    Names, listings, existence, deletion and times are the inner storage's. A file is
    encrypted chunk by chunk into a spooled temporary file (memory up to 8 MB, then a
    temporary file holding only ciphertext) and handed to the inner storage, which needs a
    file it can rewind and whose size it knows. No URL or path is given out: either would
    lead to the ciphertext, and Harken streams every download through its views anyway.
    """

    def __init__(self, inner: Storage | Mapping[str, Any], keys: crypto.Keyring | Sequence[str]):
        if isinstance(inner, Storage):
            self.inner = inner
        else:
            self.inner = import_string(inner["BACKEND"])(**inner.get("OPTIONS", {}))
        if isinstance(keys, crypto.Keyring):
            self.keyring = keys
        else:
            self.keyring = crypto.parse_keys(list(keys), name="HARKEN_DOCUMENT_KEYS")

    def _save(self, name: str, content: Any) -> str:
        with _sealed_spool(_content_chunks(content), self.keyring) as (spool, size):
            sealed = File(spool, name=name)
            sealed.size = size
            saved: str = self.inner._save(name, sealed)  # type: ignore[attr-defined]
            return saved

    def _open(self, name: str, mode: str = "rb") -> File[bytes]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted documents are written with save(), not open().")
        reader = crypto.IterReader(stream(name, self))
        return File(reader, name=name)  # type: ignore[arg-type]

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def size(self, name: str) -> int:
        """The plaintext's size (what a person downloads), from the stored size and header."""
        stored = self.inner.size(name)
        head = _head(name, self.inner)
        if not crypto.is_encrypted(head):
            return stored
        header = crypto.read_header(head, purpose=crypto.Purpose.DOCUMENT)
        body = stored - crypto.HEADER_BYTES
        chunks = max(1, -(-body // (header.chunk + crypto.TAG_BYTES)))
        return body - chunks * crypto.TAG_BYTES

    def get_modified_time(self, name: str) -> Any:
        return self.inner.get_modified_time(name)

    def get_created_time(self, name: str) -> Any:
        return self.inner.get_created_time(name)

    def get_accessed_time(self, name: str) -> Any:
        return self.inner.get_accessed_time(name)

    def get_valid_name(self, name: str) -> str:
        return self.inner.get_valid_name(name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.inner.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return self.inner.generate_filename(filename)


def _content_chunks(content: Any) -> Iterator[bytes]:
    if hasattr(content, "chunks"):
        yield from content.chunks()
        return
    content.seek(0)
    yield from crypto.file_chunks(content, CHUNK_BYTES)


@contextmanager
def _sealed_spool(
    chunks: Iterable[bytes], keyring: crypto.Keyring | None
) -> Iterator[tuple[IO[bytes], int]]:
    """Ciphertext of `chunks` in a spooled temporary file, rewound; (file, size)."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        pieces = (
            chunks
            if keyring is None
            else crypto.encrypt(chunks, keyring.first, purpose=crypto.Purpose.DOCUMENT)
        )
        for piece in pieces:
            spool.write(piece)
        size = spool.tell()
        spool.seek(0)
        yield spool, size  # type: ignore[misc]


def keyring_of(storage: Storage) -> crypto.Keyring | None:
    keyring: crypto.Keyring | None = getattr(_unwrapped(storage), "keyring", None)
    return keyring


def inner_of(storage: Storage) -> Storage:
    target = _unwrapped(storage)
    inner: Storage = getattr(target, "inner", target)
    return inner


def build(
    kind: str, env: Mapping[str, str] | None = None, keyring: crypto.Keyring | None = None
) -> Storage:
    """A storage of `kind` configured from the environment (for moving files between two),
    encrypting with the keys of the storage in use (or `keyring`), as the source does."""
    config = storage_config(kind, env)
    storage: Storage = import_string(config["BACKEND"])(**config.get("OPTIONS", {}))
    keyring = keyring or keyring_of(default_storage)
    if keyring is not None:
        return EncryptedStorage(storage, keyring)
    return storage


def kind_of(storage: Storage) -> str:
    storage = getattr(storage, "inner", storage)
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
    or disk, as the libraries' `open` does for S3 and Azure), decrypted as they come when
    the file is encrypted. Raises FileNotFoundError at once, before any byte, when the file
    is not there, and crypto.UnknownKey when none of the configured keys opens it."""
    target = _unwrapped(storage or default_storage)
    raw = raw_stream(name, getattr(target, "inner", target))
    return crypto.decrypt_if_encrypted(
        raw, getattr(target, "keyring", None), purpose=crypto.Purpose.DOCUMENT
    )


def raw_stream(name: str, storage: Storage) -> Iterator[bytes]:
    """The bytes as stored (ciphertext, for an encrypted file)."""
    target = _unwrapped(storage)
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
    from harken.documents.models import Document, LetterTemplateRevision
    from harken.intake.models import Attachment

    yield from Document.objects.order_by("uploaded_at", "pk").values_list("storage_name", "sha256")
    for name in Attachment.objects.order_by("pk").values_list("file", flat=True):
        if name:
            yield str(name), None
    # Word letter templates' files (ADR 0160); versions that kept the file share its name.
    yield from (
        LetterTemplateRevision.objects.exclude(storage_name="")
        .order_by("storage_name")
        .values_list("storage_name", "sha256")
        .distinct()
    )
    # The shared mailbox's e-mails, each kept whole (harken/correspondence).
    from harken.correspondence.models import MailItem

    yield from MailItem.objects.order_by("pk").values_list("raw_storage_name", "raw_sha256")


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


# --- Encrypting and re-encrypting files where they are ---------------------------------------


def _head(name: str, storage: Storage) -> bytes:
    """The first bytes as stored: enough for the encryption header."""
    chunks = raw_stream(name, storage)
    head = b""
    try:
        for piece in chunks:
            head += piece
            if len(head) >= crypto.HEADER_BYTES:
                break
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return head[: crypto.HEADER_BYTES]


def key_state(name: str, storage: Storage | None = None) -> str:
    """How a stored file is kept: "current" (encrypted with the first key), "old" (with
    another key) or "plain"."""
    target = _unwrapped(storage or default_storage)
    head = _head(name, inner_of(target))
    if not crypto.is_encrypted(head):
        return "plain"
    keyring = keyring_of(target)
    header = crypto.read_header(head, purpose=crypto.Purpose.DOCUMENT)
    if keyring is not None and header.key_id == keyring.first.id:
        return "current"
    return "old"


def _replace_local(inner: Any, name: str, spool: IO[bytes]) -> None:
    """Write beside the file, then rename over it: a reader sees the old file or the new,
    and a stop part way leaves the old one whole."""
    path = Path(inner.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
        dir=path.parent, prefix=".harken-", suffix=".part", delete=False
    )
    try:
        with handle:
            for piece in crypto.file_chunks(spool, CHUNK_BYTES):
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        mode = getattr(inner, "file_permissions_mode", None)
        if mode is not None:
            os.chmod(handle.name, mode)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _write_in_place(inner: Any, name: str, spool: IO[bytes], size: int) -> None:
    kind = kind_of(inner)
    if kind == "local":
        _replace_local(inner, name, spool)
    elif kind == "s3":
        # One PUT replaces the object whole: readers see the old or the new.
        sealed = File(spool, name=name)
        sealed.size = size
        inner._save(name, sealed)
    else:
        # A block blob is committed whole on upload; overwrite=True replaces it.
        inner.client.upload_blob(
            inner._get_valid_path(name),
            spool,
            length=size,
            overwrite=True,
            timeout=inner.timeout,
            max_concurrency=inner.upload_max_conn,
        )


def replace(name: str, chunks: Iterable[bytes], storage: Storage | None = None) -> str:
    """Store `chunks` (plaintext) under `name`, replacing what is there, encrypted with the
    first key when encryption is on. The whole new file is sealed first (so the old one can
    still be read while it is), then written in one step, then read back and compared;
    returns the plaintext's SHA-256. Raises ValueError if the copy read back differs."""
    target = _unwrapped(storage or default_storage)
    keyring = keyring_of(target)
    inner = inner_of(target)
    digest = hashlib.sha256()

    def counted() -> Iterator[bytes]:
        for piece in chunks:
            digest.update(piece)
            yield piece

    with _sealed_spool(counted(), keyring) as (spool, size):
        expected = digest.hexdigest()
        for _attempt in range(2):
            spool.seek(0)
            _write_in_place(inner, name, spool, size)
            if sha256_of(name, target) == expected:
                return expected
        raise ValueError(f"{name}: the file read back does not match what was written")
