"""One node at a time: a PostgreSQL advisory lock held for one transaction.

`harken run-scheduled` is started by the scheduler of every node (each server's cron, or a
Kubernetes CronJob that may overlap itself). The reminders' once-per-period rows already make
each reminder be recorded, queued and sent once; the lock saves the second node the work of
finding that out, and makes one run's records and queued tasks appear together.

A transaction-level lock (`pg_try_advisory_xact_lock`) rather than a session one: it is
released by COMMIT or ROLLBACK, so it works through PgBouncer in transaction mode and cannot
be left held by a connection that outlives a crashed command.

On SQLite there is no lock and no surrounding transaction: one file serves one machine, and
a long write transaction there would hold up every other writer (the public forms); the
once-per-period rows alone keep each reminder single.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction


def lock_key(name: str) -> int:
    """The lock's number: the name's first 8 bytes of SHA-256, as PostgreSQL's bigint."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def one_node_at_a_time(name: str, *, using: str = "default") -> Iterator[bool]:
    """Yields True where this process may go on (it holds the lock to the block's end), False
    where another process holds it now. Never waits."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield True
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(name)])
            row = cursor.fetchone()
        yield bool(row and row[0])
