"""`harken backup` and `harken restore`: a backup restored into an empty database and empty
storage holds every record, every document (by checksum) and gives the same report, on the
database the suite runs on (SQLite, and PostgreSQL in CI's second run); a wrong key, a changed
archive and a target that holds records are refused with nothing changed; copies are kept
by day, week and month."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections

from harken.accounts.models import User
from harken.cases.models import Case
from harken.documents import services
from harken.documents.models import Document
from harken.intake import services as intake_services
from harken.ops import backup, crypto, storage
from harken.reports.metrics import build_report
from harken.reports.periods import Period
from harken.reports.renderers import render
from harken.reports.tests import seed004

from .conftest import fresh_object_env

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
BACKUP_KEY = base64.b64encode(b"K" * 32).decode()
OTHER_KEY = base64.b64encode(b"O" * 32).decode()
SOURCE_DOCUMENT_KEY = base64.b64encode(b"S" * 32).decode()
TARGET_DOCUMENT_KEY = base64.b64encode(b"T" * 32).decode()
PERIOD = ("2023-04-01", "2023-09-30")

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _environment(settings, tmp_path, monkeypatch):
    """Documents in a temporary folder, encrypted; the backup key in the environment."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    monkeypatch.setenv("HARKEN_BACKUP_KEYS", BACKUP_KEY)
    monkeypatch.delenv("HARKEN_BACKUP_TMPDIR", raising=False)
    use_storage(settings, "local", SOURCE_DOCUMENT_KEY)


def use_storage(settings, kind: str, key: str) -> None:
    env = {**os.environ, "HARKEN_DOCUMENT_KEYS": key}
    env.pop("HARKEN_DOCUMENT_ENCRYPTION", None)
    settings.STORAGES = {**settings.STORAGES, "default": storage.document_storage_config(kind, env)}


def documents_on(case: Case, actor: User) -> list[Document]:
    """A few files of different sizes (one over several chunks) and a form's file."""
    files = [PDF, PDF + os.urandom(300_000), PDF + b"letter"]
    made = [
        services.document_upload(case=case, file=SimpleUploadedFile(f"f{i}.pdf", data), actor=actor)
        for i, data in enumerate(files)
    ]
    intake_services.attachment_store(
        journey_key=uuid.uuid4(), upload=SimpleUploadedFile("photo.pdf", PDF + b"form")
    )
    return made


