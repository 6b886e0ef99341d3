"""Demo children's homes (issue 14): five homes, a year of Regulation 44 visits with some months
missed and some reports late, recommendations on the action plan, and drop-ins whose issues are
triaged every way, all through the services. Called by `harken demo-data` (cases/demo.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps

from harken import access
from harken.access import Perm

from . import selectors, services
from .models import Home, Ownership, Triage

HOMES = (
    ("Oak Lodge", "Shire County Council", Ownership.OWN, "SC401122", 4),
    ("Willow House", "Shire County Council", Ownership.OWN, "SC401187", 5),
    ("The Beeches", "Shire County Council", Ownership.OWN, "SC402016", 3),
    ("Harbour View", "Horizon Care Ltd", Ownership.INDEPENDENT, "2590114", 6),
    ("Meadow Court", "Bright Futures Homes", Ownership.INDEPENDENT, "SC488310", 4),
)
VISITORS = ("Vera Okafor", "Martin Hale", "Priya Shah")
ISSUES: dict[str, str] = {
    Triage.NO_ACTION: "Asked when the new games console will arrive.",
    Triage.PASSED_TO_TEAM: "Pocket money has been paid late two weeks running.",
    Triage.ADVOCACY: "Would like help to say what they want at their next review.",
    Triage.SAFEGUARDING: "Said an older resident takes their belongings and threatens them.",
    Triage.CONTACT: "Wants to know why family contact was moved to a weekday.",
    Triage.COMPLAINT: "Unhappy that their social worker changed three times this year.",
}


def homes_demo(builder: Any) -> None:
    officer = builder.officer
    # The managers own the actions (their teams carry them out).
    owners = [u for u in builder.users.values() if access.may(u, Perm.CASES_OF_TEAMS)]
    today = builder.today
    # A year of visits, inside the demo's history (which starts on a day of its first month).
    first_month = max(
        selectors.add_months(selectors.month_start(today), -12),
        selectors.add_months(selectors.month_start(builder.start), 1),
    )
    homes = []
    for i, (name, provider, ownership, urn, places) in enumerate(HOMES):
        existing = Home.objects.filter(ofsted_urn=urn).first()
        if existing is not None:  # a second run adds records to the homes already there
            homes.append(existing)
            continue
        homes.append(
            services.home_create(
                actor=officer,
                name=name,
                provider=provider,
                ownership=ownership,
                ofsted_urn=urn,
                places=places,
                opened_on=dt.date(2015 + i, 3, 1),
                registered_manager=f"Registered manager of {name}",
                # The Beeches closed four months ago: no visits due since.
                closed_on=selectors.add_months(first_month, 8) if i == 2 else None,
            )
        )
    team = next(iter(builder.teams.values()))
    vera = _signed_in_visitor(builder)
    for month in selectors.months(first_month, today):
        for home in homes:
            if not selectors.is_due(home, month) or builder.chance(0.08):
                continue  # a month missed
            last = min(selectors.month_end(month), today, home.closed_on or today)
            if last < month:
                continue
            day = month + dt.timedelta(days=builder.rng.randint(0, (last - month).days))
            due = selectors.ofsted_due(day)
            late = builder.chance(0.12)
            sent = day + dt.timedelta(days=builder.rng.randint(5, 25))
            if late:
                sent = due + dt.timedelta(days=builder.rng.randint(3, 20))
            copied = day + dt.timedelta(days=3)
            name = builder.choice(VISITORS)
            visit = services.visit_record(
                actor=officer,
                home=home,
                visited_on=day,
                visitor_name=name,
                # Vera Okafor signs in ("visitor") and sees the visits that are hers.
                visitor=vera if name == VISITORS[0] else None,
                announced=builder.chance(0.3),
                children_spoken_to=builder.rng.randint(0, home.places),
                parents_spoken_to=builder.rng.randint(0, 2),
                staff_spoken_to=builder.rng.randint(1, 5),
                safeguarded="no" if builder.chance(0.05) else "yes",
                wellbeing_promoted="no" if builder.chance(0.1) else "yes",
                summary="Children spoke warmly of staff; records up to date.",
                sent_to_home_on=copied if copied <= today else None,
                sent_to_provider_on=copied if copied <= today else None,
                sent_to_ofsted_on=sent if sent <= today else None,
            )
            if builder.chance(0.2):
                services.visit_recommendation_add(
                    visit=visit,
                    text="Review the night-time staffing rota with the registered manager.",
                    owner=builder.choice(owners),
                    due_on=day + dt.timedelta(days=builder.rng.randint(20, 60)),
                    team=team,
                    actor=officer,
                )
            if builder.chance(0.1):
                triage = builder.choice((Triage.SAFEGUARDING, Triage.PASSED_TO_TEAM))
                _issue(builder, visit=visit, triage=triage, team=team)
    _drop_ins(builder, homes, first_month, team)


def _signed_in_visitor(builder: Any) -> Any:
    """The demo's independent visitor as a person of the pool with her account (the demo user
    "visitor"), or None when the pool or the user is not there."""
    user = builder.users.get("visitor")
    if user is None or not apps.is_installed("harken.pool"):
        return None
    from harken.pool import services as pool
    from harken.pool.models import Organisation, PoolEntry, PoolRole

    existing = PoolEntry.objects.filter(user=user).first()
    if existing is not None:
        return existing
    return pool.pool_entry_create(
        actor=builder.officer,
        name=VISITORS[0],
        organisation_kind=Organisation.SELF_EMPLOYED,
        roles=[PoolRole.INDEPENDENT_VISITOR],
        user=user,
        email="vera.okafor@visitors.example",
        dbs_checked_on=builder.today - dt.timedelta(days=400),
        availability="Monthly visits to three of the council's homes",
    )


def _drop_ins(builder: Any, homes: list[Any], first_month: dt.date, team: Any) -> None:
    """Two drop-ins a month, at a home or the youth centre, each with its issues."""
    officer, today = builder.officer, builder.today
    triages = list(ISSUES)
    for month in selectors.months(first_month, today):
        for _ in range(2):
            last = min(selectors.month_end(month), today)
            held = month + dt.timedelta(days=builder.rng.randint(0, (last - month).days))
            open_homes = [
                h
                for h in homes
                if h.opened_on <= held and (h.closed_on is None or h.closed_on >= held)
            ]
            home = builder.choice([*open_homes, None])
            drop_in = services.drop_in_record(
                actor=officer,
                home=home,
                placement="" if home is not None else "Youth centre, Market Street",
                held_on=held,
                officer=builder.choice([officer, builder.users["officer2"]]),
                young_people=builder.rng.randint(2, 9),
            )
            for _ in range(builder.rng.choice((0, 1, 1, 2))):
                _issue(builder, drop_in=drop_in, triage=builder.choice(triages), team=team)


def _issue(builder: Any, *, triage: str, team: Any, visit: Any = None, drop_in: Any = None) -> None:
    raised = visit.visited_on if visit is not None else drop_in.held_on
    child = builder.child_details(min_age=10, max_age=17)
    extra: dict[str, Any] = {}
    if triage == Triage.PASSED_TO_TEAM:
        extra = {"passed_to": team, "passed_to_person": "Duty manager", "passed_on": raised}
    elif triage == Triage.ADVOCACY:
        extra = {"advocacy_provider": builder.choice(("in_house", "in_house", "independent"))}
    elif triage == Triage.SAFEGUARDING:
        extra = {"referred_to": "front_door", "referred_on": raised}
    if triage in (Triage.ADVOCACY, Triage.CONTACT, Triage.COMPLAINT):
        extra.update(child_first_name=child["first_name"], child_last_name=child["last_name"])
    services.issue_record(
        actor=builder.officer,
        visit=visit,
        drop_in=drop_in,
        summary=ISSUES[triage],
        triage=triage,
        teams=[team] if triage in (Triage.CONTACT, Triage.COMPLAINT) else None,
        **extra,
    )
