"""Staff pages limited by a permission of the table: `permission = Perm.X` on a class view,
`@staff_required(Perm.X)` on a function view. Signed in first (core.web), then the table
(`may`): a page names a permission, never a list of roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from harken.core import web

from .permissions import Perm, may


class StaffRequiredMixin(web.StaffRequiredMixin):
    """A staff page: signed in and, when `permission` is set, given it by the table."""

    permission: Perm | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (
            request.user.is_authenticated
            and self.permission is not None
            and not may(request.user, self.permission)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def staff_required(
    permission: Perm | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator form of StaffRequiredMixin for function views."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        signed_in = web.staff_required()(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                request.user.is_authenticated
                and permission is not None
                and not may(request.user, permission)
            ):
                raise PermissionDenied
            return signed_in(request, *args, **kwargs)

        return wrapped

    return decorator
