"""Register records in each state, built through the services so every rule applies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from harken.accounts.models import User
from harken.cases.models import Case
from harken.registers import services
from harken.registers.models import (
    AdvocacyReferral,
    ContactRestriction,
    InvestigationCost,
    OmbudsmanCase,
    Payment,
    SubjectAccessRequest,
)

D = dt.date
_numbers = count(1)


def ombudsman_case(*, actor: User, case: Case | None = None, **extra: Any) -> OmbudsmanCase:
    values: dict[str, Any] = {
        "ombudsman_reference": f"23 {next(_numbers):03d} 456",
        "enquiry_received_on": D(2024, 3, 1),
    }
    if case is None:
        values["person_details"] = {"first_name": "Pat", "last_name": "Standalone"}
        values["summary"] = "Complained to the Ombudsman directly"
    return services.ombudsman_case_create(actor=actor, case=case, **{**values, **extra})


def payment(*, actor: User, case: Case, **extra: Any) -> Payment:
    values: dict[str, Any] = {
        "amount": Decimal("250.00"),
        "paid_on": D(2024, 4, 2),
        "reason": "Time and trouble",
    }
    return services.payment_create(actor=actor, case=case, **{**values, **extra})


def cost(*, actor: User, case: Case, **extra: Any) -> InvestigationCost:
    values: dict[str, Any] = {
        "role": "io",
        "amount": Decimal("1200.00"),
        "incurred_on": D(2024, 4, 10),
        "supplier": "Independent Investigations Ltd",
    }
    return services.cost_create(actor=actor, case=case, **{**values, **extra})


def restriction(*, actor: User, case: Case, **extra: Any) -> ContactRestriction:
    values: dict[str, Any] = {
        "person": case.parties.first().person,  # type: ignore[union-attr]
        "decision_on": D(2024, 5, 1),
        "reason": "Many calls a day to several teams",
        "restrictions": "Contact by e-mail only, to one officer.",
        "single_point_of_contact": "Olive Officer",
        "letter_issued_on": D(2024, 5, 2),
        "review_on": D(2024, 11, 1),
    }
    return services.restriction_create(actor=actor, case=case, **{**values, **extra})


def referral(*, actor: User, case: Case | None = None, **extra: Any) -> AdvocacyReferral:
    values: dict[str, Any] = {
        "child_details": {"first_name": "Jo", "last_name": "Child"},
        "referred_on": D(2024, 2, 1),
        "provider": "in_house",
    }
    return services.advocacy_referral_create(actor=actor, case=case, **{**values, **extra})


def sar(*, actor: User, **extra: Any) -> SubjectAccessRequest:
    values: dict[str, Any] = {
        "requester_details": {"first_name": "Sam", "last_name": "Requester"},
        "received_on": D(2024, 6, 3),
        "identity_verified_on": D(2024, 6, 3),
    }
    return services.sar_create(actor=actor, **{**values, **extra})
