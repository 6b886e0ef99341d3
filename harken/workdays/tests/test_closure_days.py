"""Council closure days: not working days, cached, and the cache kept in step."""

import datetime as dt

import pytest

from harken.core.errors import ApplicationError
from harken.workdays import rules
from harken.workdays.models import ClosureDay
from harken.workdays.rules import (
    add_working_days,
    is_working_day,
    non_working_reason,
    working_day_deadline,
)
from harken.workdays.services import closure_day_add, closure_day_remove

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_closure_day_is_skipped():
    """27 December as a closure day pushes a deadline across Christmas back a day."""
    assert add_working_days(D(2023, 12, 18), 10) == D(2024, 1, 4)
    ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    deadline = working_day_deadline(D(2023, 12, 18), 10)
    assert deadline.due == D(2024, 1, 5)
    assert deadline.skipped == (D(2023, 12, 25), D(2023, 12, 26), D(2023, 12, 27), D(2024, 1, 1))
    assert not is_working_day(D(2023, 12, 27))
    assert non_working_reason(D(2023, 12, 27)) == "Council closure: Christmas shutdown"


def test_cache_is_cleared_when_a_closure_day_is_removed():
    """Deleting a closure day makes it a working day again at once."""
    closure = ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    assert add_working_days(D(2023, 12, 18), 10) == D(2024, 1, 5)
    closure.delete()
    assert add_working_days(D(2023, 12, 18), 10) == D(2024, 1, 4)
    assert is_working_day(D(2023, 12, 27))


def test_cache_is_cleared_when_a_closure_day_is_moved():
    """Saving a closure day with a new date moves it in the cache too."""
    closure = ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    assert not is_working_day(D(2023, 12, 27))
    closure.date = D(2023, 12, 28)
    closure.save()
    assert is_working_day(D(2023, 12, 27))
    assert not is_working_day(D(2023, 12, 28))


def test_one_query_however_many_deadlines(django_assert_num_queries):
    """Closure days are loaded once; a caseload's worth of deadlines makes no more queries."""
    ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    with django_assert_num_queries(1):
        for offset in range(500):
            start = D(2023, 1, 1) + dt.timedelta(days=offset)
            working_day_deadline(start, 20)
            add_working_days(start, 300)
            is_working_day(start)


def test_changes_without_signals_are_seen_after_the_cache_expires(monkeypatch):
    """bulk_create sends no signal (nor does another process's change): the cache expires."""
    now = [1000.0]
    monkeypatch.setattr(rules.time, "monotonic", lambda: now[0])
    assert is_working_day(D(2023, 12, 27))
    ClosureDay.objects.bulk_create([ClosureDay(date=D(2023, 12, 27), reason="Shutdown")])
    assert is_working_day(D(2023, 12, 27))  # still cached
    now[0] += rules.CLOSURE_CACHE_SECONDS
    assert not is_working_day(D(2023, 12, 27))


def test_override_closure_days_needs_no_database():
    """override_closure_days replaces the table's days, e.g. for tests without a database."""
    ClosureDay.objects.create(date=D(2023, 12, 28), reason="In the table")
    with rules.override_closure_days({D(2023, 12, 27): "Shutdown"}):
        assert not is_working_day(D(2023, 12, 27))
        assert is_working_day(D(2023, 12, 28))
        assert non_working_reason(D(2023, 12, 27)) == "Council closure: Shutdown"
    with rules.override_closure_days([D(2023, 12, 29)]):
        assert not is_working_day(D(2023, 12, 29))
    assert not is_working_day(D(2023, 12, 28))


def test_str():
    """A closure day reads as its date and reason."""
    closure = ClosureDay(date=D(2023, 12, 27), reason="Christmas shutdown")
    assert str(closure) == "27 December 2023: Christmas shutdown"


def test_service_adds_and_removes():
    """The services add and remove closure days, tidying the reason's spaces."""
    closure = closure_day_add(day=D(2023, 12, 27), reason="  Christmas   shutdown ")
    assert closure.reason == "Christmas shutdown"
    assert not is_working_day(D(2023, 12, 27))
    closure_day_remove(day=D(2023, 12, 27))
    assert not ClosureDay.objects.exists()
    assert is_working_day(D(2023, 12, 27))


@pytest.mark.parametrize(
    ("reason", "message"),
    [("   ", "Give the reason"), ("x" * 201, "Keep the reason to 200 characters")],
)
def test_service_refuses_a_bad_reason(reason, message):
    """A closure day needs a reason that fits."""
    with pytest.raises(ApplicationError, match=message) as caught:
        closure_day_add(day=D(2023, 12, 27), reason=reason)
    assert "reason" in caught.value.field_errors


def test_service_refuses_duplicates_and_missing_days():
    """A day cannot be added twice, nor removed when it is not a closure day."""
    closure_day_add(day=D(2023, 12, 27), reason="Shutdown")
    with pytest.raises(ApplicationError, match="27 December 2023 is already a closure day"):
        closure_day_add(day=D(2023, 12, 27), reason="Again")
    with pytest.raises(ApplicationError, match="28 December 2023 is not a closure day"):
        closure_day_remove(day=D(2023, 12, 28))


def test_cache_is_cleared_again_on_commit(django_capture_on_commit_callbacks):
    """Another thread may reload the old days before the change commits: clear on commit too."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ClosureDay.objects.create(date=D(2023, 12, 27), reason="Shutdown")
    assert rules.clear_cache in callbacks
