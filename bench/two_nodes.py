"""Two nodes on one PostgreSQL: two gunicorn instances and two task workers, a bounded load
of public form sends spread across both, and `harken run-scheduled` started on both at the
same moment, with every e-mail going to a local SMTP server on 127.0.0.1.

It then checks: every submission a person was given a reference for is in the database
exactly once (0 lost, 0 doubled); each confirmation e-mail reached the mail server once;
each daily digest was recorded once and reached the mail server once. Figures are printed;
`RESULT: OK` or `FAIL` (exit status 1).

    uv run python bench/two_nodes.py --submissions 300 --concurrency 8 --staff 20

DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432); the
benchmark creates and drops its own database, harken_bench_two_nodes. Ports 8401, 8402 (the
nodes) and 8425 (mail), 127.0.0.1 only (each can be moved: see PORTS below). The public
forms' rate limits are off for the run (HARKEN_INTAKE_RATE_LIMITS=0): they count in each
process's memory until the shared cache (CACHE_URL) is configured, and would otherwise refuse
the load generator's single address.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake_submissions import (
    FORMS,
    KEY,
    ROOT,
    BenchError,
    Person,
    percentile,
    run_phase,
    server_env,
    start_server,
    stop_server,
)
from smtp_sink import smtp_sink

# Where another run on the same machine is in the way: HARKEN_BENCH_PORTS="9451,9452",
# HARKEN_BENCH_SMTP_PORT, HARKEN_BENCH_DATABASE.
_ports = os.environ.get("HARKEN_BENCH_PORTS", "8401,8402").split(",")
PORTS = (int(_ports[0]), int(_ports[1]))
SMTP_PORT = int(os.environ.get("HARKEN_BENCH_SMTP_PORT", "8425"))
DATABASE = os.environ.get("HARKEN_BENCH_DATABASE", "harken_bench_two_nodes")
# A Monday with no bank holiday near: every member of staff is due a digest.
DIGEST_DAY = dt.date(2026, 11, 23)
REFERENCE_IN_SUBJECT = re.compile(r"\(([A-Z]+-\d{4}-\d{5})\)")


class Sender(Person):
    """A person on one node, with an e-mail address of their own (to count its e-mail)."""

    email: str = ""

    def to_check(self) -> None:
        _, location, _ = self.expect(302, self.request("GET", f"/{self.form}/start/"), "start")
        for slug, answers in FORMS[self.form]:
            if "email" in answers:
                answers = {**answers, "email": self.email}
            path = f"/{self.form}/{slug}/"
            if location != path:
                raise BenchError(f"{self.form}: expected page {path}, was sent to {location}")
            self.expect(200, self.request("GET", path), slug)
            _, location, _ = self.expect(302, self.request("POST", path, answers), slug)
        _, _, html = self.expect(200, self.request("GET", location), "check your answers")
        found = KEY.search(html)
        if not found:
            raise BenchError(f"{self.form}: no key on the check page")
        self.key = found.group(1)


def harken(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "harken", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def make_staff(env: dict[str, str], count: int) -> None:
    """Feedback officers with e-mail addresses, and an overdue case, so each gets a digest."""
    script = f"""
import datetime as dt
from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases.models import Case
from harken.cases.tests.factories import complaint
people = [make_user(f"bench_officer_{{i}}", Role.FEEDBACK_OFFICER) for i in range({count})]
for user in people:
    user.email = f"{{user.username}}@council.example"
    user.save(update_fields=["email"])
case = complaint(actor=people[0], received_on=dt.date(2026, 10, 1))
Case.objects.filter(pk=case.pk).update(next_due_on=dt.date(2026, 11, 18),
                                        next_due_label="Stage 1 response due")
