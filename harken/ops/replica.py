"""Reads that may be served by a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Which requests read from the replica is data, here, in one place: the report, the API's
list reads and the case search (`REPLICA_VIEWS`). While such a request runs, the router
sends the ORM's reads to the replica; every write, and every audit row of a read (who saw
which case, which register record), goes to the primary, as does anything that locks a row
(`select_for_update`). Sign-in state (sessions, tokens, accounts) is always read from the
primary: a session or token made a moment ago may not have reached the replica.

A replica that cannot be reached, or lags more than HARKEN_REPLICA_MAX_LAG seconds behind,
is not used: the request reads from the primary instead (checked at most every few seconds).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
READS = frozenset({"GET", "HEAD"})

# View name -> the methods whose reads go to the replica.
REPLICA_VIEWS: dict[str, frozenset[str]] = {
    # The report (page, downloads, API) counts a year of records.
    "reports:report": READS,
    "reports:download": READS,
    "api-report": READS,
    # The case search is POSTed (the words stay out of addresses) but writes nothing.
    "casework:search": frozenset({"POST"}),
    # The API's list reads.
    "api-cases": READS,
    "api-people": READS,
    "api-teams": READS,
    "api-themes": READS,
    "api-procedures": READS,
    "api-learning-recommendations": READS,
    "api-learning-actions": READS,
    "api-reports-saved": READS,
    **{
        f"api-registers-{name}-list": READS
        for name in ("ombudsman", "payment", "cost", "restriction", "advocacy", "sar")
    },
}

# Read from the primary whatever the request: who is signed in, with which rights.
PRIMARY_APPS = frozenset({"sessions", "authtoken", "accounts", "auth", "contenttypes"})

_on_replica: ContextVar[bool] = ContextVar("harken_on_replica", default=False)


class ReplicaRouter:
    """Reads inside `reads_from_replica()` go to the replica; everything else to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if _on_replica.get() and model._meta.app_label not in PRIMARY_APPS:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # The replica holds the primary's rows: an object read from one may point at the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def configured() -> bool:
    return REPLICA in settings.DATABASES and any(
        str(path).endswith("ReplicaRouter") for path in getattr(settings, "DATABASE_ROUTERS", [])
    )


LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""
# How long one process trusts its last look at the replica.
CHECK_EVERY = 5.0

_checked: dict[str, float | bool] = {"at": -CHECK_EVERY, "usable": False}
_check_lock = threading.Lock()


def replica_lag() -> float:
    """Seconds the replica is behind the primary (0 when it has replayed all it received)."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        row = cursor.fetchone()
    return float(row[0] or 0) if row else 0.0


def replica_usable() -> bool:
    now = time.monotonic()
    with _check_lock:
        if now - float(_checked["at"]) < CHECK_EVERY:
            return bool(_checked["usable"])
    limit = float(getattr(settings, "HARKEN_REPLICA_MAX_LAG", 30))
    try:
        lag = replica_lag()
        usable = lag <= limit
        if not usable:
            logger.warning(
                "Replica %.1f s behind (limit %s s): reading from the primary", lag, limit
            )
    except DatabaseError as exc:
        usable = False
        logger.warning("Replica unreachable (%s): reading from the primary", type(exc).__name__)
    with _check_lock:
        _checked.update(at=time.monotonic(), usable=usable)
    return usable


def forget_replica_check() -> None:
    """Look at the replica again on the next request (tests, or after a failover)."""
    with _check_lock:
        _checked.update(at=-CHECK_EVERY, usable=False)


@contextmanager
def reads_from_replica() -> Iterator[str]:
    """The ORM's reads inside go to the replica, if one is configured and usable. Yields the
    alias the reads use."""
    if not configured() or not replica_usable():
        yield PRIMARY
        return
    token = _on_replica.set(True)
    try:
        yield REPLICA
    finally:
        _on_replica.reset(token)


class ReplicaReadsMiddleware:
    """Runs the views named in REPLICA_VIEWS with their reads on the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_harken_replica_token", None)
            if token is not None:
                _on_replica.reset(token)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        match = request.resolver_match
        methods = REPLICA_VIEWS.get(match.view_name if match else "", frozenset())
        if request.method in methods and configured() and replica_usable():
            request._harken_replica_token = _on_replica.set(True)  # type: ignore[attr-defined]
