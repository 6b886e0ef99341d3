"""Each person sees and changes their own reminders; administrators choose senior managers."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.notifications.models import MessageStatus, ReminderKind, ReminderPreference

from .conftest import reminder_row

pytestmark = pytest.mark.django_db

PAGE = "/staff/reminders/"
SENIOR = "/staff/reminders/senior-managers/"


@pytest.mark.parametrize(
    "who", ["officer", "manager", "io_user", "ip_user", "report_viewer", "admin_user"]
)
def test_everyone_signed_in_has_a_reminders_page(request, sign_in, who):
    assert sign_in(request.getfixturevalue(who)).get(PAGE).status_code == 200


def test_signed_out_goes_to_sign_in(client):
    assert client.get(PAGE).url.startswith("/staff/sign-in/")


def test_defaults_then_saved_choices(sign_in, officer):
    client = sign_in(officer)
    page = client.get(PAGE).content.decode()
    assert 'name="daily_digest" type="checkbox" value="on" checked' in page
    assert "overdue_summary" not in page  # only senior managers are offered it
    assert "no e-mail address" in page
    response = client.post(PAGE, {"monthly_actions": "on"})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=officer)
    assert (preference.daily_digest, preference.monthly_actions) == (False, True)
    assert preference.overdue_summary is True  # untouched
    assert "Your reminder choices are saved" in client.get(PAGE).content.decode()


def test_sent_reminders_are_listed_with_failures(sign_in, officer, manager):
    sent = reminder_row(
        officer,
        ReminderKind.DIGEST,
        "digest:2025-08-22",
        dt.date(2025, 8, 22),
        status=MessageStatus.SENT,
        attempts=2,
        sent_at=dt.datetime(2025, 8, 22, 9, 0, tzinfo=dt.UTC),
    )
    sent.subject = "Daily digest for 22 August 2025 (1 overdue)"
    sent.save()
    reminder_row(
        officer,
        ReminderKind.ACTIONS,
        "actions:2025-09",
        dt.date(2025, 9, 1),
        attempts=1,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    reminder_row(manager, ReminderKind.DIGEST, "digest:x", dt.date(2025, 1, 2))
    page = sign_in(officer).get(PAGE).content.decode()
    assert "Daily digest for 22 August 2025 (1 overdue)" in page
    assert "22 August 2025 at 10:00am" in page
    assert "after 2 attempts" in page
    assert "Waiting to be sent" in page
    assert "Connection refused" in page
    assert "September 2025" in page
    assert "2 January 2025" not in page  # someone else's


def test_senior_managers_page_for_administrators_only(sign_in, admin_user, officer, manager):
    assert sign_in(officer).get(SENIOR).status_code == 403
    client = sign_in(admin_user)
    assert client.get(SENIOR).status_code == 200
    assert client.post(SENIOR, {"users": [manager.pk]}).status_code == 302
    assert ReminderPreference.objects.get(user=manager).senior_manager is True
    page = sign_in(manager).get(PAGE).content.decode()
    assert "overdue_summary" in page
    assert "An administrator has chosen you" in page
    sign_in(admin_user).post(SENIOR, {})
    assert ReminderPreference.objects.get(user=manager).senior_manager is False


def test_a_person_cannot_change_someone_elses_choices(officer, manager):
    from harken.core.errors import AccessDenied
    from harken.notifications import services

    with pytest.raises(AccessDenied):
        services.preferences_update(
            user=officer,
            actor=manager,
            daily_digest=False,
            monthly_actions=False,
            overdue_summary=False,
        )
    with pytest.raises(AccessDenied):
        services.senior_managers_set(users=[manager], actor=manager)


def test_reminders_page_query_count_does_not_grow(sign_in, officer, django_assert_max_num_queries):
    def add(n, start):
        for i in range(start, start + n):
            reminder_row(
                officer,
                ReminderKind.DIGEST,
                f"digest:{i}",
                dt.date(2025, 1, 1) + dt.timedelta(days=i),
            )

    add(2, 0)
    client = sign_in(officer)
    client.get(PAGE)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    add(30, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PAGE).status_code == 200
