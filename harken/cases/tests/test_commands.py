"""Operational commands."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from harken.workdays.models import ClosureDay

from .factories import complaint

pytestmark = pytest.mark.django_db


def test_recompute_deadlines_applies_a_new_closure_day(officer):
    """A closure day added after a complaint was received moves its stored deadline."""
    with time_machine.travel(dt.datetime(2024, 3, 4, 12, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    assert case.stages.get().due_on == dt.date(2024, 3, 15)
    ClosureDay.objects.create(date=dt.date(2024, 3, 8), reason="Staff training day")
    out = io.StringIO()
    call_command("recompute_deadlines", stdout=out)
    assert "Recomputed 1 stages." in out.getvalue()
    stage = case.stages.get()
    assert stage.due_on == dt.date(2024, 3, 18)
    assert "8 March" in stage.due_explanation


def test_adding_a_closure_day_moves_open_deadlines_by_itself(
    officer, django_capture_on_commit_callbacks
):
    """Adding a closure day (through the service, as the command does) queues the
    recomputation once the change is committed; removing it moves the deadline back."""
    from harken.workdays.services import closure_day_add, closure_day_remove

    with time_machine.travel(dt.datetime(2024, 3, 4, 12, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
        with django_capture_on_commit_callbacks(execute=False) as waiting:
            closure_day_add(day=dt.date(2024, 3, 8), reason="Staff training day")
        # Nothing moves until the change is committed.
        assert case.stages.get().due_on == dt.date(2024, 3, 15)
        for callback in waiting:
            callback()
        assert case.stages.get().due_on == dt.date(2024, 3, 18)
        case.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            closure_day_remove(day=dt.date(2024, 3, 8))
        assert case.stages.get().due_on == dt.date(2024, 3, 15)
