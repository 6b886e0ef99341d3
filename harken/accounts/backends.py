"""Password authentication with lock-out, for every way in (the sign-in page, the API's token
endpoint, the Django admin): username or e-mail address, counted failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from harken.core.web import request_address

from .models import User
from .services import SignInRefused, password_check


class LockoutBackend(ModelBackend):
    """Accepts a username or an e-mail address. A refusal raises PermissionDenied, which
    stops Django trying any later backend with the same credentials."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            return password_check(
                login=username,
                password=password,
                address=request_address(request) if request is not None else None,
            )
        except SignInRefused as exc:
            raise PermissionDenied(exc.message) from exc
