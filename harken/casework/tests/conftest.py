"""Fixtures for the case-work pages: the clock frozen on Friday 28 June 2024, and cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import User
from harken.cases.models import Case
from harken.cases.tests.factories import complaint

TODAY = dt.date(2024, 6, 28)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def make_complaint(officer: User) -> Callable[..., Case]:
    """A stage 1 complaint about the Assessment Teams (children's statutory procedure)."""

    def _make(**kwargs: Any) -> Case:
        kwargs.setdefault("received_on", dt.date(2024, 6, 3))
        return complaint(actor=officer, **kwargs)

    return _make


@pytest.fixture
def case(make_complaint) -> Case:
    return make_complaint()


def queries_for(client: Any, url: str, method: str = "get", **data: Any) -> int:
    """How many database queries a request makes."""
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code in (200, 302), response.status_code
    return len(ctx.captured_queries)
