"""Council closure days: working days for every statutory clock (reg 2 does not list them),
skipped only where asked (the team's own targets), cached, and the cache kept in step."""

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
    working_days_between,
)
from harken.workdays.services import closure_day_add, closure_day_remove

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_closure_day_is_a_working_day_for_a_statutory_deadline():
    """27 December as a closure day does not move a deadline across Christmas (reg 2 lists
    no closure days); the explanation says it was counted."""
    ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    deadline = working_day_deadline(D(2023, 12, 18), 10)
    assert deadline.due == D(2024, 1, 4)
    assert deadline.skipped == (D(2023, 12, 25), D(2023, 12, 26), D(2024, 1, 1))
    assert deadline.explain() == (
        "Due 4 January 2024: 10 working days after 18 December 2023, not counting 25 and 26 "
        "December and 1 January; 27 December, a council closure day, counts as a working day."
    )
    assert is_working_day(D(2023, 12, 27))
    assert non_working_reason(D(2023, 12, 27)) is None
    assert working_days_between(D(2023, 12, 22), D(2023, 12, 29)) == 3


def test_a_closure_day_is_skipped_where_asked():
    """A team's own target skips 27 December as a closure day, pushing it back a day, and
    says which skipped day was the closure."""
    ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    deadline = working_day_deadline(D(2023, 12, 18), 10, skip_closure_days=True)
    assert deadline.due == D(2024, 1, 5)
    assert deadline.skipped == (D(2023, 12, 25), D(2023, 12, 26), D(2023, 12, 27), D(2024, 1, 1))
    assert deadline.explain() == (
        "Due 5 January 2024: 10 working days after 18 December 2023, not counting 25, 26 and 27 "
        "December and 1 January (27 December: a council closure day)."
    )
    assert not is_working_day(D(2023, 12, 27), skip_closure_days=True)
    assert non_working_reason(D(2023, 12, 27), skip_closure_days=True) == (
        "Council closure: Christmas shutdown"
    )
    assert working_days_between(D(2023, 12, 22), D(2023, 12, 29), skip_closure_days=True) == 2


def test_several_closure_days_counted():
    """Closure days over Christmas, each a working day, are named together."""
    for day in (D(2023, 12, 27), D(2023, 12, 28), D(2023, 12, 29)):
        ClosureDay.objects.create(date=day, reason="Christmas shutdown")
    assert (
        working_day_deadline(D(2023, 12, 18), 10)
        .explain()
        .endswith("; 27, 28 and 29 December, council closure days, count as working days.")
    )


def test_statutory_counting_needs_no_closure_days(django_assert_num_queries):
    """Counting working days by reg 2 alone reads no closure days."""
    with django_assert_num_queries(0):
        add_working_days(D(2023, 12, 18), 10)
        working_days_between(D(2023, 12, 18), D(2024, 1, 4))
        is_working_day(D(2023, 12, 27))


SKIP = {"skip_closure_days": True}


def test_cache_is_cleared_when_a_closure_day_is_removed():
    """Deleting a closure day makes it a working day again at once, where it was skipped."""
    closure = ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    assert add_working_days(D(2023, 12, 18), 10, **SKIP) == D(2024, 1, 5)
    closure.delete()
    assert add_working_days(D(2023, 12, 18), 10, **SKIP) == D(2024, 1, 4)
    assert is_working_day(D(2023, 12, 27), **SKIP)
    assert working_day_deadline(D(2023, 12, 18), 10).closures == ()


def test_cache_is_cleared_when_a_closure_day_is_moved():
    """Saving a closure day with a new date moves it in the cache too."""
    closure = ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    assert not is_working_day(D(2023, 12, 27), **SKIP)
    closure.date = D(2023, 12, 28)
    closure.save()
    assert is_working_day(D(2023, 12, 27), **SKIP)
    assert not is_working_day(D(2023, 12, 28), **SKIP)


def test_one_query_however_many_deadlines(django_assert_num_queries):
    """Closure days are loaded once; a caseload's worth of deadlines makes no more queries."""
    ClosureDay.objects.create(date=D(2023, 12, 27), reason="Christmas shutdown")
    with django_assert_num_queries(1):
        for offset in range(500):
            start = D(2023, 1, 1) + dt.timedelta(days=offset)
            working_day_deadline(start, 20)
            working_day_deadline(start, 20, skip_closure_days=True)
            add_working_days(start, 300, **SKIP)
            is_working_day(start, **SKIP)


def test_changes_without_signals_are_seen_after_the_cache_expires(monkeypatch):
    """bulk_create sends no signal (nor does another process's change): the cache expires."""
    now = [1000.0]
    monkeypatch.setattr(rules.time, "monotonic", lambda: now[0])
    assert is_working_day(D(2023, 12, 27), **SKIP)
    ClosureDay.objects.bulk_create([ClosureDay(date=D(2023, 12, 27), reason="Shutdown")])
    assert is_working_day(D(2023, 12, 27), **SKIP)  # still cached
    now[0] += rules.CLOSURE_CACHE_SECONDS
    assert not is_working_day(D(2023, 12, 27), **SKIP)


def test_override_closure_days_needs_no_database():
    """override_closure_days replaces the table's days, e.g. for tests without a database."""
    ClosureDay.objects.create(date=D(2023, 12, 28), reason="In the table")
    with rules.override_closure_days({D(2023, 12, 27): "Shutdown"}):
        assert not is_working_day(D(2023, 12, 27), **SKIP)
        assert is_working_day(D(2023, 12, 28), **SKIP)
        assert non_working_reason(D(2023, 12, 27), **SKIP) == "Council closure: Shutdown"
    with rules.override_closure_days([D(2023, 12, 29)]):
        assert not is_working_day(D(2023, 12, 29), **SKIP)
    assert not is_working_day(D(2023, 12, 28), **SKIP)


def test_str():
    """A closure day reads as its date and reason."""
    closure = ClosureDay(date=D(2023, 12, 27), reason="Christmas shutdown")
    assert str(closure) == "27 December 2023: Christmas shutdown"


def test_service_adds_and_removes():
    """The services add and remove closure days, tidying the reason's spaces."""
    closure = closure_day_add(day=D(2023, 12, 27), reason="  Christmas   shutdown ")
    assert closure.reason == "Christmas shutdown"
    assert not is_working_day(D(2023, 12, 27), **SKIP)
    closure_day_remove(day=D(2023, 12, 27))
    assert not ClosureDay.objects.exists()
    assert is_working_day(D(2023, 12, 27), **SKIP)


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
