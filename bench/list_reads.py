"""What logging a list's reads costs: the caseload, the search and the API's case list, each
timed with the reads logged (one INSERT of a row per case shown) and with logging switched
off, on the same database and in the same process; and the INSERT alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harken_bench_cases \\
        uv run python bench/list_reads.py --runs 40

Uses bench/populate.py's database (reused when it holds the cases; `--cases` to make one)
and bench/casework.py's staff. Prints the median and p95 of each page both ways, and the
difference of the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _no_logging(**_: Any) -> int:
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    import casework
    import populate

    url = os.environ.get("DATABASE_URL", casework.DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")  # requests in-process, over http
    populate.ensure_database(url)
    populate.setup_django(url)
    populate.populate(args.cases)

    from django.conf import settings

    settings.DEBUG = True  # connection.queries counts the queries
    import harken.api.views as api_views
    import harken.casework.views as casework_views
    from harken.cases.models import Case, CaseRead
    from harken.core.audit import record_reads

    staff = casework.make_staff()
    officer = casework.client_for(staff["officer"])
    api = casework.client_for(staff["officer"])
    names = ["Patel", "Amelia Smith", "khan", "Hughes", "Roberts"]
    pages = [
        ("caseload, officer (25 a page)", officer, lambda i: "/staff/", "Caseload"),
        ("search by name (up to 100)", officer, lambda i: f"POST /staff/search/?q={names[i % 5]}",
         "Cases found"),
        ("API case list, 200 a page", api, lambda i: "/api/v1/cases/?page_size=200", "results"),
    ]  # fmt: skip
    print(f"{Case.objects.count():,} cases; {args.runs} runs a page after 2 warm-ups")
    print(f"{'page':34} {'logged':>16} {'not logged':>16} {'cost':>8}")

    def switch(on: bool) -> None:
        chosen = record_reads if on else _no_logging
        casework_views.record_reads = api_views.record_reads = chosen  # type: ignore[assignment]

    for label, client, urls, expect in pages:
        # Each way twice, in turn, and the faster of each kept: the machine is shared.
        runs: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
        for on in (True, False, True, False):
            switch(on)
            runs[on].append(casework.measure(label, client, urls, args.runs, expect))
        switch(True)
        logged, plain = (min(runs[on], key=lambda r: r["median"]) for on in (True, False))
        print(
            f"{label:34} {logged['median']:6.1f} / {logged['p95']:5.1f} ms "
            f"{plain['median']:6.1f} / {plain['p95']:5.1f} ms "
            f"{logged['median'] - plain['median']:+6.1f} ms"
        )
    ids = list(Case.objects.order_by("id").values_list("pk", flat=True)[:200])
    for size in (25, 100, 200):
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            record_reads(cases=ids[:size], user=staff["officer"], via="bench")
            times.append((time.perf_counter() - started) * 1000)
        print(f"the INSERT alone, {size:3} rows: median {statistics.median(times):.2f} ms")
    CaseRead.objects.filter(via="bench").delete()
    print("RESULT: OK")


if __name__ == "__main__":
    main()
