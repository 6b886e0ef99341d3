"""Figures about the action plan, as plain data: the overview page, the API and the reports
all show these, so they agree by construction. No figure names a person or a case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from harken.accounts.models import ServiceArea
from harken.core.dates import today

from .models import OPEN_STATUSES, Action, ActionStatus, Decision, Recommendation


@dataclass(frozen=True)
class OverviewRow:
    service_area_id: int | None
    service_area: str
    recommendations: int
    open: int
    overdue: int
    completed: int

    def as_dict(self) -> dict[str, int | str | None]:
        return asdict(self)


def action_overview(on: dt.date | None = None) -> list[OverviewRow]:
    """Open, overdue and completed actions by service area, with a total row last (1 query).

    Open counts "not started" and "in progress"; overdue is the part of open past its due
    date; cancelled actions are left out.
    """
    on = on or today()
    path = "recommendations__actions__"
    areas = (
        ServiceArea.objects.annotate(
            n_recommendations=Count("recommendations", distinct=True),
            n_open=Count(
                "recommendations__actions", filter=Q(**{f"{path}status__in": OPEN_STATUSES})
            ),
            n_overdue=Count(
                "recommendations__actions",
                filter=Q(**{f"{path}status__in": OPEN_STATUSES, f"{path}due_on__lt": on}),
            ),
            n_completed=Count(
                "recommendations__actions", filter=Q(**{f"{path}status": ActionStatus.COMPLETED})
            ),
        )
        .order_by("name")
        .values_list("pk", "name", "n_recommendations", "n_open", "n_overdue", "n_completed")
    )
    rows = [OverviewRow(*values) for values in areas]
    total = OverviewRow(
        None,
        "All service areas",
        sum(r.recommendations for r in rows),
        sum(r.open for r in rows),
        sum(r.overdue for r in rows),
        sum(r.completed for r in rows),
    )
    return [*rows, total]


def recommendations_summary(
    date_from: dt.date, date_to: dt.date, *, visits: bool = False
) -> dict[str, int]:
    """Recommendations made from `date_from` to `date_to` (inclusive), and where they stood at
    the end of the period (or today, if that is earlier). One query.

    - made: recommendations made in the period;
    - not_accepted: of those, refused by the council by the end of the period;
    - implemented: accepted or awaiting a decision, with at least one action, every action
      (but cancelled ones) completed by the end of the period;
    - open: the rest (made - not accepted - implemented), awaiting decision included;
    - overdue: of the open ones, those with an action past its due date and not completed.
    Also `actions_completed`: actions on them completed by the end of the period.

    The recommendations of complaints and the Ombudsman; with `visits`, those of Regulation 44
    visits instead (issue 14: the homes section counts them, so the learning table's figures
    stay those of complaints).
    """
    as_at = min(date_to, today())
    done = Q(status=ActionStatus.COMPLETED, completed_on__lte=as_at)
    cancelled = Q(status=ActionStatus.CANCELLED, cancelled_on__lte=as_at)

    def actions_where(condition: Q) -> Coalesce:
        """How many of the recommendation's actions meet `condition` (a correlated count)."""
        counted = (
            Action.objects.filter(condition, recommendation=OuterRef("pk"))
            .values("recommendation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted), 0)

    refused = Q(decision=Decision.NOT_ACCEPTED, decided_on__lte=as_at)
    implemented = ~refused & Q(n_actions__gt=0, n_done=F("n_actions"))
    figures = (
        Recommendation.objects.filter(
            made_on__gte=date_from, made_on__lte=date_to, visit__isnull=not visits
        )
        .annotate(
            n_actions=actions_where(~cancelled),
            n_done=actions_where(done),
            n_overdue=actions_where(~done & ~cancelled & Q(due_on__lt=as_at)),
        )
        .aggregate(
            made=Count("pk"),
            not_accepted=Count("pk", filter=refused),
            implemented=Count("pk", filter=implemented),
            overdue=Count("pk", filter=~refused & ~implemented & Q(n_overdue__gt=0)),
            actions_completed=Coalesce(Sum("n_done"), 0),
        )
    )
    figures["open"] = figures["made"] - figures["not_accepted"] - figures["implemented"]
    keys = ("made", "not_accepted", "implemented", "open", "overdue", "actions_completed")
    return {key: int(figures[key]) for key in keys}
