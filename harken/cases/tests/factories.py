"""Cases in each state, built through the services so every rule applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from faker import Faker

from harken.accounts.models import Team, User
from harken.cases import services
from harken.cases.models import Case, Kind, Outcome, PartyRole, Relationship, Theme

fake = Faker("en_GB")


def person_details(**overrides: Any) -> dict[str, Any]:
    """A made-up complainant's details."""
    return {
        "first_name": fake.first_name(),
        "last_name": fake.last_name(),
        "email": fake.email(),
        "contact_preference": "email",
        **overrides,
    }


def complaint(
    *,
    actor: User,
    received_on: dt.date,
    team: Team | str = "Assessment Teams",
    procedure_code: str | None = None,
    elements: int = 2,
    theme: str = "Communication",
    **extra: Any,
) -> Case:
    """A stage 1 complaint about `team` with `elements` points of complaint."""
    team_obj = team if isinstance(team, Team) else Team.objects.get(name=team)
    theme_obj = Theme.objects.get(name=theme)
    return services.case_create(
        actor=actor,
        kind=Kind.COMPLAINT,
        channel="phone",
        received_on=received_on,
        summary=extra.pop("summary", "Unhappy with the service"),
        teams=[team_obj],
        themes=[theme_obj],
        procedure_code=procedure_code,
        people=[
            services.PersonInput(
                role=PartyRole.COMPLAINANT,
                relationship=Relationship.PARENT,
                details=person_details(),
            )
        ],
        elements=[
            services.ElementInput(summary=f"Point {i}", theme=theme_obj, team=team_obj)
            for i in range(1, elements + 1)
        ],
        **extra,
    )


def respond_all(
    case: Case, *, on: dt.date, actor: User, outcome: str = Outcome.NOT_UPHELD, **extra: Any
) -> None:
    services.stage_respond(
        case=case,
        on=on,
        actor=actor,
        outcomes={e.pk: outcome for e in case.elements.all()},
        **extra,
    )
