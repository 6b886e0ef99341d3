"""The audit trail: a write and its audit row are one transaction.

A case's events and reads go in the tables of the cases app (`TimelineEvent`, `CaseRead`),
which registers them here when it is ready (`CasesConfig.ready`): the ground floor names no
app above it (docs/adr/0045-one-permission-table-in-harken-access.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils import timezone

from .dates import LONDON
from .models import AuditEvent, EventType

if TYPE_CHECKING:
    # Whoever acted: an accounts.User (settings.AUTH_USER_MODEL); a case: a cases.Case. Named
    # here, not imported: the ground floor does not know the apps above it.
    User = Any
    Case = Any


class _CaseTables:
    """The models a case's audit rows are written to, set once by the cases app."""

    timeline: Any = None  # cases.TimelineEvent
    reads: Any = None  # cases.CaseRead


_case_tables = _CaseTables()


def register_case_tables(*, timeline: type[models.Model], reads: type[models.Model]) -> None:
    """Called by the cases app when it is ready: where `record_event` and `record_read(s)`
    write."""
    _case_tables.timeline = timeline
    _case_tables.reads = reads


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def set_fields(obj: models.Model, values: dict[str, Any]) -> dict[str, list[str | None]]:
    """Set attributes on `obj` and return what changed as {field: [old, new]}."""
    changes: dict[str, list[str | None]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_as_text(old), _as_text(new)]
            setattr(obj, name, new)
    return changes


# The day events happened on, when that is not today: history brought in by an import.
_events_day: ContextVar[dt.date | None] = ContextVar("harken_events_day", default=None)


@contextmanager
def events_dated(day: dt.date | None) -> Iterator[None]:
    """Timeline events recorded inside are dated `day` (at noon, London time), not now."""
    token = _events_day.set(day)
    try:
        yield
    finally:
        _events_day.reset(token)


def record_event(
    *,
    case: Case,
    actor: User | None,
    verb: str,
    description: str,
    changes: dict[str, list[str | None]] | None = None,
) -> Any:
    """Record what happened on a case (its timeline), in the caller's transaction; returns
    the `cases.TimelineEvent`."""
    TimelineEvent = _case_tables.timeline  # the model, by its name

    event = TimelineEvent.objects.create(
        case=case, actor=actor, verb=verb, description=description[:500], changes=changes or {}
    )
    day = _events_day.get()
    if day is not None:
        event.at = dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)
        TimelineEvent.objects.filter(pk=event.pk).update(at=event.at)
    return event


def record_audit(
    *,
    event_type: EventType,
    actor: User | None,
    description: str,
    changes: dict[str, list[str | None]] | None = None,
) -> AuditEvent:
    """Record a change that belongs to no one case or register record (closure days,
    procedure versions, deadlines worked out again), in the caller's transaction."""
    return AuditEvent.objects.create(
        event_type=event_type, actor=actor, description=description[:500], changes=changes or {}
    )


def record_read(*, case: Case, user: User, via: str) -> None:
    """Log that `user` looked at `case` (who looked at which child's case, and when)."""
    CaseRead = _case_tables.reads  # the model, by its name

    CaseRead.objects.create(case=case, user=user, via=via)


def record_reads(*, cases: Iterable[Case | int], user: User, via: str) -> int:
    """Log that `user` was shown these cases in a list (a caseload page, search results, an
    export): one row per case, in one INSERT, however many. Returns how many."""
    CaseRead = _case_tables.reads  # the model, by its name

    ids = list(dict.fromkeys(c if isinstance(c, int) else c.pk for c in cases))
    if not ids or not getattr(user, "pk", None):
        return 0
    if connection.vendor == "postgresql":
        # The ids as one array parameter: building a model and four parameters a row
        # (bulk_create) cost 16 ms for a page of 200, this about 1 ms (bench/list_reads.py).
        table = connection.ops.quote_name(CaseRead._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (case_id, user_id, at, via) "
                "SELECT unnest(%s::bigint[]), %s, %s, %s",
                [ids, user.pk, timezone.now(), via],
            )
    else:
        CaseRead.objects.bulk_create(CaseRead(case_id=pk, user=user, via=via) for pk in ids)
    return len(ids)
