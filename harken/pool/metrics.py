"""The pool's figures for the report: plain data, for one period (the report asks twice, for
this period and the same period last year). Every query is bounded by the period's dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from harken.cases.models import Appointment, AppointmentRole

from .models import PartnerAppointment, PartnerOutcome, PoolFee, Sharing


def independent_people(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Appointments made from the pool in the period (by date appointed), by role; how many
    of those were of people provided by partner councils; appointments of the council's own
    pool by partner councils (by date appointed); the fees of the appointments made in the
    period, by role (each is an investigation cost of the costs register, counted once)."""
    made = Appointment.objects.filter(
        pool_entry__isnull=False, appointed_on__gte=start, appointed_on__lte=end
    )
    by_role = dict(made.values_list("role").annotate(n=Count("id")).order_by())
    fees = PoolFee.objects.filter(
        appointment__appointed_on__gte=start, appointment__appointed_on__lte=end
    )
    fees_by_role = dict(
        fees.values_list("appointment__role").annotate(total=Sum("amount")).order_by()
    )
    return {
        "by_role": [
            {
                "role": role.value,
                "label": role.label,
                "count": by_role.get(role.value, 0),
                "fees": fees_by_role.get(role.value) or Decimal(0),
            }
            for role in AppointmentRole
        ],
        "total": sum(by_role.values()),
        "from_partners": made.filter(pool_entry__sharing=Sharing.FROM_PARTNER).count(),
        # One cancelled (it never went ahead) is not an appointment made.
        "for_partners": PartnerAppointment.objects.filter(
            appointed_on__gte=start, appointed_on__lte=end
        )
        .exclude(outcome=PartnerOutcome.CANCELLED)
        .count(),
        "fees": fees.aggregate(total=Sum("amount"))["total"] or Decimal(0),
    }
