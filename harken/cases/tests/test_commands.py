"""Operational commands."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from harken.cases import services
from harken.cases.models import Kind
from harken.workdays.models import ClosureDay

from .factories import complaint

pytestmark = pytest.mark.django_db


def _contact(officer, received_on):
    return services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=received_on,
        summary="Who is my social worker?",
    )


def test_recompute_deadlines_applies_a_new_closure_day(officer):
    """A closure day added after a complaint was received leaves its statutory deadline where
    it was (reg 2 counts it) and says it was counted; a contact's reply, the team's own
    target, moves past it."""
    with time_machine.travel(dt.datetime(2024, 3, 4, 12, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
        contact = _contact(officer, dt.date(2024, 3, 1))
    assert case.stages.get().due_on == dt.date(2024, 3, 15)
    assert contact.due_on == dt.date(2024, 3, 15)
    ClosureDay.objects.create(date=dt.date(2024, 3, 8), reason="Staff training day")
    out = io.StringIO()
    call_command("recompute_deadlines", stdout=out)
    assert "Recomputed 1 stages." in out.getvalue()
    stage = case.stages.get()
    assert stage.due_on == dt.date(2024, 3, 15)
    assert "8 March, a council closure day, counts as a working day" in stage.due_explanation
    contact.refresh_from_db()
    assert (contact.due_on, contact.next_due_on) == (dt.date(2024, 3, 18), dt.date(2024, 3, 18))


def test_adding_a_closure_day_moves_open_targets_by_itself(
    officer, django_capture_on_commit_callbacks
):
    """Adding a closure day (through the service, as the command does) queues the
    recomputation once the change is committed: the team's own targets move, and back again
    when it is removed; a statutory deadline stays."""
    from harken.workdays.services import closure_day_add, closure_day_remove

    with time_machine.travel(dt.datetime(2024, 3, 4, 12, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
        contact = _contact(officer, dt.date(2024, 3, 1))
        with django_capture_on_commit_callbacks(execute=False) as waiting:
            closure_day_add(day=dt.date(2024, 3, 8), reason="Staff training day")
        # Nothing moves until the change is committed.
        contact.refresh_from_db()
        assert contact.due_on == dt.date(2024, 3, 15)
        for callback in waiting:
            callback()
        contact.refresh_from_db()
        assert contact.due_on == dt.date(2024, 3, 18)
        assert case.stages.get().due_on == dt.date(2024, 3, 15)
        with django_capture_on_commit_callbacks(execute=True):
            closure_day_remove(day=dt.date(2024, 3, 8))
        contact.refresh_from_db()
        assert contact.due_on == dt.date(2024, 3, 15)
