"""Template helpers of the register pages and the case panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from harken.registers import selectors
from harken.registers.models import format_money

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """£1,300.00"""
    return format_money(value)


@register.simple_tag
def registers_case_panel(case: Any, user: Any) -> selectors.CasePanel:
    """What the registers' case panel shows for `case` to `user`, worked out once a page
    (the banner and the summary card both read it)."""
    memo: dict[Any, selectors.CasePanel] = case.__dict__.setdefault("_registers_panels", {})
    key = getattr(user, "pk", None)
    if key not in memo:
        memo[key] = selectors.case_panel(case=case, user=user)
    return memo[key]
