"""The session timeout warning's settings, for staff pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from harken.core.web import TWO_FACTOR_SESSION_KEY

register = template.Library()


@register.inclusion_tag("accounts/includes/session_timeout_script.html", takes_context=True)
def session_timeout(context: template.Context) -> dict[str, Any]:
    """Loads timeout.js for a fully signed-in user; nothing otherwise."""
    request = context.get("request")
    idle = int(getattr(settings, "HARKEN_SESSION_IDLE_TIMEOUT", 1800))
    if request is None or not request.user.is_authenticated:
        return {"show": False}
    if not request.session.get(TWO_FACTOR_SESSION_KEY):
        return {"show": False}
    return {
        "show": True,
        "seconds_left": getattr(request, "session_seconds_left", idle),
        "idle": idle,
        "warning": int(getattr(settings, "HARKEN_SESSION_WARNING", 120)),
        "csrf_token": context.get("csrf_token", ""),
    }
