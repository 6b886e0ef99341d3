"""`harken backup` and `harken restore` on PostgreSQL with encrypted documents: how long
each takes and how fast it reads, for a database of demo records and N documents.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432 \
        uv run python bench/backup_restore.py --documents 200 --megabytes 2 --scale 1

Creates (and afterwards drops) `harken_bench_backup` and `harken_bench_backup_restore`,
keeps the documents in a temporary folder encrypted with a random HARKEN_DOCUMENT_KEYS,
then times the backup, `restore --check`, and a restore into the empty second database with
another document key. Checks that the restored database has as many cases and documents and
that every restored document matches its checksum. Prints `RESULT: OK` or fails.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SOURCE, TARGET = "harken_bench_backup", "harken_bench_backup_restore"

UPLOAD = """
import os
from django.core.files.uploadedfile import SimpleUploadedFile
from harken.accounts.models import Role, User
from harken.cases.models import Case
from harken.documents import services
officer = User.objects.filter(role=Role.FEEDBACK_OFFICER).first()
cases = list(Case.objects.order_by("id")[:50])
size = int(float(os.environ["BENCH_MB"]) * 1024 * 1024)
for i in range(int(os.environ["BENCH_DOCUMENTS"])):
    data = b"%PDF-1.4\\n" + os.urandom(size)
    services.document_upload(case=cases[i % len(cases)],
                             file=SimpleUploadedFile(f"d{i}.pdf", data), actor=officer)
"""

CHECK = """
from harken.cases.models import Case
from harken.documents.models import Document
from harken.ops import storage
from django.core.files.storage import default_storage
bad = [d.pk for d in Document.objects.all()
       if storage.sha256_of(d.storage_name, default_storage) != d.sha256]
print(Case.objects.count(), Document.objects.count(), len(bad))
"""


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def harken(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "harken", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"harken {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--scale", type=float, default=1.0, help="demo-data --scale")
    options = parser.parse_args()
    # The server, without a database name: both databases are made on it.
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    folder = Path(tempfile.mkdtemp(prefix="harken-bench-backup-"))
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        for name in (SOURCE, TARGET):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')  # type: ignore[call-overload]
            admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[call-overload]
    backup_key = key()
    base = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "HARKEN_BACKUP_KEYS": backup_key,
        "HARKEN_DOCUMENT_STORAGE": "local",
        "LOG_LEVEL": "WARNING",
    }
    source = {
        **base,
        "DATABASE_URL": f"{server_url}/{SOURCE}",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "HARKEN_DOCUMENT_KEYS": key(),
    }
    target = {
        **base,
        "DATABASE_URL": f"{server_url}/{TARGET}",
        "DJANGO_MEDIA_ROOT": str(folder / "restored"),
        "HARKEN_DOCUMENT_KEYS": key(),
    }
    try:
        harken(source, "migrate", "-v0")
        harken(source, "demo-data", "--scale", str(options.scale))
        upload_env = {
            **source,
            "BENCH_MB": str(options.megabytes),
            "BENCH_DOCUMENTS": str(options.documents),
        }
        harken(upload_env, "shell", "-c", UPLOAD)
        _seconds, before = harken(source, "shell", "-c", CHECK)
        archive = folder / "bench.backup"
        backup_s, _out = harken(source, "backup", str(archive))
        size_mb = archive.stat().st_size / 1024 / 1024
        check_s, _out = harken(source, "restore", "--check", str(archive))
        restore_s, _out = harken(target, "restore", str(archive))
        _seconds, after = harken(target, "shell", "-c", CHECK)
        cases, documents, bad = (int(x) for x in after.strip().splitlines()[-1].split())
        expected_cases, expected_documents, _bad = (
            int(x) for x in before.strip().splitlines()[-1].split()
        )
        print(f"archive: {size_mb:,.1f} MB ({documents} documents, {cases} cases)")
        print(f"backup:         {backup_s:6.1f} s  ({size_mb / backup_s:5.1f} MB/s)")
        print(f"restore --check {check_s:6.1f} s  ({size_mb / check_s:5.1f} MB/s)")
        print(f"restore:        {restore_s:6.1f} s  ({size_mb / restore_s:5.1f} MB/s)")
        ok = (cases, documents, bad) == (expected_cases, expected_documents, 0)
        print(
            f"restored {cases}/{expected_cases} cases, {documents}/{expected_documents} "
            f"documents, {bad} not matching their checksum"
        )
        print("RESULT: OK" if ok else "RESULT: FAIL")
        if not ok:
            raise SystemExit(1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
            for name in (SOURCE, TARGET):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[call-overload]


if __name__ == "__main__":
    main()
