"""Fill a PostgreSQL database with N realistic cases for the benchmarks (shared by all of them).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harken_bench_cases \
        uv run python bench/populate.py --cases 1000000

Creates the database if missing, migrates it, and inserts with set-based SQL (no services:
a million cases through the services would take hours): people, cases of every kind over ten
years, teams and themes, complainants and children, complaint stages 1 to 3 with their stored
clock answers, two elements per complaint with outcomes, and three timeline events a case.
A database that already holds N cases is left as it is. Deterministic: the same N gives the
same data. Prints what it did and how long each step took.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/harken_bench_cases"


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    import django

    django.setup()


# Each step: (label, SQL). %(n)s is the number of cases; ids are offset from the current max
# so a partly filled database is topped up rather than clashing.
STEPS: list[tuple[str, str]] = [
    (
        "people",
        """
        INSERT INTO cases_person (created_at, modified_at, first_name, last_name, date_of_birth,
            email, phone, address, postcode, contact_preference, accessibility_needs, language,
            looked_after, care_leaver)
        SELECT now(), now(),
            (ARRAY['Amelia','Oliver','Isla','George','Ava','Noah','Mia','Arthur','Ivy','Leo',
                   'Freya','Oscar','Lily','Harry','Grace','Jack','Rosie','Theo','Ella','Alfie'])
                [1 + (g * 7) %% 20],
            (ARRAY['Smith','Jones','Taylor','Brown','Williams','Wilson','Johnson','Davies',
                   'Patel','Robinson','Wright','Thompson','Evans','Walker','White','Roberts',
                   'Green','Hall','Wood','Jackson','Clarke','Hughes','Khan','Ali','Lewis'])
                [1 + (g * 13) %% 25] || CASE WHEN g %% 3 = 0 THEN '-' || (g %% 997) ELSE '' END,
            CASE WHEN g %% 2 = 0 THEN date '2005-01-01' + (g %% 6000)::int END,
            'person' || g || '@example.invalid', '', '', '', 'email', '', '',
            g %% 10 = 0, g %% 40 = 0
        FROM generate_series(1::bigint, %(people)s) AS g
        """,
    ),
    (
        "cases",
        """
        INSERT INTO cases_case (id, created_at, modified_at, reference, kind, channel,
            received_on, summary, details, procedure_version_id, status, stage_number,
            assigned_to_id, restricted, ombudsman_involved, contact_outcome, due_on,
            responded_on, closed_on, late_complaint_reason, withdrawal_reason,
            discontinuance_reason, praised_worker, next_due_on, next_due_label, paused,
            external_reference)
        SELECT base + g, now(), now(),
            'BN-' || extract(year FROM d)::int || '-' || lpad((base + g)::text, 7, '0'),
            k, (ARRAY['web','email','phone','letter','text','in_person'])[1 + g %% 6],
            d,
            (ARRAY['Family time cancelled at short notice','Social worker changed again',
                   'EHCP delayed','Not told about the meeting','Transport to school late',
                   'Report contains errors','No reply to my calls','Allowance not paid',
                   'Disagree with the assessment','Placement move handled badly'])[1 + g %% 10]
                || ' ' || g,
            'Words of the complaint number ' || g || ' about '
                || (ARRAY['communication','delay','contact','school','transport','finance'])
                   [1 + g %% 6],
            CASE WHEN k = 'complaint' THEN
                CASE WHEN g %% 3 = 0 THEN pv_corp ELSE pv_child END END,
            CASE WHEN d > current_date - 30 THEN 'open' ELSE 'closed' END,
            CASE WHEN k = 'complaint' THEN 1 END,
            NULL, g %% 500 = 0, false,
            CASE WHEN k = 'contact' AND d <= current_date - 30 THEN
                CASE WHEN g %% 4 = 0 THEN 'progressed' ELSE 'resolved' END ELSE '' END,
            CASE WHEN k IN ('contact','enquiry','comment','suggestion') THEN d + 14 END,
            NULL,
            CASE WHEN d <= current_date - 30 THEN d + 20 END,
            '', '', '', '',
            CASE WHEN d > current_date - 30 AND k <> 'compliment' THEN d + 14 END,
            CASE WHEN d > current_date - 30 AND k <> 'compliment' THEN 'Stage 1 response due'
                 ELSE '' END,
            false, ''
        FROM (
            SELECT g,
                current_date - ((g * 7919) %% 3650)::int AS d,
                (ARRAY['complaint','complaint','complaint','complaint','contact','contact',
                       'contact','compliment','compliment','enquiry','comment','suggestion'])
                    [1 + (g * 31) %% 12] AS k
            FROM generate_series(1::bigint, %(n)s) AS g
        ) AS s,
        (SELECT coalesce(max(id), 0) AS base FROM cases_case) AS b,
        (SELECT min(v.id) AS pv_child FROM procedures_procedureversion v
            JOIN procedures_procedure p ON p.id = v.procedure_id
            WHERE p.code = 'children-statutory') AS c,
        (SELECT min(v.id) AS pv_corp FROM procedures_procedureversion v
            JOIN procedures_procedure p ON p.id = v.procedure_id
            WHERE p.code = 'corporate-lgsco-2024') AS o
        """,
    ),
    (
        "teams and themes",
        """
        WITH t AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_team),
             h AS (SELECT array_agg(id ORDER BY id) AS ids FROM cases_theme)
        INSERT INTO cases_case_teams (case_id, team_id)
        SELECT c.id, t.ids[1 + (c.id * 7919) %% array_length(t.ids, 1)]
        FROM cases_case c, t
        WHERE c.id > %(min_id)s AND c.reference LIKE 'BN-%%';
        WITH h AS (SELECT array_agg(id ORDER BY id) AS ids FROM cases_theme)
        INSERT INTO cases_case_themes (case_id, theme_id)
        SELECT c.id, h.ids[1 + (c.id * 11) %% array_length(h.ids, 1)]
        FROM cases_case c, h
        WHERE c.id > %(min_id)s AND c.reference LIKE 'BN-%%'
        """,
    ),
    (
        "complainants and children",
        """
        WITH p AS (SELECT min(id) AS lo, max(id) - min(id) + 1 AS span FROM cases_person)
        INSERT INTO cases_caseparty (case_id, person_id, role, relationship, child_knows)
        SELECT c.id, p.lo + (c.id * 7) %% p.span, 'complainant',
               (ARRAY['parent','carer','foster_carer','child','special_guardian','advocate',
                      'professional','other'])[1 + c.id %% 8], NULL
        FROM cases_case c, p
        WHERE c.id > %(min_id)s AND c.reference LIKE 'BN-%%';
        WITH p AS (SELECT min(id) AS lo, max(id) - min(id) + 1 AS span FROM cases_person)
        INSERT INTO cases_caseparty (case_id, person_id, role, relationship, child_knows)
        SELECT c.id, p.lo + (c.id * 13 + 1) %% p.span, 'child', 'child', true
        FROM cases_case c, p
        WHERE c.id > %(min_id)s AND c.reference LIKE 'BN-%%' AND c.kind = 'complaint'
          AND c.id %% 2 = 0
        """,
    ),
    (
        "stages",
        """
        INSERT INTO cases_stage (created_at, modified_at, case_id, number, received_on,
            acknowledged_on, statement_agreed_on, response_sent_on, panel_met_on,
            panel_report_sent_on, council_response_sent_on, late_request_reason,
            paused_reason, clock_started_on, acknowledgement_due_on, original_due_on, due_on,
            due_explanation, concluded_on, working_days_taken, within_timescale,
            escalation_due_on)
        SELECT now(), now(), c.id, s.number, r.rec,
            r.rec + 2,
            CASE WHEN s.number = 2 THEN r.rec + 7 END,
            CASE WHEN s.number < 3 AND r.done THEN r.rec + r.took END,
            CASE WHEN s.number = 3 AND r.done THEN r.rec + 35 END,
            CASE WHEN s.number = 3 AND r.done THEN r.rec + 40 END,
            CASE WHEN s.number = 3 AND r.done THEN r.rec + 60 END,
            '', '', r.rec, r.rec + 3, r.rec + 14, r.rec + 14,
            'Due 14 days after receipt (benchmark data).',
            CASE WHEN r.done THEN r.rec + r.took END,
            CASE WHEN r.done THEN (r.took * 5) / 7 END,
            CASE WHEN r.done THEN r.took <= 14 END,
            CASE WHEN r.done AND s.number < 3 THEN r.rec + r.took + 28 END
        FROM cases_case c
        JOIN LATERAL (VALUES (1), (2), (3)) AS s(number)
          ON s.number = 1 OR (s.number = 2 AND c.id %% 7 = 0)
             -- Stage 3 only where the procedure has one (the corporate procedure has two).
             OR (s.number = 3 AND c.id %% 35 = 0 AND c.procedure_version_id NOT IN (
                 SELECT v.id FROM procedures_procedureversion v
                 JOIN procedures_procedure p ON p.id = v.procedure_id
                 WHERE p.code = 'corporate-lgsco-2024'))
        JOIN LATERAL (SELECT c.received_on + ((s.number - 1) * 40)::int AS rec,
                             c.status = 'closed' AS done,
                             (8 + (c.id * 3 + s.number) %% 16)::int AS took) AS r ON true
        WHERE c.id > %(min_id)s AND c.reference LIKE 'BN-%%' AND c.kind = 'complaint'
        """,
    ),
    (
        "current stage numbers",
        """
        UPDATE cases_case c SET stage_number = m.n
        FROM (SELECT case_id, max(number) AS n FROM cases_stage GROUP BY case_id) AS m
        WHERE m.case_id = c.id AND c.id > %(min_id)s AND c.stage_number IS DISTINCT FROM m.n
        """,
    ),
    (
        "elements",
        """
        INSERT INTO cases_element (created_at, modified_at, case_id, number, summary, theme_id,
            team_id)
        SELECT now(), now(), c.id, e.n, 'Point ' || e.n || ' of complaint ' || c.id,
            ct.theme_id, tt.team_id
        FROM cases_case c
        JOIN cases_case_themes ct ON ct.case_id = c.id
        JOIN cases_case_teams tt ON tt.case_id = c.id
        CROSS JOIN (VALUES (1), (2)) AS e(n)
        WHERE c.id > %(min_id)s AND c.reference LIKE 'BN-%%' AND c.kind = 'complaint'
        """,
    ),
    (
        "element outcomes",
        """
        INSERT INTO cases_elementoutcome (created_at, modified_at, element_id, stage_id, outcome)
        SELECT now(), now(), e.id, s.id,
            (ARRAY['not_upheld','not_upheld','not_upheld','not_upheld','not_upheld',
                   'not_upheld','not_upheld','upheld','upheld','partially_upheld',
                   'unable_to_determine'])[1 + (e.id + s.number) %% 11]
        FROM cases_stage s
        JOIN cases_element e ON e.case_id = s.case_id
        JOIN cases_case c ON c.id = s.case_id
        WHERE c.id > %(min_id)s AND s.concluded_on IS NOT NULL
        """,
    ),
    (
        "timeline events",
        """
        INSERT INTO cases_timelineevent (case_id, at, verb, description, changes)
        SELECT c.id, c.received_on + v.offs * interval '1 day', v.verb, v.descr, '{}'::jsonb
        FROM cases_case c
        CROSS JOIN (VALUES (0, 'created', 'Received'), (2, 'acknowledged', 'Acknowledged'),
                           (12, 'responded', 'Response sent')) AS v(offs, verb, descr)
        WHERE c.id > %(min_id)s AND c.reference LIKE 'BN-%%'
        """,
    ),
    (
        "reference counter and sequences",
        """
        SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))
        """,
    ),
]


def _check_stages_allowed() -> None:
    """The generator makes only cases its procedures allow (a corporate complaint has no
    stage 3): a benchmark that samples such a case would measure an error page."""
    from harken.cases.models import Stage
    from harken.procedures.models import ProcedureVersion

    for version in ProcedureVersion.objects.all():
        numbers = [stage.number for stage in version.spec.stages]
        extra = Stage.objects.filter(case__procedure_version=version).exclude(number__in=numbers)
        if extra.exists():
            sys.exit(f"populate made stages {version} does not have: {extra.count():,}")


def populate(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from harken.cases.maintenance import refresh_statistics
    from harken.cases.services import open_teams_rebuild

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), coalesce(max(id), 0) FROM cases_case")
        have, min_id = cur.fetchone()
    if have >= n:
        print(f"{have:,} cases already there")
        return
    started = time.perf_counter()
    # One transaction: a run that fails leaves nothing half-made. A smaller database is topped
    # up: every step after the cases works on the cases this run added (id > min_id).
    params = {"n": n - have, "people": max(1000, (n - have) * 6 // 10), "min_id": min_id}
    print(f"{have:,} cases there; adding {n - have:,}")
    with transaction.atomic():
        for label, sql in STEPS:
            t = time.perf_counter()
            with connection.cursor() as cur:
                for statement in [s for s in sql.split(";\n") if s.strip()]:
                    cur.execute(statement, params)
            print(f"{label:<32} {time.perf_counter() - t:7.1f} s")
        # The open cases of each team (ADR 0132), set-based, by the service that owns them.
        t = time.perf_counter()
        rows = open_teams_rebuild()
        print(f"{'open cases of each team':<32} {time.perf_counter() - t:7.1f} s ({rows:,})")
    _check_stages_allowed()
    t = time.perf_counter()
    refresh_statistics()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"{'vacuum and analyse':<32} {time.perf_counter() - t:7.1f} s")
    print(f"{'total':<32} {time.perf_counter() - started:7.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://…")
    ensure_database(url)
    setup_django(url)
    populate(args.cases)


if __name__ == "__main__":
    main()
