"""The public forms' rate limits hold across server processes when the cache is shared
(CACHE_URL: Redis, or the database cache): two processes sending forms from one address are
allowed the hourly limit between them, not each.

The processes are forked from the test, so each has the test's database (its own copy of an
in-memory SQLite one; new connections to PostgreSQL) and the same settings, and counts in the
one cache. Redis is db 10 on 127.0.0.1:6379 (REDIS_TEST_URL), with a key prefix of this run's.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from .conftest import Walker, compliment_pages

REDIS = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/10")
LIMIT = 3
EACH = 3  # forms each process sends: twice the limit between them

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _send_forms(count: int, results: multiprocessing.Queue) -> None:
    """In a forked process: send `count` compliments as one person would, from one address."""
    try:
        for conn in connections.all(initialized_only=True):
            if conn.vendor != "sqlite":
                # The parent's socket is not ours to use or close: open our own.
                conn.connection = None
        statuses = []
        for _ in range(count):
            walker = Walker(Client(), "compliment")
            walker.to_check(compliment_pages())
            statuses.append(walker.send().status_code)
        results.put(statuses)
    except BaseException as exc:  # reported to the test, not lost with the process
        results.put(repr(exc))
    finally:
        # Out without the parent's exit handlers (pytest's, the test database's), once the
        # queue has handed the answer over.
        results.close()
        results.join_thread()
        os._exit(0)


def _in_two_processes() -> list[int]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_send_forms, args=(EACH, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    answers = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    for answer in answers:
        assert isinstance(answer, list), answer
    return [status for answer in answers for status in answer]


@pytest.fixture
def shared_cache(request, settings):
    kind = request.param
    if kind == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS,
                "KEY_PREFIX": f"harken-test-{uuid.uuid4().hex}",
            }
        }
    else:
        if connection.vendor == "sqlite":
            pytest.skip("an in-memory SQLite database is not shared between processes")
        call_command("createcachetable", "harken_cache_test")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "harken_cache_test",
            }
        }
    return kind


@pytest.mark.parametrize("shared_cache", ["redis", "database"], indirect=True)
def test_two_processes_share_one_hourly_limit(shared_cache, settings, frozen):
    settings.HARKEN_INTAKE_RATE_LIMITS = True
    settings.HARKEN_INTAKE_SUBMISSIONS_PER_HOUR = LIMIT
    settings.HARKEN_INTAKE_POSTS_PER_MINUTE = 1000
    statuses = _in_two_processes()
    confirmed = statuses.count(302)
    assert confirmed == LIMIT, statuses
    assert statuses.count(429) == 2 * EACH - LIMIT


def test_a_shared_cache_is_what_production_asks_for(settings):
    """Without one, each process counts alone: the check that `harken check --deploy` runs."""
    from harken.core.deploy import shared_cache as check

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in check()] == ["harken.W001"]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    }
    assert check() == []


def test_the_send_page_says_how_long_to_wait(client, settings, frozen):
    settings.HARKEN_INTAKE_SUBMISSIONS_PER_HOUR = 0
    walker = Walker(client, "compliment")
    walker.to_check(compliment_pages())
    response = walker.send()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert reverse("intake:check", args=["compliment"])
