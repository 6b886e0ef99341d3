"""Disposal of 100,000 closed cases on PostgreSQL: the preview, then the anonymisation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h15_bench_disposal \
        uv run python bench/disposal.py --cases 100000

Fills the database with bench/populate.py (drops and recreates it first, since a disposed
database cannot be disposed of again), then, as on 1 January 2100 (every closed case due
under every shipped rule, the looked-after children's 75th birthdays included): times the
preview, the approval and the batched anonymisation; checks every disposed case's personal
fields are empty, and that the complaints report for each financial year of the data gives
the same figures, one by one, before and after. Prints the figures and the process's peak
memory (the run must not load every case). Drops the database at the end unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h15_bench_disposal"
DAY = dt.date(2100, 1, 1)


def _recreate(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        return {
            k: v for key, item in value.items() for k, v in _leaves(item, f"{path}.{key}").items()
        }
    if isinstance(value, list):
        return {
            k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{path}[{i}]").items()
        }
    return {path: value}


def _reports(periods: list[Any]) -> dict[str, dict[str, Any]]:
    from harken.reports.metrics import build_report
    from harken.reports.renderers import render

    out = {}
    for period in periods:
        data = json.loads(render(build_report(period), "json")[0])
        data.pop("generated_at", None)
        out[str(period)] = _leaves(data)
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    _recreate(url)
    from populate import populate, setup_django

    setup_django(url)
    populate(args.cases)

    from django.db.models import Q
    from django.utils import timezone

    from harken.accounts.models import Role, User
    from harken.cases.models import Case, Person, Status
    from harken.reports.periods import Period
    from harken.retention import services
    from harken.retention.coverage import REMOVED_TEXT
    from harken.retention.models import DisposedCase, DisposedRecord

    admin, _ = User.objects.get_or_create(
        username="bench_admin", defaults={"role": Role.ADMINISTRATOR}
    )
    closed = Case.objects.exclude(status=Status.OPEN).count()
    today = timezone.localdate()
    periods = [
        Period(dt.date(y, 4, 1), dt.date(y + 1, 3, 31)) for y in range(today.year - 10, today.year)
    ]
    t = time.perf_counter()
    before = _reports(periods)
    report_s = time.perf_counter() - t
    print(f"cases {Case.objects.count():,}, closed {closed:,}")
    print(f"reports before: {len(periods)} financial years in {report_s:.1f} s")

    t = time.perf_counter()
    run = services.disposal_preview_scheduled(day=DAY)
    preview_s = time.perf_counter() - t
    assert run is not None
    print(f"preview: {run.total:,} due in {preview_s:.1f} s; peak memory {_peak_mb():.0f} MB")
    for line in run.lines.all():
        print(f"  {line.kind:15} {line.count:8,}  {line.rule_description}")
    services.disposal_approve(run=run, actor=admin)
    run.refresh_from_db()
    t = time.perf_counter()
    run = services.disposal_carry_out(run=run, batch_size=args.batch_size)
    carry_s = time.perf_counter() - t
    disposed = DisposedCase.objects.count()
    records = DisposedRecord.objects.count()
    print(f"register records not linked to a case anonymised: {records:,}")
    print(
        f"carried out: {disposed:,} anonymised, {run.skipped:,} left, in {carry_s:.1f} s "
        f"({disposed / carry_s:,.0f} cases/s, batches of {args.batch_size}); "
        f"peak memory {_peak_mb():.0f} MB"
    )
    print(f"preview + disposal: {(preview_s + carry_s) / 60:.1f} minutes (target under 10)")

    problems = []
    if disposed != closed:
        problems.append(f"{disposed} disposed, {closed} closed")
    left = (
        Case.objects.filter(disposal__isnull=False)
        .filter(~Q(summary=REMOVED_TEXT) | ~Q(details=""))
        .count()
    )
    if left:
        problems.append(f"{left} disposed cases still hold text")
    named = Person.objects.exclude(first_name="", last_name="", email="").count()
    print(f"people still named (on open cases): {named:,} of {Person.objects.count():,}")
    t = time.perf_counter()
    after = _reports(periods)
    figures = sum(len(v) for v in before.values())
    different = [(p, k) for p in before for k in before[p] if before[p][k] != after[p].get(k)]
    print(
        f"reports after: {figures:,} figures compared in {time.perf_counter() - t:.1f} s, "
        f"{len(different)} different"
    )
    if different:
        problems.append(f"report figures changed: {different[:5]}")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _drop(url)
    print("RESULT: " + ("OK" if not problems else "FAILED: " + "; ".join(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
