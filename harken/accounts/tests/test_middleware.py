"""Session security: the second factor is required everywhere; idle sessions end."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from harken.accounts import services
from harken.accounts.middleware import timed_out_message
from harken.accounts.models import SignInEvent
from harken.core.web import TWO_FACTOR_SESSION_KEY

from .helpers import post_password, with_two_factor

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_password_only_session_is_sent_to_the_second_factor(client, admin_user):
    with_two_factor(admin_user)
    post_password(client, "ada_admin")
    response = client.get("/staff/users/?role=manager")
    assert response["Location"] == "/staff/sign-in/code/"
    # ...and comes back to the page it asked for.
    assert client.session["harken_sign_in_next"] == "/staff/users/?role=manager"


def test_password_only_session_without_an_app_is_sent_to_set_up(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/staff/users/")["Location"] == "/staff/sign-in/set-up/"
    assert client.get("/django-admin/")["Location"] == "/staff/sign-in/set-up/"


def test_password_only_session_is_nobody_to_the_api(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/api/v1/teams/").status_code in {401, 403}
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    assert client.get("/api/v1/teams/").status_code == 200


def test_api_tokens_do_not_need_a_session(client, admin_user):
    from harken.accounts.tests.factories import api_token_for

    key = api_token_for(admin_user)
    response = client.get("/api/v1/teams/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200


def test_sign_in_pages_stay_open_to_a_half_signed_in_user(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/staff/sign-in/set-up/").status_code == 200
    assert client.get("/staff/sign-in/").status_code == 200
    assert client.post("/staff/sign-out/")["Location"] == "/staff/sign-in/"


def test_thirty_idle_minutes_sign_out(client, officer, sign_in, clock):
    sign_in(officer)
    assert client.get("/staff/account/").status_code == 200
    clock.shift(dt.timedelta(minutes=29))
    assert client.get("/staff/account/").status_code == 200  # activity restarts the count
    clock.shift(dt.timedelta(minutes=29, seconds=59))
    assert client.get("/staff/account/").status_code == 200
    clock.shift(dt.timedelta(minutes=30))
    response = client.get("/staff/account/")
    assert response["Location"] == "/staff/sign-in/?next=/staff/account/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert timed_out_message() in page
    assert SignInEvent.objects.filter(user=officer, kind="timed_out").count() == 1


def test_page_reads_rewrite_the_session_at_most_once_a_minute(client, officer, sign_in, clock):
    """Reading pages does not rewrite the session row each time; the count still restarts."""
    from django.contrib.sessions.models import Session

    sign_in(officer)
    client.get("/staff/account/")
    key = client.session.session_key

    def stored() -> str:
        return Session.objects.get(session_key=key).session_data

    before = stored()
    clock.shift(dt.timedelta(seconds=20))
    assert client.get("/staff/account/").status_code == 200
    assert stored() == before  # 20 seconds on: not written again
    clock.shift(dt.timedelta(seconds=45))
    assert client.get("/staff/account/").status_code == 200
    assert stored() != before  # over a minute since the last write: the count restarts
    clock.shift(dt.timedelta(minutes=29, seconds=30))
    assert client.get("/staff/account/").status_code == 200  # 29.5 idle minutes: still in
    clock.shift(dt.timedelta(minutes=30))
    assert client.get("/staff/account/")["Location"].startswith("/staff/sign-in/")


def test_keep_alive_asks_without_extending_and_extends_on_post(client, officer, sign_in, clock):
    sign_in(officer)
    client.get("/staff/account/")
    clock.shift(dt.timedelta(minutes=28))
    assert client.get("/staff/keep-alive/").json() == {"seconds_left": 120}
    clock.shift(dt.timedelta(minutes=1))
    assert client.get("/staff/keep-alive/").json() == {"seconds_left": 60}
    assert client.post("/staff/keep-alive/").json() == {"seconds_left": 1800}
    clock.shift(dt.timedelta(minutes=29))
    assert client.get("/staff/account/").status_code == 200


def test_keep_alive_after_the_timeout_says_so(client, officer, sign_in, clock):
    sign_in(officer)
    client.get("/staff/account/")
    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/staff/keep-alive/")
    assert response.status_code == 401
    assert timed_out_message() in client.get("/staff/sign-in/").content.decode()


def test_staff_pages_load_the_timeout_warning(client, officer, sign_in):
    sign_in(officer)
    page = client.get("/staff/account/").content.decode()
    assert 'src="/static/harken/js/timeout.js"' in page
    left = re.search(r'data-seconds-left="(\d+)"', page)
    assert left
    assert 1740 <= int(left.group(1)) <= 1800  # a page read counts to the minute
    client.post("/staff/sign-out/")
    assert "timeout.js" not in client.get("/staff/sign-in/").content.decode()


def test_resetting_two_factor_ends_the_users_sessions(client, officer, admin_user, sign_in):
    with_two_factor(officer)
    sign_in(officer)
    assert client.get("/staff/account/").status_code == 200
    services.two_factor_reset(actor=admin_user, user=officer)
    assert client.get("/staff/account/")["Location"].startswith("/staff/sign-in/")


def test_deactivating_ends_the_users_sessions(client, officer, admin_user, sign_in):
    sign_in(officer)
    services.user_set_active(actor=admin_user, user=officer, active=False)
    assert client.get("/staff/account/")["Location"].startswith("/staff/sign-in/")


def test_keep_alive_needs_the_pages_csrf_token(officer):
    """The warning's "Stay signed in" posts with the token the page gives it."""
    from django.test import Client

    from harken.core.web import TWO_FACTOR_SESSION_KEY as KEY

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    session = client.session
    session[KEY] = True
    session.save()
    page = client.get("/staff/account/").content.decode()
    token = re.search(r'data-csrf-token="([^"]+)"', page)
    assert token is not None
    assert client.post("/staff/keep-alive/").status_code == 403
    response = client.post("/staff/keep-alive/", headers={"X-CSRFToken": token.group(1)})
    assert response.json() == {"seconds_left": 1800}


def test_the_django_admin_shows_accounts_but_changes_them_only_through_harken(
    client, admin_user, manager
):
    """A superuser can read accounts in the Django admin; roles and teams are changed on the
    staff Users pages, whose rules and audit trail the admin would skip."""
    from harken.accounts.models import Role

    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin_user)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    page = f"/django-admin/accounts/user/{manager.pk}/change/"
    assert client.get(page).status_code == 200  # read only
    response = client.post(page, {"username": manager.username, "role": Role.ADMINISTRATOR})
    assert response.status_code == 403
    manager.refresh_from_db()
    assert manager.role == Role.MANAGER
    assert client.get("/django-admin/accounts/user/add/").status_code == 403
