"""The demo data has surveys: sent for closed cases, a share answered, and an imported return
with comments to triage."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken.cases.demo import build_demo

from ..models import Comment, Invitation, Response, ReturnBatch

pytestmark = pytest.mark.django_db


def test_demo_has_surveys_sent_answered_and_imported():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        build_demo(seed=1, years=1, scale=0.15)
    assert Invitation.objects.exists()
    assert Invitation.objects.filter(answered_at__isnull=False).exists()
    assert Invitation.objects.filter(answered_at__isnull=True).exists()
    batch = ReturnBatch.objects.get()
    assert Response.objects.filter(batch=batch).count() == 40
    assert Comment.objects.filter(response__batch=batch).exists()
    for invitation in Invitation.objects.select_related("case"):
        assert invitation.case.closed_on is not None
        assert invitation.sent_on >= invitation.case.closed_on
