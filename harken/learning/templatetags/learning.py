"""The case page's action-plan section: a case's recommendations, if the user may see them."""

from __future__ import annotations

from typing import Any

from django import template

from harken import access
from harken.access import Perm
from harken.learning import rules, selectors

register = template.Library()


@register.simple_tag
def learning_for_case(case: Any, user: Any) -> dict[str, Any] | None:
    """None for people with no part in the action plan (appointees), else what to show."""
    if case is None or not rules.may_see_plan(user):
        return None
    return {
        "recommendations": selectors.case_recommendations(user=user, case=case),
        "can_add": access.may(user, Perm.PLAN_EDIT),
    }
