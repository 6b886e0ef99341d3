"""The first middleware: answers the probes and the metrics scrape, then times, logs and
counts every other request.

It runs before the host check and the HTTPS redirect (see `harken.ops.health`), so the
orchestrator's probes and Prometheus can reach a pod by its address over plain HTTP.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from . import health, metrics
from .logs import REQUEST_ID_HEADER, request_id_from

logger = structlog.get_logger("harken.request")


def _user_id(request: HttpRequest) -> int | None:
    """The user's id if this request looked them up; never loads a session just to log."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = getattr(request, "_cached_user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def _view(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return str(match.view_name or match._func_path)


class ObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if request.method in ("GET", "HEAD"):
            if path == health.LIVENESS_PATH:
                return health.liveness_response()
            if path == health.READINESS_PATH:
                return health.readiness_response()
            if path == metrics.METRICS_PATH:
                return metrics.metrics_response(request)
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        start = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            seconds = time.perf_counter() - start
            view = _view(request)
            metrics.observe_request(
                view=view, method=str(request.method), status=status, seconds=seconds
            )
            logger.info(
                "request",
                user_id=_user_id(request),
                view=view,
                method=request.method,
                status=status,
                duration_ms=round(seconds * 1000, 1),
            )
            structlog.contextvars.clear_contextvars()
