"""Prometheus metrics at `/metrics`: requests by view, and counts read from the records.

Request counts and latency are kept per process; under gunicorn (several worker processes)
set PROMETHEUS_MULTIPROC_DIR and use `config/gunicorn.py`, so that a scrape adds up every
worker's figures. The record counts are read from the database at each scrape, so every
server gives the same answer. Counts only: no reference, name or address is ever a label.

The endpoint is off unless HARKEN_METRICS_TOKEN is set, and then answers only a request
carrying `Authorization: Bearer <token>` (keep it off the public internet as well: see
docs/deployment.md).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

METRICS_PATH = "/metrics"

_REQUESTS = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "harken_http_requests",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
    registry=_REQUESTS,
)
LATENCY = Histogram(
    "harken_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=_REQUESTS,
)


def observe_request(*, view: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


class RecordsCollector(Collector):
    """Counts from the database, read when Prometheus asks (a few indexed queries)."""

    def collect(self) -> Iterator[Metric]:
        yield from _task_metrics()
        yield from _intake_metrics()
        yield from _overdue_metrics()


def _task_metrics() -> Iterator[Metric]:
    from harken.ops.health import oldest_waiting_task

    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    from django_tasks_db.models import DBTaskResult

    by_status = GaugeMetricFamily(
        "harken_tasks", "Background tasks in the queue's table, by status.", labels=["status"]
    )
    counts = dict(
        DBTaskResult.objects.using("default")
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    for status in ("READY", "RUNNING", "FAILED", "SUCCESSFUL"):
        by_status.add_metric([status.lower()], counts.get(status, 0))
    yield by_status
    waiting = oldest_waiting_task()
    yield GaugeMetricFamily(
        "harken_tasks_waiting", "Tasks ready to run now.", value=waiting.get("waiting", 0)
    )
    yield GaugeMetricFamily(
        "harken_tasks_oldest_waiting_seconds",
        "How long the oldest task ready to run has waited.",
        value=waiting.get("oldest_waiting_seconds", 0),
    )


def _intake_metrics() -> Iterator[Metric]:
    from harken.intake.models import Submission
    from harken.notifications.models import Message, MessageKind, MessageStatus

    submissions = CounterMetricFamily(
        "harken_public_submissions", "Online forms sent by the public, by form.", labels=["form"]
    )
    for form, n in Submission.objects.values_list("form").annotate(n=Count("id")).order_by():
        submissions.add_metric([form], n)
    yield submissions
    counts: dict[tuple[str, str], int] = {
        (kind, status): n
        for kind, status, n in Message.objects.values("kind", "status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("kind", "status", "n")
    }
    emails = GaugeMetricFamily(
        "harken_confirmation_emails",
        "Confirmation e-mails of online forms not sent yet, by state.",
        labels=["state"],
    )
    # The states this metric has always had: "pending" is waiting, first time or again.
    confirmation = {
        "pending": (MessageStatus.QUEUED, MessageStatus.RETRYING),
        "sending": (MessageStatus.SENDING,),
        "failed": (MessageStatus.FAILED,),
    }
    for state, statuses in confirmation.items():
        emails.add_metric(
            [state], sum(counts.get((MessageKind.CONFIRMATION, s), 0) for s in statuses)
        )
    yield emails
    messages = GaugeMetricFamily(
        "harken_messages",
        "Messages of the one outbox (every kind) not sent, or not yet, by kind and status.",
        labels=["kind", "status"],
    )
    for kind in MessageKind:
        for status in (
            MessageStatus.QUEUED,
            MessageStatus.SENDING,
            MessageStatus.RETRYING,
            MessageStatus.FAILED,
            MessageStatus.IN_DOUBT,
        ):
            messages.add_metric([str(kind), str(status)], counts.get((kind, status), 0))
    yield messages


def _overdue_metrics() -> Iterator[Metric]:
    from harken.cases.models import Stage, Status
    from harken.core.dates import today

    overdue = GaugeMetricFamily(
        "harken_overdue_stages",
        "Stages of open complaints past their response date, by stage number.",
        labels=["stage"],
    )
    rows = (
        Stage.objects.filter(
            case__status=Status.OPEN,
            concluded_on__isnull=True,
            ended_early_on__isnull=True,
            due_on__lt=today(),
        )
        .values_list("number")
        .annotate(n=Count("id"))
        .order_by("number")
    )
    counts = dict(rows)
    for number in sorted({1, 2, 3, *counts}):
        overdue.add_metric([str(number)], counts.get(number, 0))
    yield overdue


def exposition() -> bytes:
    """The text Prometheus reads: every worker's request figures, then the record counts."""
    requests = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(requests)  # type: ignore[no-untyped-call]
    else:
        requests = _REQUESTS
    records = CollectorRegistry()
    records.register(RecordsCollector())
    return generate_latest(requests) + generate_latest(records)


def _authorised(request: HttpRequest) -> bool:
    token = str(getattr(settings, "HARKEN_METRICS_TOKEN", "") or "")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def metrics_response(request: HttpRequest) -> HttpResponse:
    if not getattr(settings, "HARKEN_METRICS_TOKEN", ""):
        return HttpResponse("Not found", status=404, content_type="text/plain")
    if not _authorised(request):
        response = HttpResponse("A bearer token is needed", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
