"""Against a real streaming replica: a primary made with initdb and its replica made with
pg_basebackup, both started by this test on 127.0.0.1. Skipped where the PostgreSQL server
programs are not installed, or on the SQLite run (the replica is PostgreSQL's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from harken.ops.tests.pg_cluster import PrimaryWithReplica, missing_tools

pytestmark = pytest.mark.postgres

# And the next port for the replica: this project's range for test servers (another checkout
# running at the same time sets its own).
PORT = int(os.environ.get("HARKEN_TEST_REPLICA_PORT", "9431"))


def test_report_api_list_and_search_are_served_by_a_read_only_streaming_replica(db):
    if connection.vendor != "postgresql":
        pytest.skip("run on the PostgreSQL pass")
    if missing := missing_tools():
        pytest.skip(f"PostgreSQL server programs not installed: {', '.join(missing)}")
    try:
        clusters = PrimaryWithReplica(PORT)
        primary, replica = clusters.__enter__()
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"could not start a primary and a replica: {exc}")
    try:
        primary.execute("CREATE DATABASE harken_replica_probe")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_SECRET_KEY": "replica-probe-only",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DATABASE_URL": primary.url("harken_replica_probe"),
            "DATABASE_REPLICA_URL": replica.url("harken_replica_probe"),
            "DATABASE_CONN_MAX_AGE": "0",
            "PRIMARY_PORT": str(primary.port),
            "REPLICA_PORT": str(replica.port),
            "HARKEN_LOG_FORMAT": "plain",
            "LOG_LEVEL": "WARNING",
        }
        run = subprocess.run(
            [sys.executable, "-m", "harken.ops.tests.replica_probe"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        clusters.__exit__()
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout)
    assert out["replica_in_recovery"] is True
    for name in ("report", "api_cases", "search"):
        assert out[name]["status"] == 200, (name, out)
        assert out[name]["replica_statements"] > 0, (name, out)
    assert out["api_cases"]["found"]
    assert out["search"]["found"]
    # The case page is not a replica read, and its read is audited on the primary.
    assert out["case_page"] == {**out["case_page"], "status": 200, "replica_statements": 0}
    assert out["case_reads_written"] >= 1
