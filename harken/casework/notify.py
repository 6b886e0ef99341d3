"""Passing a compliment on: the record changes through the services, and the e-mail goes
out after the transaction commits, from a background task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from django.db import transaction

from harken.accounts.models import User
from harken.cases import services
from harken.cases.models import Case


@transaction.atomic
def pass_on_compliment(*, case: Case, on: dt.date, recipients: Sequence[str], actor: User) -> Case:
    """Record the compliment as passed on (and to whom), then e-mail it once committed."""
    from .tasks import send_compliment

    recipients = list(dict.fromkeys(r.strip().lower() for r in recipients if r.strip()))
    case = services.compliment_pass_on(case=case, on=on, actor=actor)
    services.note_add(
        case=case, text=f"Compliment passed on by e-mail to {', '.join(recipients)}.", actor=actor
    )
    transaction.on_commit(partial(send_compliment.enqueue, case.pk, recipients))
    return case
