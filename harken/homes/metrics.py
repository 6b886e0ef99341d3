"""Figures about the homes, visits and drop-ins, as plain data for the report (harken/reports
builds its tables from these, so every format agrees). No figure names a child; the visit
figures name the homes, which are the council's and providers' services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, Sum

from harken.core.dates import today
from harken.registers.models import AdvocacyProvider

from . import selectors
from .models import DropIn, Issue, Triage


def visits_by_home(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Per home open in the period: months due a visit (to today, if the period runs on),
    months visited, months with no visit (over), visits made, reports late to Ofsted. Only
    whole calendar months inside the period count (a report of April to September counts
    April to September); a month still running is due but neither visited nor missed yet."""
    # As the period ended (or today, if it has not): a month is over once its last day has
    # passed.
    on = min(date_to + dt.timedelta(days=1), today())
    first = date_from if date_from.day == 1 else selectors.add_months(date_from, 1)
    last_month = selectors.month_start(date_to)
    if selectors.month_end(date_to) != date_to:
        last_month = selectors.add_months(last_month, -1)
    homes: list[dict[str, Any]] = []
    if first <= last_month and first <= on:
        for row in selectors.compliance(
            first=first, last=min(selectors.month_end(last_month), on), on=on
        ):
            homes.append(
                {
                    "home_id": row.home.pk,
                    "name": row.home.name,
                    "due": row.due,
                    "made": row.made,
                    "missed": row.missed,
                    "visits": row.visits,
                    "reports_late": row.reports_late,
                }
            )
    return {"homes": homes}


def issues_raised(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Issues raised at visits and drop-ins in the period (by the visit's or drop-in's date),
    by what became of them."""
    raised = Q(visit__visited_on__gte=date_from, visit__visited_on__lte=date_to) | Q(
        drop_in__held_on__gte=date_from, drop_in__held_on__lte=date_to
    )
    rows = (
        Issue.objects.filter(raised)
        .values("triage")
        .annotate(
            visits=Count("pk", filter=Q(visit__isnull=False)),
            drop_ins=Count("pk", filter=Q(drop_in__isnull=False)),
        )
    )
    by: dict[str, dict[str, Any]] = {r["triage"]: dict(r) for r in rows}
    return {
        "by_triage": [
            {
                "triage": value,
                "label": label,
                "visits": by.get(value, {}).get("visits", 0),
                "drop_ins": by.get(value, {}).get("drop_ins", 0),
            }
            for value, label in Triage.choices
        ]
    }


def drop_ins(date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Drop-ins held in the period and how many young people came (one query)."""
    figures = DropIn.objects.filter(held_on__gte=date_from, held_on__lte=date_to).aggregate(
        sessions=Count("pk"), young_people=Sum("young_people")
    )
    return {
        "sessions": int(figures["sessions"]),
        "young_people": int(figures["young_people"] or 0),
    }


def advocacy_from_direct_work(date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Advocacy referrals made from issues raised at drop-ins and visits (seed 000's figures:
    children supported, passed to independent advocacy), by the date of referral."""
    issues = Issue.objects.filter(
        triage=Triage.ADVOCACY,
        advocacy_referral__referred_on__gte=date_from,
        advocacy_referral__referred_on__lte=date_to,
    )
    figures = issues.aggregate(
        drop_ins=Count("pk", filter=Q(drop_in__isnull=False)),
        visits=Count("pk", filter=Q(visit__isnull=False)),
        independent=Count("pk", filter=Q(advocacy_referral__provider=AdvocacyProvider.INDEPENDENT)),
        children=Count("advocacy_referral__child", distinct=True),
    )
    return {key: int(value) for key, value in figures.items()}
