"""Time the case page with 500 messages sent from the case (issue 13), and count its queries.

    uv run python bench/case_messages.py [--messages 500] [--runs 40]

DATABASE_URL defaults to the PostgreSQL database harken_bench_messages (created, migrated and
reused). The script makes one complaint with a PDF on it and `--messages` e-mails sent from
the case, each carrying the PDF and each with its timeline events (queued, sent, delivered),
then requests the case page through Django's whole stack (signed in with both factors) `--runs`
times after two warm-ups. Prints the median and 95th percentile, and the queries a request
made with 5 messages and with all of them (they must be the same). Target: p95 under 100 ms.
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/harken_bench_messages"
TARGET_MS = 100.0


def _database(url: str) -> None:
    """Create the bench's database if it is not there yet."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    # Production settings, as bench/casework.py (the test settings' instrumented rendering
    # would triple the figures), answered in-process over http.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    if url.startswith("postgres"):
        _database(url)

    import django

    django.setup()
    import tempfile

    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="harken-bench-messages-")
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from harken.accounts.models import Role, User
    from harken.cases import reference_data
    from harken.cases.models import TimelineEvent
    from harken.cases.tests.factories import complaint
    from harken.core.web import TWO_FACTOR_SESSION_KEY
    from harken.documents import services as documents
    from harken.notifications.models import Message, MessageAttachment, MessageKind
    from harken.procedures.services import install_shipped_procedures

    reference_data.install()
    install_shipped_procedures()
    officer, _ = User.objects.get_or_create(
        username="bench_messages_officer", defaults={"role": Role.FEEDBACK_OFFICER}
    )
    import datetime as dt

    from harken.core.dates import today

    case = complaint(actor=officer, received_on=today() - dt.timedelta(days=3))
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    document = documents.document_upload(
        case=case, file=ContentFile(pdf, name="response.pdf"), actor=officer
    )

    def add(count: int) -> None:
        now = timezone.now()
        messages = Message.objects.bulk_create(
            Message(
                kind=MessageKind.CASE_EMAIL,
                to=["jo@example.invalid"],
                case=case,
                requested_by=officer,
                subject=f"Message {i}",
                body="Please find our letter attached.\n" * 5,
                status="delivered",
                sent_at=now,
                delivered_at=now,
                provider="smtp",
            )
            for i in range(count)
        )
        MessageAttachment.objects.bulk_create(
            MessageAttachment(message=m, document=document) for m in messages
        )
        TimelineEvent.objects.bulk_create(
            TimelineEvent(case=case, actor=officer, verb=verb, description=f"E-mail {verb}")
            for _ in messages
            for verb in ("message_queued", "message_sent", "message_delivered")
        )

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()

    pages = {
        "case page": (
            reverse("casework:case", kwargs={"reference": case.reference}),
            f"The latest 10 of {args.messages} are shown".encode(),
        ),
        "all its messages (50 a page)": (
            reverse("outbox:case_messages", kwargs={"reference": case.reference}),
            f"{args.messages} messages, newest first".encode(),
        ),
    }

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code == 200, answer.status_code
        return len(captured)

    add(20)
    few = {name: queries(url) for name, (url, _) in pages.items()}
    add(args.messages - 20)
    load = os.getloadavg()[0]
    print(f"{args.messages} messages on one case ({connection.vendor}, load {load:.1f}):")
    for name, (url, expected) in pages.items():
        many = queries(url)
        for _ in range(2):
            client.get(url)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            answer = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200
            assert expected in answer.content, name
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"  {name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms "
            f"(target {TARGET_MS:.0f} ms); queries {few[name]} with 20 messages, "
            f"{many} with {args.messages}"
        )


if __name__ == "__main__":
    main()
