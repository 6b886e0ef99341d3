"""The compliance figures counted by the database (one GROUP BY per home and month) are the
figures a plain recount of every visit gives, on random homes and visits: visits made, months
visited, missed and not yet visited, and reports late to Ofsted."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.homes import selectors
from harken.homes.models import Home, Visit

from .factories import D

pytestmark = pytest.mark.django_db

ON = D(2024, 6, 28)  # the homes tests' today


def _recount(homes, visits, first, last, on):
    """Every visit looked at one by one, as the rule is written (docs/adr/0180)."""
    out = {}
    for h in homes:
        for month in selectors.months(first, last):
            mine = [
                v
                for v in visits
                if v.home_id == h.pk and selectors.month_start(v.visited_on) == month
            ]
            late = 0
            for v in mine:
                due = selectors.month_end(selectors.add_months(v.visited_on, 1))
                sent = v.sent_to_ofsted_on
                late += (sent > due) if sent is not None else (on > due)
            if mine:
                status = selectors.MADE
            elif not selectors.is_due(h, month):
                status = selectors.NOT_DUE
            elif selectors.month_end(month) < on:
                status = selectors.MISSED
            elif month <= on:
                status = selectors.NOT_YET
            else:
                status = selectors.NOT_DUE
            out[(h.pk, month)] = (status, len(mine), late)
    return out


def _random_world(seed: int):
    rng = random.Random(seed)
    homes = []
    for i in range(rng.randint(1, 6)):
        opened = D(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 800))
        closed = None
        if rng.random() < 0.3:
            closed = opened + dt.timedelta(days=rng.randint(0, 400))
        homes.append(
            Home.objects.create(
                name=f"Home {i}",
                provider="Provider",
                ownership="own",
                ofsted_urn=f"SC{seed:03d}{i:03d}",
                places=4,
                opened_on=opened,
                closed_on=closed,
            )
        )
    visits = []
    for h in homes:
        end = min(h.closed_on or ON, ON)
        span = (end - h.opened_on).days
        for _ in range(rng.randint(0, 30)):
            on = h.opened_on + dt.timedelta(days=rng.randint(0, max(span, 0)))
            roll = rng.random()
            if roll < 0.25:
                sent = None
            elif roll < 0.35:
                # The edges: the last day it is due, and the day after.
                due = selectors.month_end(selectors.add_months(on, 1))
                sent = due + dt.timedelta(days=rng.choice([0, 1]))
            else:
                sent = on + dt.timedelta(days=rng.randint(0, 120))
            visits.append(
                Visit(
                    home=h,
                    visited_on=on,
                    visitor_name="Visitor",
                    announced=False,
                    safeguarded="yes",
                    wellbeing_promoted="yes",
                    sent_to_ofsted_on=sent,
                )
            )
    Visit.objects.bulk_create(visits)
    return homes, list(Visit.objects.all())


@pytest.mark.parametrize("seed", range(12))
def test_the_database_count_matches_a_plain_recount(seed):
    homes, visits = _random_world(seed)
    first, last = D(2022, 1, 1), D(2024, 12, 31)
    expected = _recount(homes, visits, first, last, ON)
    rows = selectors.compliance(first=first, last=last, on=ON)
    got = {
        (row.home.pk, m.month): (m.status, m.visits, m.reports_late)
        for row in rows
        for m in row.months
    }
    listed = {row.home.pk for row in rows}
    assert got == {k: v for k, v in expected.items() if k[0] in listed}
    # Every home open in the period is listed (a home closed before it is not).
    assert listed == {h.pk for h in homes if h.closed_on is None or h.closed_on >= first}


def test_the_count_is_two_queries_and_reads_rows_per_home_and_month(officer):
    _random_world(99)
    first, last = D(2022, 1, 1), D(2024, 12, 31)
    with CaptureQueriesContext(connection) as queries:
        selectors.compliance(first=first, last=last, on=ON)
    assert len(queries) == 2
    assert "GROUP BY" in queries[1]["sql"].upper()
