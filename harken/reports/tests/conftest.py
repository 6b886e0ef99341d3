"""Seed 004's six months, built once per test module and rolled back after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction

from harken.reports.metrics import build_report
from harken.reports.periods import Period
from harken.reports.structures import Report, Table

from . import seed004

SEED_PERIOD = Period(dt.date(2023, 4, 1), dt.date(2023, 9, 30))


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker) -> Iterator[seed004.Seed]:
    """The seed's records, in a transaction each test's own transaction nests inside."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed004.build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seed_report(seed, db) -> Report:
    return build_report(SEED_PERIOD)


def row_by_label(table: Table, label: str):
    for row in table.rows:
        if row.label == label:
            return row
    raise KeyError(f"{table.id} has no row {label!r}: {[r.label for r in table.rows]}")


def values(table: Table, row_id: str) -> dict:
    return dict(table.row(row_id).values)
