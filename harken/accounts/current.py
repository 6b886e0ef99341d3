"""Who is asking: the one place that turns a request's or a check's user into a `User`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def active_user(user: User | AnonymousUser | None) -> User | None:
    """The user if signed in and active, else None."""
    if user is not None and user.is_authenticated and user.is_active:
        return user  # type: ignore[return-value]
    return None


def request_user(request: Any) -> User:
    """The signed-in user of a request whose view has already required one (the staff
    mixins, `staff_required`, the API's IsAuthenticated)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # the view's own check has run
    return user
