"""The case page's note of where a case was raised: a home visit or a drop-in (issue 14)."""

from __future__ import annotations

from typing import Any

from django import template

from harken import access
from harken.access import Perm
from harken.homes import selectors

register = template.Library()


@register.simple_tag
def raised_at_for_case(case: Any, user: Any) -> dict[str, Any] | None:
    """Where the case came from, for anyone who sees the case; the visit or drop-in is a link
    only for those who see the homes' pages."""
    if case is None or not getattr(case, "pk", None):
        return None
    issues = selectors.raised_at_for_case(case.pk)
    if not issues:
        return None
    return {"issues": issues, "links": access.may(user, Perm.HOMES_VIEW)}
