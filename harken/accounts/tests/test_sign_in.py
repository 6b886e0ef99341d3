"""Signing in: password, then a code from the authenticator app or a recovery code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core import mail

from harken.accounts import services
from harken.accounts.models import RecoveryCode, SignInEvent, User
from harken.core.web import TWO_FACTOR_SESSION_KEY

from .helpers import PASSWORD, code_for, post_code, post_password, with_two_factor

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def kinds(user: User) -> list[str]:
    return list(
        SignInEvent.objects.filter(user=user).order_by("at", "id").values_list("kind", flat=True)
    )


def test_password_then_code_signs_in(client, officer):
    """Both factors give a verified session and land on the staff home page."""
    secret = with_two_factor(officer)
    response = post_password(client, "olive_officer")
    assert response.status_code == 302
    assert response["Location"] == "/staff/sign-in/code/"
    assert not client.session.get(TWO_FACTOR_SESSION_KEY)

    page = client.get("/staff/sign-in/code/")
    assert "Enter the code from your authenticator app" in page.content.decode()

    response = post_code(client, code_for(secret))
    assert response.status_code == 302
    assert response["Location"] == "/staff/start/"
    assert client.session[TWO_FACTOR_SESSION_KEY] is True
    assert kinds(officer) == ["password_accepted", "signed_in"]


def test_e_mail_address_signs_in_too(client, officer):
    officer.email = "Olive@Example.gov.uk"
    officer.save()
    with_two_factor(officer)
    response = post_password(client, "olive@example.gov.uk")
    assert response["Location"] == "/staff/sign-in/code/"


def test_empty_form_says_what_to_enter(client, db):
    page = client.post("/staff/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "Enter your username or e-mail address" in page
    assert "Enter your password" in page
    assert "govuk-error-summary" in page
    assert "<title>Error: Sign in" in page


def test_wrong_password_and_unknown_user_get_the_same_answer(client, officer):
    wrong = post_password(client, "olive_officer", "not the password")
    unknown = post_password(client, "nobody_here", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert services.SIGN_IN_REFUSED in wrong.content.decode()
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.content.decode())  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert "_auth_user_id" not in client.session
    assert kinds(officer) == ["password_failed"]
    assert SignInEvent.objects.filter(kind="unknown_account", user=None).count() == 1


def test_wrong_code_is_refused(client, officer):
    secret = with_two_factor(officer)
    post_password(client, "olive_officer")
    right = code_for(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    page = post_code(client, wrong).content.decode()
    assert services.WRONG_CODE in page
    assert not client.session.get(TWO_FACTOR_SESSION_KEY)
    assert "code_failed" in kinds(officer)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12ab56", "The code must be 6 numbers"),
    ],
)
def test_code_format_errors_do_not_count(client, officer, typed, message):
    with_two_factor(officer)
    post_password(client, "olive_officer")
    assert message in post_code(client, typed).content.decode()
    assert "code_failed" not in kinds(officer)


def test_codes_from_the_step_before_are_accepted(client, officer):
    secret = with_two_factor(officer)
    post_password(client, "olive_officer")
    earlier = code_for(secret, START - dt.timedelta(seconds=30))
    assert post_code(client, earlier)["Location"] == "/staff/start/"


def test_a_code_is_never_accepted_twice(client, officer):
    secret = with_two_factor(officer)
    code = code_for(secret)
    post_password(client, "olive_officer")
    post_code(client, code)
    client.post("/staff/sign-out/")
    post_password(client, "olive_officer")
    assert services.WRONG_CODE in post_code(client, code).content.decode()


def test_recovery_code_works_once(client, officer):
    with_two_factor(officer)
    codes = services.recovery_codes_replace(user=officer)
    assert not RecoveryCode.objects.filter(code_hash__contains=codes[0].replace("-", ""))
    post_password(client, "olive_officer")
    response = client.post("/staff/sign-in/recovery-code/", {"code": codes[0].upper()})
    assert response["Location"] == "/staff/start/"
    assert client.session[TWO_FACTOR_SESSION_KEY] is True
    assert services.recovery_codes_left(officer) == 9

    client.post("/staff/sign-out/")
    post_password(client, "olive_officer")
    page = client.post("/staff/sign-in/recovery-code/", {"code": codes[0]}).content.decode()
    assert services.WRONG_RECOVERY_CODE in page
    assert not client.session.get(TWO_FACTOR_SESSION_KEY)


def test_first_sign_in_sets_up_two_factor(client, officer):
    """No authenticator yet: set it up (QR code and key), then see recovery codes once."""
    response = post_password(client, "olive_officer", next="/staff/users/")
    assert response["Location"] == "/staff/sign-in/set-up/"
    assert client.get("/staff/sign-in/code/")["Location"] == "/staff/sign-in/set-up/"

    page = client.get("/staff/sign-in/set-up/").content.decode()
    assert '<svg role="img" aria-label="QR code' in page
    secret = client.session["harken_totp_set_up_secret"]
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)
    assert shown is not None
    assert shown.group(1).replace(" ", "") == secret

    assert (
        services.WRONG_CODE
        in client.post(
            "/staff/sign-in/set-up/",
            {"code": "000000" if code_for(secret) != "000000" else "111111"},
        ).content.decode()
    )
    response = client.post("/staff/sign-in/set-up/", {"code": code_for(secret)})
    assert response["Location"] == "/staff/sign-in/recovery-codes/"
    officer.refresh_from_db()
    assert officer.has_two_factor
    assert officer.totp_secret == secret

    page = client.get("/staff/sign-in/recovery-codes/").content.decode()
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", page)
    assert len(codes) == 10
    assert RecoveryCode.objects.filter(user=officer).count() == 10
    # Only hashes are kept.
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()

    response = client.post("/staff/sign-in/recovery-codes/")
    assert response["Location"] == "/staff/users/"
    # Shown once: the page is gone now.
    assert client.get("/staff/sign-in/recovery-codes/")["Location"] == "/staff/start/"
    assert "two_factor_set_up" in kinds(officer)


def test_lock_out_after_five_failures_and_unlock_by_an_administrator(client, officer, admin_user):
    with_two_factor(officer)
    for _ in range(5):
        post_password(client, "olive_officer", "wrong password")
    officer.refresh_from_db()
    assert officer.is_locked()
    assert kinds(officer).count("locked") == 1

    # Even the right password is now refused, with the same message.
    page = post_password(client, "olive_officer").content.decode()
    assert services.SIGN_IN_REFUSED in page
    assert "_auth_user_id" not in client.session
    assert kinds(officer)[-1] == "refused_locked"

    services.user_unlock(actor=admin_user, user=officer)
    assert post_password(client, "olive_officer")["Location"] == "/staff/sign-in/code/"
    assert SignInEvent.objects.get(kind="unlocked").actor == admin_user


def test_lock_lasts_fifteen_minutes(client, officer, clock):
    for _ in range(5):
        post_password(client, "olive_officer", "wrong password")
    clock.shift(dt.timedelta(minutes=14))
    assert "_auth_user_id" not in post_password(client, "olive_officer").wsgi_request.session
    clock.shift(dt.timedelta(minutes=1, seconds=1))
    assert post_password(client, "olive_officer")["Location"] == "/staff/sign-in/set-up/"


def test_failures_older_than_fifteen_minutes_do_not_count(client, officer, clock):
    for _ in range(4):
        post_password(client, "olive_officer", "wrong password")
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    post_password(client, "olive_officer", "wrong password")
    officer.refresh_from_db()
    assert not officer.is_locked()


def test_signing_in_clears_earlier_failures(client, officer, clock):
    secret = with_two_factor(officer)
    for _ in range(4):
        post_password(client, "olive_officer", "wrong password")
    post_password(client, "olive_officer")
    post_code(client, code_for(secret))
    client.post("/staff/sign-out/")
    for _ in range(4):
        post_password(client, "olive_officer", "wrong password")
    officer.refresh_from_db()
    assert not officer.is_locked()


def test_wrong_codes_count_towards_the_lock(client, officer):
    """Four wrong passwords then a wrong code: locked, signed out, and told so."""
    with_two_factor(officer)
    for _ in range(4):
        post_password(client, "olive_officer", "wrong password")
    post_password(client, "olive_officer")
    response = post_code(client, "000001")
    assert response["Location"] == "/staff/sign-in/"
    assert "_auth_user_id" not in client.session
    page = client.get("/staff/sign-in/").content.decode()
    assert "Your account is locked for 15 minutes" in page
    officer.refresh_from_db()
    assert officer.is_locked()


def test_the_backend_refuses_locked_accounts_everywhere(officer):
    """The API's token endpoint and the Django admin authenticate through the same backend."""
    assert authenticate(username="olive_officer", password=PASSWORD) == officer
    for _ in range(5):
        assert authenticate(username="olive_officer", password="wrong password") is None
    assert authenticate(username="olive_officer", password=PASSWORD) is None


