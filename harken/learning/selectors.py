"""Reads of the action plan: each decides its joins once and starts from what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from harken.accounts.models import User
from harken.cases.models import Case
from harken.core.dates import today
from harken.core.errors import AccessDenied

from . import rules
from .models import OPEN_STATUSES, Action, ActionStatus, Recommendation

# The status filter's extra value: everything someone still has to do.
OUTSTANDING = "outstanding"


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""
    service_area: int | None = None
    team: int | None = None
    owner: int | None = None
    overdue: bool = False
    case: str = ""


def visible_recommendations(user: User) -> QuerySet[Recommendation]:
    if not rules.may_see_plan(user):
        return Recommendation.objects.none()
    return Recommendation.objects.filter(rules.recommendation_visibility(user))


def visible_actions(user: User) -> QuerySet[Action]:
    return Action.objects.filter(recommendation__in=visible_recommendations(user))


def overdue_q(on: dt.date | None = None, prefix: str = "") -> Q:
    """An action still to do whose due date has passed."""
    return Q(**{f"{prefix}status__in": OPEN_STATUSES, f"{prefix}due_on__lt": on or today()})


def action_list(*, user: User, filters: ActionFilters | None = None) -> QuerySet[Action]:
    """The action plan as `user` may see it: what is still to do first, soonest due first."""
    f = filters or ActionFilters()
    qs = visible_actions(user)
    if f.status == OUTSTANDING:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.service_area:
        qs = qs.filter(recommendation__service_area_id=f.service_area)
    if f.team:
        qs = qs.filter(recommendation__team_id=f.team)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.overdue:
        qs = qs.filter(overdue_q())
    if f.case:
        qs = qs.filter(recommendation__case__reference__iexact=f.case.strip())
    done_last = SqlCase(
        When(status__in=OPEN_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        qs.select_related(
            "owner",
            "recommendation__case",
            "recommendation__service_area",
            "recommendation__team",
        )
        .annotate(done_last=done_last)
        .order_by("done_last", "due_on", "recommendation__case__reference", "number", "id")
    )


def _with_actions(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return qs.select_related(
        "case", "stage", "ombudsman_case", "service_area", "team", "created_by", "visit__home"
    ).prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("number"))
    )


def recommendation_get(*, user: User, pk: int) -> Recommendation:
    """One recommendation and its actions; refuses one the user may not see (as not found)."""
    found = _with_actions(visible_recommendations(user)).filter(pk=pk).first()
    if found is None:
        raise AccessDenied("There is no recommendation with that number you can see.")
    return found


def action_get(*, user: User, pk: int) -> Action:
    found = (
        visible_actions(user)
        .select_related(
            "owner",
            "recommendation__case",
            "recommendation__service_area",
            "recommendation__team",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise AccessDenied("There is no action with that number you can see.")
    return found


def case_recommendations(*, user: User, case: Case) -> list[Recommendation]:
    """A case's recommendations the user may see, each with its action counts (one query)."""
    today_ = today()
    return list(
        visible_recommendations(user)
        .filter(case=case)
        .select_related("service_area", "team")
        .annotate(
            actions_total=Count("actions", filter=~Q(actions__status=ActionStatus.CANCELLED)),
            actions_completed=Count("actions", filter=Q(actions__status=ActionStatus.COMPLETED)),
            actions_overdue=Count("actions", filter=overdue_q(today_, "actions__")),
        )
        .order_by("number")
    )


def recommendation_list(*, user: User) -> QuerySet[Recommendation]:
    """Recommendations the user may see (for the API), with their actions."""
    return _with_actions(visible_recommendations(user)).order_by("-made_on", "-id")
