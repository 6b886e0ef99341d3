"""Database settings for one read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def without_parallel_workers() -> Iterator[None]:
    """Plan the queries inside without parallel workers (PostgreSQL; nothing elsewhere).

    For reads that walk an index and stop after a page of rows (the search, newest first):
    PostgreSQL's parallel plans for them start two workers (40 to 60 ms on the 2-core
    machine) to share a walk that alone takes 10 to 20 ms, and it picks them on estimates
    that ignore the LIMIT (ADR 0300). The setting is put back when the block ends, also
    inside a longer transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_parallel_workers_per_gather'),"
            " set_config('max_parallel_workers_per_gather', '0', true)"
        )
        before = cursor.fetchone()[0]
        yield
        # The transaction's end puts it back; inside a longer one, this. (When the block
        # fails, its rollback puts the setting back.)
        if not outermost:
            cursor.execute(
                "SELECT set_config('max_parallel_workers_per_gather', %s, true)", [before]
            )
