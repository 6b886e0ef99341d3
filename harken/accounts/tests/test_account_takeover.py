"""Taking over an account with its password alone: an authenticator app can be enrolled only
after the e-mailed one-time link was used or an administrator confirmed it; and failed
attempts lock the account from the address they came from only, so nobody can lock someone
out from elsewhere. Through the sign-in pages, the administrators' pages, the API's token
endpoint and the command line."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from rest_framework.test import APIClient

from harken.accounts.models import SignInEvent, SignInEventKind, SignInLock, User

from .helpers import PASSWORD, code_for, post_password, with_two_factor

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, 9, 0, 5, tzinfo=dt.UTC)
ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _no_enrolment(user: User) -> None:
    user.two_factor_enrolment_until = None
    user.save(update_fields=["two_factor_enrolment_until"])


def _set_up(client) -> int:
    """Try to set up an authenticator from the set-up page: the page's status code."""
    page = client.get("/staff/sign-in/set-up/")
    if page.status_code != 200:
        return page.status_code
    secret = client.session["harken_totp_set_up_secret"]
    response = client.post("/staff/sign-in/set-up/", {"code": code_for(secret)})
    return response.status_code


# --- Enrolment ----------------------------------------------------------------------------------


def test_a_password_alone_cannot_enrol_an_authenticator(client, officer):
    _no_enrolment(officer)
    assert post_password(client, "olive_officer")["Location"] == "/staff/sign-in/set-up/"
    page = client.get("/staff/sign-in/set-up/")
    assert page.status_code == 403
    assert "You need a link to set up two-factor authentication" in page.content.decode()
    assert "harken_totp_set_up_secret" not in client.session  # no secret was even made
    response = client.post("/staff/sign-in/set-up/", {"code": "123456"})
    assert response.status_code == 403
    officer.refresh_from_db()
    assert not officer.has_two_factor


def test_after_a_reset_the_administrator_confirms_before_set_up(
    client, officer, admin_user, sign_in
):
    with_two_factor(officer)
    admin = sign_in(admin_user)
    admin.post(f"/staff/users/{officer.pk}/reset-two-factor/")
    # The thief with the password cannot enrol their phone.
    thief = type(client)()
    post_password(thief, "olive_officer")
    assert _set_up(thief) == 403
    # An administrator who has checked who is asking allows it.
    page = admin.get(f"/staff/users/{officer.pk}/").content.decode()
    assert "Allow two-factor set-up" in page
    assert admin.get(f"/staff/users/{officer.pk}/allow-two-factor-set-up/").status_code == 200
    admin.post(f"/staff/users/{officer.pk}/allow-two-factor-set-up/")
    event = SignInEvent.objects.get(kind=SignInEventKind.TWO_FACTOR_ENROLMENT_ALLOWED)
    assert (event.actor, event.detail.split(";")[0]) == (
        admin_user,
        "Confirmed by an administrator",
    )
    person = type(client)()
    post_password(person, "olive_officer")
    assert _set_up(person) == 302
    officer.refresh_from_db()
    assert officer.has_two_factor
    assert officer.two_factor_enrolment_until is None  # used up


def test_only_administrators_allow_set_up(officer, manager, sign_in):
    _no_enrolment(officer)
    response = sign_in(manager).post(f"/staff/users/{officer.pk}/allow-two-factor-set-up/")
    assert response.status_code == 403
    officer.refresh_from_db()
    assert not officer.may_enrol_two_factor()


def test_the_emailed_link_allows_set_up_for_a_day(
    client, officer, clock, django_capture_on_commit_callbacks
):
    _no_enrolment(officer)
    officer.email = "olive@example.gov.uk"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/staff/sign-in/forgotten-password/", {"email": "olive@example.gov.uk"})
    link = re.search(
        r"http://testserver(/staff/sign-in/set-password/\S+/)", str(mail.outbox[0].body)
    )
    assert link is not None
    form_url = client.get(link.group(1))["Location"]
    new = "a much longer pass phrase"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    officer.refresh_from_db()
    assert officer.may_enrol_two_factor()
    clock.shift(dt.timedelta(hours=25))
    post_password(client, "olive_officer", new)
    assert _set_up(client) == 403  # a day later the window has closed


def test_the_command_line_reset_allows_set_up(client, officer):
    with_two_factor(officer)
    call_command("reset_two_factor", "olive_officer")
    post_password(client, "olive_officer")
    assert _set_up(client) == 302


# --- Lock-out by account and address -----------------------------------------------------------


def test_failures_from_one_address_do_not_lock_out_the_user_elsewhere(client, officer):
    secret = with_two_factor(officer)
    attacker = type(client)(REMOTE_ADDR=ATTACKER)
    for _ in range(6):
        post_password(attacker, "olive_officer", "guess")
    # The attacker is locked out, even with the right password...
    assert "_auth_user_id" not in post_password(attacker, "olive_officer").wsgi_request.session
    assert SignInLock.objects.get(user=officer).address == ATTACKER
    # ...and the officer, at the office, signs in as usual.
    office = type(client)(REMOTE_ADDR=OFFICE)
    assert post_password(office, "olive_officer")["Location"] == "/staff/sign-in/code/"
    response = office.post("/staff/sign-in/code/", {"code": code_for(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/staff/start/"
    locked = SignInEvent.objects.get(user=officer, kind=SignInEventKind.LOCKED)
    assert locked.address == ATTACKER
    assert ATTACKER in locked.detail


def test_wrong_codes_lock_only_the_address_they_came_from(client, officer):
    secret = with_two_factor(officer)
    attacker = type(client)(REMOTE_ADDR=ATTACKER)
    post_password(attacker, "olive_officer")
    for _ in range(5):
        attacker.post("/staff/sign-in/code/", {"code": "000000"})
    office = type(client)(REMOTE_ADDR=OFFICE)
    post_password(office, "olive_officer")
    assert (
        office.post("/staff/sign-in/code/", {"code": code_for(secret)})["Location"]
        == "/staff/start/"
    )


def test_the_token_endpoint_locks_by_address_too(officer):
    import pyotp

    secret = with_two_factor(officer)
    attacker = APIClient(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        attacker.post(
            "/api/v1/auth/token/",
            {"username": "olive_officer", "password": "guess", "code": "000000"},
            format="json",
        )
    body = {"username": "olive_officer", "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    assert attacker.post("/api/v1/auth/token/", body, format="json").status_code == 400
    office = APIClient(REMOTE_ADDR=OFFICE)
    assert office.post("/api/v1/auth/token/", body, format="json").status_code == 200


def test_administrators_see_where_from_and_unlock(client, officer, admin_user, sign_in):
    attacker = type(client)(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        post_password(attacker, "olive_officer", "guess")
    page = sign_in(admin_user).get(f"/staff/users/{officer.pk}/").content.decode()
    assert f"failed attempts to sign in from {ATTACKER}" in page
    assert "Signing in from anywhere else still works" in page
    sign_in(admin_user).post(f"/staff/users/{officer.pk}/unlock/")
    assert not SignInLock.objects.exists()
    assert post_password(attacker, "olive_officer")["Location"] == "/staff/sign-in/set-up/"
