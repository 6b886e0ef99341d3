"""Schemathesis over the whole API schema, as four roles: no server error, no answer the schema
does not describe.

    python3 -m venv /tmp/st && /tmp/st/bin/pip install schemathesis
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harken_schemathesis \\
        uv run python bench/api_schemathesis.py --st /tmp/st/bin/st --max-examples 30

- Creates the database named in DATABASE_URL if missing, migrates it and loads the demo data
  (two years of records), so lists, cases and registers have something in them.
- Makes four accounts, a feedback officer, a manager, an Investigating Officer appointed to
  some cases and a report viewer, each with two-factor set up, and gets each an API token the
  way a client does (`POST /api/v1/auth/token/` with the password and a code).
- Starts gunicorn on 127.0.0.1 (`--port`, default 8310) with the production settings, reads
  the schema (it is for signed-in users only) and runs `st run` once a role, with every check
  (`--checks all`) and every phase (examples, coverage, fuzzing, stateful).
- Prints, per role and in all, the requests made and the 5xx answers among them (from the
  HAR file of every request), the server errors (ST101, ST102) and schema violations (ST104,
  ST108-ST111: an answer the schema does not describe) schemathesis reports, and each other
  kind of failure it found, then `RESULT: OK` when there are no server errors and no schema
  violations (exit status 1 otherwise), and stops the server. `--report-dir` keeps each
  role's HAR file and schemathesis's output.

Schemathesis is not one of Harken's dependencies: install it where you like (`--st`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/harken_schemathesis"
PASSWORD = "schemathesis pass phrase 1"  # noqa: S105  # of accounts made for this run
ROLES = {
    "officer": "feedback_officer",
    "manager": "manager",
    "investigator": "investigating_officer",
    "reports": "report_viewer",
}
SET_UP = """
import datetime as dt, json, pyotp
from django.utils import timezone
from harken.accounts.models import Role, Team, User
from harken.cases.models import Appointment, Stage
roles = json.loads('{roles}')
secrets = {{}}
for name, role in roles.items():
    user, _ = User.objects.get_or_create(
        username="st-" + name,
        defaults={{"role": role, "first_name": "Schemathesis", "last_name": name,
                   "employed_by_council": role != "investigating_officer"}},
    )
    user.set_password("{password}")
    user.totp_secret = user.totp_secret or pyotp.random_base32()
    user.two_factor_set_up_at = user.two_factor_set_up_at or timezone.now()
    user.is_active = True
    user.save()
    if role == "manager":
        user.teams.set(Team.objects.order_by("pk")[:2])
    if role == "investigating_officer" and not Appointment.objects.filter(user=user).exists():
        for stage in Stage.objects.filter(number=2, case__status="open")[:5]:
            Appointment.objects.create(
                stage=stage, user=user, role="io", appointed_on=stage.received_on
            )
    secrets[name] = user.totp_secret
