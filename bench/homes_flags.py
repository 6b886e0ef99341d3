"""What the children's homes' flags and the report's visit table cost as the history grows:
the start page's and digest's `flags()` and the report's `visits_by_home` for one year, on
a database of HOMES homes with a visit every month for YEARS years (rows inserted in bulk).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h14a_bench \\
        uv run python bench/homes_flags.py --homes 300 --years 1,10

Prints, for each history, the visits held, the median and p95 of each read and its queries,
with the load average. The cost follows the year in front of the user, not the history.

Also the compliance table for the whole history ("before": every visit read and counted in
Python, as until issue 14's homes part; "after": one GROUP BY per home and month,
`selectors.visit_counts`), with the rows each reads. RESULT: OK when both give the same
figures and "after" is no slower.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=300)
    parser.add_argument("--years", default="1,10")
    parser.add_argument("--runs", type=int, default=20)
    # Visits to each home in a month (the Regulations ask for one; some homes get more).
    parser.add_argument("--per-month", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from harken.core.dates import today
    from harken.homes import metrics, selectors
    from harken.homes.models import Home, Visit

    call_command("migrate", verbosity=0)
    on = today()
    for years in (int(y) for y in args.years.split(",")):
        Visit.objects.all().delete()
        Home.objects.all().delete()
        homes = Home.objects.bulk_create(
            Home(
                name=f"Home {i}",
                provider="Provider",
                ownership="own",
                ofsted_urn=f"SC{i:06d}",
                places=4,
                opened_on=dt.date(on.year - years - 1, 1, 1),
            )
            for i in range(args.homes)
        )
        start = selectors.add_months(selectors.month_start(on), -12 * years)
        Visit.objects.bulk_create(
            (
                Visit(
                    home=h,
                    visited_on=month + dt.timedelta(days=(i + 7 * k) % 20),
                    visitor_name="Visitor",
                    announced=False,
                    safeguarded="yes",
                    wellbeing_promoted="yes",
                    sent_to_ofsted_on=None if i % 7 == 0 else month + dt.timedelta(days=25),
                )
                for i, h in enumerate(homes)
                for month in selectors.months(start, on)
                for k in range(args.per_month)
                if month + dt.timedelta(days=(i + 7 * k) % 20) <= on and i % 11 != month.month
            ),
            batch_size=5000,
        )
        held = Visit.objects.count()
        year = (dt.date(on.year - 1, 4, 1), dt.date(on.year, 3, 31))
        for name, read in (
            ("flags()", lambda: selectors.flags(on=on)),
            ("visits_by_home (a year)", lambda year=year: metrics.visits_by_home(*year)),
        ):
            times = []
            for _ in range(args.runs):
                began = time.perf_counter()
                read()
                times.append((time.perf_counter() - began) * 1000)
            with CaptureQueriesContext(connection) as queries:
                read()
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(
                f"{args.homes} homes, {years} years ({held:,} visits): {name}: median "
                f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
                f"{len(queries)} queries"
            )
        _before_after(selectors, on, start, args.runs, f"{args.homes} homes", years, held)
    print("load average:", Path("/proc/loadavg").read_text().strip())
    print("RESULT: OK" if all(_RESULTS) else "RESULT: FAILED")


_RESULTS: list[bool] = []


def _python_counts(*, home_ids, first, last, on):  # type: ignore[no-untyped-def]
    """The counting before: every visit of the months read, then counted in Python."""
    from harken.homes import selectors
    from harken.homes.models import Visit

    counts: dict = {}
    for visit in Visit.objects.filter(
        home_id__in=home_ids, visited_on__gte=first, visited_on__lte=last
    ).only("home_id", "visited_on", "sent_to_ofsted_on"):
        key = (visit.home_id, selectors.month_start(visit.visited_on))
        made, late = counts.get(key, (0, 0))
        counts[key] = (made + 1, late + selectors.report_late(visit, on))
    return counts


def _before_after(selectors, on, start, runs, homes, years, held) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sql_counts = selectors.visit_counts
    figures = {}
    medians = {}
    for name, counter in (("before", _python_counts), ("after", sql_counts)):
        selectors.visit_counts = counter
        try:
            times = []
            for _ in range(max(3, runs // 4)):
                began = time.perf_counter()
                rows = selectors.compliance(first=start, last=on, on=on)
                times.append((time.perf_counter() - began) * 1000)
            with CaptureQueriesContext(connection):
                rows = selectors.compliance(first=start, last=on, on=on)
        finally:
            selectors.visit_counts = sql_counts
        figures[name] = [
            (r.home.pk, m.month, m.status, m.visits, m.reports_late) for r in rows for m in r.months
        ]
        medians[name] = statistics.median(times)
        read = (
            held
            if name == "before"
            else len(
                list(
                    selectors.Visit.objects.filter(visited_on__gte=start)
                    .annotate(
                        m=selectors.TruncMonth("visited_on"),
                        s=selectors.TruncMonth("sent_to_ofsted_on"),
                    )
                    .values_list("home_id", "m", "s")
                    .annotate(n=selectors.Count("id"))
                    .order_by()
                )
            )
        )
        print(
            f"{homes}, {years} years ({held:,} visits): compliance over the whole history, "
            f"{name}: median {medians[name]:.1f} ms, {read:,} rows read"
        )
    _RESULTS.append(figures["before"] == figures["after"])
    _RESULTS.append(medians["after"] <= medians["before"])


if __name__ == "__main__":
    main()
