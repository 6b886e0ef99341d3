"""`without_parallel_workers`: the setting holds inside the block only (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from harken.core.db import without_parallel_workers

pytestmark = pytest.mark.django_db


def workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return str(cursor.fetchone()[0])


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting (nothing is changed on other databases)")


def test_the_setting_is_put_back_when_the_block_ends(postgresql):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        with without_parallel_workers():
            assert workers() == "0"
        # Later queries of the same transaction are planned as before.
        assert workers() == "3"


def test_a_failed_block_puts_it_back_too(postgresql):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        with (
            pytest.raises(DatabaseError),
            without_parallel_workers(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT 1 / 0")
        assert workers() == "3"


def test_elsewhere_the_block_only_runs_what_is_in_it():
    ran = []
    with without_parallel_workers():
        ran.append(connection.vendor)
    assert ran == [connection.vendor]