def test_deactivated_accounts_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.save()
    assert services.SIGN_IN_REFUSED in post_password(client, "olive_officer").content.decode()


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/staff/users/?role=manager", "/staff/users/?role=manager"),
        ("https://evil.example/steal", "/staff/start/"),
        ("//evil.example/steal", "/staff/start/"),
        ("/\\evil.example/steal", "/staff/start/"),
        ("javascript:alert(1)", "/staff/start/"),
        ("/staff/sign-out/", "/staff/start/"),
    ],
)
def test_only_safe_next_addresses_are_followed(client, officer, next_url, expected):
    secret = with_two_factor(officer)
    page = client.get("/staff/sign-in/", {"next": next_url}).content.decode()
    assert ("evil.example" in page) is False
    post_password(client, "olive_officer", next=next_url)
    assert post_code(client, code_for(secret))["Location"] == expected


def test_signed_in_user_visiting_sign_in_goes_on(client, officer, sign_in):
    sign_in(officer)
    assert (
        client.get("/staff/sign-in/", {"next": "/staff/account/"})["Location"] == "/staff/account/"
    )


def test_sign_out(client, officer, sign_in):
    sign_in(officer)
    assert "Sign out" in client.get("/staff/sign-out/").content.decode()
    response = client.post("/staff/sign-out/")
    assert response["Location"] == "/staff/sign-in/"
    assert "_auth_user_id" not in client.session
    assert "You have signed out" in client.get("/staff/sign-in/").content.decode()
    assert kinds(officer) == ["signed_out"]


