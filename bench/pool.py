"""Time the pool's reads over a long history: who is offered for a role (with each person's
load), the pool's list page, and the report's section for a year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h14b_bench_pool \
        uv run python bench/pool.py [--entries 500] [--appointments 300000] [--runs 20]

Creates the database if it is missing (and drops it with --drop), fills it with `--entries`
people and `--appointments` appointments from the pool over ten years (set-based SQL; 1 in 50
still open), ANALYZEs, and prints the median and p95 of each read with the load average. The
load of a person is a count of their open appointments only (a partial index), so it should
not grow with the history; the report's section reads the period's rows only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h14b_bench_pool"


def _time(label: str, runs: int, call: Callable[[], Any]) -> None:
    call()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label:46} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--appointments", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()
    import populate

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://…")
    populate.ensure_database(url)
    populate.setup_django(url)

    import datetime as dt

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases import reference_data
    from harken.cases.models import Appointment
    from harken.pool import metrics, selectors
    from harken.pool.models import PoolEntry, PoolEntryRole
    from harken.pool.tests.conftest import make_entry, to_stage2
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()
    officer = make_user("bench_officer", Role.FEEDBACK_OFFICER)
    if not PoolEntry.objects.exists():
        started = time.perf_counter()
        first = make_entry(officer, name="Bench 0")
        PoolEntry.objects.bulk_create(
            [
                PoolEntry(
                    name=f"Bench {n}",
                    organisation_kind=first.organisation_kind,
                    day_rate=first.day_rate,
                    dbs_checked_on=first.dbs_checked_on - dt.timedelta(days=n * 3),
                )
                for n in range(1, args.entries)
            ]
        )
        PoolEntryRole.objects.bulk_create(
            [
                PoolEntryRole(entry=e, role=r)
                for e in PoolEntry.objects.exclude(pk=first.pk)
                for r in ("ip", "panel_member")
            ]
        )
        stages = [to_stage2(officer).stages.get(number=2).pk for _ in range(20)]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO cases_appointment (created_at, modified_at, stage_id, pool_entry_id,
                    role, appointed_on, ended_on, end_reason)
                SELECT now(), now(), (%s::bigint[])[1 + g %% 20],
                    (SELECT min(id) FROM pool_poolentry) + g %% %s,
                    CASE WHEN g %% 3 = 0 THEN 'panel_member' ELSE 'ip' END,
                    DATE '2016-04-01' + (g %% 3650),
                    CASE WHEN g %% 50 = 0 THEN NULL ELSE DATE '2016-04-01' + (g %% 3650) + 60 END,
                    CASE WHEN g %% 50 = 0 THEN '' ELSE 'stage_concluded' END
                FROM generate_series(1, %s) AS g
                """,
                [stages, args.entries, args.appointments],
            )
            cursor.execute("ANALYZE")
        print(f"filled in {time.perf_counter() - started:.1f} s")
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    stage = Appointment.objects.filter(pool_entry__isnull=False).first().stage  # type: ignore[union-attr]
    print(
        f"{PoolEntry.objects.count():,} people, "
        f"{Appointment.objects.filter(pool_entry__isnull=False).count():,} appointments from "
        f"the pool ({Appointment.objects.filter(pool_entry__isnull=False, ended_on=None).count():,}"
        f" open); load average {' '.join(load)}"
    )
    _time(
        "offered for IP (all with their load)",
        args.runs,
        lambda: selectors.offered(stage=stage, role="ip"),
    )
    _time(
        "pool list, first page of 50",
        args.runs,
        lambda: list(selectors.pool_list(user=officer)[:50]),
    )
    _time(
        "report section, one year and the year before",
        args.runs,
        lambda: (
            metrics.independent_people(dt.date(2024, 4, 1), dt.date(2025, 3, 31)),
            metrics.independent_people(dt.date(2023, 4, 1), dt.date(2024, 3, 31)),
        ),
    )
    with open("/proc/loadavg") as f:
        print("load average after:", " ".join(f.read().split()[:3]))
    if args.drop:
        from urllib.parse import urlparse

        import psycopg

        connection.close()
        parsed = urlparse(url)
        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as c:
            c.execute(f'DROP DATABASE "{parsed.path.lstrip("/")}"')
        print("dropped", parsed.path.lstrip("/"))
    print("RESULT: OK")


if __name__ == "__main__":
    main()
