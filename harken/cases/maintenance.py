"""Keeping the database's statistics true after a bulk load.

PostgreSQL's autovacuum reaches a table some time after a large import; until it does, the
planner works from the old row counts and the visibility map is empty, so the first users
after an import wait on sequential scans (the manager team view took 2.0 s median, 4.6 s
p95, right after `bench/populate.py`, against 0.2 s once vacuumed). `harken import-cases` and
the benchmark's generator therefore vacuum and analyse the tables they wrote, once, at the
end. SQLite gets ANALYZE, which is what its planner reads.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection

# Every table a case import or the benchmark's generator writes to.
CASE_MODELS = (
    "cases.Person",
    "cases.Case",
    "cases.OpenTeamCase",
    "cases.CaseParty",
    "cases.Stage",
    "cases.Element",
    "cases.ElementOutcome",
    "cases.Extension",
    "cases.TimelineEvent",
)


def case_tables() -> list[str]:
    tables: list[str] = []
    for label in CASE_MODELS:
        model = apps.get_model(label)
        tables.append(model._meta.db_table)
        tables.extend(
            field.remote_field.through._meta.db_table
            for field in model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        )
    return tables


def refresh_statistics(tables: list[str] | None = None) -> list[str]:
    """VACUUM (ANALYZE) the tables on PostgreSQL, ANALYZE them on SQLite; returns the tables
    done. Does nothing inside a transaction (VACUUM cannot run in one): the caller's
    transaction is committed first or the statistics wait for autovacuum."""
    if connection.in_atomic_block:
        return []
    tables = tables or case_tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM (ANALYZE) {quote(table)}")
            else:
                cursor.execute(f"ANALYZE {quote(table)}")
    return tables
