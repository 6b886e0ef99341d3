"""The audit trail: a write and its audit row are one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models

from .dates import LONDON

if TYPE_CHECKING:
    from harken.accounts.models import User
    from harken.cases.models import Case, TimelineEvent


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
) -> TimelineEvent:
    from harken.cases.models import TimelineEvent

    event = TimelineEvent.objects.create(
        case=case, actor=actor, verb=verb, description=description[:500], changes=changes or {}
    )
    day = _events_day.get()
    if day is not None:
        event.at = dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)
        TimelineEvent.objects.filter(pk=event.pk).update(at=event.at)
    return event


def record_read(*, case: Case, user: User, via: str) -> None:
    """Log that `user` looked at `case` (who looked at which child's case, and when)."""
    from harken.cases.models import CaseRead

    CaseRead.objects.create(case=case, user=user, via=via)
