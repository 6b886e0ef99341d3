"""The case page's list of the latest messages sent about the case (a fixed few queries)."""

from __future__ import annotations

from typing import Any

from django import template

from harken import access
from harken.notifications import outbox
from harken.notifications.models import NOT_ARRIVED

register = template.Library()

# The case page shows the latest few; the case's own messages page lists them all, a page at a
# time, so the case page costs the same however many were sent (bench/case_messages.py).
ON_THE_CASE_PAGE = 10


@register.simple_tag
def messages_for_case(case: Any, user: Any) -> dict[str, Any]:
    every = outbox.messages_for_case(case)
    messages = list(every.prefetch_related("attachments__document")[:ON_THE_CASE_PAGE])
    total = len(messages) if len(messages) < ON_THE_CASE_PAGE else every.count()
    if total > len(messages):
        not_sent = every.filter(status__in=NOT_ARRIVED).exists()
    else:
        not_sent = any(m.not_arrived for m in messages)
    return {
        "messages": messages,
        "total": total,
        "not_sent": not_sent,
        "may_retry": outbox.may_retry(user),
        "may_send": access.can_act(user, case, access.Perm.CASE_SEND),
    }
