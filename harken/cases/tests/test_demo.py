"""`harken demo-data`: users in every role and casework of every kind, the same for a seed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from harken.accounts.models import Role, User
from harken.cases.demo import DEMO_PASSWORD, build_demo
from harken.cases.models import (
    Appointment,
    Case,
    ContactOutcome,
    Kind,
    SafeguardingConcern,
    Stage,
    Status,
)

pytestmark = pytest.mark.django_db

SMALL = ("--years", "1", "--scale", "0.15")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """What the records say, leaving out ids and references (the counter keeps counting)."""
    return [
        (
            c.kind,
            c.received_on,
            c.summary,
            c.details,
            c.status,
            c.closed_on,
            tuple(sorted(p.person.full_name for p in c.parties.all())),
            tuple((s.number, s.acknowledged_on, s.due_on, s.concluded_on) for s in c.stages.all()),
            tuple(
                (e.summary, tuple(o.outcome for o in e.outcomes.all())) for e in c.elements.all()
            ),
        )
        for c in Case.objects.prefetch_related(
            "parties__person", "stages", "elements__outcomes"
        ).order_by("received_on", "id")
    ]


@contextmanager
def undone() -> Iterator[None]:
    """Roll back whatever is made inside: afterwards the database is as clean as before."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def test_demo_makes_users_of_every_role_and_prints_their_log_ins():
    out = demo(*SMALL)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert f"the password is {DEMO_PASSWORD}" in out
    for username in (
        "officer",
        "manager",
        "io",
        "ip",
        "panel1",
        "panel2",
        "panel3",
        "reports",
        "admin",
    ):
        assert f"  {username} " in out
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    independent = User.objects.filter(role__in=[Role.INDEPENDENT_PERSON, Role.PANEL_MEMBER])
    assert independent.count() == 4
    assert not independent.filter(employed_by_council=True).exists()
    assert User.objects.get(username="manager").teams.exists()


def test_demo_makes_cases_of_every_kind_through_every_stage():
    """Every kind, every stage, outcomes, open work, safeguarding and a restricted case."""
    build_demo(seed=1, years=1, scale=0.15)
    assert set(Case.objects.values_list("kind", flat=True)) == set(Kind.values)
    contacts = Case.objects.filter(kind=Kind.CONTACT)
    assert (
        contacts.filter(contact_outcome=ContactOutcome.RESOLVED).count()
        > contacts.filter(contact_outcome=ContactOutcome.PROGRESSED).count()
        > 0
    )
    assert Stage.objects.filter(number=2, concluded_on__isnull=False).exists()
    assert Appointment.objects.exists()
    assert Case.objects.filter(status=Status.OPEN, kind=Kind.COMPLAINT).exists()
    assert Case.objects.filter(restricted=True).count() == 1
    # The case stories' two, and those raised at the homes' visits and drop-ins (issue 14).
    assert SafeguardingConcern.objects.filter(raised_at__isnull=True).count() == 2
    assert SafeguardingConcern.objects.filter(raised_at__isnull=False).exists()
    # Issue 14: homes with a year of visits, some months missed and some reports late, and
    # drop-ins whose issues are triaged every way.
    from harken.homes import selectors as homes
    from harken.homes.models import DropIn, Home, Issue

    assert Home.objects.count() == 5
    rows = homes.compliance(first=dt.date(2023, 7, 1), last=dt.date(2024, 5, 31))
    assert sum(r.missed for r in rows) > 0
    assert sum(r.reports_late for r in rows) > 0
    assert DropIn.objects.count() >= 24
    # The demo's independent visitor signs in and has visits of her own among the others.
    from harken.homes.models import Visit

    theirs = Visit.objects.filter(visitor__user__username="visitor")
    assert 0 < theirs.count() < Visit.objects.count()
    assert Issue.objects.filter(drop_in__isnull=False, case__kind=Kind.COMPLAINT).exists()
    received = sorted(Case.objects.values_list("received_on", flat=True))
    assert dt.date(2023, 6, 28) <= received[0] < dt.date(2023, 8, 1)  # a year ago
    assert received[-1] <= dt.date(2024, 6, 28)  # nothing in the future


def test_demo_fills_the_inbox_as_the_mailbox_and_notify_would(settings, tmp_path):
    """A new complaint, a reply that joins its open case, a reply to a closed case, a reference
    from a stranger (only suggested), an out-of-office set aside, and two text messages."""
    from harken.correspondence.models import ItemKind, ItemStatus, MailItem

    settings.MEDIA_ROOT = tmp_path
    build_demo(seed=1, years=1, scale=0.15)
    inbox = MailItem.objects.filter(status=ItemStatus.NEW)
    assert inbox.filter(kind=ItemKind.TEXT).count() == 2
    closed_reply = inbox.get(case__isnull=False)
    assert closed_reply.case is not None
    assert closed_reply.case.status == Status.CLOSED
    assert closed_reply.case.reference in closed_reply.subject
    joined = MailItem.objects.get(status=ItemStatus.JOINED)
    assert joined.case is not None
    assert joined.case.status == Status.OPEN
    suggested = inbox.get(suggested_case__isnull=False)
    assert suggested.suggested_case == joined.case
    assert (
        inbox.filter(case__isnull=True, suggested_case__isnull=True)
        .exclude(kind=ItemKind.TEXT)
        .count()
        == 1
    )
    assert MailItem.objects.filter(status=ItemStatus.SET_ASIDE).count() == 1
    # A second run finds each message stored already: nothing twice.
    before = MailItem.objects.count()
    build_demo(seed=1, years=1, scale=0.15)
    assert MailItem.objects.count() == before


def test_demo_is_the_same_for_a_seed_and_different_for_another():
    with undone():
        build_demo(seed=7, years=1, scale=0.1)
        first = snapshot()
    with undone():
        build_demo(seed=7, years=1, scale=0.1)
        assert snapshot() == first
    build_demo(seed=8, years=1, scale=0.1)
    assert snapshot() != first


def test_if_empty_does_nothing_the_second_time():
    demo("--if-empty", *SMALL)
    count = Case.objects.count()
    assert count > 0
    out = demo("--if-empty", *SMALL)
    assert "There are cases already: no demo data added." in out
    assert Case.objects.count() == count
    # The log-ins are printed again for whoever runs `make run` a second time.
    assert f"the password is {DEMO_PASSWORD}" in out
    assert "  officer " in out


def test_a_second_run_keeps_existing_accounts():
    demo(*SMALL)
    out = demo(*SMALL)
    assert "(already existed: password unchanged)" in out
    assert User.objects.filter(username="officer").count() == 1
