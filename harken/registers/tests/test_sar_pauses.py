"""The subject access clock pauses while identity or clarification is awaited (art. 12A)."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.core.errors import AccessDenied, ApplicationError
from harken.registers import services
from harken.registers.models import Register, RegisterEvent, SarPause

from . import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_pause_moves_the_due_date_on_by_the_days_paused_and_says_why(officer):
    """Received 3 June 2024 (due 3 July). Asked for identity on 5 June, reply on 12 June:
    7 days paused, so due 10 July 2024, and the explanation names the pause."""
    sar = f.sar(actor=officer, received_on=D(2024, 6, 3), identity_verified_on=None)
    assert sar.due_on == D(2024, 7, 3)
    services.sar_pause(sar=sar, actor=officer, reason="identity", started_on=D(2024, 6, 5))
    sar.refresh_from_db()
    assert sar.due_on == D(2024, 7, 3)
    assert "The clock is paused, waiting for identity since 5 June 2024" in sar.due_explanation
    services.sar_resume(sar=sar, actor=officer, ended_on=D(2024, 6, 12))
    sar.refresh_from_db()
    assert sar.due_on == D(2024, 7, 10)
    assert sar.due_explanation == (
        "Due 10 July 2024: one calendar month after receipt on 3 June 2024 (3 July 2024), "
        "plus 7 days the clock was paused (waiting for identity from 5 June 2024 to "
        "12 June 2024 (7 days))."
    )
    verbs = list(
        RegisterEvent.objects.filter(register=Register.SAR, record_id=sar.pk).values_list(
            "verb", flat=True
        )
    )
    assert verbs == ["sar_recorded", "sar_paused", "sar_resumed"]


def test_two_pauses_add_up_and_a_weekend_moves_the_date_to_a_working_day(officer):
    """3 June + 1 month = 3 July; paused 2 days then 1 day: 6 July is a Saturday, so due
    Monday 8 July 2024."""
    sar = f.sar(actor=officer, received_on=D(2024, 6, 3))
    services.sar_pause(sar=sar, actor=officer, reason="identity", started_on=D(2024, 6, 4))
    services.sar_resume(sar=sar, actor=officer, ended_on=D(2024, 6, 6))
    services.sar_pause(sar=sar, actor=officer, reason="clarification", started_on=D(2024, 6, 10))
    services.sar_resume(sar=sar, actor=officer, ended_on=D(2024, 6, 11))
    sar.refresh_from_db()
    assert sar.due_on == D(2024, 7, 8)
    assert "plus 3 days the clock was paused" in sar.due_explanation
    assert "waiting for clarification from 10 June 2024 to 11 June 2024 (1 day)" in (
        sar.due_explanation
    )
    assert "moved from 6 July 2024 (Saturday) to the next working day" in sar.due_explanation


def test_the_extension_also_allows_for_the_pauses(officer):
    sar = f.sar(actor=officer, received_on=D(2024, 5, 1))
    services.sar_pause(sar=sar, actor=officer, reason="clarification", started_on=D(2024, 5, 2))
    services.sar_resume(sar=sar, actor=officer, ended_on=D(2024, 5, 9))
    sar.refresh_from_db()
    # 1 June + 7 days = Saturday 8 June: Monday 10 June.
    assert sar.due_on == D(2024, 6, 10)
    services.sar_extend(
        sar=sar, actor=officer, reason="Many files", requester_told_on=D(2024, 6, 7)
    )
    # 1 August + 7 days = Thursday 8 August.
    assert sar.extended_due_on == D(2024, 8, 8)
    assert "plus 7 days the clock was paused" in services.sar_extended_explanation(sar)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"reason": "holiday", "started_on": D(2024, 6, 5)}, "reason", "Select why"),
        ({"reason": "identity", "started_on": None}, "started_on", "Enter the date"),
        ({"reason": "identity", "started_on": D(2024, 6, 1)}, "started_on", "on or after"),
        ({"reason": "identity", "started_on": D(2024, 7, 1)}, "started_on", "today or in"),
    ],
)
def test_a_bad_pause_is_refused_beside_its_field(officer, kwargs, field, message):
    sar = f.sar(actor=officer, received_on=D(2024, 6, 3))
    with pytest.raises(ApplicationError) as exc:
        services.sar_pause(sar=sar, actor=officer, **kwargs)
    assert field in exc.value.field_errors
    assert message in exc.value.field_errors[field][0]
    assert not SarPause.objects.exists()


def test_pausing_twice_resuming_unpaused_and_pausing_a_sent_request_are_refused(officer):
    sar = f.sar(actor=officer, received_on=D(2024, 6, 3))
    with pytest.raises(ApplicationError, match="not paused"):
        services.sar_resume(sar=sar, actor=officer, ended_on=D(2024, 6, 4))
    services.sar_pause(sar=sar, actor=officer, reason="identity", started_on=D(2024, 6, 5))
    with pytest.raises(ApplicationError, match="already paused"):
        services.sar_pause(sar=sar, actor=officer, reason="identity", started_on=D(2024, 6, 6))
    with pytest.raises(ApplicationError) as exc:
        services.sar_resume(sar=sar, actor=officer, ended_on=D(2024, 6, 4))
    assert "ended_on" in exc.value.field_errors
    services.sar_resume(sar=sar, actor=officer, ended_on=D(2024, 6, 7))
    with pytest.raises(ApplicationError) as exc:
        services.sar_pause(sar=sar, actor=officer, reason="identity", started_on=D(2024, 6, 6))
    assert "started_on" in exc.value.field_errors
    services.sar_update(sar=sar, actor=officer, sent_on=D(2024, 6, 20))
    with pytest.raises(ApplicationError, match="has been sent"):
        services.sar_pause(sar=sar, actor=officer, reason="identity", started_on=D(2024, 6, 21))


@pytest.mark.parametrize("who", ["manager", "report_viewer", "io_user"])
def test_only_the_feedback_team_pauses_the_clock(request, officer, who):
    sar = f.sar(actor=officer, received_on=D(2024, 6, 3))
    with pytest.raises(AccessDenied):
        services.sar_pause(
            sar=sar, actor=request.getfixturevalue(who), reason="identity", started_on=D(2024, 6, 5)
        )
    assert not SarPause.objects.exists()
