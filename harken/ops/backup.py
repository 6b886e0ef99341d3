"""Backups that restore: the database and every stored file in one encrypted archive.

An archive is one encrypted stream (harken.ops.crypto, purpose "backup", keys from
HARKEN_BACKUP_KEYS) holding a tar file:

    database.sqlite3 | database.pgdump   SQLite's online backup, or pg_dump's custom format
    files/<storage name> ...             every file a record points to, as plaintext
    manifest.json                        format, Harken version, migrations, checksums

The database is read in one consistent snapshot (SQLite's backup API copies a transaction's
view; on PostgreSQL pg_dump runs in a snapshot exported by a REPEATABLE READ transaction),
and the list of files comes from that same snapshot, so the archive holds exactly the files
its records point to. Files are read through the configured storage (decrypted if they are
encrypted at rest) and restored through it (encrypted with the restoring side's key).

Restore reads the whole archive once and checks every chunk and every checksum before it
changes anything; only then does it write the files and then the database (on PostgreSQL in
one transaction). Temporary copies are encrypted with a key that lives only in the process
(except SQLite's own database file, which is a plain file on that disk anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any, cast

from django.core.files.storage import default_storage
from django.db import connections

from . import crypto, storage

logger = logging.getLogger(__name__)

FORMAT = "harken-backup/1"
MANIFEST = "manifest.json"
FILES = "files/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Folders of the document storage that hold records' files (documents, online forms').
STORAGE_FOLDERS = ("documents", "intake")
NAME_PATTERN = re.compile(r"^harken-(\d{8}T\d{6}Z)\.backup$")
NAME_FORMAT = "harken-%Y%m%dT%H%M%SZ.backup"
# libpq settings a DATABASES OPTIONS entry may carry on to pg_dump and pg_restore.
LIBPQ_OPTIONS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "connect_timeout",
    "target_session_attrs",
    "gssencmode",
)


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


# --- Temporary files nobody else can read ------------------------------------------------------


class Sealed:
    """A temporary file holding ciphertext under a key only this process knows."""

    def __init__(self, folder: Path) -> None:
        self._keyring = crypto.Keyring.random()
        handle = tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".sealed")  # noqa: SIM115
        self.path = Path(handle.name)
        self._handle: IO[bytes] | None = handle
        self._writer = crypto.EncryptingWriter(
            handle, self._keyring.first, purpose=crypto.Purpose.SCRATCH
        )
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, chunks: Iterable[bytes]) -> None:
        for piece in chunks:
            self._digest.update(piece)
            self.size += len(piece)
            self._writer.write(piece)

    def close(self) -> str:
        """Finish writing; the plaintext's SHA-256."""
        self._writer.finish()
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        return self._digest.hexdigest()

    def chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            yield from crypto.decrypt(
                crypto.file_chunks(handle), self._keyring, purpose=crypto.Purpose.SCRATCH
            )

    def reader(self) -> crypto.IterReader:
        return crypto.IterReader(self.chunks())

    def remove(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.path.unlink(missing_ok=True)


@contextmanager
def private_folder() -> Iterator[Path]:
    """A temporary folder only this user can enter (HARKEN_BACKUP_TMPDIR, else the system's)."""
    base = os.environ.get("HARKEN_BACKUP_TMPDIR") or None
    folder = Path(tempfile.mkdtemp(prefix="harken-backup-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- The database: one consistent snapshot ----------------------------------------------------


@dataclass
class Snapshot:
    vendor: str
    server_version: str
    sealed: Sealed
    sha256: str
    migrations: list[list[str]]
    files: list[tuple[str, str | None, str]]  # storage name, recorded SHA-256, record kind


def _record_queries() -> tuple[str, str, str, str, str]:
    from harken.correspondence.models import MailItem
    from harken.documents.models import Document, LetterTemplateRevision
    from harken.intake.models import Attachment

    doc = Document._meta
    att = Attachment._meta
    rev = LetterTemplateRevision._meta
    # Names from the models' own metadata, never from input.
    documents = (
        f"SELECT {doc.get_field('storage_name').column}, {doc.get_field('sha256').column} "  # noqa: S608
        f"FROM {doc.db_table} ORDER BY {doc.get_field('uploaded_at').column}, {doc.pk.column}"
    )
    attachments = (
        f"SELECT {att.get_field('file').column} FROM {att.db_table} "  # noqa: S608
        f"WHERE {att.get_field('file').column} <> '' ORDER BY {att.pk.column}"
    )
    name_column = rev.get_field("storage_name").column
    templates = (
        f"SELECT DISTINCT {name_column}, {rev.get_field('sha256').column} "  # noqa: S608
        f"FROM {rev.db_table} WHERE {name_column} <> '' ORDER BY {name_column}"
    )
    mail = MailItem._meta
    # The shared mailbox's e-mails, each kept whole (harken/correspondence).
    mail_items = (
        f"SELECT {mail.get_field('raw_storage_name').column}, "  # noqa: S608
        f"{mail.get_field('raw_sha256').column} FROM {mail.db_table} ORDER BY {mail.pk.column}"
    )
    migrations = "SELECT app, name FROM django_migrations ORDER BY id"
    return documents, attachments, templates, mail_items, migrations


def _records(cursor: Any) -> tuple[list[list[str]], list[tuple[str, str | None, str]]]:
    documents, attachments, templates, mail_items, migrations = _record_queries()
    cursor.execute(migrations)
    applied = [[str(app), str(name)] for app, name in cursor.fetchall()]
    cursor.execute(documents)
    files: list[tuple[str, str | None, str]] = [
        (str(name), str(digest), "document") for name, digest in cursor.fetchall()
    ]
    cursor.execute(attachments)
    files += [(str(name), None, "attachment") for (name,) in cursor.fetchall()]
    cursor.execute(templates)
    files += [
        (str(name), str(digest) or None, "letter template") for name, digest in cursor.fetchall()
    ]
    cursor.execute(mail_items)
    files += [(str(name), str(digest), "e-mail") for name, digest in cursor.fetchall()]
    return applied, files


def _snapshot_sqlite(folder: Path, alias: str) -> Snapshot:
    connection = connections[alias]
    connection.ensure_connection()
    # Django's own connection, in autocommit: the backup API copies one read transaction's
    # view of the file (WAL lets writers go on meanwhile).
    source = connection.connection
    copy_path = folder / "snapshot.sqlite3"
    copy = sqlite3.connect(copy_path)
    try:
        source.backup(copy)
        applied, files = _records(copy.cursor())
        version = sqlite3.sqlite_version
    finally:
        copy.close()
    sealed = Sealed(folder)
    try:
        with copy_path.open("rb") as handle:
            sealed.write(crypto.file_chunks(handle))
        digest = sealed.close()
    finally:
        copy_path.unlink(missing_ok=True)
    return Snapshot("sqlite", version, sealed, digest, applied, files)


def _libpq(alias: str) -> tuple[str, dict[str, str]]:
    """A connection string for pg_dump and pg_restore, and their environment (the password
    goes in PGPASSWORD, never on a command line other users can see)."""
    from psycopg.conninfo import make_conninfo

    settings_dict = connections[alias].settings_dict
    params: dict[str, Any] = {"dbname": settings_dict["NAME"]}
    for key, name in (("USER", "user"), ("HOST", "host"), ("PORT", "port")):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    params.update({k: str(v) for k, v in options.items() if k in LIBPQ_OPTIONS})
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return make_conninfo(**params), env


def _tool(name: str, server_major: int) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs of the server's "
            f"version (Debian: apt-get install postgresql-client-{server_major})."
        )
    result = subprocess.run(  # noqa: S603
        [path, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    found = re.search(r"(\d+)(?:\.\d+)?", result.stdout)
    major = int(found.group(1)) if found else 0
    if major < server_major:
        raise BackupError(
            f"{name} is version {major}, older than the PostgreSQL server ({server_major}): "
            f"install postgresql-client-{server_major} and put it first on PATH "
            f"(Debian: /usr/lib/postgresql/{server_major}/bin)."
        )
    return path


def _server_major(cursor: Any) -> tuple[int, str]:
    cursor.execute("SHOW server_version_num")
    number = int(cursor.fetchone()[0])
    cursor.execute("SHOW server_version")
    return number // 10000, str(cursor.fetchone()[0]).split()[0]


def _snapshot_postgresql(folder: Path, alias: str) -> Snapshot:
    connection = connections[alias]
    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = True
    sealed = Sealed(folder)
    try:
        with raw.cursor() as cursor:
            major, version = _server_major(cursor)
            pg_dump = _tool("pg_dump", major)
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = str(cursor.fetchone()[0])
            applied, files = _records(cursor)
            conninfo, env = _libpq(alias)
            args = [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot_id}",
                "--dbname",
                conninfo,
            ]
            with tempfile.TemporaryFile() as errors:
                process = subprocess.Popen(  # noqa: S603
                    args, stdout=subprocess.PIPE, stderr=errors, env=env
                )
                sealed.write(crypto.file_chunks(cast(IO[bytes], process.stdout)))
                status = process.wait()
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()
            cursor.execute("COMMIT")
        if status != 0:
            raise BackupError(f"pg_dump failed: {message}")
        digest = sealed.close()
    except BaseException:
        sealed.remove()
        raise
    finally:
        raw.close()
    return Snapshot("postgresql", version, sealed, digest, applied, files)


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


# --- Writing an archive -----------------------------------------------------------------------


@dataclass
class Result:
    path: Path
    manifest: dict[str, Any]
    missing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)


def _member(name: str, size: int, when: dt.datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(when.timestamp())
    info.mode = 0o600
    return info


def harken_version() -> str:
    try:
        return metadata.version("harken")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup_create(*, path: Path, keyring: crypto.Keyring, alias: str = "default") -> Result:
    """Write the archive to `path` (refused if it exists), read it back and check it, and
    only then give it its name: a file with that name is always a whole, checked backup."""
    if path.exists():
        raise BackupError(f"{path} exists already: give a new file name or a folder.")
    vendor = _vendor(alias)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    partial = path.with_name(path.name + ".partial")
    missing: list[str] = []
    mismatched: list[str] = []
    with private_folder() as folder:
        snapshot = (_snapshot_sqlite if vendor == "sqlite" else _snapshot_postgresql)(folder, alias)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw:
                writer = crypto.EncryptingWriter(raw, keyring.first, purpose=crypto.Purpose.BACKUP)
                entries = []
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                    member = DATABASE_MEMBERS[vendor]
                    info = _member(member, snapshot.sealed.size, now)
                    tar.addfile(info, snapshot.sealed.reader())
                    snapshot.sealed.remove()
                    for name, recorded, kind in snapshot.files:
                        entry = _add_file(tar, folder, name, now)
                        if entry is None:
                            missing.append(name)
                            continue
                        entry["record"] = kind
                        if recorded is not None and entry["sha256"] != recorded:
                            mismatched.append(name)
                        entries.append(entry)
                    manifest = {
                        "format": FORMAT,
                        "harken_version": harken_version(),
                        "created_at": now.isoformat(),
                        "database": {
                            "vendor": vendor,
                            "server_version": snapshot.server_version,
                            "member": member,
                            "size": snapshot.sealed.size,
                            "sha256": snapshot.sha256,
                        },
                        "migrations": snapshot.migrations,
                        "files": entries,
                        "file_count": len(entries),
                        "file_bytes": sum(e["size"] for e in entries),
                        "missing": missing,
                        "mismatched": mismatched,
                    }
                    body = json.dumps(manifest, indent=1).encode()
                    tar.addfile(_member(MANIFEST, len(body), now), crypto.IterReader([body]))
                writer.finish()
                raw.flush()
                os.fsync(raw.fileno())
            backup_verify(path=partial, keyring=keyring)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    logger.info(
        "backup written: %d files, %d bytes of files, %d missing",
        len(entries),
        manifest["file_bytes"],
        len(missing),
    )
    return Result(path, manifest, missing, mismatched)


def _add_file(
    tar: tarfile.TarFile, folder: Path, name: str, when: dt.datetime
) -> dict[str, Any] | None:
    """One stored file into the archive (through a sealed temporary copy: tar must know
    its size first); None if the storage does not have it."""
    sealed = Sealed(folder)
    try:
        try:
            sealed.write(storage.stream(name))
        except FileNotFoundError:
            return None
        digest = sealed.close()
        tar.addfile(_member(FILES + name, sealed.size, when), sealed.reader())
        return {"name": name, "size": sealed.size, "sha256": digest}
    finally:
        sealed.remove()


# --- Reading an archive -----------------------------------------------------------------------


def _members(
    path: Path, keyring: crypto.Keyring
) -> Iterator[tuple[tarfile.TarInfo, Iterator[bytes]]]:
    """Each member of the archive with its content as chunks, in order; any change to the
    archive raises crypto.Tampered, a key not given raises crypto.UnknownKey."""
    with path.open("rb") as handle:
        head = handle.read(crypto.HEADER_BYTES)
        try:
            crypto.read_header(head, purpose=crypto.Purpose.BACKUP)
        except crypto.Tampered as exc:
            raise crypto.Tampered(f"{path} is not a Harken backup ({exc})") from None
        plain = crypto.decrypt(
            _prepend(head, crypto.file_chunks(handle)), keyring, purpose=crypto.Purpose.BACKUP
        )
        reader = crypto.IterReader(plain)
        try:
            tar = tarfile.open(fileobj=reader, mode="r|")  # type: ignore[call-overload]  # noqa: SIM115
        except tarfile.TarError as exc:
            raise crypto.Tampered("its contents are not a backup archive") from exc
        with tar:
            for info in tar:
                if not info.isfile():
                    raise crypto.Tampered(f"it holds something other than files ({info.name})")
                content = cast(IO[bytes], tar.extractfile(info))
                chunks = iter(lambda c=content: c.read(crypto.ARCHIVE_CHUNK), b"")  # type: ignore[misc]
                yield info, chunks
                for _rest in chunks:  # what the caller did not read
                    pass
        # Past the tar's end: the stream must still end where it was sealed.
        reader.read()


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for piece in chunks:
        digest.update(piece)
        size += len(piece)
    return digest.hexdigest(), size


def backup_verify(*, path: Path, keyring: crypto.Keyring) -> dict[str, Any]:
    """Read the whole archive, check every chunk and checksum; the manifest. Changes
    nothing. Raises crypto.Tampered, crypto.UnknownKey or BackupError."""
    seen: dict[str, tuple[str, int]] = {}
    manifest: dict[str, Any] | None = None
    for info, chunks in _members(path, keyring):
        if manifest is not None:
            raise crypto.Tampered("something follows its manifest")
        if info.name == MANIFEST:
            try:
                manifest = json.loads(b"".join(chunks))
            except ValueError as exc:
                raise crypto.Tampered("its manifest is not readable") from exc
            continue
        if info.name in seen:
            raise crypto.Tampered(f"it holds {info.name} twice")
        seen[info.name] = _digest(chunks)
    if manifest is None:
        raise crypto.Tampered("it has no manifest")
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Its format is {manifest.get('format')!r}; this Harken reads {FORMAT!r}."
        )
    expected = {FILES + e["name"]: (e["sha256"], e["size"]) for e in manifest["files"]}
    database = manifest["database"]
    expected[database["member"]] = (database["sha256"], database["size"])
    if seen != expected:
        raise crypto.Tampered("its contents do not match its manifest")
    return manifest


# --- Restoring ----------------------------------------------------------------------------------


def target_contents(alias: str = "default") -> list[str]:
    """What the database and the document storage already hold ([] when both are empty)."""
    from harken.accounts.models import User
    from harken.cases.models import Case
    from harken.documents.models import Document

    connection = connections[alias]
    held = []
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model, what in ((Case, "case"), (User, "user"), (Document, "document")):
            if model._meta.db_table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")  # noqa: S608
                count = int(cursor.fetchone()[0])
                if count:
                    held.append(f"{count} {what}(s) in the database")
    for folder in STORAGE_FOLDERS:
        try:
            directories, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        if directories or files:
            held.append(f"files in the document storage's {folder}/ folder")
    return held


def migration_check(manifest: dict[str, Any]) -> list[str]:
    """Migrations this Harken has that the backup lacks (run `harken migrate` after). A
    backup with migrations this Harken does not know (made by a newer one) is refused."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    applied = {(app, name) for app, name in manifest["migrations"]}
    unknown = sorted(applied - known)
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"This backup was made by a newer Harken ({manifest['harken_version']}): its "
            f"database has migrations this version does not know ({listed}). Restore it "
            "with that version or a later one."
        )
    replaced = {key for m in loader.disk_migrations.values() for key in (m.replaces or [])}
    return sorted(f"{a}.{n}" for a, n in known - applied - replaced)


def _restore_sqlite(sealed: Sealed, alias: str) -> None:
    connection = connections[alias]
    connection.close()
    target = Path(str(connection.settings_dict["NAME"]))
    # Beside the target: the same disk, and SQLite's file is plain there anyway.
    copy_path = target.parent / f".{target.name}.restoring"
    try:
        with copy_path.open("wb") as handle:
            for piece in sealed.chunks():
                handle.write(piece)
        source = sqlite3.connect(copy_path)
        destination = connection.get_new_connection(connection.get_connection_params())
        try:
            # One step: readers see the old database or the restored one.
            source.backup(destination)
        finally:
            destination.close()
            source.close()
    finally:
        copy_path.unlink(missing_ok=True)


def _restore_postgresql(sealed: Sealed, alias: str) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        major, _version = _server_major(cursor)
    connection.close()
    pg_restore = _tool("pg_restore", major)
    conninfo, env = _libpq(alias)
    args = [
        pg_restore,
        "--no-password",
        "--dbname",
        conninfo,
        "--no-owner",
        "--no-privileges",
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
    ]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603
            args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env
        )
        stdin = cast(IO[bytes], process.stdin)
        try:
            for piece in sealed.chunks():
                stdin.write(piece)
            stdin.close()
        except BrokenPipeError:
            pass
        status = process.wait()
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace").strip()
    if status != 0:
        raise BackupError(f"pg_restore failed, so the database is unchanged: {message}")


def backup_restore(
    *,
    path: Path,
    keyring: crypto.Keyring,
    force: bool = False,
    alias: str = "default",
    progress: Callable[[str], None] = lambda _message: None,
) -> dict[str, Any]:
    """Restore the archive into the configured database and document storage. Refuses a
    wrong key or a changed archive before anything is touched, and a target that already
    holds records or files unless `force`. Returns the manifest."""
    vendor = _vendor(alias)
    if not force:
        held = target_contents(alias)
        if held:
            raise BackupError(
                "The target is not empty (" + "; ".join(held) + "). Restore into an empty "
                "database and storage, or give --force to replace what is there."
            )
    progress("Checking the whole backup before changing anything ...")
    manifest = backup_verify(path=path, keyring=keyring)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This is a backup of a {manifest['database']['vendor']} database; the target "
            f"is {vendor}."
        )
    pending = migration_check(manifest)
    expected = {FILES + e["name"]: e["sha256"] for e in manifest["files"]}
    with private_folder() as folder:
        sealed = Sealed(folder)
        try:
            for info, chunks in _members(path, keyring):
                if info.name == manifest["database"]["member"]:
                    sealed.write(chunks)
                elif info.name in expected:
                    written = storage.replace(info.name.removeprefix(FILES), chunks)
                    if written != expected[info.name]:
                        raise crypto.Tampered(f"{info.name} changed while it was restored")
            if sealed.close() != manifest["database"]["sha256"]:
                raise crypto.Tampered("the database changed while it was restored")
            progress(f"{len(expected)} file(s) restored; restoring the database ...")
            if vendor == "sqlite":
                _restore_sqlite(sealed, alias)
            else:
                _restore_postgresql(sealed, alias)
        finally:
            sealed.remove()
    manifest["pending_migrations"] = pending
    logger.info("backup restored: %d files", len(expected))
    return manifest


# --- Keeping copies: N daily, M weekly, K monthly -------------------------------------------


def backup_name(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime(NAME_FORMAT)


def prune(
    folder: Path, *, daily: int, weekly: int, monthly: int, now_name: str | None = None
) -> list[Path]:
    """Delete the backups in `folder` (only files named harken-<UTC time>.backup) that no
    rule keeps: the newest of each of the last `daily` days that have one, of each of the
    last `weekly` ISO weeks, of each of the last `monthly` months (London time). The newest
    backup (`now_name`, the one just written) is always kept. Returns what was deleted."""
    from harken.core.dates import LONDON

    found: list[tuple[dt.datetime, Path]] = []
    for item in folder.iterdir():
        match = NAME_PATTERN.match(item.name)
        if match and item.is_file():
            when = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            found.append((when.astimezone(LONDON), item))
    found.sort(reverse=True)
    keep = {found[0][1]} if found else set()
    if now_name:
        keep.add(folder / now_name)
    rules: list[tuple[int, Callable[[dt.datetime], object]]] = [
        (daily, lambda w: w.date()),
        (weekly, lambda w: w.isocalendar()[:2]),
        (monthly, lambda w: (w.year, w.month)),
    ]
    for count, bucket in rules:
        buckets: set[object] = set()
        for when, item in found:
            if len(buckets) >= count:
                break
            key = bucket(when)
            if key not in buckets:
                buckets.add(key)
                keep.add(item)
    deleted = []
    for _when, item in found:
        if item not in keep:
            item.unlink()
            deleted.append(item)
    return deleted
