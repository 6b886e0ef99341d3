"""Concurrent online-form submissions against a real server: nothing lost, nothing doubled.

Starts gunicorn (2 workers by default) on 127.0.0.1 against PostgreSQL, migrates, then:

1. **Journeys**: N people walk a form page by page, concurrently, each with their own
   cookies and CSRF token, exactly as a browser without JavaScript would (start, every
   question page, check your answers, send, confirmation). The four forms take turns.
   Every `--double-every`th person presses "Send" twice at the same moment (two threads,
   one session) and every other such person sends the page again afterwards.
2. **Burst**: N more people walk to "Check your answers" first; then all press "Send" at
   once, so the submit itself (the record, the reference, the queued e-mail) is measured.

Then it checks in the database that every accepted submission (a confirmation page with a
reference) is there exactly once, with its case, and that no key made two cases; prints
throughput and latency percentiles; and stops the server. Rate limits are turned off for
the run (HARKEN_INTAKE_RATE_LIMITS=0); e-mails are queued (no worker runs) so the mail
server plays no part, as in production where it is never on the submit path.

    uv run python bench/intake_submissions.py --submissions 3000 --concurrency 16 --phase burst

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/harken_bench (created if
missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/harken_bench"
REFERENCE = re.compile(r"<strong>([A-Z]+-\d{4}-\d{5})</strong>")
KEY = re.compile(r'name="key" value="([0-9a-f-]{36})"')

# The answers each form's pages are sent, in order. A page that does not apply to these
# answers is never shown, so it is never posted.
A_MONTH_AGO = dt.datetime.now(tz=dt.UTC).date() - dt.timedelta(days=30)
WORDS = "Nobody came to the review meeting. Ni ddaeth neb i'r cyfarfod. 🙁 <b>not bold</b>"
FORMS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "complaint": [
        ("about-you", {"relationship": "parent"}),
        ("for-a-child", {"for_child": "yes"}),
        (
            "child-details",
            {
                "child_first_name": "Ffion",
                "child_last_name": "Jones",
                "child_date_of_birth_0": "2",
                "child_date_of_birth_1": "5",
                "child_date_of_birth_2": "2014",
            },
        ),
        ("does-the-child-know", {"child_knows": "yes"}),
        ("what-happened", {"what_happened": WORDS}),
        (
            "when-did-it-happen",
            {
                "happened_on_0": str(A_MONTH_AGO.day),
                "happened_on_1": str(A_MONTH_AGO.month),
                "happened_on_2": str(A_MONTH_AGO.year),
            },
        ),
        ("which-service", {"team": "not_sure"}),
        ("put-it-right", {"put_right": "An apology."}),
        ("documents-and-photos", {"action": "continue"}),
        ("your-details", {"first_name": "Siân", "last_name": "Jones"}),
        ("how-to-contact-you", {"contact_preference": "email"}),
        ("contact-details", {"email": "sian@example.com", "consent": "on"}),
        ("help-you-need", {"accessibility_needs": "", "language": "Welsh"}),
    ],
    "young-people": [
        ("are-you-safe", {"safe_now": "yes"}),
        ("whats-wrong", {"what_happened": "My foster carer reads my messages. 🙁"}),
        ("when-did-it-happen", {"happened_on_0": "", "happened_on_1": "", "happened_on_2": ""}),
        ("who-is-it-about", {"about": "My foster carer"}),
        ("make-it-better", {"put_right": ""}),
        ("advocate", {"advocate": "yes"}),
        ("your-name", {"first_name": "Kai", "last_name": ""}),
        ("how-to-contact-you", {"contact_preference": "text"}),
        ("contact-details", {"mobile": "07700 900982", "consent": "on"}),
        ("help-you-need", {"accessibility_needs": "", "language": ""}),
    ],
    "compliment": [
        ("your-compliment", {"compliment": "Jo listened to us. Diolch!"}),
        ("who-is-it-for", {"praised_worker": "Jo"}),
        ("which-service", {"team": "not_sure"}),
        ("reply", {"contact_preference": "none"}),
        ("your-details", {"first_name": "", "last_name": ""}),
    ],
    "question-or-comment": [
        ("what-would-you-like-to-do", {"comment_type": "enquiry"}),
        ("your-message", {"message": "How long does stage 2 take? مرحبا"}),
        ("which-service", {"team": "not_sure"}),
        ("your-details", {"first_name": "Amir", "last_name": "Haddad"}),
        ("how-to-contact-you", {"contact_preference": "email"}),
        ("contact-details", {"email": "amir@example.com", "consent": "on"}),
        ("help-you-need", {"accessibility_needs": "", "language": ""}),
    ],
}


class BenchError(Exception):
    pass


@dataclass
class Person:
    """One browser: its cookies, and what happened to its form."""

    host: str
    port: int
    form: str
    double: bool = False
    cookies: dict[str, str] = field(default_factory=dict)
    key: str = ""
    references: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    send_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {"Host": f"{self.host}:{self.port}"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        self.latencies.append(elapsed)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
        location = response.getheader("Location") or ""
        return response.status, urlsplit(location).path, text

    def expect(self, wanted: int, got: tuple[int, str, str], what: str) -> tuple[int, str, str]:
        if got[0] != wanted:
            raise BenchError(f"{self.form} {what}: HTTP {got[0]} (wanted {wanted})")
        return got

    def to_check(self) -> None:
        _, location, _ = self.expect(302, self.request("GET", f"/{self.form}/start/"), "start")
        for slug, answers in FORMS[self.form]:
            path = f"/{self.form}/{slug}/"
            if location != path:
                raise BenchError(f"{self.form}: expected page {path}, was sent to {location}")
            self.expect(200, self.request("GET", path), slug)  # as a browser would
            _, location, _ = self.expect(302, self.request("POST", path, answers), slug)
        _, _, html = self.expect(200, self.request("GET", location), "check your answers")
        found = KEY.search(html)
        if not found:
            raise BenchError(f"{self.form}: no key on the check page")
        self.key = found.group(1)

    def send(self) -> None:
        started = time.perf_counter()
        _, location, _ = self.expect(
            302,
            self.request("POST", f"/{self.form}/check-your-answers/", {"key": self.key}),
            "send",
        )
        self.send_latencies.append(time.perf_counter() - started)
        _, _, html = self.expect(200, self.request("GET", location), "confirmation")
        found = REFERENCE.search(html)
        if not found:
            raise BenchError(f"{self.form}: no reference on the confirmation")
        self.references.append(found.group(1))

    def send_twice(self) -> None:
        """A double click: two sends of the same page at once, then the page sent again."""
        threads = [threading.Thread(target=self._send_safely) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self._send_safely()

    def _send_safely(self) -> None:
        try:
            self.send()
        except Exception as exc:
            self.errors.append(str(exc))

    def prepare(self) -> None:
        try:
            self.to_check()
        except Exception as exc:
            self.errors.append(str(exc))

    def walk(self) -> None:
        try:
            self.to_check()
            if self.double:
                self.send_twice()
            else:
                self.send()
        except Exception as exc:
            self.errors.append(str(exc))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_COOKIES": "0",
            # Plain http on 127.0.0.1: no TLS proxy in front to redirect to.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HARKEN_INTAKE_RATE_LIMITS": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit("the server did not start")


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def run_phase(people: list[Person], concurrency: int, action: str) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda p: getattr(p, action)(), people))
    return time.perf_counter() - started


def burst_send(people: list[Person], concurrency: int) -> float:
    """Everyone presses Send at the same moment (a barrier per batch of `concurrency`)."""
    started = time.perf_counter()
    ready = [p for p in people if p.key and not p.errors]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda p: p.send_twice() if p.double else p._send_safely(), ready))
    return time.perf_counter() - started


def verify(url: str, people: list[Person]) -> dict[str, int]:
    """Every accepted submission in the database exactly once, with its case."""
    accepted = [p for p in people if p.references]
    keys = [p.key for p in accepted]
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            """
            SELECT s.key::text, c.reference, count(*) OVER (PARTITION BY s.key)
            FROM intake_submission s JOIN cases_case c ON c.id = s.case_id
            WHERE s.key::text = ANY(%s)
            """,
            (keys,),
        ).fetchall()
        cases_per_reference: dict[str, int] = dict(
            connection.execute(
                "SELECT reference, count(*) FROM cases_case WHERE reference = ANY(%s) "
                "GROUP BY reference",
                (sorted({r for p in accepted for r in p.references}),),
            ).fetchall()
        )
        orphans = connection.execute(
            "SELECT count(*) FROM cases_case c WHERE c.channel = 'web' AND NOT EXISTS "
            "(SELECT 1 FROM intake_submission s WHERE s.case_id = c.id)"
        ).fetchone()
        queued = connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s AND args_kwargs->'args'->>0 IN "
            "(SELECT id::text FROM intake_submission WHERE key::text = ANY(%s))",
            ("%send_confirmation", keys),
        ).fetchone()
    in_db = {key: (reference, count) for key, reference, count in rows}
    lost = duplicates = mismatched = 0
    for person in accepted:
        found = in_db.get(person.key)
        if found is None:
            lost += 1
            continue
        reference, count = found
        if count != 1:
            duplicates += 1
        if set(person.references) != {reference}:
            mismatched += 1  # a double send answered with another reference
    duplicates += len([n for n in cases_per_reference.values() if n != 1])
    return {
        "accepted": len(accepted),
        "lost": lost,
        "duplicates": duplicates,
        "double_sends_with_different_references": mismatched,
        "web_cases_without_submission": int(orphans[0]) if orphans else 0,
        "confirmation_emails_queued": int(queued[0]) if queued else 0,
    }


def report(title: str, seconds: float, people: list[Person], requests: int) -> None:
    sends = [t for p in people for t in p.send_latencies]
    every = [t for p in people for t in p.latencies]
    done = sum(1 for p in people if p.references)
    print(f"\n{title}")
    print(f"  {done} submissions in {seconds:.1f} s: {done / seconds:.1f} submissions/s")
    print(f"  {requests} HTTP requests: {requests / seconds:.0f} requests/s")
    for name, values in (("send (POST check page)", sends), ("every request", every)):
        if values:
            print(
                f"  latency {name}: p50 {percentile(values, 50) * 1000:.0f} ms, "
                f"p95 {percentile(values, 95) * 1000:.0f} ms, "
                f"p99 {percentile(values, 99) * 1000:.0f} ms, "
                f"max {max(values) * 1000:.0f} ms"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=500, help="per phase")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (gthread)")
    parser.add_argument("--double-every", type=int, default=10)
    parser.add_argument(
        "--phase", choices=["journeys", "burst", "both"], default="both", help="what to run"
    )
    parser.add_argument("--url", help="use a server already running here instead")
    args = parser.parse_args()

    database = os.environ.get("DATABASE_URL", DEFAULT_DB)
    ensure_database(database)
    env = server_env(database)
    print("migrating…")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = None
    if args.url:
        parts = urlsplit(args.url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
    else:
        host, port = "127.0.0.1", free_port()
        process = start_server(env, port, args.workers, args.threads)
        print(
            f"gunicorn on {host}:{port}, {args.workers} workers"
            + (f" x {args.threads} threads" if args.threads > 1 else "")
            + f"; {os.cpu_count()} CPUs; {args.concurrency} concurrent clients"
        )
    names = list(FORMS)
    failed = False
    everyone: list[Person] = []
    try:
        phases = ["journeys", "burst"] if args.phase == "both" else [args.phase]
        for phase in phases:
            people = [
                Person(
                    host,
                    port,
                    names[i % len(names)],
                    double=args.double_every > 0 and i % args.double_every == 0,
                )
                for i in range(args.submissions)
            ]
            if phase == "journeys":
                seconds = run_phase(people, args.concurrency, "walk")
                requests = sum(len(p.latencies) for p in people)
                report("Journeys (every page of the form, then send)", seconds, people, requests)
            else:
                walk_seconds = run_phase(people, args.concurrency, "prepare")
                print(
                    f"\nBurst: {len(people)} people walked to check your answers in "
                    f"{walk_seconds:.1f} s"
                )
                before = sum(len(p.latencies) for p in people)
                seconds = burst_send(people, args.concurrency)
                requests = sum(len(p.latencies) for p in people) - before
                report("Burst (everyone presses Send)", seconds, people, requests)
            errors = Counter(e for p in people for e in p.errors)
            for message, count in errors.most_common(5):
                print(f"  error x{count}: {message}")
            everyone += people
        result = verify(database, everyone)
        print("\nDatabase check")
        for name, value in result.items():
            print(f"  {name}: {value}")
        failed = bool(
            result["lost"]
            or result["duplicates"]
            or result["double_sends_with_different_references"]
            or any(p.errors for p in everyone)
        )
        print("\nRESULT:", "FAIL" if failed else "OK (lost=0, duplicates=0)")
    finally:
        if process is not None:
            stop_server(process)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
