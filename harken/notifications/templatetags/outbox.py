"""The case page's list of messages sent about the case (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from harken import access
from harken.notifications import outbox

register = template.Library()


@register.simple_tag
def messages_for_case(case: Any, user: Any) -> dict[str, Any]:
    messages = list(outbox.messages_for_case(case).prefetch_related("attachments__document"))
    return {
        "messages": messages,
        "not_sent": any(m.not_arrived for m in messages),
        "may_retry": outbox.may_retry(user),
        "may_send": access.can_act(user, case, access.Perm.CASE_SEND),
    }
