"""Structured logs: one JSON object a line, each carrying the request it belongs to.

Every log line, Harken's own and every library's, goes through structlog's formatter, which
adds the request id, the signed-in user's id (never a name) and the time. At the end of each
request one line says which view answered, with what status, in how long. The path is not
logged (only the view's route), nor the query string, the form's fields, the client's
address or the user agent: what a member of the public typed never reaches a log.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import structlog

REQUEST_ID_HEADER = "X-Request-ID"
# An id given by the proxy in front is kept if it looks like one; anything else is replaced.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(header: str | None) -> str:
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure() -> None:
    """structlog's own loggers hand their events to the standard library's handlers."""
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def formatter(*, json: bool) -> dict[str, Any]:
    """A LOGGING formatter: JSON lines, or readable lines for a developer's terminal."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": _SHARED,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    }


def logging_config(*, level: str, json: bool) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": formatter(json=json)},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Its "Not Found: /path" lines repeat what the request line says, with the path.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
        },
    }
