"""Helpers for the accounts tests: codes from an authenticator app, signing in step by step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
from django.utils import timezone

from harken.accounts.models import User

PASSWORD = "correct horse battery"  # what harken.accounts.tests.factories.make_user sets


def with_two_factor(user: User) -> str:
    """Give the user an authenticator app; returns its secret."""
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.two_factor_set_up_at = timezone.now()
    user.save(update_fields=["totp_secret", "two_factor_set_up_at"])
    return secret


def code_for(secret: str, when: dt.datetime | None = None) -> str:
    return pyotp.TOTP(secret).at(when or timezone.now())


def post_password(client: Any, login: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/staff/sign-in/", {"username": login, "password": password, **extra})


def post_code(client: Any, code: str) -> Any:
    return client.post("/staff/sign-in/code/", {"code": code})
