"""The staff app's main navigation: each section with the permission (of the table beside
it) that shows it, as a context processor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .permissions import Perm, role_may

# The staff app's main navigation: (label, URL name, roles that see it). A section whose
# pages are not installed is left out rather than linking to nothing.
NAVIGATION: tuple[tuple[str, str, Perm], ...] = (
    ("Your day", "casework:start", Perm.DAY),
    ("Caseload", "casework:caseload", Perm.CASE_VIEW),
    ("Team", "casework:team", Perm.DAY),
    ("Search", "casework:search", Perm.CASE_VIEW),
    ("Inbox", "correspondence:inbox", Perm.MAILBOX),
    ("Registers", "registers:index", Perm.REGISTERS_VIEW),
    ("Action plan", "learning:index", Perm.PLAN_VIEW),
    # Issue 14, the pool of independent people.
    ("Pool", "pool:list", Perm.POOL_VIEW),
    ("Your appointments", "pool:mine", Perm.POOL_OWN),
    # Issue 14 (homes): children's homes, their visits and drop-ins.
    ("Homes", "homes:index", Perm.HOMES_VIEW),
    ("Homes", "homes:index", Perm.HOMES_OF_TEAMS),
    ("Your visits", "homes:mine", Perm.HOMES_OWN_VISITS),
    ("Reports", "reports:index", Perm.REPORTS_VIEW),
    # Issue 14: surveys
    ("Surveys", "surveys:index", Perm.SURVEYS_VIEW),
    # Issue 14: the surveys' questions, configuration beside the letter templates and users.
    ("Survey questions", "surveys:admin", Perm.SURVEYS_ADMINISTER),
    ("Letter templates", "documents:letter_templates", Perm.LETTER_TEMPLATES_EDIT),
    ("Users", "accounts:users", Perm.ADMINISTER),
    ("Retention", "retention:index", Perm.RETENTION),
    ("My reminders", "notifications:preferences", Perm.STAFF_PAGES),
    ("Your account", "accounts:account", Perm.STAFF_PAGES),
)

# Sections a council turns on: the permission shows its item only while the setting is on.
BY_SETTING: dict[Perm, str] = {Perm.HOMES_OF_TEAMS: "HARKEN_MANAGERS_SEE_TEAM_HOMES"}

# The sections grouped under "More" so that the navigation fits on one line at 1280 px: the
# ones a person opens now and then, not all day.
MORE = frozenset(
    {
        "documents:letter_templates",
        "accounts:users",
        "notifications:preferences",
        "accounts:account",
        # Issue 14: the surveys, and the pool (reached when appointing, from the case page)
        "surveys:index",
        "surveys:admin",
        "pool:list",
        "retention:index",
    }
)


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/staff/"):
        return {}
    items = []
    for label, name, perm in NAVIGATION:
        if not role_may(user.role, perm):
            continue
        if perm in BY_SETTING and not getattr(settings, BY_SETTING[perm], False):
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
    # Only the closest section is the current one (/staff/surveys/questions/ is "Survey
    # questions", not "Surveys" as well).
    active = [item for item in items if item["active"]]
    if active:
        closest = max(active, key=lambda i: len(str(i["url"])))
        for item in active:
            item["active"] = item is closest
    more = [item for item in items if item["more"]]
    return {
        "staff_navigation": items,
        "staff_navigation_main": [item for item in items if not item["more"]],
        "staff_navigation_more": more,
        "staff_navigation_more_active": any(item["active"] for item in more),
    }
