"""Signing in with two factors, in Debian's Chromium, with axe on every page visited.

An administrator signs in for the first time (password, authenticator set-up with the key
read from the page, recovery codes), uses the users pages, signs out, signs in again with a
code, and sees the session timeout warning.
"""

from __future__ import annotations

import datetime as dt
import re

import pyotp
from playwright.sync_api import Page, expect

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user

from .axe import assert_accessible

PASSWORD = "correct horse battery"


class SignInPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def submit(self, username: str, password: str) -> None:
        self.page.get_by_label("Username or e-mail address").fill(username)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Continue").click()


class CodePage:
    """The set-up page and the code prompt share the code field."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def secret(self) -> str:
        return self.page.locator("#totp-secret").inner_text().replace(" ", "")

    def submit(self, code: str, button: str) -> None:
        self.page.get_by_label("Code from your authenticator app").fill(code)
        self.page.get_by_role("button", name=button).click()


def error_summary(page: Page) -> str:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    return summary.inner_text()


def test_administrator_signs_in_with_two_factors(page: Page, server: str, settings) -> None:
    make_user("ada_admin", Role.ADMINISTRATOR)

    # Any staff page leads to the sign-in, which comes back to it afterwards.
    page.goto(server + "/staff/users/")
    expect(page).to_have_url(re.compile(r"/staff/sign-in/\?next=/staff/users/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page, context="sign-in")

    sign_in = SignInPage(page)
    sign_in.submit("", "")
    assert "Enter your username or e-mail address" in error_summary(page)
    assert_accessible(page, context="sign-in with errors")

    sign_in.submit("ada_admin", "not my password")
    assert "is not correct" in error_summary(page)

    # First sign-in: set up the authenticator app.
    sign_in.submit("ada_admin", PASSWORD)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page, context="two-factor set-up")
    set_up = CodePage(page)
    totp = pyotp.TOTP(set_up.secret())
    set_up.submit("12345", "Continue")
    assert "The code must be 6 numbers" in error_summary(page)
    assert_accessible(page, context="two-factor set-up with errors")
    set_up.submit(totp.now(), "Continue")

    # The recovery codes, once.
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){3}", code) for code in codes)
    assert_accessible(page, context="recovery codes")
    page.get_by_role("button", name="I have saved my recovery codes").click()

    # Where they were going: the users list.
    expect(page).to_have_url(server + "/staff/users/")
    expect(page.get_by_role("link", name="Ada Tester")).to_be_visible()
    assert_accessible(page, context="users list")

    page.get_by_role("button", name="Add a user").click()
    page.get_by_role("button", name="Add user").click()
    assert "Enter a first name" in error_summary(page)
    assert "Select a role" in error_summary(page)
    assert_accessible(page, context="user form with errors")
    page.get_by_role("link", name="Back", exact=True).click()

    # Sign out from the header.
    page.get_by_role("button", name=re.compile("^Sign out")).click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    assert_accessible(page, context="signed out")

    # Second sign-in: a code from the app (the next one: the last is used up).
    page.goto(server + "/staff/users/")
    SignInPage(page).submit("ada_admin@example.invalid", PASSWORD)
    assert "is not correct" in error_summary(page)
    SignInPage(page).submit("ADA_ADMIN", PASSWORD)
    expect(
        page.get_by_role("heading", name="Enter the code from your authenticator app")
    ).to_be_visible()
    assert_accessible(page, context="code prompt")
    page.get_by_role("link", name="I cannot use my authenticator app").click()
    expect(page.get_by_role("heading", name="Sign in with a recovery code")).to_be_visible()
    assert_accessible(page, context="recovery code prompt")
    page.get_by_role("link", name="Use your authenticator app instead").click()
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=30)
    CodePage(page).submit(totp.at(later), "Sign in")
    expect(page).to_have_url(server + "/staff/users/")

    # The session timeout warning, with a timeout of a few seconds.
    settings.HARKEN_SESSION_IDLE_TIMEOUT = 10
    settings.HARKEN_SESSION_WARNING = 8
    page.reload()
    dialog = page.get_by_role("dialog", name=re.compile("about to be signed out"))
    expect(dialog).to_be_visible(timeout=5000)
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page, context="timeout warning")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # The session was extended: the page stays, and warns again before the new timeout.
    expect(dialog).to_be_visible(timeout=5000)
    expect(page).to_have_url(server + "/staff/users/")
    # Left alone, the page goes to the sign-in, which says why.
    expect(page).to_have_url(re.compile(r"/staff/sign-in/\?next="), timeout=20000)
    expect(page.get_by_text("You were signed out because you did nothing")).to_be_visible()
    assert_accessible(page, context="timed out")