print(json.dumps(secrets))
"""


def _env(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": "schemathesis-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "0",
        # Plain http on 127.0.0.1: no TLS proxy in front of this server.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "HARKEN_LOG_FORMAT": "plain",
        "LOG_LEVEL": "WARNING",
    }


def _harken(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "harken", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def _post_json(url: str, body: dict[str, str]) -> dict[str, str]:
    request = urllib.request.Request(  # noqa: S310
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def tokens(base: str, secrets: dict[str, str]) -> dict[str, str]:
    import pyotp

    found = {}
    for name, secret in secrets.items():
        answer = _post_json(
            f"{base}/api/v1/auth/token/",
            {
                "username": f"st-{name}",
                "password": PASSWORD,
                "code": pyotp.TOTP(secret).now(),
                "name": "schemathesis",
            },
        )
        found[name] = answer.get("token") or answer["key"]
    return found


def _wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/", timeout=2)  # noqa: S310
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def _schema(base: str, token: str, path: Path) -> None:
    request = urllib.request.Request(  # noqa: S310
        f"{base}/api/v1/schema/?format=json", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        path.write_bytes(response.read())


SERVER_ERRORS = ("ST101", "ST102")
SCHEMA_VIOLATIONS = ("ST104", "ST108", "ST109", "ST110", "ST111")
FAILURE = re.compile(r"^\s*\S*\s*(ST\d{3}) (.+?): (\d+)\s*$")


def run_role(st: str, schema: Path, base: str, token: str, report: Path, args) -> Counter:
    command = [
        st,
        "run",
        str(schema),
        "--url",
        base,
        "-H",
        f"Authorization: Token {token}",
        "--checks",
        "all",
        "--max-examples",
        str(args.max_examples),
        "--workers",
        str(args.workers),
        "--continue-on-failure",
        "--report",
        "har",
        "--report-dir",
        str(report),
        "--suppress-health-check",
        "all",
        "--seed",
        str(args.seed),
        "--warnings",
        "off",
        "--phases",
        args.phases,
        "--no-color",
        "--generation-database",
        "none",
    ]
    result = subprocess.run(  # noqa: S603
        command, cwd=ROOT, check=False, capture_output=True, text=True
    )
    (report / "output.txt").write_text(result.stdout + result.stderr)
    return _tally(report, result.stdout)


def _tally(report: Path, output: str) -> Counter:
    """Requests and their answers (from the HAR file of every request made), and each
    failure schemathesis found, by its code (from the summary it prints)."""
    counts: Counter = Counter()
    for path in report.glob("har-*.json"):
        for entry in json.loads(path.read_text())["log"]["entries"]:
            counts["requests"] += 1
            if entry["response"]["status"] >= 500:
                counts["5xx answers"] += 1
    failures = output.split("Failures:", 1)[1] if "Failures:" in output else ""
    for line in failures.splitlines():
        match = FAILURE.match(line)
        if match:
            code, name, number = match.groups()
            counts[f"{code} {name}"] += int(number)
    counts["server errors"] = sum(counts[k] for k in list(counts) if k[:5] in SERVER_ERRORS)
    counts["schema violations"] = sum(counts[k] for k in list(counts) if k[:5] in SCHEMA_VIOLATIONS)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--st", default="st", help="the schemathesis command")
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--report-dir", help="keep schemathesis's reports here")
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", DEFAULT_DB)
    if not database.startswith("postgres"):
        raise SystemExit("Give a PostgreSQL DATABASE_URL.")
    env = _env(database)
    ensure_database(database)
    _harken(env, "migrate", "--noinput")
    _harken(env, "demo-data", "--if-empty")
    code = SET_UP.format(roles=json.dumps(ROLES), password=PASSWORD)
    secrets = json.loads(_harken(env, "shell", "-c", code).strip().splitlines()[-1])
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    totals: Counter = Counter()
    rows = []
    try:
        _wait_for(base)
        keys = tokens(base, {k: v for k, v in secrets.items() if k in args.roles.split(",")})
        with tempfile.TemporaryDirectory() as temporary:
            folder = args.report_dir or temporary
            Path(folder).mkdir(parents=True, exist_ok=True)
            schema = Path(folder) / "schema.json"
            _schema(base, next(iter(keys.values())), schema)
            for name, token in keys.items():
                report = Path(folder) / name
                report.mkdir(exist_ok=True)
                counts = run_role(args.st, schema, base, token, report, args)
                rows.append((name, counts))
                totals.update(counts)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    shown = {"requests", "5xx answers", "server errors", "schema violations"}
    names = sorted({k for _, c in rows for k in c} - shown)
    print(
        "\n| role | requests | 5xx answers | server errors | schema violations | "
        + " | ".join(names)
        + " |"
    )
    print("|---" * (5 + len(names)) + "|")
    for name, counts in [*rows, ("all", totals)]:
        cells = [
            counts["requests"],
            counts["5xx answers"],
            counts["server errors"],
            counts["schema violations"],
        ]
        cells += [counts[n] for n in names]
        print(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")
    ok = not (totals["server errors"] or totals["schema violations"] or totals["5xx answers"])
    print("RESULT: OK" if ok else "RESULT: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