def make_backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def harken(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `harken` command as another server would run it: its own process and settings."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "harken", *args],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# --- Where the restore goes: a new, empty database -------------------------------------------


class EmptyDatabase:
    """A second database of this test's own: a new SQLite file, or a PostgreSQL database
    named after the test database (so parallel runs never share one), dropped afterwards."""

    def __init__(self, folder: Path) -> None:
        self.vendor = connection.vendor
        settings_dict = connection.settings_dict
        if self.vendor == "sqlite":
            self.path = folder / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
            return
        self.name = f"{settings_dict['NAME']}_restore"[:63]
        auth = settings_dict["USER"] or "postgres"
        if settings_dict.get("PASSWORD"):
            auth += f":{settings_dict['PASSWORD']}"
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        self.server = f"postgres://{auth}@{host}:{port}"
        self.url = f"{self.server}/{self.name}"
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        self._admin(f'CREATE DATABASE "{self.name}"')

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(sql)  # type: ignore[call-overload]

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        """The table's rows, read through a connection made as Django makes its own (so
        values come back as the same types as the source's)."""
        settings_dict = {**connection.settings_dict}
        settings_dict["NAME"] = str(self.path) if self.vendor == "sqlite" else self.name
        wrapper = type(connections["default"])(settings_dict, "harken_restored")
        raw = wrapper.get_new_connection(wrapper.get_connection_params())
        try:
            cursor = raw.cursor()
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            return normalised(cursor.fetchall())
        finally:
            raw.close()

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def empty_database(tmp_path) -> Iterator[EmptyDatabase]:
    database = EmptyDatabase(tmp_path)
    try:
        yield database
    finally:
        database.drop()


def normalised(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows in one order, times in UTC (two connections may differ in their time zone)."""

    def value(v: Any) -> Any:
        if isinstance(v, dt.datetime) and v.tzinfo is not None:
            return v.astimezone(dt.UTC)
        return v

    return sorted((tuple(value(v) for v in row) for row in rows), key=repr)


def source_rows(table: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        return normalised(cursor.fetchall())


def figures(report_json: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    """Every figure of the report: (table, row, column) -> value."""
    return {
        (table["id"], row["id"], column): value
        for table in report_json["tables"]
        for row in table["rows"]
        for column, value in row["values"].items()
    }


# --- A restore round trip -------------------------------------------------------------------


@committed
def test_a_restored_backup_holds_every_record_every_document_and_the_same_report(
    tmp_path, empty_database
):
    seed = seed004.build()
    case = next(iter(seed.complaints.values()))
    documents = documents_on(case, seed.officer)
    archive = tmp_path / "nightly.backup"
    out = make_backup(archive)
    assert f"database and {len(documents) + 1} file(s)" in out
    assert archive.read_bytes()[: len(crypto.PREFIX)] == crypto.PREFIX

    restored_media = tmp_path / "restored-media"
    env = {
        "DATABASE_URL": empty_database.url,
        "DJANGO_MEDIA_ROOT": str(restored_media),
        "HARKEN_DOCUMENT_STORAGE": "local",
        "HARKEN_DOCUMENT_KEYS": TARGET_DOCUMENT_KEY,  # the new server's own key
        "HARKEN_BACKUP_KEYS": BACKUP_KEY,
    }
    result = harken("restore", str(archive), env=env)
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout

    # Every record: every table, row for row.
    tables = [t for t in connection.introspection.table_names() if t != "django_session"]
    assert "cases_case" in tables
    for table in tables:
        assert empty_database.rows(table) == source_rows(table), table
    assert Case.objects.count() > 100

    # Every document, by checksum, read through the restored side's key.
    target = storage.EncryptedStorage(
        {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(restored_media)},
        },
        [TARGET_DOCUMENT_KEY],
    )
    for document in Document.objects.all():
        assert storage.sha256_of(document.storage_name, target) == document.sha256
        assert storage.key_state(document.storage_name, target) == "current"
    attachment_names = [str(name) for name in seed004_attachments()]
    for name in attachment_names:
        assert b"".join(storage.stream(name, target)).startswith(PDF)

    # The same report figures for the period, figure by figure.
    period = Period(dt.date.fromisoformat(PERIOD[0]), dt.date.fromisoformat(PERIOD[1]))
    before = json.loads(render(build_report(period), "json")[0])
    report = harken("report", "--from", PERIOD[0], "--to", PERIOD[1], "--format", "json", env=env)
    assert report.returncode == 0, report.stderr
    after = json.loads(report.stdout)
    expected, got = figures(before), figures(after)
    assert len(expected) > 200
    assert [k for k in expected if expected[k] != got.get(k)] == []
    assert set(got) == set(expected)
    for document in (before, after):
        document.pop("generated_at")
    assert after == before


def seed004_attachments() -> list[str]:
    from harken.intake.models import Attachment

    return [str(a.file.name) for a in Attachment.objects.all()]


@committed
def test_documents_in_object_storage_are_backed_up_and_restored_into_a_new_one(
    object_env, settings, tmp_path, request, monkeypatch, empty_database
):
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases.tests.factories import complaint

    kind = object_env["kind"]
    use_storage(settings, kind, SOURCE_DOCUMENT_KEY)
    officer = make_user("backup_officer", Role.FEEDBACK_OFFICER)
    case = complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    documents = documents_on(case, officer)
    archive = tmp_path / "objects.backup"
    make_backup(archive)
    manifest = backup.backup_verify(path=archive, keyring=crypto.parse_keys(BACKUP_KEY, name="k"))
    checksums = {e["name"]: e["sha256"] for e in manifest["files"]}
    assert {d.storage_name: d.sha256 for d in documents}.items() <= checksums.items()

    new_env = fresh_object_env(kind, request, monkeypatch)  # a new, empty bucket or container
    new_env.pop("kind")
    env = {
        **new_env,
        "DATABASE_URL": empty_database.url,
        "HARKEN_DOCUMENT_STORAGE": kind,
        "HARKEN_DOCUMENT_KEYS": TARGET_DOCUMENT_KEY,
    }
    result = harken("restore", str(archive), env=env)
    assert result.returncode == 0, result.stderr
    target = storage.build(kind, keyring=crypto.parse_keys(TARGET_DOCUMENT_KEY, name="k"))
    for document in documents:
        assert storage.sha256_of(document.storage_name, target) == document.sha256
        raw = b"".join(storage.raw_stream(document.storage_name, storage.inner_of(target)))
        assert raw.startswith(crypto.PREFIX)
    assert empty_database.rows("documents_document") == source_rows("documents_document")


# --- What restore refuses, with nothing changed ------------------------------------------------


@pytest.fixture
def archive(tmp_path, officer) -> tuple[Path, list[Document]]:
    """A backup of an empty Harken, then records and documents made after it."""
    path = tmp_path / "refuse.backup"
    make_backup(path)
    return path, documents_on(_case(officer), officer)


def _case(officer) -> Case:
    from harken.cases.tests.factories import complaint

    return complaint(actor=officer, received_on=dt.date(2024, 6, 3))


def _unchanged(documents: list[Document]) -> None:
    assert Document.objects.count() == len(documents)
    for document in documents:
        assert storage.sha256_of(document.storage_name, storage.default_storage) == document.sha256


def restore(*args: str) -> str:
    out = io.StringIO()
    call_command("restore", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@committed
def test_a_target_that_holds_records_is_refused_unless_forced(archive):
    path, documents = archive
    with pytest.raises(CommandError, match=r"not empty \(1 case\(s\).*--force"):
        restore(str(path))
    _unchanged(documents)


@committed
def test_a_wrong_key_is_refused_even_when_forced(archive, monkeypatch):
    path, documents = archive
    monkeypatch.setenv("HARKEN_BACKUP_KEYS", OTHER_KEY)
    with pytest.raises(CommandError, match="None of the keys in HARKEN_BACKUP_KEYS opens"):
        restore(str(path), "--force")
    _unchanged(documents)


@committed
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[:5000] + bytes([b[5000] ^ 1]) + b[5001:], id="a byte changed"),
        pytest.param(lambda b: b[: len(b) - 100], id="cut short"),
        pytest.param(lambda b: b + b"\x00" * 64, id="extended"),
        pytest.param(lambda b: b"PK\x03\x04" + b[4:], id="not a backup"),
    ],
)
def test_a_changed_archive_is_refused_even_when_forced(archive, damage):
    path, documents = archive
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CommandError, match=r"cannot be trusted.*Nothing was changed"):
        restore(str(path), "--force")
    _unchanged(documents)


@committed
def test_check_reads_the_whole_archive_and_changes_nothing(archive):
    path, documents = archive
    assert "is whole and opens with the key given" in restore(str(path), "--check")
    _unchanged(documents)


@committed
def test_a_backup_from_a_newer_harken_is_refused(tmp_path, officer):
    real = backup._records

    def with_future_migration(cursor):
        applied, files = real(cursor)
        return [*applied, ["cases", "9999_from_the_future"]], files

    path = tmp_path / "future.backup"
    with mock.patch.object(backup, "_records", with_future_migration):
        make_backup(path)
    with pytest.raises(CommandError, match=r"newer Harken .*cases\.9999_from_the_future"):
        restore(str(path), "--force")


# --- Making backups -----------------------------------------------------------------------------


@committed
def test_a_backup_needs_its_key_and_never_overwrites_one(tmp_path, monkeypatch):
    path = tmp_path / "one.backup"
    path.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="exists already"):
        make_backup(path)
    assert path.read_bytes() == b"an older backup"
    monkeypatch.delenv("HARKEN_BACKUP_KEYS")
    with pytest.raises(CommandError, match="Set HARKEN_BACKUP_KEYS"):
        make_backup(tmp_path / "two.backup")
    assert not (tmp_path / "two.backup").exists()


@committed
def test_a_file_missing_from_the_storage_is_named_and_the_rest_is_backed_up(
    tmp_path, settings, officer
):
    [first, *rest] = documents_on(_case(officer), officer)
    (settings.MEDIA_ROOT / first.storage_name).unlink()
    path = tmp_path / "partial.backup"
    with pytest.raises(CommandError, match=rf"1 file.* missing .*{first.storage_name}"):
        make_backup(path)
    manifest = backup.backup_verify(path=path, keyring=crypto.parse_keys(BACKUP_KEY, name="k"))
    assert manifest["missing"] == [first.storage_name]
    assert {e["name"] for e in manifest["files"]} >= {d.storage_name for d in rest}
    assert not list(tmp_path.glob("*.partial"))


@committed
def test_the_archive_holds_no_plaintext(tmp_path, officer):
    documents = documents_on(_case(officer), officer)
    path = tmp_path / "sealed.backup"
    make_backup(path)
    data = path.read_bytes()
    assert b"%PDF" not in data
    assert b"manifest.json" not in data
    assert documents[0].storage_name.encode() not in data
    assert oct(path.stat().st_mode & 0o777) == "0o600"


# --- Keeping copies -------------------------------------------------------------------------------


def _names(days: list[dt.datetime]) -> list[str]:
    return [backup.backup_name(day) for day in days]


def test_pruning_keeps_the_newest_of_each_day_week_and_month_and_nothing_else(tmp_path):
    nightly = [
        dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC) + dt.timedelta(days=i) for i in range(60)
    ]
    extra = dt.datetime(2026, 10, 30, 14, 0, tzinfo=dt.UTC)  # a second backup on the last day
    for name in _names([*nightly, extra]):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_bytes(b"not a backup")
    (tmp_path / "harken-20260101T000000Z.backup.partial").write_bytes(b"unfinished")

    deleted = backup.prune(tmp_path, daily=3, weekly=2, monthly=2, now_name=_names([extra])[0])
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == sorted(
        [
            "harken-20261030T140000Z.backup",  # newest: today, this week, this month
            "harken-20261029T020000Z.backup",  # the 2 days before
            "harken-20261028T020000Z.backup",
            "harken-20261025T020000Z.backup",  # Sunday: last of the week before
            "harken-20260930T020000Z.backup",  # last of September
            "notes.txt",  # not a backup's name: never touched
            "harken-20260101T000000Z.backup.partial",
        ]
    )
    assert len(deleted) == 61 - 5


@committed
def test_backup_into_a_folder_names_the_file_and_prunes_older_copies(tmp_path):
    old = [dt.datetime(2026, 1, day, 2, 0, tzinfo=dt.UTC) for day in (1, 2, 3)]
    for name in _names(old):
        (tmp_path / name).write_bytes(b"old")
    out = io.StringIO()
    call_command("backup", str(tmp_path), "--keep-daily", "2", stdout=out, stderr=io.StringIO())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2
    assert names[0] == "harken-20260103T020000Z.backup"
    assert backup.NAME_PATTERN.match(names[1])
    assert "Deleted the older backup harken-20260101T020000Z.backup" in out.getvalue()
    with pytest.raises(CommandError, match="need a folder"):
        call_command("backup", str(tmp_path / "x.backup"), "--keep-daily", "2")


@committed
def test_the_backup_key_is_checked_and_never_repeated(tmp_path, monkeypatch):
    monkeypatch.setenv("HARKEN_BACKUP_KEYS", "short")
    with pytest.raises(CommandError, match="HARKEN_BACKUP_KEYS: key 1 of 1") as caught:
        make_backup(tmp_path / "k.backup")
    assert "short" not in str(caught.value)


def test_temporary_copies_are_sealed(tmp_path):
    sealed = backup.Sealed(tmp_path)
    sealed.write([b"a child's name"])
    assert sealed.close() == hashlib.sha256(b"a child's name").hexdigest()
    assert b"child" not in sealed.path.read_bytes()
    assert b"".join(sealed.chunks()) == b"a child's name"
    sealed.remove()
    assert not sealed.path.exists()
