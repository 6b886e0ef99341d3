"""API tokens: named, ending, stored as digests, listed and revoked by their owner and by
administrators, ended by a password change, a two-factor reset or deactivation, and each use
recorded (when, and from which address)."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from harken.accounts.models import ApiToken, SignInEvent, SignInEventKind
from harken.accounts.services import token_digest

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
TEAMS = "/api/v1/teams/"
PASSWORD = "correct horse battery"


def _two_factor(user) -> pyotp.TOTP:
    user.totp_secret = pyotp.random_base32()
    user.two_factor_set_up_at = timezone.now()
    user.save()
    return pyotp.TOTP(user.totp_secret)


def _get_token(user, totp: pyotp.TOTP, **extra) -> dict:
    # Each code is accepted once: step the clock on to the next one for a second request.
    response = APIClient().post(
        TOKEN,
        {"username": user.username, "password": PASSWORD, "code": totp.now(), **extra},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return response.json()


def _as(key: str, **extra) -> APIClient:
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_each_request_makes_a_new_named_token_that_ends(officer):
    """Two requests give two keys, both working; each has its name and its end."""
    totp = _two_factor(officer)
    first = _get_token(officer, totp, name="Nightly export", expires_in_days=1)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        second = _get_token(officer, totp)
    assert first["token"] != second["token"]
    assert first["name"] == "Nightly export"
    assert second["name"] == "API token"
    assert _as(first["token"]).get(TEAMS).status_code == 200
    assert _as(second["token"]).get(TEAMS).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert _as(first["token"]).get(TEAMS).status_code == 401  # ended after one day
        assert _as(second["token"]).get(TEAMS).status_code == 200  # 90 days by default


def test_a_token_longer_than_the_maximum_is_refused(officer, settings):
    settings.HARKEN_API_TOKEN_MAX_DAYS = 30
    totp = _two_factor(officer)
    response = APIClient().post(
        TOKEN,
        {
            "username": officer.username,
            "password": PASSWORD,
            "code": totp.now(),
            "expires_in_days": 31,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "1 to 30 days" in response.json()["errors"]["expires_in_days"][0]
    assert not ApiToken.objects.exists()


def test_only_a_digest_of_the_key_is_kept(officer, admin_user, sign_in):
    """The key is in no column of its row, and the Django admin shows no tokens at all."""
    totp = _two_factor(officer)
    key = _get_token(officer, totp)["token"]
    row = ApiToken.objects.values().get()
    assert key not in {str(v) for v in row.values()}
    assert row["digest"] == token_digest(key)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = sign_in(admin_user)
    assert client.get("/django-admin/authtoken/token/").status_code == 404
    assert key not in client.get("/django-admin/").content.decode()


def test_owner_lists_and_revokes_their_tokens(officer, manager):
    """The list shows names, ends and last use, never a key; the owner revokes a token and it
    stops working. Someone else cannot see or revoke it."""
    totp = _two_factor(officer)
    key = _get_token(officer, totp, name="Dashboard")["token"]
    client = _as(key, REMOTE_ADDR="203.0.113.9")
    listed = client.get(TOKENS).json()
    assert [(t["name"], t["status"], t["last_used_from"]) for t in listed] == [
        ("Dashboard", "Active", "203.0.113.9")
    ]
    assert key not in str(listed)
    assert listed[0]["last_used_at"] is not None
    token_id = listed[0]["id"]
    other = APIClient()
    other.force_authenticate(manager)
    assert other.get(TOKENS).json() == []
    assert other.get(f"{TOKENS}?user={officer.pk}").status_code == 403
    assert other.delete(f"{TOKENS}{token_id}/").status_code == 404
    assert client.get(TEAMS).status_code == 200
    assert client.delete(f"{TOKENS}{token_id}/").status_code == 204
    assert client.get(TEAMS).status_code == 401
    assert SignInEvent.objects.filter(user=officer, kind=SignInEventKind.API_TOKEN_REVOKED).exists()


def test_administrator_lists_and_revokes_anyones_token(officer, admin_user):
    totp = _two_factor(officer)
    key = _get_token(officer, totp)["token"]
    admin = APIClient()
    admin.force_authenticate(admin_user)
    listed = admin.get(f"{TOKENS}?user={officer.pk}").json()
    assert len(listed) == 1
    assert admin.delete(f"{TOKENS}{listed[0]['id']}/").status_code == 204
    assert _as(key).get(TEAMS).status_code == 401
    revoked = ApiToken.objects.get()
    assert (revoked.revoked_by, revoked.revoked_reason) == (admin_user, "Revoked through the API")


def test_use_is_recorded_at_most_once_a_minute_from_the_same_address(officer):
    from django.test.utils import CaptureQueriesContext

    totp = _two_factor(officer)
    key = _get_token(officer, totp)["token"]
    client = _as(key, REMOTE_ADDR="198.51.100.7")
    client.get(TEAMS)
    first = ApiToken.objects.get().last_used_at
    with CaptureQueriesContext(connection) as queries:
        client.get(TEAMS)
    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        _as(key, REMOTE_ADDR="198.51.100.8").get(TEAMS)
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert first is not None
    assert token.last_used_at > first
    assert token.last_used_from == "198.51.100.8"


# --- Ended by what changes the account, through the staff pages ---------------------------


def test_changing_the_password_ends_every_token(officer, sign_in):
    totp = _two_factor(officer)
    key = _get_token(officer, totp)["token"]
    client = sign_in(officer)
    response = client.post(
        "/staff/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a new and longer passphrase",
            "new_password2": "a new and longer passphrase",
        },
    )
    assert response.status_code == 302
    assert _as(key).get(TEAMS).status_code == 401
    assert ApiToken.objects.get().revoked_reason == "Password changed"


def test_resetting_two_factor_ends_every_token(officer, admin_user, sign_in):
    totp = _two_factor(officer)
    key = _get_token(officer, totp)["token"]
    sign_in(admin_user).post(f"/staff/users/{officer.pk}/reset-two-factor/")
    assert _as(key).get(TEAMS).status_code == 401
    assert ApiToken.objects.get().revoked_reason == "Two-factor authentication reset"


def test_deactivating_ends_every_token_for_good(officer, admin_user, sign_in):
    totp = _two_factor(officer)
    key = _get_token(officer, totp)["token"]
    client = sign_in(admin_user)
    client.post(f"/staff/users/{officer.pk}/deactivate/")
    assert _as(key).get(TEAMS).status_code == 401
    client.post(f"/staff/users/{officer.pk}/reactivate/")
    assert _as(key).get(TEAMS).status_code == 401  # reactivating does not bring it back
    assert ApiToken.objects.get().revoked_reason == "Account deactivated"


# --- The staff pages --------------------------------------------------------------------------


def test_staff_page_shows_a_new_key_once(officer, sign_in):
    _two_factor(officer)
    client = sign_in(officer)
    response = client.post("/staff/account/api-tokens/", {"name": "Power BI", "days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    key = page.split('id="new-token-key"><code>')[1].split("<")[0]
    assert _as(key).get(TEAMS).status_code == 200
    again = client.get("/staff/account/api-tokens/").content.decode()
    assert "Power BI" in again
    assert key not in again
    token = ApiToken.objects.get()
    assert (token.expires_at - token.created_at).days == 30


def test_staff_page_refuses_a_bad_number_of_days_beside_the_field(officer, sign_in):
    _two_factor(officer)
    response = sign_in(officer).post("/staff/account/api-tokens/", {"name": "x", "days": "0"})
    assert response.status_code == 400
    assert "A token lasts at least 1 day" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_staff_pages_revoke_own_and_administrators_anyones(officer, manager, admin_user, sign_in):
    from harken.accounts.tests.factories import api_token_for

    key = api_token_for(officer)
    token = ApiToken.objects.get()
    # Someone else's own-token page does not find it; a non-administrator cannot use the
    # administrators' page.
    assert sign_in(manager).post(f"/staff/account/api-tokens/{token.pk}/revoke/").status_code == 404
    url = f"/staff/users/{officer.pk}/api-tokens/{token.pk}/revoke/"
    assert sign_in(manager).post(url).status_code == 403
    assert _as(key).get(TEAMS).status_code == 200
    admin = sign_in(admin_user)
    page = admin.get(f"/staff/users/{officer.pk}/").content.decode()
    assert "Test token" in page
    assert admin.get(url).status_code == 200
    assert admin.post(url).status_code == 302
    assert _as(key).get(TEAMS).status_code == 401
    key2 = api_token_for(officer, name="Second")
    second = ApiToken.objects.get(name="Second")
    own = sign_in(officer)
    assert own.post(f"/staff/account/api-tokens/{second.pk}/revoke/").status_code == 302
    assert _as(key2).get(TEAMS).status_code == 401


# --- Keys from before -------------------------------------------------------------------------


def test_keys_from_before_are_hashed_in_place_and_keep_working(officer):
    """The migration turns each clear key of DRF's table into a digest, then drops the table."""
    import importlib

    migration = importlib.import_module("harken.accounts.migrations.0003_api_tokens")
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, "
            "created timestamp with time zone)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, "
            "created datetime)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, officer.pk, timezone.now()]
        )

    class Editor:
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    from django.apps import apps

    migration.hash_old_keys(apps, Editor())
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert token.digest == token_digest(old_key)
    assert _as(old_key).get(TEAMS).status_code == 200
