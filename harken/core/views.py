"""Error pages in the GOV.UK pattern, and JSON errors under /api/.

The server-error page needs nothing but the template files: no session, no user, no
database. It is what people see when the database is unreachable (a restart, an outage), so
it must not itself need the database, or they would get the web server's bare "Internal
Server Error" instead. A database error gets a 503 saying to try again in a few minutes.
"""

from __future__ import annotations

import sys
from functools import cache

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

API_PREFIX = "/api/"
# Seconds a client is asked to wait before trying again while the database is unreachable.
RETRY_AFTER = 60

MESSAGES = {
    400: "The request could not be read.",
    403: "You do not have permission to do this.",
    404: "There is nothing at this address.",
    500: "Sorry, there is a problem with the service. Try again later.",
    503: "The service is unavailable for a moment. Try again in a few minutes.",
}


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(status: int) -> JsonResponse:
    response = JsonResponse({"message": MESSAGES[status], "errors": {}}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(404)
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(403)
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django cannot read (a body in another encoding, a broken upload): the
    static page, since the request's own data (its session included) may be what failed."""
    if _is_api(request):
        return _json(400)
    return HttpResponse(_static_page("errors/400.html"), status=400)


@cache
def _static_page(template: str) -> str:
    """Rendered once, from the template files alone: no request, so no context processor,
    no session and no database."""
    return render_to_string(
        template,
        {
            "council_name": settings.HARKEN_COUNCIL_NAME,
            "service_name": settings.HARKEN_SERVICE_NAME,
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    status = 503 if isinstance(exc, DatabaseError) and _unreachable(exc) else 500
    if _is_api(request):
        response: HttpResponse = _json(status)
    else:
        template = "errors/503.html" if status == 503 else "errors/500.html"
        response = HttpResponse(_static_page(template), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _unreachable(exc: DatabaseError) -> bool:
    """The database could not be reached or went away, as opposed to a query it refused."""
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)