"""
    harken(env, "shell", "-c", script)


def run_scheduled_on_both(env: dict[str, str]) -> list[str]:
    """Both nodes' schedulers fire at the same moment."""
    go = threading.Barrier(2)
    outputs: list[str] = ["", ""]

    def node(i: int) -> None:
        go.wait()
        outputs[i] = harken(env, "run-scheduled", "--date", DIGEST_DAY.isoformat()).stdout.strip()

    threads = [threading.Thread(target=node, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outputs


def start_worker(env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "harken",
            "db_worker",
            "--no-reload",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--worker-id",
            name,
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def queue_drained(url: str) -> tuple[bool, dict[str, int]]:
    with psycopg.connect(url) as connection:
        tasks = dict(
            connection.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        )
        # The one outbox: every message, by kind; waiting is queued, sending or retrying.
        waiting_sql = (
            "SELECT count(*) FROM notifications_message "
            "WHERE kind = ANY(%s) AND status IN ('queued', 'sending', 'retrying')"
        )
        [(emails_waiting,)] = connection.execute(waiting_sql, [["confirmation"]]).fetchall()
        [(reminders_waiting,)] = connection.execute(
            waiting_sql, [["digest", "actions", "overdue_summary"]]
        ).fetchall()
    waiting = tasks.get("READY", 0) + tasks.get("RUNNING", 0)
    figures = {
        "tasks_waiting_or_running": waiting,
        "tasks_failed": tasks.get("FAILED", 0),
        "tasks_done": tasks.get("SUCCESSFUL", 0),
        "confirmations_unsent": emails_waiting,
        "reminders_unsent": reminders_waiting,
    }
    return waiting == 0 and emails_waiting == 0 and reminders_waiting == 0, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--staff", type=int, default=20, help="people due a digest")
    parser.add_argument("--threads", type=int, default=2, help="threads of each gunicorn")
    parser.add_argument("--double-every", type=int, default=10)
    args = parser.parse_args()

    server = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432"))
    admin = server._replace(path="/postgres").geturl()
    url = server._replace(path=f"/{DATABASE}").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    env = server_env(url)
    env.update(
        {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(SMTP_PORT),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "HARKEN_LOG_FORMAT": "plain",
        }
    )
    print(f"database {DATABASE}: migrating…")
    harken(env, "migrate", "--noinput", "-v", "0")
    make_staff(env, args.staff)

    processes: list[subprocess.Popen[bytes]] = []
    failed = False
    with smtp_sink(SMTP_PORT) as mail:
        try:
            for port in PORTS:
                processes.append(start_server(env, port, 1, args.threads))
            processes += [start_worker(env, f"node{i}-worker") for i in (1, 2)]
            print(
                f"two nodes: gunicorn on 127.0.0.1:{PORTS[0]} and :{PORTS[1]} (1 worker x "
                f"{args.threads} threads each), two task workers, mail on :{SMTP_PORT}; "
                f"{os.cpu_count()} CPUs"
            )
            names = [name for name in FORMS if name != "young-people"]  # those with e-mail
            people: list[Sender] = []
            for i in range(args.submissions):
                person = Sender(
                    "127.0.0.1",
                    PORTS[i % 2],
                    names[i % len(names)],
                    double=args.double_every > 0 and i % args.double_every == 0,
                )
                person.email = f"person{i}@public.example"
                people.append(person)

            scheduled: list[str] = []
            scheduler = threading.Thread(
                target=lambda: (time.sleep(1.0), scheduled.extend(run_scheduled_on_both(env)))
            )
            started = time.perf_counter()
            scheduler.start()
            seconds = run_phase(people, args.concurrency, "walk")
            scheduler.join()

            drain_started = time.perf_counter()
            drained, figures = queue_drained(url)
            while not drained and time.perf_counter() - drain_started < 180:
                time.sleep(0.5)
                drained, figures = queue_drained(url)
            drain_seconds = time.perf_counter() - drain_started
            total_seconds = time.perf_counter() - started
        finally:
            for process in processes:
                stop_server(process)
        received = mail.snapshot()

    accepted = [p for p in people if p.references]
    errors = Counter(e for p in people for e in p.errors)
    with psycopg.connect(url) as connection:
        per_key = dict(
            connection.execute(
                "SELECT key::text, count(*) FROM intake_submission GROUP BY key"
            ).fetchall()
        )
        [(web_cases,)] = connection.execute(
            "SELECT count(*) FROM cases_case WHERE channel = 'web'"
        ).fetchall()
        by_worker = dict(
            connection.execute(
                "SELECT worker_ids->>0, count(*) FROM django_tasks_database_dbtaskresult "
                "GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
        digest_rows = dict(
            connection.execute(
                "SELECT u.email, count(*) FROM notifications_sentreminder r "
                "JOIN accounts_user u ON u.id = r.user_id "
                "JOIN notifications_message m ON m.id = r.message_id "
                "WHERE r.kind = 'digest' AND m.status = 'sent' GROUP BY u.email"
            ).fetchall()
        )
    lost = sum(1 for p in accepted if per_key.get(p.key, 0) == 0)
    doubled = sum(1 for p in accepted if per_key.get(p.key, 0) > 1) + max(
        0, web_cases - len(per_key)
    )
    different_refs = sum(1 for p in accepted if len(set(p.references)) != 1)

    confirmations = Counter(
        to
        for recipients, subject in received
        if "we have received your" in subject
        for to in recipients
    )
    digests = Counter(
        to for recipients, subject in received if "Daily digest" in subject for to in recipients
    )
    staff = [f"bench_officer_{i}@council.example" for i in range(args.staff)]
    with_email = [p for p in accepted if p.form in ("complaint", "question-or-comment")]
    confirmation_missing = sum(1 for p in with_email if confirmations[p.email] == 0)
    confirmation_doubled = sum(1 for p in with_email if confirmations[p.email] > 1)
    digest_missing = sum(1 for s in staff if digests[s] == 0)
    digest_doubled = sum(1 for s in staff if digests[s] > 1)
    digest_rows_doubled = sum(1 for s in staff if digest_rows.get(s, 0) != 1)

    sends = [t for p in people for t in p.send_latencies]
    every = [t for p in people for t in p.latencies]
    print(
        f"\n{len(accepted)} submissions of {len(people)} in {seconds:.1f} s across two nodes: "
        f"{len(accepted) / seconds:.1f} a second, {len(every) / seconds:.0f} requests a second"
    )
    print(
        f"  node {PORTS[0]}: {sum(1 for p in accepted if p.port == PORTS[0])}, "
        f"node {PORTS[1]}: {sum(1 for p in accepted if p.port == PORTS[1])}"
    )
    p50, p95 = percentile(sends, 50) * 1000, percentile(sends, 95) * 1000
    print(
        f"  send p50 {p50:.0f} ms, p95 {p95:.0f}"
        f" ms; every request p50 {percentile(every, 50) * 1000:.0f} ms, "
        f"p95 {percentile(every, 95) * 1000:.0f} ms"
    )
    for output in scheduled:
        print(f"  run-scheduled: {output}")
    print(
        f"  queue drained {drain_seconds:.1f} s after the last send "
        f"({total_seconds:.1f} s in all): {figures}"
    )
    print(f"  tasks run by each worker: {by_worker}")
    print(
        f"  mail server received {len(received)} messages: {sum(confirmations.values())} "
        f"confirmations for {len(with_email)} submissions with an address, "
        f"{sum(digests.values())} digests for {len(staff)} staff"
    )
    for message, count in errors.most_common(5):
        print(f"  error x{count}: {message}")
    checks = {
        "lost": lost,
        "doubled": doubled,
        "double_sends_with_different_references": different_refs,
        "confirmations_missing": confirmation_missing,
        "confirmations_doubled": confirmation_doubled,
        "digests_missing": digest_missing,
        "digests_doubled": digest_doubled,
        "digest_rows_not_once": digest_rows_doubled,
        "request_errors": sum(errors.values()),
        "queue_not_drained": 0 if drained else 1,
    }
    print("\nChecks")
    for name, value in checks.items():
        print(f"  {name}: {value}")
    failed = any(checks.values())
    print("\nRESULT:", "FAIL" if failed else "OK (lost=0, doubled=0, each e-mail once)")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
