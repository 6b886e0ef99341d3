"""The public forms' server CPU per page, in-process: what each question page costs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harken_bench \
        uv run python bench/intake_cpu.py [--forms 200] [--profile 30]

Walks the four forms of `intake_submissions.py` (the same answers) through Django's own
request handler (production settings, CSRF checked, rate limits off; pages posted as a
browser posts them: urlencoded, multipart only where the form takes files), no network and
no server: each request's CPU time is that of the thread handling it (`time.thread_time`, so
the database's own work and waiting are not in it), measured around the WSGI handler, as a
server's worker would spend it. Prints the median and mean for each kind of request (question
page GET and POST, check your answers, send, confirmation) and the whole journey's CPU;
`--profile N` profiles N more forms with cProfile and prints where the question pages' time
goes. Creates and migrates the database when missing.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import intake_submissions as journeys  # noqa: E402  (the answers, the database helper)

URLENCODED = "application/x-www-form-urlencoded"
# The one page whose form is sent as multipart/form-data (it takes files).
MULTIPART_PAGES = ("/documents-and-photos/",)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup(url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "HARKEN_INTAKE_RATE_LIMITS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Timed:
    """A test client whose handler records the CPU of the thread for each request."""

    def __init__(self) -> None:
        from django.test import Client
        from django.test.client import ClientHandler

        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.kind = ""
        timings = self

        class Handler(ClientHandler):
            def __call__(self, environ: dict[str, Any]) -> Any:
                started = time.thread_time()
                try:
                    return super().__call__(environ)
                finally:
                    timings.cpu[timings.kind].append(time.thread_time() - started)

        self.client = Client(enforce_csrf_checks=True)
        self.client.handler = Handler(enforce_csrf_checks=True)

    def get(self, kind: str, path: str) -> Any:
        self.kind = kind
        return self.client.get(path)

    def post(self, kind: str, path: str, data: dict[str, str]) -> Any:
        self.kind = kind
        token = self.client.cookies["csrftoken"].value
        data = {**data, "csrfmiddlewaretoken": token}
        if path.endswith(MULTIPART_PAGES):
            return self.client.post(path, data)  # the test client's default: multipart
        # As a browser sends a form without `enctype`: the multipart parser is not the
        # question pages' cost (it was a tenth of a POST's CPU when the bench used it).
        return self.client.post(path, urlencode(data), content_type=URLENCODED)


def walk(timed: Timed, form: str) -> str:
    timed.client.cookies.clear()
    response = timed.get("start", f"/{form}/start/")
    location = response["Location"]
    for slug, answers in journeys.FORMS[form]:
        path = f"/{form}/{slug}/"
        assert location == path, (form, location, path)
        assert timed.get("question GET", path).status_code == 200
        response = timed.post("question POST", path, answers)
        assert response.status_code == 302, (form, slug, response.status_code)
        location = response["Location"]
    html = timed.get("check GET", location).content.decode()
    found = journeys.KEY.search(html)
    assert found, form
    response = timed.post("send", f"/{form}/check-your-answers/", {"key": found.group(1)})
    assert response.status_code == 302, (form, response.status_code)
    html = timed.get("confirmation", response["Location"]).content.decode()
    found = journeys.REFERENCE.search(html)
    assert found, form
    return found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=200)
    parser.add_argument("--warm", type=int, default=8)
    parser.add_argument("--profile", type=int, default=0, help="profile this many more forms")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", journeys.DEFAULT_DB)
    journeys.ensure_database(url)
    setup(url)
    forms = list(journeys.FORMS)
    timed = Timed()
    for i in range(args.warm):
        walk(timed, forms[i % len(forms)])
    timed.cpu.clear()
    references = {walk(timed, forms[i % len(forms)]) for i in range(args.forms)}
    assert len(references) == args.forms
    print(
        f"{args.forms} forms, {sum(len(v) for v in timed.cpu.values()):,} requests; load "
        f"average {Path('/proc/loadavg').read_text().split()[0]}"
    )
    print(f"{'request':16s} {'count':>6s} {'median':>9s} {'mean':>9s}   (thread CPU)")
    for kind, values in timed.cpu.items():
        print(
            f"{kind:16s} {len(values):6d} {statistics.median(values) * 1000:7.3f} ms"
            f" {statistics.mean(values) * 1000:7.3f} ms"
        )
    question = timed.cpu["question GET"] + timed.cpu["question POST"]
    total = sum(sum(v) for v in timed.cpu.values()) / args.forms
    print(f"question page (GET or POST), mean: {statistics.mean(question) * 1000:.3f} ms")
    print(f"whole form, mean CPU: {total * 1000:.1f} ms")
    if args.profile:
        profile = cProfile.Profile(time.thread_time)  # CPU only, as measured above
        profile.enable()
        for i in range(args.profile):
            walk(timed, forms[i % len(forms)])
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
