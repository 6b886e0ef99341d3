"""Session security: sign out after a period without activity; require the second factor.

Both go after AuthenticationMiddleware and MessageMiddleware in settings.MIDDLEWARE.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from harken.core.dates import quantity
from harken.core.web import SIGN_IN_URL, TWO_FACTOR_SESSION_KEY

from .models import SignInEventKind, User
from .services import record_event

LAST_ACTIVITY_KEY = "harken_last_activity"
# Where to go once signed in (a safe local path), kept across the sign-in steps.
NEXT_KEY = "harken_sign_in_next"
KEEP_ALIVE_PATH = "/staff/keep-alive/"
# Pages a signed-in user who has not yet given the second factor may reach.
TWO_FACTOR_EXEMPT = ("/staff/sign-in/", "/staff/sign-out/")
# Pages a half-signed-in user is sent to the second factor from; elsewhere (the API, public
# pages) such a session simply counts as nobody.
TWO_FACTOR_REDIRECTED = ("/staff/", "/django-admin/")


# Seconds between two writes of the last activity by page reads (see SessionTimeoutMiddleware).
ACTIVITY_STEP = 60


def idle_seconds() -> int:
    return int(getattr(settings, "HARKEN_SESSION_IDLE_TIMEOUT", 1800))


def timed_out_message() -> str:
    minutes = max(1, idle_seconds() // 60)
    return (
        f"You were signed out because you did nothing for {quantity(minutes, 'minute')}. "
        "Sign in again to continue."
    )


class SessionTimeoutMiddleware:
    """Ends a signed-in session after HARKEN_SESSION_IDLE_TIMEOUT seconds without a request.

    The session cookie itself lives longer, so the sign-in page can say why the person was
    signed out. A GET of the keep-alive address asks how long is left without extending it.
    Page reads restart the count at most once a minute (the session row is not rewritten by
    every page), forms sent always do.
    Sets `request.session_seconds_left` for the timeout warning.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            last = session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - float(last) >= idle_seconds():
                self._time_out(request)
            else:
                reading = request.method in {"GET", "HEAD"}
                asking_only = reading and request.path_info == KEEP_ALIVE_PATH
                # A page read restarts the count at most once a minute (ACTIVITY_STEP), so
                # that reading pages does not rewrite the session row each time; a form sent
                # always restarts it. The session can so end up to a minute early, never late.
                if last is None or (
                    not asking_only and (not reading or now - float(last) >= ACTIVITY_STEP)
                ):
                    session[LAST_ACTIVITY_KEY] = last = now
                request.session_seconds_left = max(  # type: ignore[attr-defined]
                    0, int(float(last) + idle_seconds() - now)
                )
        return self.get_response(request)

    @staticmethod
    def _time_out(request: HttpRequest) -> None:
        user = request.user if request.user.is_authenticated else None
        logout(request)
        if isinstance(user, User):
            record_event(SignInEventKind.TIMED_OUT, user=user)
        if request.path_info.startswith("/staff/"):
            # Kept in the messages cookie until the sign-in page shows it (also when the
            # timeout warning's keep-alive request is what found the session expired).
            messages.info(request, timed_out_message())


def _admin_login_path() -> str | None:
    try:
        return reverse("admin:login")
    except NoReverseMatch:
        return None


class TwoFactorMiddleware:
    """A session whose user has given the password but not the second factor reaches only
    the sign-in steps. Staff (and Django admin) pages send it to the second-factor step; the
    API and the public pages treat it as nobody, so API tokens (issued separately) work
    unchanged. The Django admin's own login page is replaced by the staff sign-in, so
    superusers also sign in with two factors and are subject to the lock-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_login = _admin_login_path()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if self.admin_login and path == self.admin_login:
            target = request.GET.get("next") or "/django-admin/"
            return redirect(f"{SIGN_IN_URL}?{urlencode({'next': target})}")
        session = request.session
        half_signed_in = SESSION_KEY in session and not session.get(TWO_FACTOR_SESSION_KEY)
        if half_signed_in and not path.startswith(TWO_FACTOR_EXEMPT):
            if path.startswith(TWO_FACTOR_REDIRECTED):
                return self._to_second_factor(request)
            request.user = AnonymousUser()
        return self.get_response(request)

    @staticmethod
    def _to_second_factor(request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:  # e.g. deactivated meanwhile
            return redirect(SIGN_IN_URL)
        if request.method == "GET" and request.path_info != KEEP_ALIVE_PATH:
            request.session[NEXT_KEY] = request.get_full_path()
        if getattr(user, "has_two_factor", False):
            return redirect("accounts:two_factor_code")
        return redirect("accounts:two_factor_set_up")
