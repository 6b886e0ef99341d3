"""API test helpers: a client signed in as someone, and the clock frozen on a known day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import time_machine
from rest_framework.test import APIClient

from harken.accounts.models import User


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    """Friday 28 June 2024, midday."""
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
