"""Closed cases and surveys in each state, built through the services."""

from __future__ import annotations

import datetime as dt

from harken.accounts.models import User
from harken.cases.models import Case
from harken.cases.tests.factories import complaint, respond_all
from harken.core.dates import today

from .. import services
from ..models import Audience


def closed_complaint(actor: User, *, received_on: dt.date | None = None) -> Case:
    received = received_on or today() - dt.timedelta(days=30)
    case = complaint(actor=actor, received_on=received)
    respond_all(case, on=received + dt.timedelta(days=7), actor=actor)
    case.refresh_from_db()
    return case


def letter_survey(
    actor: User, case: Case | None = None, audience: str = Audience.ADULT
) -> tuple[Case, str]:
    """A closed complaint's survey sent as a letter's link; returns the case and the token."""
    case = case or closed_complaint(actor)
    sent = services.invitation_send(
        case=case, audience=audience, channel="letter", actor=actor, base_url="http://testserver/"
    )
    return case, sent.link.rstrip("/").rsplit("/", 1)[-1]
