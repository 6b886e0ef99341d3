from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from harken.accounts.models import Role

STAFF = frozenset(Role.values)
CASEWORK = frozenset(
    {
        Role.FEEDBACK_OFFICER,
        Role.ADMINISTRATOR,
        Role.MANAGER,
        Role.INVESTIGATING_OFFICER,
        Role.INDEPENDENT_PERSON,
        Role.PANEL_MEMBER,
    }
)
OFFICE = frozenset({Role.FEEDBACK_OFFICER, Role.ADMINISTRATOR, Role.MANAGER})
REPORTS = frozenset({Role.FEEDBACK_OFFICER, Role.ADMINISTRATOR, Role.MANAGER, Role.REPORT_VIEWER})

# The staff app's main navigation: (label, URL name, roles that see it). A section whose
# pages are not installed is left out rather than linking to nothing.
NAVIGATION: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("Your day", "casework:start", OFFICE),
    ("Caseload", "casework:caseload", CASEWORK),
    ("Team", "casework:team", OFFICE),
    ("Search", "casework:search", CASEWORK),
    ("Registers", "registers:index", OFFICE),
    ("Action plan", "learning:index", OFFICE),
    ("Reports", "reports:index", REPORTS),
    (
        "Letter templates",
        "documents:letter_templates",
        frozenset({Role.FEEDBACK_OFFICER, Role.ADMINISTRATOR}),
    ),
    ("Users", "accounts:users", frozenset({Role.ADMINISTRATOR})),
    ("Retention", "retention:index", frozenset({Role.ADMINISTRATOR})),
    ("My reminders", "notifications:preferences", STAFF),
    ("Your account", "accounts:account", STAFF),
)

# The sections grouped under "More" so that the navigation fits on one line at 1280 px: the
# ones a person opens now and then, not all day.
MORE = frozenset(
    {
        "documents:letter_templates",
        "accounts:users",
        "notifications:preferences",
        "accounts:account",
    }
)


def branding(request: HttpRequest) -> dict[str, Any]:
    """The council's name and the service name on every page."""
    return {
        "council_name": settings.HARKEN_COUNCIL_NAME,
        "service_name": settings.HARKEN_SERVICE_NAME,
    }


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/staff/"):
        return {}
    items = []
    for label, name, roles in NAVIGATION:
        if user.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": label,
                "more": name in MORE,
                "url": url,
                "active": request.path.startswith(url)
                and (url != "/staff/" or request.path == url),
            }
        )
    more = [item for item in items if item["more"]]
    return {
        "staff_navigation": items,
        "staff_navigation_main": [item for item in items if not item["more"]],
        "staff_navigation_more": more,
        "staff_navigation_more_active": any(item["active"] for item in more),
    }
