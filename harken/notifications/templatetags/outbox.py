"""The case page's list of messages sent about the case (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from harken.notifications import outbox

register = template.Library()


@register.simple_tag
def messages_for_case(case: Any, user: Any) -> dict[str, Any]:
    messages = list(outbox.messages_for_case(case))
    return {
        "messages": messages,
        "not_sent": any(m.needs_looking_at for m in messages),
        "may_retry": outbox.may_retry(user),
    }
