"""Pool upkeep: ending an appointment by a partner council (it leaves the person's load, and a
cancelled one is no appointment made for partners), and DBS checks to renew on "Your day" and
in the daily digest, which tells of each one once, not every morning."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from harken.core.errors import AccessDenied, ApplicationError
from harken.notifications.content import digest
from harken.pool import metrics, selectors, services
from harken.pool.digest import reminder_due
from harken.pool.models import PartnerOutcome, PoolEntry, PoolEvent, PoolRole, Sharing

from .conftest import D, make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def lent(officer):
    return make_entry(
        officer, name="Len Lent", sharing=Sharing.TO_PARTNER, partner_council="South Tyneside"
    )


def _load(entry) -> int:
    return selectors._with_load(PoolEntry.objects.filter(pk=entry.pk)).get().load  # type: ignore[attr-defined]


MAY_1 = D(2024, 5, 1)


def _partner(officer, entry, on=MAY_1):
    return services.partner_appointment_record(
        entry=entry, actor=officer, role=PoolRole.INDEPENDENT_PERSON, appointed_on=on
    )


@time_machine.travel(dt.datetime(2024, 6, 3, 12, tzinfo=dt.UTC))
def test_ending_a_partner_appointment_takes_it_off_the_load(officer, lent):
    made = _partner(officer, lent)
    assert _load(lent) == 1
    services.partner_appointment_end(
        appointment=made, actor=officer, ended_on=D(2024, 5, 30), outcome=PartnerOutcome.COMPLETED
    )
    made.refresh_from_db()
    assert (made.ended_on, made.outcome) == (D(2024, 5, 30), PartnerOutcome.COMPLETED)
    assert _load(lent) == 0
    event = PoolEvent.objects.get(verb=PoolEvent.Verb.PARTNER_ENDED)
    assert "ended on 30 May 2024: work completed" in event.description
    with pytest.raises(ApplicationError, match="already ended"):
        services.partner_appointment_end(
            appointment=made, actor=officer, ended_on=D(2024, 5, 31), outcome="completed"
        )


@time_machine.travel(dt.datetime(2024, 6, 3, 12, tzinfo=dt.UTC))
@pytest.mark.parametrize(
    ("ended_on", "outcome", "field", "message"),
    [
        (None, "completed", "ended_on", "Enter the date the appointment ended."),
        (D(2024, 4, 1), "completed", "ended_on", "on or after the day it was made (1 May 2024)"),
        (D(2024, 7, 1), "completed", "ended_on", "must be today or in the past"),
        (D(2024, 5, 30), "lost", "outcome", "Select how the appointment ended"),
    ],
)
def test_a_bad_end_is_refused_and_saves_nothing(officer, lent, ended_on, outcome, field, message):
    made = _partner(officer, lent)
    with pytest.raises(ApplicationError, match=re.escape(message)) as caught:
        services.partner_appointment_end(
            appointment=made, actor=officer, ended_on=ended_on, outcome=outcome
        )
    assert field in caught.value.field_errors
    made.refresh_from_db()
    assert made.ended_on is None


def test_a_manager_may_not_end_one(officer, manager, lent):
    made = _partner(officer, lent)
    with pytest.raises(AccessDenied):
        services.partner_appointment_end(
            appointment=made, actor=manager, ended_on=D(2024, 5, 30), outcome="completed"
        )


def test_a_cancelled_appointment_is_not_one_made_for_partners(officer, lent):
    kept = _partner(officer, lent)
    dropped = _partner(officer, lent, on=D(2024, 5, 2))
    services.partner_appointment_end(
        appointment=dropped, actor=officer, ended_on=D(2024, 5, 3), outcome="cancelled"
    )
    services.partner_appointment_end(
        appointment=kept, actor=officer, ended_on=D(2024, 5, 20), outcome="stood_down"
    )
    figures = metrics.independent_people(D(2024, 4, 1), D(2025, 3, 31))
    assert figures["for_partners"] == 1


def test_the_page_ends_one_with_an_error_summary_first(sign_in, officer, manager, lent):
    made = _partner(officer, lent)
    url = f"/staff/pool/{lent.pk}/partner-appointments/{made.pk}/end/"
    assert sign_in(manager).get(url).status_code == 403
    client = sign_in(officer)
    entry_page = client.get(f"/staff/pool/{lent.pk}/")
    assert url in entry_page.text
    bad = client.post(url, {})
    assert bad.status_code == 200
    assert "There is a problem" in bad.text
    assert "Select how the appointment ended" in bad.text
    done = client.post(
        url,
        {"ended_on_0": "30", "ended_on_1": "5", "ended_on_2": "2024", "outcome": "completed"},
    )
    assert done.status_code == 302
    made.refresh_from_db()
    assert made.outcome == "completed"
    assert "ended 30 May 2024: work completed" in client.get(f"/staff/pool/{lent.pk}/").text
    # Ended: the page to end it is gone.
    assert client.get(url).status_code == 404


# --- DBS checks to renew ----------------------------------------------------------------------


def test_your_day_lists_checks_lapsing_within_30_days_or_lapsed(sign_in, officer, manager):
    make_entry(officer, name="Soon Lapsing", dbs_checked_on=D(2021, 12, 20))
    make_entry(officer, name="Long Lapsed", dbs_checked_on=D(2020, 1, 6))
    make_entry(officer, name="Fine Person", dbs_checked_on=D(2023, 6, 1))
    with time_machine.travel(dt.datetime(2024, 12, 2, 12, tzinfo=dt.UTC)):
        page = sign_in(officer).get(reverse("casework:start"))
        assert "DBS checks to renew" in page.text
        assert "Soon Lapsing" in page.text
        assert "Long Lapsed" in page.text
        assert "Fine Person" not in page.text
        # A manager does not keep the pool.
        assert "DBS checks to renew" not in sign_in(manager).get(reverse("casework:start")).text


@pytest.mark.parametrize(
    ("lapses", "today", "told"),
    [
        (D(2024, 12, 20), D(2024, 11, 20), True),  # 30 days before: Wednesday
        (D(2024, 12, 20), D(2024, 11, 21), False),  # the day after: not again
        (D(2024, 12, 20), D(2024, 12, 20), True),  # the day it lapses
        (D(2024, 12, 23), D(2024, 12, 23), True),
        (D(2024, 12, 21), D(2024, 12, 23), True),  # a Saturday: told on Monday
        (D(2024, 12, 20), D(2024, 12, 23), False),
        (D(2024, 12, 20), D(2025, 1, 2), True),  # lapsed: the month's first open day
        (D(2024, 12, 20), D(2025, 1, 3), False),
        (D(2024, 12, 20), D(2025, 2, 3), True),  # 1 February 2025 is a Saturday
    ],
)
def test_the_digest_tells_of_a_check_once_not_every_day(lapses, today, told):
    assert reminder_due(lapses, today) is told


def test_the_digest_section_for_the_pool_keepers(officer, manager):
    make_entry(officer, name="Soon Lapsing", dbs_checked_on=D(2021, 12, 20))
    make_entry(officer, name="Long Lapsed", dbs_checked_on=D(2020, 1, 6))

    def titles(user, day):
        return [s.title for s in digest(user, day).sections]

    section = next(
        s for s in digest(officer, D(2024, 11, 20)).sections if s.title == "DBS checks to renew"
    )
    assert [i.reference for i in section.items] == ["Soon Lapsing"]
    assert section.open == 1
    assert "DBS checks to renew" not in titles(officer, D(2024, 11, 21))
    december = next(
        s for s in digest(officer, D(2024, 12, 2)).sections if s.title == "DBS checks to renew"
    )
    assert [i.reference for i in december.items] == ["Long Lapsed"]
    assert december.overdue == 1
    assert "DBS checks to renew" not in titles(manager, D(2024, 12, 2))
