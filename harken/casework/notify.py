"""Passing a compliment on: the record changes through the services, and the e-mail goes
out after the transaction commits, from a background task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from harken.accounts.models import User
from harken.cases import services
from harken.cases.models import Case
from harken.core.errors import ApplicationError


@transaction.atomic
def pass_on_compliment(*, case: Case, on: dt.date, recipients: Sequence[str], actor: User) -> Case:
    """Record the compliment as passed on (and to whom), and the e-mail to send: queued once
    committed, sent by the task; the timeline says "e-mailed" once the mail server took it."""
    from harken.notifications.models import MessageKind
    from harken.notifications.outbox import message_queue

    recipients = list(dict.fromkeys(r.strip().lower() for r in recipients if r.strip()))
    case = services.compliment_pass_on(case=case, on=on, actor=actor)
    services.note_add(
        case=case,
        text=f"Compliment to be passed on by e-mail to {', '.join(recipients)}.",
        actor=actor,
    )
    message_queue(kind=MessageKind.COMPLIMENT, to=recipients, case=case, requested_by=actor)
    return case


def pass_on_to_team(*, case: Case, on: dt.date, worker_email: str, actor: User) -> list[str]:
    """Pass a compliment on as it is logged: to the worker praised (if their address is
    given) and the managers of the teams it is about. Returns who it went to."""
    from .selectors import team_managers

    recipients = [worker_email] if worker_email else []
    recipients += [manager.email for manager in team_managers(case)]
    if not recipients:
        raise ApplicationError.for_field(
            "worker_email",
            "The team has no manager with an e-mail address: enter the worker's e-mail address.",
        )
    pass_on_compliment(case=case, on=on, recipients=recipients, actor=actor)
    return recipients
