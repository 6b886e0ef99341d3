"""GOV.UK Notify: the outbox's sender for e-mail, text messages and precompiled letters,
and what Notify's callbacks say (delivery receipts, texts received).

The contract with Notify (each endpoint and field Harken uses, with a link to Notify's
documentation) is in one place: docs/notify-contract.md. The stand-in the tests run,
`harken/notifications/tests/notify_server.py`, implements that page and nothing more.

- Every message sent carries its row's `reference` (a UUID) as Notify's `reference`. A
  retry of a message Notify may already have (an earlier attempt handed it over: the row's
  `provider` is "notify") first lists Notify's notifications with that reference
  (`GET /v2/notifications?reference=`) and, if one is there and has not failed, takes its id
  instead of sending again: exactly once.
- E-mail and text messages need a template on Notify: Harken's e-mail template has the
  placeholders ((subject)) and ((body)), and ((link_to_file_1))… for attachments; the text
  template ((body)). A letter is Harken's own PDF, sent as a precompiled letter.
"""

from __future__ import annotations

import datetime as dt
import hmac
import io
import logging
from typing import Any

from django.utils.dateparse import parse_datetime

from . import conf
from .models import Channel, Message, MessageStatus
from .outbox import Built, Sender

logger = logging.getLogger(__name__)

# Notify's statuses (docs/notify-contract.md) → the outbox's delivery statuses. Those not
# listed ("created", "sending", "pending", "accepted", "pending-virus-check") change nothing.
DELIVERY_STATUS: dict[str, str] = {
    "delivered": MessageStatus.DELIVERED,
    # A letter printed and handed to the postal service: as delivered as Notify will know.
    "received": MessageStatus.DELIVERED,
    "permanent-failure": MessageStatus.FAILED,
    "temporary-failure": MessageStatus.FAILED,
    "technical-failure": MessageStatus.FAILED,
    "virus-scan-failed": MessageStatus.FAILED,
    "validation-failed": MessageStatus.FAILED,
    "cancelled": MessageStatus.FAILED,
}
# The words shown beside a failure: what Notify's status means to the team.
FAILURE_DETAIL: dict[str, str] = {
    "permanent-failure": "The provider could not deliver it: the address or number does "
    "not exist, or refuses it.",
    "temporary-failure": "The provider could not deliver it: the inbox was full or the "
    "phone was off for 72 hours.",
    "technical-failure": "GOV.UK Notify had a technical failure.",
    "virus-scan-failed": "GOV.UK Notify found a virus in the letter's PDF.",
    "validation-failed": "GOV.UK Notify could not print the letter's PDF (the address or "
    "margins are not where it needs them).",
    "cancelled": "The letter was cancelled before it was printed.",
}
FAILED = frozenset(k for k, v in DELIVERY_STATUS.items() if v == MessageStatus.FAILED)


class NotifyNotConfigured(Exception):
    """A setting GOV.UK Notify needs is missing (docs/correspondence.md)."""


def client() -> Any:
    from notifications_python_client.notifications import NotificationsAPIClient

    key = conf.notify_setting("API_KEY")
    if not key:
        raise NotifyNotConfigured("HARKEN_NOTIFY_API_KEY is not set")
    return NotificationsAPIClient(key, base_url=conf.notify_base_url(), timeout=30)


def _template(name: str) -> str:
    template_id = conf.notify_setting(f"{name}_TEMPLATE_ID")
    if not template_id:
        raise NotifyNotConfigured(f"HARKEN_NOTIFY_{name}_TEMPLATE_ID is not set")
    return template_id


