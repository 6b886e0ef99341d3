"""Time the data-protection counts for the ICO (harken/reports/dp_counts.py) for a financial
year, over N data-protection complaints spread across ten years.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h15d_bench \
        uv run python bench/dp_counts.py [--complaints 20000] [--year 2025] [--runs 5]

Creates the database if missing and migrates it (bench/populate.py's helpers), inserts the
complaints with set-based SQL when it holds fewer (stage 1 with its 30-day date, nine in ten
acknowledged, four in five concluded with one outcome a point), ANALYZEs, then prints the
median of `--runs` runs of the counts (the function the page, the API and the command call)
and the statements it ran, and checks the year's "received" against a COUNT(*) written by hand.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h15d_bench"

INSERT = """
WITH v AS (
    SELECT pv.id FROM procedures_procedureversion pv
    JOIN procedures_procedure p ON p.id = pv.procedure_id
    WHERE p.code = 'data-protection' ORDER BY pv.number DESC LIMIT 1
), made AS (
    INSERT INTO cases_case (created_at, modified_at, reference, previous_reference, kind,
        channel, received_on, summary, details, status, stage_number, restricted,
        ombudsman_involved, contact_outcome, next_due_label, paused, external_reference,
        late_complaint_reason, withdrawal_reason, discontinuance_reason, praised_worker,
        procedure_version_id, grounds_arose_on)
    SELECT now(), now(), 'DP-' || g, '', 'complaint', 'web',
        DATE '2016-04-01' + (g * 3653 / %(n)s), 'Data protection complaint', '',
        CASE WHEN g %% 5 = 0 THEN 'open' ELSE 'closed' END, 1, false, false, '', '', false,
        'bench-dp-' || g, '', '', '', '', (SELECT id FROM v), NULL
    FROM generate_series(1, %(n)s) g
    RETURNING id, received_on, reference
)
INSERT INTO cases_stage (created_at, modified_at, case_id, number, received_on,
    acknowledged_on, acknowledgement_due_on, response_sent_on, concluded_on, due_explanation,
    late_request_reason, paused_reason, within_timescale)
SELECT now(), now(), id, 1, received_on,
    CASE WHEN substr(reference, 4)::int %% 10 = 0 THEN NULL
         ELSE received_on + (substr(reference, 4)::int %% 40) END,
    received_on + 30,
    CASE WHEN substr(reference, 4)::int %% 5 = 0 THEN NULL
         ELSE received_on + 20 + (substr(reference, 4)::int %% 60) END,
    CASE WHEN substr(reference, 4)::int %% 5 = 0 THEN NULL
         ELSE received_on + 20 + (substr(reference, 4)::int %% 60) END,
    '', '', '', true
FROM made
"""
ELEMENTS = """
WITH e AS (
    INSERT INTO cases_element (created_at, modified_at, case_id, number, summary)
    SELECT now(), now(), c.id, 1, 'Point 1' FROM cases_case c
    WHERE c.external_reference LIKE 'bench-dp-%%'
    RETURNING id, case_id
)
INSERT INTO cases_elementoutcome (created_at, modified_at, element_id, stage_id, outcome)
SELECT now(), now(), e.id, s.id,
    (ARRAY['upheld','partially_upheld','not_upheld','unable_to_determine'])[1 + e.id %% 4]
FROM e JOIN cases_stage s ON s.case_id = e.case_id AND s.concluded_on IS NOT NULL
"""


BENCH_CASES = "SELECT id FROM cases_case WHERE external_reference LIKE 'bench-dp-%%'"
DELETES = (
    "DELETE FROM cases_elementoutcome WHERE stage_id IN "
    f"(SELECT id FROM cases_stage WHERE case_id IN ({BENCH_CASES}))",
    f"DELETE FROM cases_element WHERE case_id IN ({BENCH_CASES})",
    f"DELETE FROM cases_stage WHERE case_id IN ({BENCH_CASES})",
    "DELETE FROM cases_case WHERE external_reference LIKE 'bench-dp-%%'",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=20000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--refill", action="store_true", help="insert the complaints again")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    from populate import ensure_database, setup_django

    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_case WHERE external_reference LIKE 'bench-dp-%%'"
        )
        held = cursor.fetchone()[0]
        if held != args.complaints or args.refill:
            for statement in DELETES:
                cursor.execute(statement, {"n": args.complaints})
            started = time.perf_counter()
            cursor.execute(INSERT, {"n": args.complaints})
            cursor.execute(ELEMENTS, {"n": args.complaints})
            print(
                f"inserted {args.complaints:,} complaints in {time.perf_counter() - started:.1f} s"
            )
        cursor.execute("ANALYZE")

    from harken.reports.dp_counts import data_protection_counts
    from harken.reports.periods import preset

    period = preset(f"fy-{args.year}").period
    timings = []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            counts = data_protection_counts(period=period)
            timings.append(time.perf_counter() - started)
    received = next(r for r in counts["rows"] if r["id"] == "received")["values"]["total"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_stage s JOIN cases_case c ON c.id = s.case_id "
            "WHERE c.external_reference LIKE 'bench-dp-%%' AND s.number = 1 "
            "AND s.received_on BETWEEN %s AND %s",
            [period.start, period.end],
        )
        floor = cursor.fetchone()[0]
    median = statistics.median(timings) * 1000
    print(
        f"fy-{args.year} over {args.complaints:,} complaints: median {median:.1f} ms "
        f"(min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f}) "
        f"in {len(queries)} statements; received {received:,} (hand-written count {floor:,})"
    )
    print("RESULT:", "OK" if received == floor else "MISMATCH")


if __name__ == "__main__":
    main()
