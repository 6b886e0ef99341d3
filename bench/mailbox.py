"""The shared mailbox's speed: e-mails with attachments read from a real Dovecot into
PostgreSQL, and the inbox page with 10,000 items.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h13a_mailbox_bench \\
        uv run python bench/mailbox.py --messages 1000 --items 10000

Makes the database (dropped at the end), starts Dovecot on 127.0.0.1 (a port in 9610-9619)
with a throwaway mailbox, delivers the messages by IMAP APPEND (not timed), then times
`harken mailbox poll` reading them all (messages/s; target at least 50/s) and checks that
every message was stored once and only once (0 lost, 0 doubled) and marked on the server.
Then fills the inbox to `--items` and times its first and last pages (median, p95, queries).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n" + b"%" * 20_000 + b"\n%%EOF\n"


def _drop(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"dropped database {name}")


def _fill(total: int) -> int:
    """Top the inbox up to `total` items with rows like the poller's (no files: the page
    reads rows only)."""
    from django.utils import timezone

    from harken.correspondence.models import MailAttachment, MailItem

    have = MailItem.objects.count()
    rows = []
    now = timezone.now()
    for n in range(have, total):
        rows.append(
            MailItem(
                dedupe_key=hashlib.sha256(f"bench:{n}".encode()).hexdigest(),
                message_id=f"<bench-{n}@example.org>",
                raw_storage_name=f"mailbox/bench-{n}.eml",
                raw_size=1000,
                raw_sha256="0" * 64,
                received_at=now - dt_minutes(n),
                sender_address=f"sender{n % 700}@example.org",
                sender_name=f"Sender {n % 700}",
                subject=f"Bench e-mail {n}",
                text="A concern about the support plan.\n" * 5,
            )
        )
    MailItem.objects.bulk_create(rows, batch_size=2000)
    added = MailItem.objects.filter(pk__in=[r.pk for r in rows])
    MailAttachment.objects.bulk_create(
        (
            MailAttachment(
                item_id=pk, number=1, filename="notes.pdf", content_type="application/pdf", size=9
            )
            for pk in added.values_list("pk", flat=True)
        ),
        batch_size=2000,
    )
    return total - have


def dt_minutes(n: int) -> Any:
    import datetime as dt

    return dt.timedelta(minutes=n)


def _page_times(client: Any, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection, reset_queries

    times = []
    queries = 0
    for i in range(runs + 2):
        reset_queries()
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        if i >= 2:  # two warm-ups
            times.append(elapsed)
            queries = len(connection.queries)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return statistics.median(times), p95, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--chunk",
        type=int,
        default=None,
        help="messages stored in one transaction (default: the poller's own, 10; 1 is how it "
        "read before issue 13's speed work, one transaction and two IMAP commands a message)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top functions of the poll"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h13a_mailbox_bench")
    if not url.startswith("postgres"):
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    import casework
    import populate

    media = tempfile.mkdtemp(prefix="hk-bench-media-")
    os.environ["DJANGO_MEDIA_ROOT"] = media
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    populate.ensure_database(url)
    populate.setup_django(url)
    try:
        run(args, casework)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop(url)


def run(args: Any, casework: Any) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from harken.correspondence import conf, mailbox
    from harken.correspondence.models import MailItem
    from harken.correspondence.tests.conftest import make_email
    from harken.correspondence.tests.dovecot import Dovecot

    call_command("migrate", verbosity=0)
    root = Path(tempfile.mkdtemp(prefix="hk-bench-dovecot-"))
    server = Dovecot(root / "dovecot")
    server.root.mkdir(parents=True)
    server.start()
    try:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.HARKEN_MAILBOX_BATCH = 100
        if args.chunk:
            mailbox.CHUNK_MESSAGES = args.chunk
        print(f"chunks of {mailbox.CHUNK_MESSAGES} message(s)")
        raws = [
            make_email(
                subject=f"Bench complaint {n}",
                sender=f"Parent {n} <parent{n}@example.org>",
                text=f"Message {n}: the review meeting was cancelled again.\n" * 10,
                attachments=[("notes.pdf", "application/pdf", PDF)],
            )
            for n in range(args.messages)
        ]
        start = time.perf_counter()
        server.deliver(*raws)
        print(
            f"delivered {len(raws)} e-mails ({sum(map(len, raws)) / len(raws) / 1024:.0f} KB "
            f"each, one PDF attachment) into Dovecot in {time.perf_counter() - start:.1f} s"
        )
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        load = os.getloadavg()
        start = time.perf_counter()
        result = mailbox.poll(config=conf.mailbox_settings())
        elapsed = time.perf_counter() - start
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        print(f"load average before the poll {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(f"poll: {result} in {elapsed:.1f} s: {len(raws) / elapsed:.0f} messages/s")
        stored = MailItem.objects.count()
        digests = {hashlib.sha256(raw).hexdigest() for raw in raws}
        kept = set(MailItem.objects.values_list("raw_sha256", flat=True))
        lost = len(digests - kept)
        doubled = stored - len(set(MailItem.objects.values_list("message_id", flat=True)))
        in_box, marked = server.flagged()
        print(
            f"check: {stored} stored, {lost} lost, {doubled} doubled; "
            f"{marked} of {in_box} marked on the server"
        )
    finally:
        server.close()

    settings.DEBUG = True  # connection.queries counts the queries
    added = _fill(args.items)
    from django.db import connection

    with connection.cursor() as cursor:
        # As autovacuum would soon after: a page timed on a table just filled with no
        # statistics measures the planner's guess (a sort of every item), not the page.
        cursor.execute("ANALYZE")
    print(f"inbox filled to {MailItem.objects.count():,} items ({added:,} added)")
    staff = casework.make_staff()
    client = casework.client_for(staff["officer"])
    pages = MailItem.objects.count() // 25 + 1
    for label, url in (
        ("inbox, first page", "/staff/inbox/"),
        ("inbox, last page", f"/staff/inbox/?page={pages}"),
        ("API inbox, first page", "/api/v1/inbox/"),
    ):
        median, p95, queries = _page_times(client, url, args.runs)
        print(
            f"{label:24} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries} queries  "
            f"(load {os.getloadavg()[0]:.2f})"
        )


if __name__ == "__main__":
    main()
