"""Adding and removing council closure days."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from harken.core.dates import format_date
from harken.core.errors import ApplicationError

from .models import ClosureDay

REASON_MAX_LENGTH = ClosureDay._meta.get_field("reason").max_length or 200


@transaction.atomic
def closure_day_add(*, day: dt.date, reason: str) -> ClosureDay:
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
    return ClosureDay.objects.create(date=day, reason=reason)


@transaction.atomic
def closure_day_remove(*, day: dt.date) -> ClosureDay:
    """Stop `day` being a closure day; refused if it is not one. Returns the removed row."""
    closure = ClosureDay.objects.select_for_update().filter(date=day).first()
    if closure is None:
        raise ApplicationError.for_field("date", f"{format_date(day)} is not a closure day.")
    closure.delete()
    return closure
