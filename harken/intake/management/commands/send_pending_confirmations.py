"""`harken send-pending-confirmations`: `harken send-pending-messages` for the online forms'
confirmation e-mails only, under the name it had before there was one outbox. Kept, as it
was documented; `--inline` sends in this process instead of through the task queue."""

from __future__ import annotations

from django.db.models import QuerySet

from harken.notifications.management.commands.send_pending_messages import (
    Command as SendPendingMessages,
)
from harken.notifications.models import Message, MessageKind


class Command(SendPendingMessages):
    help = "Queue (or with --inline, send) every online-form confirmation e-mail that is due."

    def among(self) -> QuerySet[Message] | None:
        return Message.objects.filter(kind=MessageKind.CONFIRMATION)