def test_django_admin_login_is_the_staff_sign_in(client):
    response = client.get("/django-admin/login/", {"next": "/django-admin/"})
    assert response["Location"] == "/staff/sign-in/?next=%2Fdjango-admin%2F"


def test_forgotten_password_link_sets_a_password(
    client, officer, django_capture_on_commit_callbacks
):
    officer.email = "olive@example.gov.uk"
    officer.save()
    for address in ("nobody@example.gov.uk", "olive@example.gov.uk"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/staff/sign-in/forgotten-password/", {"email": address})
        assert response["Location"] == "/staff/sign-in/forgotten-password/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olive@example.gov.uk"]
    found = re.search(
        r"http://testserver(/staff/sign-in/set-password/\S+/)", str(mail.outbox[0].body)
    )
    assert found is not None
    link = found.group(1)
    response = client.get(link)
    assert response.status_code == 302  # to the same page without the token
    form_url = response["Location"]
    page = client.post(form_url, {"new_password1": "short", "new_password2": "other"})
    assert "govuk-error-summary" in page.content.decode()
    new = "a much longer pass phrase"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == "/staff/sign-in/"
    officer.refresh_from_db()
    assert officer.check_password(new)
    # The link works once.
    assert "This link does not work" in client.get(link).content.decode()


def test_forgotten_password_links_are_rationed(client, officer, django_capture_on_commit_callbacks):
    officer.email = "olive@example.gov.uk"
    officer.save()
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/staff/sign-in/forgotten-password/", {"email": "olive@example.gov.uk"})
    assert len(mail.outbox) == services.PASSWORD_LINKS_PER_HOUR
