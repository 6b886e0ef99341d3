"""The case page's list of the latest messages sent about the case (a fixed few queries)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Prefetch, Q

from harken import access
from harken.notifications import outbox
from harken.notifications.models import NOT_ARRIVED, MessageAttachment

register = template.Library()

# The case page shows the latest few; the case's own messages page lists them all, a page at a
# time, so the case page costs the same however many were sent (bench/case_messages.py).
ON_THE_CASE_PAGE = 10


@register.simple_tag
def messages_for_case(case: Any, user: Any) -> dict[str, Any]:
    every = outbox.messages_for_case(case)
    # The attachments with their documents in one statement, not two.
    attachments = Prefetch(
        "attachments", queryset=MessageAttachment.objects.select_related("document")
    )
    messages = list(every.prefetch_related(attachments)[:ON_THE_CASE_PAGE])
    total = len(messages)
    not_sent = any(m.not_arrived for m in messages)
    if total == ON_THE_CASE_PAGE:
        # More than the page shows, perhaps: how many, and whether any has not arrived, in
        # one statement over this case's messages.
        counted = every.order_by().aggregate(
            total=Count("pk"), not_sent=Count("pk", filter=Q(status__in=NOT_ARRIVED))
        )
        total, not_sent = counted["total"], bool(counted["not_sent"])
    return {
        "messages": messages,
        "total": total,
        "not_sent": not_sent,
        "may_retry": outbox.may_retry(user),
        "may_send": access.can_act(user, case, access.Perm.CASE_SEND),
    }
