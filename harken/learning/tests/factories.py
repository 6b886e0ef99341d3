"""Cases with recommendations and actions, built through the services so every rule applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from harken.accounts.models import Team, User
from harken.cases import services as case_services
from harken.cases.models import Case
from harken.cases.tests.factories import complaint, respond_all
from harken.learning import services
from harken.learning.models import Action, Decision, Recommendation, Source

D = dt.date
DUE = D(2024, 9, 30)


def stage2_case(officer: User, *, team: str = "Assessment Teams", **extra: Any) -> Case:
    """A children's statutory complaint at stage 2, requested on 29 January 2024."""
    case = complaint(actor=officer, received_on=D(2024, 1, 8), team=team, **extra)
    respond_all(case, on=D(2024, 1, 19), actor=officer)
    case_services.complaint_escalate(case=case, requested_on=D(2024, 1, 29), actor=officer)
    case.refresh_from_db()
    return case


def recommendation(officer: User, case: Case, **values: Any) -> Recommendation:
    """An accepted stage 2 recommendation for the case's first team, made 1 March 2024."""
    defaults: dict[str, Any] = {
        "source": Source.STAGE2,
        "made_on": D(2024, 3, 1),
        "text": "Share assessment plans with parents before meetings.",
        "team": case.teams.first(),
        "decision": Decision.ACCEPTED,
        "decided_on": D(2024, 3, 8),
    }
    return services.recommendation_create(case=case, actor=officer, **{**defaults, **values})


def action(
    officer: User,
    rec: Recommendation,
    owner: User,
    *,
    due_on: dt.date = DUE,
    description: str = "Update the assessment guidance.",
) -> Action:
    return services.action_create(
        recommendation=rec, description=description, owner=owner, due_on=due_on, actor=officer
    )


def team(name: str) -> Team:
    return Team.objects.get(name=name)
