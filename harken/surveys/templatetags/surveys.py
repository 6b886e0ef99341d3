from __future__ import annotations

from typing import Any

from django import template

from harken import access
from harken.access import Perm

from .. import services
from ..models import Comment, Invitation

register = template.Library()


@register.simple_tag
def surveys_case_panel(case: Any, user: Any) -> dict[str, Any]:
    """The case page's survey card: what was sent and answered, and whether it can be sent."""
    if not access.may(user, Perm.SURVEYS_VIEW):
        return {"show": False}
    invitations = list(Invitation.objects.filter(case=case).order_by("stage_number"))
    for inv in invitations:
        inv.state = services.invitation_state(inv)  # type: ignore[attr-defined]
    from_comment = Comment.objects.filter(contact=case).first()
    return {
        "show": case.kind in services.SURVEY_KINDS or from_comment is not None,
        "invitations": invitations,
        "from_comment": from_comment,
        "can_send": access.may(user, Perm.SURVEYS_SEND) and services.refusal(case) is None,
        "why_not": services.refusal(case),
    }
