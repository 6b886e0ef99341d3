"""The demo shows everything: every table of the report has figures for the demo's last year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from harken.cases.demo import build_demo, demo_report_period
from harken.reports.metrics import build_report
from harken.reports.structures import Table

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC)


def figures(table: Table) -> list[int | Decimal]:
    """The non-zero figures in the table's own period (not last year's), totals left out."""
    own = [c.id for c in table.columns if c.id not in ("ly",) and not c.id.endswith("-ly")]
    return [
        value
        for row in table.rows
        if not row.total
        for column, value in row.values.items()
        if column in own
        and isinstance(value, int | Decimal)
        and not isinstance(value, bool)
        and value
    ]


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=False):
        from django.db import transaction

        with transaction.atomic():
            build_demo(seed=1, years=2, scale=0.5)
            built = build_report(demo_report_period())
            transaction.set_rollback(True)
    return built


def test_every_report_table_has_figures_for_the_demos_last_year(report):
    empty = [f"{t.number} {t.title}" for t in report.tables if not figures(t)]
    assert report.omitted == []
    assert empty == []