class NotifySender(Sender):
    name = "notify"

    def open(self) -> None:
        self.client = client()

    def already_sent(self, message: Message) -> str | None:
        """Notify's id of a notification with this row's reference that has not failed."""
        found = self.client.get_all_notifications(reference=str(message.reference))
        for notification in found.get("notifications", []):
            if notification.get("status") not in FAILED:
                return str(notification["id"])
        return None

    def send(self, message: Message, built: Built) -> str:
        from notifications_python_client import prepare_upload

        reference = str(message.reference)
        if message.channel == Channel.LETTER:
            if built.pdf is None:
                raise ValueError("A letter needs its PDF")
            answer = self.client.send_precompiled_letter_notification(
                reference=reference,
                pdf_file=io.BytesIO(built.pdf),
                postage=conf.notify_setting("LETTER_POSTAGE", "second"),
            )
        elif message.channel == Channel.SMS:
            answer = self.client.send_sms_notification(
                phone_number=message.to[0],
                template_id=_template("SMS"),
                personalisation={"body": built.text or message.body},
                reference=reference,
            )
        else:
            email = built.email
            if email is None:
                raise ValueError("An e-mail needs its message")
            personalisation: dict[str, Any] = {"subject": email.subject, "body": email.body}
            for number, (filename, content, _mime) in enumerate(email.attachments, start=1):
                data = content if isinstance(content, bytes) else str(content).encode()
                personalisation[f"link_to_file_{number}"] = prepare_upload(
                    io.BytesIO(data), filename=filename
                )
            answer = self.client.send_email_notification(
                email_address=message.to[0],
                template_id=_template("EMAIL"),
                personalisation=personalisation,
                reference=reference,
            )
        return str(answer["id"])


# --- Callbacks ---------------------------------------------------------------------------


def token_ok(header: str) -> bool:
    """The callback's `Authorization: Bearer <token>` is the one Harken gave Notify,
    compared in constant time; no token set refuses every callback."""
    expected = conf.notify_setting("CALLBACK_TOKEN")
    scheme, _, given = (header or "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


class BadCallback(ValueError):
    """A callback whose body is not what Notify sends: the field named."""


def delivery_receipt(body: Any) -> str:
    """A delivery receipt's status on its message (found by our `reference`, else Notify's
    `id`). Returns what happened: "updated", "unchanged" or "unknown" (not one of ours)."""
    from .outbox import record_delivery

    if not isinstance(body, dict):
        raise BadCallback("body")
    status = body.get("status")
    if not isinstance(status, str) or not status:
        raise BadCallback("status")
    reference, notify_id = body.get("reference"), body.get("id")
    message = None
    if isinstance(reference, str) and reference:
        try:
            message = Message.objects.filter(reference=reference).first()
        except Exception:  # not a UUID: not one of ours
            message = None
    if message is None and isinstance(notify_id, str) and notify_id:
        message = Message.objects.filter(provider="notify", provider_id=notify_id).first()
    if message is None:
        return "unknown"
    ours = DELIVERY_STATUS.get(status)
    if ours is None:
        return "unchanged"
    at = _when(body.get("completed_at")) or _when(body.get("sent_at"))
    changed = record_delivery(
        message=message, status=ours, at=at, detail=FAILURE_DETAIL.get(status, "")
    )
    return "updated" if changed else "unchanged"


def inbound_text(body: Any) -> tuple[Any, bool]:
    """A text message received: stored once (Notify's id), and in the shared mailbox's inbox
    in the same transaction (`correspondence.services.text_store`), where the feedback team
    deals with it as with an e-mail. Returns (the row, created)."""
    from django.db import transaction

    from harken.correspondence.services import text_store

    from .models import InboundText

    if not isinstance(body, dict):
        raise BadCallback("body")
    for name in ("id", "source_number", "message"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise BadCallback(name)
    received = _when(body.get("date_received"))
    if received is None:
        raise BadCallback("date_received")
    with transaction.atomic():
        text, created = InboundText.objects.get_or_create(
            notify_id=body["id"][:64],
            defaults={
                "source_number": body["source_number"][:40],
                "destination_number": str(body.get("destination_number") or "")[:40],
                "message": body["message"][:5000],
                "received_at": received,
            },
        )
        # Also when Notify sends it again: a text stored before its item (never twice).
        text_store(text=text)
    return text, created
