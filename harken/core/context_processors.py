"""What every page needs from the ground floor: the council's and the service's names. The
staff navigation, which reads the permission table, is harken.access.navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def branding(request: HttpRequest) -> dict[str, Any]:
    """The council's name and the service name on every page."""
    return {
        "council_name": settings.HARKEN_COUNCIL_NAME,
        "service_name": settings.HARKEN_SERVICE_NAME,
    }
