"""Time the staff pages a feedback team uses all day, over 1,000,000 cases.

    uv run python bench/casework.py [--cases 1000000] [--runs 40]

DATABASE_URL defaults to the PostgreSQL database harken_bench_cases, created and filled by
bench/populate.py (set-based SQL; reused when it already holds the cases). The script adds
its own staff (a feedback officer, a manager of two teams, an investigating officer with
appointments) and gives the officer and the manager some open cases, then requests each page
through Django's whole stack in this process (middleware, session, access checks, queries,
template), signed in with both factors, exactly as a browser's request would be answered.

Each page is requested `--runs` times after two warm-up requests; where a page takes a
varying argument (a case reference, search words, a page number) each run uses the next one.
Prints the median and 95th percentile per page, and the queries a request made, and checks
every answer was 200 with the content expected. Target: p95 under 300 ms for each page.
Also the API case list (25 a page: numbered, and by cursor for each role). `--json FILE`
writes the figures for bench/scale.py, which runs this over 10k, 100k and 1M cases.
"""

from __future__ import annotations

import argparse
import json
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/harken_bench_cases"
TARGET_MS = 300.0


def make_staff() -> dict[str, Any]:
    """The bench's users and the cases they work on (idempotent)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from harken.accounts.models import Role, Team, User
    from harken.cases.models import Appointment, AppointmentRole, Case, Stage

    def user(username: str, role: str) -> User:
        found, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": username.split("_")[0].title(),
                "last_name": "Bench",
                "email": f"{username}@example.invalid",
                "totp_secret": "JBSWY3DPEHPK3PXP",
                "two_factor_set_up_at": timezone.now(),
            },
        )
        return found

    with transaction.atomic():
        officer = user("olive_bench", Role.FEEDBACK_OFFICER)
        manager = user("mina_bench", Role.MANAGER)
        io = user("ivan_bench", Role.INVESTIGATING_OFFICER)
        teams = list(Team.objects.order_by("id")[:2])
        manager.teams.set(teams)
        with connection.cursor() as cur:
            # Every 40th open case to the officer, every 97th to the manager.
            cur.execute(
                """UPDATE cases_case SET assigned_to_id = CASE WHEN id %% 40 = 0 THEN %s
                                                            ELSE %s END
                   WHERE status = 'open' AND assigned_to_id IS NULL
                     AND (id %% 40 = 0 OR id %% 97 = 0)""",
                [officer.pk, manager.pk],
            )
        if not Appointment.objects.filter(user=io).exists():
            stages = Stage.objects.filter(number=2, case__status="open").order_by("id")[:30]
            Appointment.objects.bulk_create(
                Appointment(
                    stage=stage,
                    user=io,
                    role=AppointmentRole.INVESTIGATING_OFFICER,
                    appointed_on=stage.received_on,
                )
                for stage in stages
            )
    open_refs = list(
        Case.objects.filter(status="open", restricted=False)
        .order_by("?")
        .values_list("reference", flat=True)[:200]
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE cases_case")
    return {"officer": officer, "manager": manager, "io": io, "teams": teams, "refs": open_refs}


def client_for(user: Any) -> Any:
    from django.test import Client

    from harken.core.web import TWO_FACTOR_SESSION_KEY

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    return client


def measure(
    label: str, client: Any, urls: Callable[[int], str], runs: int, expect: str
) -> dict[str, Any]:
    """`urls(i)` is a path to GET, or "POST path?field=value" for a form sent by POST (the
    search, which keeps names out of addresses). `expect`: text the answer must contain, or
    "302" for a redirect."""
    from urllib.parse import parse_qsl, urlsplit

    from django.db import connection, reset_queries

    times: list[float] = []
    queries: list[int] = []
    for i in range(runs + 2):
        url = urls(i)
        reset_queries()
        started = time.perf_counter()
        if url.startswith("POST "):
            parts = urlsplit(url.removeprefix("POST "))
            response = client.post(parts.path, dict(parse_qsl(parts.query)))
        else:
            response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        body = response.content.decode()
        if expect == "302":
            ok = response.status_code == 302
        else:
            ok = response.status_code == 200 and expect in body
        if not ok:
            raise SystemExit(f"{label}: {url} answered {response.status_code} without {expect!r}")
        if i >= 2:  # two warm-up requests
            times.append(elapsed)
            queries.append(len(connection.queries))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return {
        "page": label,
        "median": statistics.median(times),
        "p95": p95,
        "queries": max(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--json", help="also write the figures to this file (bench/scale.py)")
    parser.add_argument("--only", nargs="*", help="only the pages whose label has one of these")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")  # requests in-process, over http
    import populate

    populate.ensure_database(url)
    populate.setup_django(url)
    populate.populate(args.cases)

    from django.conf import settings

    settings.DEBUG = True  # only so that connection.queries counts the queries
    from django.db import connection

    from harken.cases.models import Case
    from harken.casework.models import RememberedFilters

    staff = make_staff()
    # The caseload brings back a user's last filters: each run starts from none.
    RememberedFilters.objects.filter(
        user__in=[staff[k] for k in ("officer", "manager", "io")]
    ).delete()
    total = Case.objects.count()
    open_count = Case.objects.filter(status="open").count()
    print(f"{total:,} cases, {open_count:,} open; {args.runs} runs a page after 2 warm-ups")
    officer, manager, io = (client_for(staff[k]) for k in ("officer", "manager", "io"))
    team = staff["teams"][0].pk
    refs = staff["refs"]
    names = ["Patel", "Amelia Smith", "khan", "Hughes", "Roberts"]
    words = ["transport", "family time cancelled", "allowance", "report errors", "EHCP"]

    def part_url(tab: str) -> Callable[[int], str]:
        return lambda i: f"/staff/cases/{refs[(i + 7) % len(refs)]}/{tab}/"

    pages: list[tuple[str, Any, Callable[[int], str], str]] = [
        ("caseload, officer (all open work)", officer, lambda i: "/staff/", "Caseload"),
        ("caseload, officer, page n", officer, lambda i: f"/staff/?page={2 + i % 40}", "Caseload"),
        (
            "caseload, officer, team + overdue",
            officer,
            lambda i: f"/staff/?team={team}&overdue=1",
            "Caseload",
        ),
        (
            "caseload, officer, sorted by received",
            officer,
            lambda i: "/staff/?sort=-received",
            "Caseload",
        ),
        ("caseload, officer, assigned to me", officer, lambda i: "/staff/?assigned=me", "Caseload"),
        ("caseload, manager (two teams)", manager, lambda i: "/staff/", "Caseload"),
        ("caseload, IO (appointments)", io, lambda i: "/staff/", "Caseload"),
        ("start page, officer", officer, lambda i: "/staff/start/", "Your day"),
        ("start page, manager", manager, lambda i: "/staff/start/", "Your day"),
        ("team view, officer", officer, lambda i: "/staff/team/", "Team"),
        ("team view, manager", manager, lambda i: "/staff/team/", "Team"),
        (
            "search, reference (to the case)",
            officer,
            lambda i: f"POST /staff/search/?q={refs[i % len(refs)]}",
            "302",
        ),
        ("search, name", officer, lambda i: f"POST /staff/search/?q={names[i % 5]}", "Cases found"),
        (
            "search, words",
            officer,
            lambda i: f"POST /staff/search/?q={words[i % 5]}",
            "Cases found",
        ),
        (
            "search, words, manager",
            manager,
            lambda i: f"POST /staff/search/?q={words[i % 5]}",
            "Cases found",
        ),
        (
            "case page, officer (summary)",
            officer,
            lambda i: f"/staff/cases/{refs[i % len(refs)]}/",
            ">Summary</h2>",
        ),
        # The case page's other parts (ADR 0116), each its own address.
        *(
            (
                f"case page, officer ({tab})",
                officer,
                part_url(tab),
                text,
            )
            for tab, text in (
                ("people", ">People"),
                ("points", ">Points of complaint"),
                ("stages", ">Stages"),
                ("documents", 'id="documents-heading"'),
                ("timeline", 'id="timeline">Timeline'),
            )
        ),
    ]
    api = "/api/v1/cases/?page_size=25"
    pages += [
        ("API case list, 25, numbered (page 1)", officer, lambda i: api, '"count"'),
        ("API case list, 25, cursor", officer, lambda i: f"{api}&cursor=", '"results"'),
        ("API case list, 25, cursor, manager", manager, lambda i: f"{api}&cursor=", '"results"'),
        ("API case list, 25, cursor, IO", io, lambda i: f"{api}&cursor=", '"results"'),
    ]
    if args.only:
        pages = [p for p in pages if any(word in p[0] for word in args.only)]
    rows = []
    for label, client, urls, expect in pages:
        row = measure(label, client, urls, args.runs, expect)
        rows.append(row)
        verdict = "ok" if row["p95"] < TARGET_MS else "OVER"
        print(
            f"{label:<40} median {row['median']:7.1f} ms   p95 {row['p95']:7.1f} ms   "
            f"{row['queries']:3d} queries   {verdict}"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"cases": total, "open": open_count, "load": os.getloadavg(), "rows": rows})
        )
    over = [r["page"] for r in rows if r["p95"] >= TARGET_MS]
    print(f"vendor {connection.vendor}; target p95 < {TARGET_MS:.0f} ms")
    print("RESULT: " + ("OK" if not over else "OVER on " + ", ".join(over)))


if __name__ == "__main__":
    main()
