"""Sending from the case: an e-mail, a posted letter or a text message to a person on it.

Each is a `Message` of the one outbox (ADR 0070), kept whole on its row (to, subject, body,
the case documents it carries), queued in the same transaction as its timeline event and
sent by the task worker (`outbox.deliver`), with the one retry policy. The page and the API
call `case_message_send`; it refuses the same things for both. Pressing Send twice, or the
form posted again, makes one message: the form's idempotency key is unique on the row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from harken import access
from harken.accounts.models import User
from harken.cases.models import Case, CaseParty, ContactPreference, Relationship, TimelineEvent
from harken.core import checks
from harken.core.audit import record_event
from harken.core.dates import format_date
from harken.core.errors import AccessDenied, ApplicationError
from harken.documents.models import Document
from harken.ops import storage

from . import conf, outbox
from .models import Channel, Message, MessageAttachment, MessageKind, MessageStatus

logger = logging.getLogger(__name__)

KIND_OF_CHANNEL: dict[str, str] = {
    Channel.EMAIL: MessageKind.CASE_EMAIL,
    Channel.LETTER: MessageKind.CASE_LETTER,
    Channel.SMS: MessageKind.CASE_TEXT,
}
# The person's contact preference → the channel followed by default.
PREFERRED: dict[str, str] = {
    ContactPreference.EMAIL: Channel.EMAIL,
    ContactPreference.POST: Channel.LETTER,
    ContactPreference.TEXT: Channel.SMS,
}
# GOV.UK Notify's longest text message (6 parts); an e-mail's attachments all together.
TEXT_LIMIT = 918
ATTACHMENTS_LIMIT = 10 * 1024 * 1024
ATTACHMENTS_MOST = 10
NOTIFY_FILE_LIMIT = 2 * 1024 * 1024  # Notify's limit for each file sent by e-mail
PDF = "application/pdf"


@dataclass(frozen=True)
class Recipient:
    """A person on the case, with how they can be reached and how they asked to be."""

    party_id: int
    name: str
    role: str
    email: str
    phone: str
    address_lines: tuple[str, ...]
    preference: str
    preference_label: str
    accessibility_needs: str
    language: str
    channels: tuple[str, ...] = field(default=())

    @property
    def preferred_channel(self) -> str | None:
        channel = PREFERRED.get(self.preference)
        return channel if channel in self.channels else None

    @property
    def no_contact(self) -> bool:
        return self.preference == ContactPreference.NONE

    def address_for(self, channel: str) -> list[str]:
        if channel == Channel.EMAIL:
            return [self.email]
        if channel == Channel.SMS:
            return [self.phone]
        return [self.name, *self.address_lines] if self.name else list(self.address_lines)


def _recipient(party: CaseParty) -> Recipient:
    person = party.person
    lines = [line.strip() for line in person.address.splitlines() if line.strip()]
    if person.postcode:
        lines.append(person.postcode.strip())
    channels = []
    if person.email:
        channels.append(Channel.EMAIL)
    if lines:
        channels.append(Channel.LETTER)
    if person.phone:
        channels.append(Channel.SMS)
    role = party.get_role_display()
    if party.relationship == Relationship.ADVOCATE:
        role = f"{role}, advocate"
    return Recipient(
        party_id=party.pk,
        name=person.full_name,
        role=role,
        email=person.email,
        phone=person.phone,
        address_lines=tuple(lines),
        preference=person.contact_preference,
        preference_label=person.get_contact_preference_display()
        if person.contact_preference
        else "Not recorded",
        accessibility_needs=person.accessibility_needs,
        language=person.language,
        channels=tuple(channels),
    )


def recipients(case: Case) -> list[Recipient]:
    """The people on the case (complainant, advocate, the child), in the order recorded."""
    parties = case.parties.select_related("person").order_by("id")
    return [_recipient(p) for p in parties]


def sendable_documents(case: Case) -> list[Document]:
    """The case's documents that can go with a message, newest first (not those that could
    not be checked for viruses, nor an infected one, which is never stored)."""
    return list(case.documents.exclude(scan_status="error").order_by("-uploaded_at", "filename"))


def channels_available() -> tuple[str, ...]:
    """Texts go through GOV.UK Notify only; e-mail and letters through either backend."""
    if conf.message_backend() == conf.NOTIFY:
        return (Channel.EMAIL, Channel.LETTER, Channel.SMS)
    return (Channel.EMAIL, Channel.LETTER)


def may_send(user: Any, case: Case) -> bool:
    return access.can_act(user, case, access.Perm.CASE_SEND)


def _documents(case: Case, ids: Iterable[Any]) -> list[Document]:
    wanted = list(dict.fromkeys(str(i) for i in ids if str(i).strip()))
    if not wanted:
        return []
    try:
        found = {str(d.pk): d for d in Document.objects.filter(case=case, pk__in=wanted)}
    except Exception as exc:  # not a document id at all (a malformed UUID)
        raise ApplicationError.for_field(
            "documents", "Choose documents that are on this case."
        ) from exc
    if len(found) != len(wanted):
        raise ApplicationError.for_field("documents", "Choose documents that are on this case.")
    return [found[i] for i in wanted]


def _check_email(subject: str, body: str, documents: Sequence[Document]) -> tuple[str, str]:
    subject = checks.required_text("subject", subject, "Enter the subject")
    if len(subject) > 200:
        raise ApplicationError.for_field("subject", "The subject must be 200 characters or fewer")
    body = checks.normal_text(checks.required_text("body", body, "Enter the message"))
    if len(documents) > ATTACHMENTS_MOST:
        raise ApplicationError.for_field(
            "documents", f"Attach {ATTACHMENTS_MOST} documents or fewer."
        )
    if sum(d.size for d in documents) > ATTACHMENTS_LIMIT:
        raise ApplicationError.for_field(
            "documents", "The documents attached must be 10 MB or smaller all together."
        )
    if conf.message_backend() == conf.NOTIFY and any(d.size > NOTIFY_FILE_LIMIT for d in documents):
        raise ApplicationError.for_field(
            "documents", "GOV.UK Notify sends documents of 2 MB or smaller: choose smaller ones."
        )
    return subject, body


def _check_text(subject: str, body: str, documents: Sequence[Document]) -> tuple[str, str]:
    body = checks.normal_text(checks.required_text("body", body, "Enter the message"))
    if len(body) > TEXT_LIMIT:
        raise ApplicationError.for_field(
            "body", f"The message must be {TEXT_LIMIT} characters or fewer"
        )
    if documents:
        raise ApplicationError.for_field("documents", "A text message cannot carry documents.")
    return "", body


def _check_letter(subject: str, body: str, documents: Sequence[Document]) -> tuple[str, str]:
    if len(documents) != 1 or documents[0].content_type != PDF:
        raise ApplicationError.for_field(
            "documents", "Choose the letter to post: one PDF on the case."
        )
    return "", checks.normal_text(body or "")


CHECKS: dict[str, Any] = {
    Channel.EMAIL: _check_email,
    Channel.SMS: _check_text,
    Channel.LETTER: _check_letter,
}


def _check(
    *,
    channel: str,
    recipient: Recipient,
    subject: str,
    body: str,
    documents: Sequence[Document],
) -> tuple[str, str]:
    if channel not in KIND_OF_CHANNEL:
        raise ApplicationError.for_field("channel", "Choose how to send it.")
    if channel not in channels_available():
        raise ApplicationError.for_field(
            "channel",
            "Text messages are sent through GOV.UK Notify, which is not set up here: "
            "choose e-mail or post.",
        )
    if recipient.no_contact:
        raise ApplicationError.for_field(
            "party", f"{recipient.name or 'This person'} asked not to be contacted."
        )
    if channel not in recipient.channels:
        names: dict[str, str] = {Channel.EMAIL: "e-mail address", Channel.SMS: "phone number"}
        what = names.get(channel, "postal address")
        raise ApplicationError.for_field(
            "channel", f"There is no {what} for {recipient.name or 'this person'} on the case."
        )
    if any(d.scan_status == "error" for d in documents):
        raise ApplicationError.for_field(
            "documents", "A document that could not be checked for viruses cannot be sent."
        )
    subject, body = CHECKS[channel](subject, body, documents)
    if len(body) > 20000:
        raise ApplicationError.for_field("body", "The message must be 20,000 characters or fewer")
    return subject, body


def _existing(key: str, case: Case) -> Message | None:
    found = Message.objects.filter(idempotency_key=key).first()
    if found is not None and found.case_id != case.pk:
        raise ApplicationError.for_field(
            "idempotency_key", "That idempotency key was used for another message."
        )
    return found


@transaction.atomic
def case_message_send(
    *,
    case: Case,
    actor: User,
    party_id: int,
    channel: str,
    subject: str = "",
    body: str = "",
    document_ids: Iterable[Any] = (),
    idempotency_key: str | None = None,
) -> Message:
    """Queue an e-mail, a posted letter or a text message to a person on the case, kept
    whole on the row and on the timeline; the task worker sends it. The same idempotency key
    again returns the message already made (nothing more is sent)."""
    if not may_send(actor, case):
        raise AccessDenied("You are not allowed to send messages from this case.")
    key = (idempotency_key or "").strip()[:64] or None
    if key is not None and (found := _existing(key, case)) is not None:
        return found
    party = CaseParty.objects.select_related("person").filter(case=case, pk=party_id).first()
    if party is None:
        raise ApplicationError.for_field("party", "Choose who to send it to.")
    recipient = _recipient(party)
    documents = _documents(case, document_ids)
    subject, body = _check(
        channel=channel, recipient=recipient, subject=subject, body=body, documents=documents
    )
    if subject and case.reference not in subject:
        # Replies keep the subject: the shared mailbox finds the case by its reference.
        subject = f"{subject} [{case.reference}]"[:200]
    try:
        with transaction.atomic():
            message = outbox.message_queue(
                kind=KIND_OF_CHANNEL[channel],
                channel=channel,
                to=recipient.address_for(channel),
                case=case,
                requested_by=actor,
                data={"party": party.pk},
                subject=subject,
                body=body,
                idempotency_key=key,
            )
    except IntegrityError:
        # The same form posted twice at once: the other request made it.
        if key is not None and (found := _existing(key, case)) is not None:
            return found
        raise
    MessageAttachment.objects.bulk_create(
        MessageAttachment(message=message, document=d, position=i) for i, d in enumerate(documents)
    )
    what = message.get_kind_display()
    enclosed = f" with {', '.join(d.filename for d in documents)}" if documents else ""
    record_event(
        case=case,
        actor=actor,
        verb=TimelineEvent.Verb.MESSAGE_QUEUED,
        description=f"{what} to {recipient.name or 'a person on the case'} "
        f"({', '.join(message.to)}) queued{enclosed}" + (f": “{subject}”" if subject else ""),
        changes={"message": [None, str(message.reference)]},
    )
    logger.info("Message %s queued on a case by user %s", message.pk, actor.pk)
    return message


@transaction.atomic
def letter_record_posted(*, message: Message, actor: User, on: dt.date | None = None) -> Message:
    """The team printed and posted a letter Harken could not post itself (no GOV.UK Notify):
    it becomes sent, on the day it was posted, on the timeline."""
    if not access.may(actor, access.Perm.OUTBOX_RETRY):
        raise AccessDenied("Only the feedback team and administrators record letters posted.")
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.case is not None and not access.can_view_case(actor, locked.case):
        raise AccessDenied("You cannot see the case this message is about.")
    if locked.status != MessageStatus.TO_POST:
        raise ApplicationError(
            f"This letter is not waiting to be posted: it is {locked.get_status_display().lower()}."
        )
    # The day it went in the post is the step's evidence (a stage's "Letters sent"): today or
    # earlier, and not before the letter was written.
    created_on = timezone.localdate(locked.created_at)
    posted = checks.date(
        "posted_on",
        on or timezone.localdate(),
        label="it was posted",
        not_before=created_on,
        before_label="the letter was written",
    )
    at = dt.datetime.combine(posted, dt.time(12), tzinfo=timezone.get_current_timezone())
    Message.objects.filter(pk=locked.pk).update(
        status=MessageStatus.SENT,
        sent_at=at,
        data={**locked.data, "posted_by": actor.pk, "posted_on": posted.isoformat()},
    )
    if locked.case_id is not None:
        record_event(
            case=locked.case,  # type: ignore[arg-type]
            actor=actor,
            verb=TimelineEvent.Verb.LETTER_POSTED,
            description=f"Letter to {locked.to[0] if locked.to else 'the person'} posted by "
            f"the team on {format_date(posted)}",
        )
    locked.refresh_from_db()
    return locked


# --- Sending (the outbox's builder for the messages written on a case) ---------------------


def document_bytes(document: Document) -> bytes:
    """The stored file as it was uploaded (decrypted where documents are encrypted)."""
    return b"".join(storage.stream(document.storage_name))


def case_message_build(message: Message) -> outbox.Built:
    """What `outbox.deliver` sends for a message written on a case: exactly what its row
    says (and its documents), nothing made again from the case."""
    documents = [a.document for a in message.attachments.select_related("document")]
    text = ""
    pdf = None
    email = None
    if message.channel == Channel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(message.to),
        )
        for document in documents:
            email.attach(document.filename, document_bytes(document), document.content_type)
    elif message.channel == Channel.SMS:
        text = message.body
    else:
        pdf = document_bytes(documents[0])

    def sent() -> None:
        if message.case_id is None:
            return
        record_event(
            case=message.case,  # type: ignore[arg-type]
            actor=message.requested_by,
            verb=TimelineEvent.Verb.MESSAGE_SENT,
            description=f"{message.get_kind_display()} to {', '.join(message.to)} sent",
        )

    return outbox.Built(email=email, text=text, pdf=pdf, after_sent=sent)
