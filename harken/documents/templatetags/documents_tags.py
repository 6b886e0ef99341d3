"""`{% case_documents case user as panel %}`: the case page's documents section data."""

from __future__ import annotations

from typing import Any

from django import template

from harken.documents.selectors import CasePanel, case_panel

register = template.Library()


@register.simple_tag
def case_documents(case: Any, user: Any) -> CasePanel:
    return case_panel(case=case, user=user)
