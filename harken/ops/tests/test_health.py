"""The probes answer quickly, without signing in, and say nothing about a case or person."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_the_database_or_a_known_host(client, django_assert_num_queries):
    """An orchestrator's probe uses the pod's address as host; the process just says ok."""
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readiness_checks_the_database_cache_storage_and_task_queue(client):
    response = client.get("/readyz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {"database", "cache", "storage", "tasks"} <= set(body)
    assert all(body[name]["ok"] for name in ("database", "cache", "storage", "tasks"))
    assert body["tasks"]["waiting"] == 0


def test_readiness_fails_with_503_when_the_cache_is_unreachable(client):
    """The rate limits count in the cache: a server that cannot reach it is not ready."""
    with mock.patch("harken.ops.health.cache.set", side_effect=ConnectionError("redis://x:y@h")):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["cache"] == {"ok": False, "ms": body["cache"]["ms"], "error": "ConnectionError"}
    assert "redis" not in response.content.decode()
    assert body["database"]["ok"]


def test_readiness_fails_when_the_database_is_unreachable(client):
    with mock.patch(
        "harken.ops.health._database", return_value=mock.Mock(side_effect=OSError("down"))
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"]["error"] == "OSError"


def _waiting_task(minutes_ago: int) -> None:
    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="harken.intake.tasks.send_confirmation",
        backend_name="default",
        run_after=timezone.now() - dt.timedelta(minutes=minutes_ago + 1),
    )
    DBTaskResult.objects.filter(task_path="harken.intake.tasks.send_confirmation").update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_readiness_reports_the_age_of_the_oldest_waiting_task(client):
    _waiting_task(minutes_ago=30)
    body = client.get("/readyz").json()
    assert body["tasks"]["waiting"] == 1
    assert 1790 <= body["tasks"]["oldest_waiting_seconds"] <= 1810
    assert client.get("/readyz").status_code == 200


def test_readiness_fails_past_the_configured_task_age(client, settings):
    """A council may choose to take a node out when its queue stops moving."""
    settings.HARKEN_READY_MAX_TASK_AGE = 600
    _waiting_task(minutes_ago=30)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["tasks"]["error"] == "TimeoutError"


def test_probes_say_nothing_about_cases_or_people(client, officer):
    """The body is the checks' names, timings and counts, whatever the records hold."""
    body = json.dumps(client.get("/readyz").json())
    assert officer.username not in body
    assert "HK-" not in body


def test_only_get_and_head_are_answered_by_the_probe(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").get("Content-Type") != "application/json"
