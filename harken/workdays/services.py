"""Adding and removing council closure days."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from harken.core.audit import record_audit
from harken.core.dates import format_date
from harken.core.errors import ApplicationError
from harken.core.models import EventType

from .models import ClosureDay

if TYPE_CHECKING:
    from harken.accounts.models import User

REASON_MAX_LENGTH = ClosureDay._meta.get_field("reason").max_length or 200


@transaction.atomic
def closure_day_add(*, day: dt.date, reason: str, actor: User | None = None) -> ClosureDay:
    """Make `day` a closure day; refused if it already is one or the reason is blank/too long."""
    reason = " ".join(reason.split())
    if not reason:
        raise ApplicationError.for_field("reason", "Give the reason the council is closed.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError.for_field(
            "reason", f"Keep the reason to {REASON_MAX_LENGTH} characters (it has {len(reason)})."
        )
    existing = ClosureDay.objects.select_for_update().filter(date=day).first()
    if existing is not None:
        raise ApplicationError.for_field(
            "date", f"{format_date(day)} is already a closure day ({existing.reason})."
        )
    closure = ClosureDay.objects.create(date=day, reason=reason)
    # Every open deadline may move with it: the audit says when and by whom (None: the
    # server's command line).
    record_audit(
        event_type=EventType.CLOSURE_DAY_ADDED,
        actor=actor,
        description=f"Closure day {format_date(day)} added: {reason}",
        changes={"closure day": [None, f"{day.isoformat()} {reason}"]},
    )
    return closure


@transaction.atomic
def closure_day_remove(*, day: dt.date, actor: User | None = None) -> ClosureDay:
    """Stop `day` being a closure day; refused if it is not one. Returns the removed row."""
    closure = ClosureDay.objects.select_for_update().filter(date=day).first()
    if closure is None:
        raise ApplicationError.for_field("date", f"{format_date(day)} is not a closure day.")
    closure.delete()
    record_audit(
        event_type=EventType.CLOSURE_DAY_REMOVED,
        actor=actor,
        description=f"Closure day {format_date(day)} removed ({closure.reason})",
        changes={"closure day": [f"{day.isoformat()} {closure.reason}", None]},
    )
    return closure
