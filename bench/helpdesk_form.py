"""Harken's whole public form against django-helpdesk's public ticket form, in server CPU.

django-helpdesk (PyPI `django-helpdesk`) is another open-source Django ticket system; its
public "Submit a ticket" page is one form: GET the form, POST it, GET the ticket's page that
the POST redirects to (three requests). This measures those three requests the way
`intake_cpu.py` measures Harken's pages: Django's own request handler in-process (CSRF
checked, DEBUG off, database sessions, PostgreSQL), each request's CPU the thread CPU
(`time.thread_time`) around the WSGI handler, so the database's own work is not in it. Then
it runs `intake_cpu.py` (Harken's four forms, about 22 requests each) and prints both whole
journeys and the ratio: `RESULT: OK` when Harken's whole journey is at most 1.5 times
helpdesk's (issue 17), `RESULT: FAIL` otherwise.

django-helpdesk needs its own virtualenv (its dependencies are not Harken's), outside the
repository; it is not run by `make test`:

    python3 -m venv /work/helpdesk-bench
    /work/helpdesk-bench/bin/pip install "django-helpdesk==2.6.1" "psycopg[binary]"
    /work/helpdesk-bench/bin/python bench/helpdesk_form.py [--tickets 200] [--forms 200] \\
        [--helpdesk-db postgres://postgres@127.0.0.1:5432/h17f_helpdesk] \\
        [--harken-db postgres://postgres@127.0.0.1:5432/harken_bench]

The helpdesk project is this file: minimal settings (Django's own middleware, the apps
helpdesk needs, teams mode off, e-mail kept in memory: helpdesk renders and "sends" its
e-mails within the POST, which counts in its figure), one queue open to the public. The
database is created and migrated when missing. `--helpdesk-only` measures helpdesk alone.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RATIO = 1.5

urlpatterns: list[Any] = []  # filled in by `configure` (this module is the ROOT_URLCONF)


def configure(url: str) -> None:
    from django.conf import settings

    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        database = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.path.lstrip("/"),
            "USER": parts.username or "postgres",
            "PASSWORD": parts.password or "",
            "HOST": parts.hostname or "127.0.0.1",
            "PORT": str(parts.port or 5432),
            "CONN_MAX_AGE": 60,
        }
        ensure_database(parts)
    else:
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path}
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-" + uuid.uuid4().hex,
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=__name__,
        DATABASES={"default": database},
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.sites",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django.contrib.humanize",
            "rest_framework",
            "helpdesk",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        SITE_ID=1,
        STATIC_URL="/static/",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOGGING_CONFIG=None,
        HELPDESK_TEAMS_MODE_ENABLED=False,
        HELPDESK_SUBMIT_A_TICKET_PUBLIC=True,
        HELPDESK_VIEW_A_TICKET_PUBLIC=True,
        LOGIN_URL="/login/",
    )
    import django

    django.setup()
    from django.urls import include, path

    urlpatterns.append(path("", include("helpdesk.urls", namespace="helpdesk")))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_database(parts: Any) -> None:
    import psycopg

    name = parts.path.lstrip("/")
    admin = f"postgresql://{parts.username or 'postgres'}@{parts.hostname}:{parts.port or 5432}"
    with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def helpdesk_journeys(tickets: int, warm: int) -> dict[str, list[float]]:
    from django.test import Client
    from django.test.client import ClientHandler
    from helpdesk.models import Queue

    queue, _ = Queue.objects.get_or_create(
        slug="public",
        defaults={"title": "Public", "allow_public_submission": True},
    )
    cpu: dict[str, list[float]] = defaultdict(list)
    kind = [""]

    class Handler(ClientHandler):
        def __call__(self, environ: dict[str, Any]) -> Any:
            started = time.thread_time()
            try:
                return super().__call__(environ)
            finally:
                cpu[kind[0]].append(time.thread_time() - started)

    client = Client(enforce_csrf_checks=True)
    client.handler = Handler(enforce_csrf_checks=True)
    for i in range(warm + tickets):
        if i == warm:
            cpu.clear()
        client.cookies.clear()
        kind[0] = "form GET"
        html = client.get("/tickets/submit/").content.decode()
        token = TOKEN.search(html)
        assert token, "no CSRF token on helpdesk's form"
        kind[0] = "form POST"
        response = client.post(
            "/tickets/submit/",
            urlencode(
                {
                    "csrfmiddlewaretoken": token.group(1),
                    "queue": str(queue.pk),
                    "title": f"About the service {i}",
                    "body": "What happened, in a few sentences, as people write it. " * 4,
                    "priority": "3",
                    "submitter_email": f"person{i}@example.com",
                }
            ),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 302, (response.status_code, response.content[:3000])
        kind[0] = "ticket GET"
        page = client.get(response["Location"])
        assert page.status_code == 200, page.status_code
    return cpu


def harken_journey(forms: int, url: str) -> float:
    """Harken's whole form (mean CPU, ms) from `intake_cpu.py`, run with the repository's
    own environment."""
    uv = ROOT / ".bootstrap" / "bin" / "uv"
    command = [str(uv) if uv.exists() else "uv", "run", "--frozen", "python"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VIRTUAL_ENV"))}
    env["DATABASE_URL"] = url
    out = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [*command, str(ROOT / "bench" / "intake_cpu.py"), "--forms", str(forms)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print("Harken (bench/intake_cpu.py):\n" + out)
    found = re.search(r"whole form, mean CPU: ([0-9.]+) ms", out)
    assert found, out
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--forms", type=int, default=200, help="Harken forms to walk")
    parser.add_argument("--warm", type=int, default=8)
    parser.add_argument("--helpdesk-db", default="postgres://postgres@127.0.0.1:5432/h17f_helpdesk")
    parser.add_argument(
        "--harken-db",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/harken_bench"),
    )
    parser.add_argument("--helpdesk-only", action="store_true")
    args = parser.parse_args()
    configure(args.helpdesk_db)
    import django

    cpu = helpdesk_journeys(args.tickets, args.warm)
    load = Path("/proc/loadavg").read_text().split()[0]
    version = importlib.metadata.version("django-helpdesk")
    print(f"django-helpdesk {version} (Django {django.get_version()}): {args.tickets} tickets")
    print(f"load average {load}")
    print(f"{'request':16s} {'count':>6s} {'median':>9s} {'mean':>9s}   (thread CPU)")
    for kind, values in cpu.items():
        print(
            f"{kind:16s} {len(values):6d} {statistics.median(values) * 1000:7.3f} ms"
            f" {statistics.mean(values) * 1000:7.3f} ms"
        )
    helpdesk = sum(sum(v) for v in cpu.values()) / args.tickets * 1000
    print(f"helpdesk whole form (3 requests), mean CPU: {helpdesk:.1f} ms\n")
    if args.helpdesk_only:
        return
    harken = harken_journey(args.forms, args.harken_db)
    ratio = harken / helpdesk
    print(
        f"Harken whole form {harken:.1f} ms / helpdesk {helpdesk:.1f} ms = {ratio:.2f}x "
        f"(target <= {RATIO}x); load average {Path('/proc/loadavg').read_text().split()[0]}"
    )
    print("RESULT: OK" if ratio <= RATIO else "RESULT: FAIL")


if __name__ == "__main__":
    sys.exit(main())
