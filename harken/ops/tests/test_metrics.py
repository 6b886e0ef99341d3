"""/metrics: counts only, for Prometheus holding the token, refused to everyone else."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from harken.cases.models import Stage
from harken.cases.tests.factories import complaint
from harken.intake.models import Submission
from harken.notifications.models import Message, MessageKind, MessageStatus

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def token(settings):
    settings.HARKEN_METRICS_TOKEN = TOKEN
    return TOKEN


def _scrape(client) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST="10.0.0.9")
    assert response.status_code == 200
    out: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("header", ["", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_metrics_refuse_a_missing_or_wrong_token(client, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert b"harken_" not in response.content


def test_requests_are_counted_and_timed_by_view_not_by_address(client, token):
    client.get("/")
    client.get("/no-such-page/HK-2026-00042")
    samples = _scrape(client)
    counts = samples["harken_http_requests_total"]
    start = [value for labels, value in counts.items() if ("view", "intake:index") in labels]
    assert start
    assert start[0] >= 1
    assert any(("view", "unmatched") in labels for labels in counts)
    assert not any("HK-2026" in str(labels) for labels in counts)
    assert "harken_http_request_duration_seconds_bucket" in samples


def _submission(status: str, form: str = "complaint") -> Submission:
    import uuid

    submission = Submission.objects.create(form=form, key=uuid.uuid4(), email="jo@example.com")
    Message.objects.create(
        kind=MessageKind.CONFIRMATION, to=[submission.email], submission=submission, status=status
    )
    return submission


def test_record_counts_public_submissions_waiting_e_mails_and_overdue_stages(
    client, token, officer
):
    with time_machine.travel(dt.datetime(2025, 3, 3, 12, tzinfo=dt.UTC), tick=False):
        complaint(actor=officer, received_on=dt.date(2025, 3, 3))
        complaint(actor=officer, received_on=dt.date(2025, 3, 3))
    overdue = Stage.objects.filter(number=1).order_by("pk")
    assert all(stage.due_on and stage.due_on < dt.date(2025, 4, 1) for stage in overdue)
    Stage.objects.filter(pk=overdue[0].pk).update(concluded_on=dt.date(2025, 3, 10))
    _submission(MessageStatus.QUEUED)
    _submission(MessageStatus.RETRYING, form="compliment")
    _submission(MessageStatus.FAILED)
    _submission(MessageStatus.SENT)
    with time_machine.travel(dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        samples = _scrape(client)
    assert samples["harken_public_submissions_total"] == {
        (("form", "complaint"),): 3.0,
        (("form", "compliment"),): 1.0,
    }
    emails = samples["harken_confirmation_emails"]
    assert emails[(("state", "pending"),)] == 2
    assert emails[(("state", "failed"),)] == 1
    assert samples["harken_overdue_stages"][(("stage", "1"),)] == 1
    assert samples["harken_tasks_waiting"][()] == 0
