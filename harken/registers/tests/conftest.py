"""Register test helpers: the clock frozen on a known day, and records in each state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from harken.accounts.models import User
from harken.cases.models import Case
from harken.cases.tests.factories import complaint

# Friday 28 June 2024, midday.
NOW = dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(officer: User) -> Case:
    """A stage 1 complaint about the Assessment Teams (the `manager` fixture's team)."""
    return complaint(actor=officer, received_on=dt.date(2024, 1, 8))


@pytest.fixture
def send_case(officer: User) -> Case:
    """A complaint about the SEND Team (not the `manager` fixture's team)."""
    return complaint(actor=officer, received_on=dt.date(2024, 1, 9), team="SEND Team")
