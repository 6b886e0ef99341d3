"""What every staff page needs: a signed-in, two-factor-verified user, and roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

# The session key the sign-in sets once the second factor is verified. The two-factor
# middleware (harken.accounts) sends any staff page without it back to the sign-in.
TWO_FACTOR_SESSION_KEY = "harken_2fa_verified"
SIGN_IN_URL = "/staff/sign-in/"


def whole_number(value: object, *, below: int = 2_147_483_648) -> int | None:
    """A positive whole number as typed in a form or address (ASCII digits only), under
    `below`; None for anything else. `str.isdigit` alone lets "²" through to `int()`."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    number = int(text)
    return number if 0 < number < below else None


def client_address(request: HttpRequest) -> str:
    """The client's IP: the socket's, or the one the trusted proxies say they were sent by."""
    proxies = settings.HARKEN_INTAKE_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def request_address(request: HttpRequest) -> str | None:
    """The client's address as Harken counts it (trusted proxies as the public forms' rate
    limits count them), if it is an IP address; None otherwise."""
    import ipaddress

    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None


class StaffRequiredMixin(LoginRequiredMixin):
    """A staff page: signed in. A page for some roles only names its permission instead
    (`harken.access.web.StaffRequiredMixin`, `permission = Perm.X`): the ground floor knows
    no roles."""

    login_url = SIGN_IN_URL

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


def staff_required() -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator form of StaffRequiredMixin for function views (signed in; for a permission,
    `harken.access.web.staff_required(Perm.X)`)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), SIGN_IN_URL)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
