"""Time the surveys at scale: the public survey page (no sign-in), the officer's list of
surveys sent, and the report's survey tables for a year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h14s_bench_surveys \
        uv run python bench/surveys.py [--invitations 100000] [--answered 1000] [--runs 50]

Creates the database if it is missing (and drops it with --drop), fills it with
`--invitations` cases (bench/populate.py) each with a survey invitation sent over the years,
`--answered` of them (in the last year) answered with an answer to every question, a comment
on one in ten, then ANALYZEs. The public page is timed as the server sees it (Django's test
client through every middleware) on open links whose tokens are known; the list as the
feedback officer sees its first page. Prints the median and p95 of each with the load average
and `RESULT: OK` when the public page's p95 is under 100 ms and the list's under 100 ms.
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h14s_bench_surveys"
TARGET_MS = 100.0
KNOWN = 50  # open links whose tokens the benchmark knows


def _time(label: str, runs: int, call: Callable[[int], Any]) -> float:
    call(0)  # warm-up
    times = []
    for n in range(runs):
        started = time.perf_counter()
        call(n)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label:46} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")
    return p95


def _fill(invitations: int, answered: int) -> None:
    from django.db import connection

    from harken.surveys.models import Question, Survey

    adult = Survey.objects.filter(audience="adult").order_by("id").first()
    assert adult is not None
    questions = list(Question.objects.filter(survey=adult).values_list("id", "kind"))
    with connection.cursor() as cur:
        # One invitation a case (stage 1, or 0 for an initial contact), sent over the years up
        # to today; the token's hash is made from the id (nobody can answer these).
        cur.execute(
            """
            INSERT INTO surveys_invitation (created_at, modified_at, case_id, stage_number,
                survey_id, channel, token_hash, sent_on, expires_at, answered_at)
            SELECT now(), now(), c.id, CASE WHEN c.kind = 'contact' THEN 0 ELSE 1 END, %s,
                CASE WHEN c.id %% 3 = 0 THEN 'letter' ELSE 'email' END,
                encode(sha256(('bench-' || c.id)::bytea), 'hex'),
                CURRENT_DATE - (c.id %% 3000)::int,
                now() + interval '60 days' - (c.id %% 3000)::int * interval '1 day',
                NULL
            FROM (SELECT id, kind FROM cases_case ORDER BY id LIMIT %s) c
            """,
            [adult.pk, invitations],
        )
        # The answered ones: the last `answered` sent within the year before last week.
        cur.execute(
            """
            WITH picked AS (
                SELECT id, stage_number, sent_on FROM surveys_invitation
                WHERE sent_on BETWEEN CURRENT_DATE - 365 AND CURRENT_DATE - 7
                ORDER BY id LIMIT %s
            ), done AS (
                UPDATE surveys_invitation i
                SET answered_at = now() - (i.id %% 300) * interval '1 day'
                FROM picked WHERE i.id = picked.id
                RETURNING i.id, picked.stage_number, picked.sent_on
            )
            INSERT INTO surveys_response (invitation_id, survey_id, stage_number, received_on,
                satisfaction, received_at)
            SELECT id, %s, stage_number, sent_on + 3, 1 + id %% 5, now() FROM done
            """,
            [answered, adult.pk],
        )
        for qid, kind in questions:
            value = {
                "scale": "1 + r.id % 5, NULL, ''",
                "yes_no": "NULL, r.id % 2 = 0, ''",
                "text": "NULL, NULL, 'Bench comment ' || r.id",
            }[kind].replace("%", "%%")
            cur.execute(
                f"INSERT INTO surveys_answer (response_id, question_id, scale, yes_no, text) "
                f"SELECT r.id, %s, {value} FROM surveys_response r",
                [qid],
            )
        cur.execute(
            """
            INSERT INTO surveys_comment (created_at, modified_at, response_id, text, decision,
                passed_to_person, safeguarding_flag, safeguarding_note)
            SELECT now(), now(), r.id, 'Bench comment ' || r.id,
                CASE WHEN r.id % 2 = 0 THEN 'no_action' ELSE 'untriaged' END, '', false, ''
            FROM surveys_response r WHERE r.id % 10 = 0
            """
        )
        cur.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitations", type=int, default=100_000)
    parser.add_argument("--answered", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()
    import populate

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://…")
    populate.ensure_database(url)
    populate.setup_django(url)
    populate.populate(args.invitations)

    import datetime as dt

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.core.dates import today
    from harken.reports.metrics import ReportContext
    from harken.reports.periods import Period
    from harken.surveys import metrics, services
    from harken.surveys.models import Invitation

    settings.ALLOWED_HOSTS = ["*"]
    if not Invitation.objects.exists():
        started = time.perf_counter()
        _fill(args.invitations, args.answered)
        print(f"surveys filled in {time.perf_counter() - started:.1f} s")
    # Open links the benchmark can use: new tokens for the newest unanswered invitations.
    tokens = []
    for invitation in Invitation.objects.filter(answered_at=None).order_by("-sent_on", "-id")[
        :KNOWN
    ]:
        token, digest = services._new_token()
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=digest)
        tokens.append(token)

    officer = Role.FEEDBACK_OFFICER
    from harken.accounts.models import User

    user = User.objects.filter(username="bench_survey_officer").first() or make_user(
        "bench_survey_officer", officer
    )
    staff = Client()
    staff.force_login(user)
    from harken.accounts.middleware import LAST_ACTIVITY_KEY
    from harken.core.web import TWO_FACTOR_SESSION_KEY

    session = staff.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session[LAST_ACTIVITY_KEY] = time.time()
    session.save()
    public = Client()

    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    answered = Invitation.objects.exclude(answered_at=None).count()
    print(
        f"{Invitation.objects.count():,} invitations, {answered:,} answered; "
        f"load average {' '.join(load)}"
    )

    def page(n: int) -> None:
        response = public.get(f"/survey/{tokens[n % len(tokens)]}/", secure=True)
        assert response.status_code == 200, response.status_code

    def listing(_: int) -> None:
        session = staff.session
        session[LAST_ACTIVITY_KEY] = time.time()
        session.save()
        response = staff.get("/staff/surveys/", secure=True)
        assert response.status_code == 200, response.status_code

    end = today()
    start = dt.date(end.year - 1, end.month, 1)

    def report(_: int) -> None:
        ctx = ReportContext(Period(start, end))
        metrics.tables(ctx)

    public_p95 = _time("public survey page (GET, no sign-in)", args.runs, page)
    list_p95 = _time("officer's surveys sent, first page", args.runs, listing)
    _time("report's survey tables, a year and the year before", max(5, args.runs // 5), report)
    with open("/proc/loadavg") as f:
        print("load average after:", " ".join(f.read().split()[:3]))
    if public_p95 < TARGET_MS and list_p95 < TARGET_MS:
        print("RESULT: OK")
    else:
        print(f"RESULT: targets not met (public page and list p95 under {TARGET_MS:.0f} ms)")
    if args.drop:
        from urllib.parse import urlparse

        import psycopg

        connection.close()
        parsed = urlparse(url)
        with psycopg.connect(f"postgresql://{parsed.netloc}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}"')


if __name__ == "__main__":
    main()
