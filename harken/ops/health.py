"""Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators.

Both are answered by the first middleware, before the host check, the HTTPS redirect,
sessions or sign-in: a probe comes from the orchestrator with the pod's address as its host,
over plain HTTP. Neither says anything about a case or a person: names of checks, whether
each passed, how long it took, and the task queue's counts.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.http import HttpResponse
from django.utils import timezone

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
# Each check is meant to answer in milliseconds; a database that takes longer than this to
# say "1" is not ready to serve people.
DATABASE_TIMEOUT_MS = 2000


@dataclass
class Check:
    ok: bool
    ms: float
    detail: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "ms": round(self.ms, 1), **self.detail}
        if self.error:
            out["error"] = self.error
        return out


def _timed(probe: Callable[[], dict[str, Any] | None]) -> Check:
    start = time.perf_counter()
    try:
        detail = probe() or {}
    except Exception as exc:
        # The exception's class only: a driver's message can carry a host name or a password.
        return Check(False, (time.perf_counter() - start) * 1000, error=type(exc).__name__)
    return Check(True, (time.perf_counter() - start) * 1000, detail)


def _database(alias: str) -> Callable[[], None]:
    def probe() -> None:
        connection = connections[alias]
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # LOCAL: the limit ends with this transaction, whatever the connection's own.
                cursor.execute("SET LOCAL statement_timeout = %s", [DATABASE_TIMEOUT_MS])
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return probe


def _cache() -> None:
    key = f"harken:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")
    cache.delete(key)


def _storage() -> None:
    # A name that never exists: asks the storage (disk, S3, Azure) a question, writes nothing.
    default_storage.exists("harken-readiness-probe")


def oldest_waiting_task() -> dict[str, Any]:
    """How many tasks wait to run now, and how long the oldest has waited (seconds)."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return {}
    from django.db.models import Min
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready().using("default")
    row = ready.aggregate(oldest=Min("enqueued_at"))
    waiting = ready.count()
    oldest = row["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"waiting": waiting, "oldest_waiting_seconds": round(max(age, 0.0), 1)}


def _tasks() -> dict[str, Any]:
    detail = oldest_waiting_task()
    limit = int(getattr(settings, "HARKEN_READY_MAX_TASK_AGE", 0) or 0)
    if limit and detail.get("oldest_waiting_seconds", 0) > limit:
        raise TimeoutError("the oldest waiting task is older than HARKEN_READY_MAX_TASK_AGE")
    return detail


def readiness() -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Check] = {
        "database": _timed(_database("default")),
        "cache": _timed(_cache),
        "storage": _timed(_storage),
        "tasks": _timed(_tasks),
    }
    if "replica" in settings.DATABASES and getattr(settings, "DATABASE_ROUTERS", None):
        # Reported, not required: reads fall back to the primary when the replica is away.
        replica = _timed(_database("replica"))
        checks["replica"] = replica
    required = [name for name in checks if name != "replica"]
    ready = all(checks[name].ok for name in required)
    return ready, {name: check.as_dict() for name, check in checks.items()}


def _json(status: int, body: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def liveness_response() -> HttpResponse:
    """The process answers: nothing else is asked (a database outage must not restart it)."""
    return _json(200, {"status": "ok"})


def readiness_response() -> HttpResponse:
    ready, checks = readiness()
    return _json(200 if ready else 503, {"status": "ok" if ready else "unavailable", **checks})
