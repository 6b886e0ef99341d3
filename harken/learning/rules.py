"""Who may see and change the learning action plan. Rules are data: one place to read and test.

- Feedback officers and administrators record recommendations and actions on the cases they
  can see (restricted cases included only where they are named), and update any action.
- Managers see the recommendations on cases they can see, those for their teams and those
  with an action they own; they record progress and evidence on actions they own and on
  actions for their teams.
- Whoever owns an action records its progress and evidence.
- Report viewers see only the overview figures, never a recommendation or a case reference.
- Investigating Officers, Independent Persons and panel members have no part in it.
- A Regulation 44 visit's recommendation (no case, issue 14) is seen by those who see the
  visits (`Perm.HOMES_VIEW`), and by a manager for their teams or owning its action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from harken import access
from harken.access import Perm
from harken.accounts.current import active_user as _active

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from harken.accounts.models import User

    from .models import Action, Recommendation


def recommendation_visibility(user: User) -> Q:
    """A filter on Recommendation for those `user` may see."""
    from harken.cases.models import Case

    from .models import Action

    visits = (
        Q(case__isnull=True, visit__isnull=False)
        if access.may(user, Perm.HOMES_VIEW)
        else Q(pk__in=[])
    )
    if user.sees_all_cases:
        return Q(case__in=access.visible_cases(user)) | visits
    if access.role_may(user.role, Perm.CASES_OF_TEAMS):
        owns = Exists(Action.objects.filter(recommendation=OuterRef("pk"), owner=user))
        # A restricted case stays hidden from a team's manager unless they are named on it.
        named = Exists(
            Case.restricted_to.through.objects.filter(case_id=OuterRef("case_id"), user_id=user.pk)
        )
        for_team = Q(team__in=user.teams.all()) & (
            Q(case__restricted=False) | Q(named) | Q(case__isnull=True)
        )
        return Q(case__in=access.visible_cases(user)) | for_team | Q(owns) | visits
    return visits


def may_see_plan(user: User | AnonymousUser | None) -> bool:
    return access.may(user, Perm.PLAN_VIEW)


def may_see_overview(user: User | AnonymousUser | None) -> bool:
    return access.may(user, Perm.PLAN_OVERVIEW)


def may_change(user: User | AnonymousUser | None, recommendation: Recommendation) -> bool:
    """Record or change the recommendation and its actions (feedback officers' work)."""
    active = _active(user)
    if active is None or not access.may(active, Perm.PLAN_EDIT):
        return False
    if recommendation.case is None:
        return access.may(active, Perm.HOMES_VIEW)
    return access.can_view_case(active, recommendation.case)


# --- When: the state a recommendation or action must be in (the services refuse otherwise) ----


def takes_actions(recommendation: Recommendation) -> bool:
    """A recommendation not accepted has no actions."""
    from .models import Decision

    return bool(recommendation.decision != Decision.NOT_ACCEPTED)


def takes_progress(action: Action) -> bool:
    """Progress is recorded on any action not cancelled (a completed one can be set back)."""
    from .models import ActionStatus

    return bool(action.status != ActionStatus.CANCELLED)


def may_record_progress(user: User | AnonymousUser | None, action: Action) -> bool:
    """Record progress and evidence on the action: its owner, the team's manager, an officer."""
    active = _active(user)
    if active is None or not access.may(active, Perm.PLAN_VIEW):
        return False
    if action.owner_id == active.pk:
        return True
    recommendation = action.recommendation
    if access.may(active, Perm.CASES_OF_TEAMS):
        return (
            recommendation.team_id is not None
            and active.teams.filter(pk=recommendation.team_id).exists()
            and (
                recommendation.case is None
                or not recommendation.case.restricted
                or recommendation.case.restricted_to.filter(pk=active.pk).exists()
            )
        )
    return may_change(active, recommendation)
