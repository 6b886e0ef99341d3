"""`harken send-pending-email`: the name `harken send-pending-messages` had before there was
one outbox. Kept, as it was documented: it does exactly what that command does."""

from __future__ import annotations

from .send_pending_messages import Command as SendPendingMessages


class Command(SendPendingMessages):
    help = "Same as send-pending-messages (its old name)."
