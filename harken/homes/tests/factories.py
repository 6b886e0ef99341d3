"""Homes, visits and drop-ins built through the services, so every rule applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from harken.accounts.models import User
from harken.homes import services
from harken.homes.models import DropIn, Home, Ownership, Visit

D = dt.date


def home(actor: User, **values: Any) -> Home:
    defaults: dict[str, Any] = {
        "name": "Oak Lodge",
        "provider": "Shire County Council",
        "ownership": Ownership.OWN,
        "ofsted_urn": "SC123456",
        "places": 4,
        "opened_on": D(2020, 1, 6),
        "registered_manager": "Rowan Manager",
    }
    return services.home_create(actor=actor, **{**defaults, **values})


def visit(actor: User, at: Home, **values: Any) -> Visit:
    defaults: dict[str, Any] = {
        "visited_on": D(2024, 5, 14),
        "visitor_name": "Vera Visitor",
        "announced": False,
        "children_spoken_to": 3,
        "parents_spoken_to": 1,
        "staff_spoken_to": 4,
        "safeguarded": "yes",
        "wellbeing_promoted": "yes",
        "summary": "A calm home; the garden needs attention.",
    }
    return services.visit_record(actor=actor, home=at, **{**defaults, **values})


def drop_in(actor: User, at: Home | None = None, **values: Any) -> DropIn:
    defaults: dict[str, Any] = {"held_on": D(2024, 6, 20), "officer": actor, "young_people": 5}
    if at is None:
        defaults["placement"] = "Youth centre, North area"
    return services.drop_in_record(actor=actor, home=at, **{**defaults, **values})
