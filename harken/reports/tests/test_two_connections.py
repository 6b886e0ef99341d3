"""On PostgreSQL the report reads its heaviest passes on a second connection in the same
snapshot: the figures are those of one connection, to the cell."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from harken.cases.models import Outcome
from harken.cases.tests.factories import complaint, respond_all
from harken.reports import metrics
from harken.reports.periods import Period
from harken.reports.renderers.as_json import report_dict

D = dt.date
PERIOD = Period(D(2024, 4, 1), D(2025, 3, 31))


def _figures(report) -> dict:
    body = report_dict(report)
    body.pop("generated_at", None)
    return body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exported snapshots")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_give_the_figures_of_one(settings, officer, monkeypatch):
    for day, team in ((2, "SEND Team"), (3, "SEND Team"), (4, "Assessment Teams")):
        for year in (2023, 2024):
            case = complaint(actor=officer, received_on=D(year, 5, day), team=team)
            respond_all(case, on=D(year, 5, 20), actor=officer, outcome=Outcome.UPHELD)
    alongside = []
    real = metrics._passes_on_snapshot

    def spy(ctx, snapshot):
        alongside.append(snapshot)
        return real(ctx, snapshot)

    monkeypatch.setattr(metrics, "_passes_on_snapshot", spy)
    settings.HARKEN_REPORT_CONNECTIONS = 1
    one = _figures(metrics.build_report(PERIOD))
    assert not alongside
    settings.HARKEN_REPORT_CONNECTIONS = 2
    two = _figures(metrics.build_report(PERIOD))
    assert len(alongside) == 1
    assert two == one
    assert one["tables"]  # and there is something to compare
