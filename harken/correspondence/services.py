"""Every change to the shared mailbox's items: stored once, routed, and what officers do.

**Stored once.** `item_store` writes the raw message to the document storage, then, in one
transaction, its item row (unique on the Message-ID, or on the content's hash where there is
none), its attachments' checks, its audit row and where it goes (set aside, joined to its
case, or the inbox). If that transaction fails the file is deleted again. The caller (the
poller, `mailbox.poll`) marks the message on the server only after it commits; a message met
again because the poller stopped in between is found by its key and only marked.

**Routed.** An automatic reply or a bounce is set aside (a bounce of a Harken message goes on
that message's case as undelivered). A reply to a message sent from a case (its In-Reply-To or
References) joins that case by itself, as does a message whose subject names a case the
sender's address is on. A case named by anyone else is only suggested: an officer confirms.

**Closed cases.** A reply that would join a case that is no longer open joins it all the same
(its timeline keeps everything that arrived) and also waits in the inbox, flagged "reply to a
closed case", for an officer to decide: reopen the case (`case_reopen`, the workflow's own
step and refusals), make it a new record, or leave it where it is (no action).

**Texts.** A text message to the council's number (GOV.UK Notify's inbound callback) becomes
an item of the same inbox (`text_store`), kept whole as a small text file like an e-mail's
.eml, and is dealt with by the same steps; an open case with the sender's number on it is
suggested.

**The inbox.** The feedback team (`Perm.MAILBOX`) turns an item into a new record through the
same creation services as the new-record page and the API (`case_create`, `sar_create`),
attaches it to a case they may add to, claims it, or marks it as not feedback with a reason.
Nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from harken import access
from harken.accounts.models import Team, User
from harken.cases import services as case_services
from harken.cases.models import Case, Channel, Kind, PartyRole, Person, Status, TimelineEvent
from harken.core import checks
from harken.core.dates import LONDON, format_date
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.storage import save_file
from harken.documents import filetypes
from harken.documents import services as documents
from harken.documents.models import ScanStatus

from . import parsing
from .models import (
    ItemKind,
    ItemStatus,
    MailAttachment,
    MailItem,
    MailItemEvent,
    NotFeedbackReason,
)

logger = logging.getLogger(__name__)

STORAGE_PREFIX = "mailbox/"
SAR = "sar"
# What an item can become in one step: the case kinds, and a subject access request.
CONVERT_KINDS: dict[str, str] = {
    Kind.CONTACT: "Initial contact",
    Kind.COMPLAINT: "Complaint",
    Kind.COMPLIMENT: "Compliment",
    Kind.ENQUIRY: "Representation: enquiry",
    Kind.COMMENT: "Representation: comment",
    Kind.SUGGESTION: "Representation: suggestion",
    SAR: "Subject access request",
}


@dataclass(frozen=True)
class Stored:
    item: MailItem
    created: bool


@dataclass
class _Checked:
    """An attachment and what the upload rules said of it."""

    attachment: parsing.Attachment
    file: documents.CheckedFile | None
    refusal: str = ""
    text: str = ""


def reference_pattern() -> re.Pattern[str]:
    prefix = re.escape(settings.HARKEN_REFERENCE_PREFIX)
    return re.compile(rf"(?i)(?<![A-Z0-9]){prefix}-\d{{4}}-\d{{5}}(?![0-9])")


def references_in(value: str) -> list[str]:
    return list(dict.fromkeys(m.group(0).upper() for m in reference_pattern().finditer(value)))


def _event(item: MailItem, actor: User | None, verb: MailItemEvent.Verb, description: str) -> None:
    MailItemEvent.objects.create(item=item, actor=actor, verb=verb, description=description[:500])


def record_item_read(*, item: MailItem, user: User, via: str) -> None:
    """Who read which e-mail, and where (the item page, the API)."""
    _event(item, user, MailItemEvent.Verb.VIEWED, f"Viewed ({via})")


def record_items_listed(*, items: Sequence[MailItem], user: User, via: str) -> None:
    """The items a page or the API listed to `user`: one row each, in one INSERT."""
    MailItemEvent.objects.bulk_create(
        MailItemEvent(
            item=item, actor=user, verb=MailItemEvent.Verb.LISTED, description=f"Listed ({via})"
        )
        for item in items
    )


# --- Attachments: the documents' upload rules ----------------------------------------------


def _msg_text(data: bytes) -> str:
    """The text of an Outlook .msg (extract-msg); empty if it cannot be read."""
    try:
        import extract_msg

        message: Any = extract_msg.openMsg(data)
        try:
            parts = [str(message.subject or ""), str(message.body or "")]
        finally:
            message.close()
        return "\n\n".join(p.strip() for p in parts if p.strip())[:100_000]
    except Exception as exc:  # a damaged .msg: it stays an attachment, without its text
        logger.info("An attached .msg could not be read: %s", type(exc).__name__)
        return ""


def _check(attachment: parsing.Attachment, *, log_context: str) -> _Checked:
    content = ContentFile(attachment.data, name=attachment.filename)
    try:
        checked = documents.upload_check(content, log_context=log_context)
    except ApplicationError as exc:
        return _Checked(attachment, None, refusal=exc.message.replace("The selected file", "It"))
    text = _msg_text(attachment.data) if checked.content_type == filetypes.MSG.mime else ""
    return _Checked(attachment, checked, text=text)


def _checked_attachments(parsed: parsing.ParsedMail, *, log_context: str) -> list[_Checked]:
    return [_check(a, log_context=log_context) for a in parsed.attachments]


def _eml_file(item: MailItem, raw: bytes) -> documents.CheckedFile:
    """The message itself as a case document: kept whole, whatever its size (it is the record
    of what arrived, not an upload); its attachments are checked one by one. A text message's
    is the text file it was kept as."""
    day = timezone.localtime(item.received_at, LONDON).date().isoformat()
    kind = filetypes.TXT if item.is_text else filetypes.EML
    return documents.CheckedFile(
        content=io.BytesIO(raw),
        filename=f"text message {day}.txt" if item.is_text else f"e-mail {day}.eml",
        content_type=kind.mime,
        extension=kind.extension,
        size=len(raw),
        sha256=item.raw_sha256,
        scan_status=ScanStatus.NOT_SCANNED,
    )


def _sender(item: MailItem) -> str:
    if item.is_text:
        return item.sender_phone or "an unknown number"
    if item.sender_name and item.sender_address:
        return f"{item.sender_name} <{item.sender_address}>"
    return item.sender_address or item.sender_name or "an unknown sender"


def _to_case(
    *, item: MailItem, raw: bytes, checked: list[_Checked], case: Case, actor: User | None, how: str
) -> None:
    """The message and its accepted attachments become the case's documents, with one
    timeline event; refused attachments are named on it."""
    accepted = [c for c in checked if c.file is not None]
    refused = [c for c in checked if c.file is None]
    if item.is_text:
        words = " ".join(item.text.split())
        event = f"Text message {how} from {_sender(item)}: “{words[:300]}”"
    else:
        event = f"E-mail {how} from {_sender(item)}: {item.subject or '(no subject)'}"
    if accepted:
        event += f"; {len(accepted)} attachment(s) added"
    if refused:
        event += f"; {len(refused)} attachment(s) kept out"
    files = [_eml_file(item, raw), *(c.file for c in accepted if c.file is not None)]
    saved = documents.documents_receive(
        case=case,
        files=files,
        actor=actor,
        description=(
            f"Text message from {_sender(item)}"
            if item.is_text
            else f"E-mail from {item.sender_address or 'an unknown sender'}"
        )[:500],
        event=event[:1000],
        verb=(
            TimelineEvent.Verb.EMAIL_RECEIVED
            if actor is None
            else TimelineEvent.Verb.TEXT_ATTACHED
            if item.is_text
            else TimelineEvent.Verb.EMAIL_ATTACHED
        ),
    )
    documents_of = iter(saved[1:])
    for row, c in zip(item.attachments.order_by("number"), checked, strict=False):
        if c.file is not None:
            row.document = next(documents_of)
            row.save(update_fields=["document"])
    item.case = case


# --- Storing and routing -------------------------------------------------------------------


def _harken_message(message_ids: Sequence[str]) -> Any:
    """The outbox Message one of these Message-IDs is (notifications.outbox.message_id)."""
    from harken.notifications.models import Message

    for value in message_ids:
        match = parsing.HARKEN_MESSAGE_ID.search(value)
        if match:
            found = Message.objects.filter(pk=int(match.group(1))).select_related("case").first()
            if found is not None and found.reference.hex.startswith(match.group(2)):
                return found
    legacy = [v.strip() for v in message_ids if v.strip()]
    for value in legacy[:20]:
        found = Message.objects.filter(data__message_id=value).select_related("case").first()
        if found is not None:
            return found
    return None


def _ids(item: MailItem) -> list[str]:
    return re.findall(r"<[^<>\s]{1,500}>", f"{item.in_reply_to} {item.references}")


def sender_on_case(address: str, case: Case) -> bool:
    if not address:
        return False
    return case.parties.filter(person__email__iexact=address).exists()


def _route_bounce(item: MailItem, parsed: parsing.ParsedMail) -> None:
    from harken.notifications import outbox
    from harken.notifications.models import MessageStatus

    message = _harken_message(parsed.bounced_ids)
    if message is None:
        return
    item.bounced_message = message
    # The one way a message's delivery changes (issue 13's sending): its status becomes
    # "bounced" and the case's timeline says so.
    outbox.record_delivery(
        message=message,
        status=MessageStatus.BOUNCED,
        at=item.received_at,
        detail="the mail server returned it on "
        f"{format_date(timezone.localdate(item.received_at))}",
    )
    if message.case is not None:
        item.case = message.case


def _reply_case(item: MailItem) -> tuple[Case | None, Case | None]:
    """(the case it joins by itself, a case only suggested)."""
    message = _harken_message(_ids(item))
    if message is not None and message.case is not None:
        case = message.case
        sent_to = {str(a).lower() for a in message.to}
        if item.sender_address in sent_to or sender_on_case(item.sender_address, case):
            return case, None
        return None, case
    references = references_in(item.subject)
    if references:
        case = Case.objects.filter(reference__in=references[:5]).order_by("pk").first()
        if case is not None:
            if sender_on_case(item.sender_address, case):
                return case, None
            return None, case
    return None, None


def _route(
    item: MailItem, parsed: parsing.ParsedMail, raw: bytes, checked: list[_Checked]
) -> tuple[MailItemEvent.Verb, str]:
    """Where the item goes; returns its event (verb, description)."""
    if item.kind == ItemKind.BOUNCE:
        item.status = ItemStatus.SET_ASIDE
        _route_bounce(item, parsed)
        return MailItemEvent.Verb.SET_ASIDE, f"Set aside: {item.set_aside_reason}"
    if item.kind == ItemKind.AUTO_REPLY:
        item.status = ItemStatus.SET_ASIDE
        return MailItemEvent.Verb.SET_ASIDE, f"Set aside: {item.set_aside_reason}"
    case, suggested = _reply_case(item)
    if case is not None:
        closed = case.status != Status.OPEN
        try:
            with transaction.atomic():
                _to_case(
                    item=item,
                    raw=raw,
                    checked=checked,
                    case=case,
                    actor=None,
                    how="received after the case was closed" if closed else "received",
                )
                if not closed:
                    item.status = ItemStatus.JOINED
            if closed:
                # On the case's timeline (nothing lost), and in the inbox for an officer.
                return (
                    MailItemEvent.Verb.CLOSED_CASE_REPLY,
                    f"Joined case {case.reference}, which is closed, and put in the inbox "
                    "for an officer to decide",
                )
            return MailItemEvent.Verb.JOINED, f"Joined case {case.reference} by itself"
        except (ApplicationError, OSError) as exc:
            # The storage refused a file: the item waits in the inbox, naming the case.
            logger.warning("A reply could not join its case: %s", type(exc).__name__)
            item.problems = [*item.problems, f"It could not join case {case.reference} by itself."]
            item.case = None
            suggested = case
    item.suggested_case = suggested
    return MailItemEvent.Verb.INBOX, "Put in the inbox"


# What routing may change on a new item: saved only when it did.
_ROUTED_FIELDS = ("status", "case", "suggested_case", "bounced_message", "problems")


def _received_at(parsed: parsing.ParsedMail, received_at: dt.datetime | None) -> dt.datetime:
    when = received_at or parsed.date or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when, dt.UTC)
    return when


@dataclass(frozen=True)
class Incoming:
    """One message read from the mailbox: its bytes, and when it reached the mailbox."""

    raw: bytes
    received_at: dt.datetime | None = None


def item_store(*, raw: bytes, received_at: dt.datetime | None = None) -> Stored:
    """Keep one message read from the mailbox: never twice (see the module's docstring).
    Returns the item, and whether this call stored it."""
    return items_store([Incoming(raw, received_at)])[0]


def _new_item(incoming: Incoming, parsed: parsing.ParsedMail, key: str, name: str) -> MailItem:
    raw = incoming.raw
    return MailItem(
        dedupe_key=key,
        message_id=parsed.message_id,
        raw_storage_name=name,
        raw_size=len(raw),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        received_at=_received_at(parsed, incoming.received_at),
        sender_address=parsed.sender_address,
        sender_name=parsed.sender_name,
        subject=parsed.subject,
        recipients=parsed.recipients,
        recipient_count=parsed.recipient_count,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        text=parsed.text,
        html=parsed.html,
        problems=parsed.problems,
        kind=parsed.kind,
        set_aside_reason=parsed.set_aside_reason,
    )


def _write_items(
    rows: Sequence[tuple[Incoming, parsing.ParsedMail, str, str, list[_Checked]]],
) -> list[MailItem]:
    """The rows of messages whose files are stored: items, attachments' checks, routing and
    history, in one transaction and a few statements whatever their number."""
    with transaction.atomic():
        items = MailItem.objects.bulk_create(
            [_new_item(incoming, parsed, key, name) for incoming, parsed, key, name, _ in rows]
        )
        MailAttachment.objects.bulk_create(
            MailAttachment(
                item=item,
                number=number,
                filename=c.file.filename if c.file else c.attachment.filename[:200],
                content_type=c.file.content_type if c.file else c.attachment.content_type,
                size=len(c.attachment.data),
                refusal=c.refusal[:300],
                text=c.text,
            )
            for item, (*_, checked) in zip(items, rows, strict=True)
            for number, c in enumerate(checked, start=1)
        )
        events: list[MailItemEvent] = []
        for item, (incoming, parsed, _key, _name, checked) in zip(items, rows, strict=True):
            before = {field: getattr(item, field) for field in _ROUTED_FIELDS}
            verb, description = _route(item, parsed, incoming.raw, checked)
            events += [
                MailItemEvent(
                    item=item,
                    verb=MailItemEvent.Verb.RECEIVED,
                    description="Received in the shared mailbox",
                ),
                MailItemEvent(item=item, verb=verb, description=description[:500]),
            ]
            changed = [f for f in _ROUTED_FIELDS if getattr(item, f) != before[f]]
            if changed:
                item.save(update_fields=changed)
        MailItemEvent.objects.bulk_create(events)
    return items


def items_store(messages: Sequence[Incoming]) -> list[Stored]:
    """Keep several messages read from the mailbox, in order: each never twice. The new ones
    are written in **one** transaction (rows, attachments' checks, history, routing), after
    their files; if it fails every file is deleted again and nothing is half-saved, so
    the caller marks none of them. One transaction for several messages is what lets the
    poller keep up (one commit, and a few statements, for the lot: bench/mailbox.py); the
    exactly-once rule is the same as for one (ADR 0170)."""
    parsed = [parsing.parse(m.raw) for m in messages]
    keys = [parsing.dedupe_key(m.raw, p.message_id) for m, p in zip(messages, parsed, strict=True)]
    found = {i.dedupe_key: i for i in MailItem.objects.filter(dedupe_key__in=set(keys))}
    new: list[int] = []  # positions of the messages to store, the first of each key
    for position, key in enumerate(keys):
        if key not in found and key not in {keys[n] for n in new}:
            new.append(position)
    names: list[str] = []
    try:
        checked = {
            n: _checked_attachments(parsed[n], log_context="the shared mailbox") for n in new
        }
        for n in new:
            names.append(
                save_file(
                    default_storage,
                    f"{STORAGE_PREFIX}{uuid.uuid4().hex}.eml",
                    ContentFile(messages[n].raw),
                    message="The e-mail could not be stored just now (the storage is full or "
                    "unavailable).",
                )
            )
        items = _write_items(
            [
                (messages[n], parsed[n], keys[n], name, checked[n])
                for n, name in zip(new, names, strict=True)
            ]
        )
    except IntegrityError:
        # Another poller stored one of them first (the unique key): these copies go, and
        # each is stored, or found, on its own.
        for name in names:
            default_storage.delete(name)
        if len(messages) > 1:
            return [item_store(raw=m.raw, received_at=m.received_at) for m in messages]
        existing = MailItem.objects.filter(dedupe_key=keys[0]).first()
        if existing is None:
            raise
        return [Stored(existing, False)]
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
    for item in items:
        found[item.dedupe_key] = item
    stored_here = {n: items[i] for i, n in enumerate(new)}
    return [
        Stored(stored_here[n], True) if n in stored_here else Stored(found[keys[n]], False)
        for n in range(len(messages))
    ]


def _text_raw(text: Any) -> bytes:
    """A text message kept whole, as the record of what arrived (its .eml, for an e-mail)."""
    received = timezone.localtime(text.received_at, LONDON)
    return (
        f"Text message received through GOV.UK Notify\n"
        f"From: {text.source_number}\n"
        f"To: {text.destination_number}\n"
        f"Received: {received.isoformat()}\n"
        f"Notify id: {text.notify_id}\n\n"
        f"{text.message}\n"
    ).encode()


def text_store(*, text: Any) -> Stored:
    """Put a text message received (a `notifications.InboundText`, stored once by Notify's
    id) in the inbox: one item, never two (unique key from Notify's id), kept whole as a text
    file in the document storage, in the caller's transaction."""
    key = hashlib.sha256(f"text:{text.notify_id}".encode()).hexdigest()
    existing = MailItem.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return Stored(existing, False)
    raw = _text_raw(text)
    name = save_file(
        default_storage,
        f"{STORAGE_PREFIX}{uuid.uuid4().hex}.txt",
        ContentFile(raw),
        message="The text message could not be stored just now (the storage is unavailable).",
    )
    try:
        with transaction.atomic():
            item = MailItem.objects.create(
                dedupe_key=key,
                raw_storage_name=name,
                raw_size=len(raw),
                raw_sha256=hashlib.sha256(raw).hexdigest(),
                received_at=text.received_at,
                sender_phone=text.source_number[:40],
                recipients=[text.destination_number] if text.destination_number else [],
                recipient_count=1 if text.destination_number else 0,
                text=text.message,
                kind=ItemKind.TEXT,
                inbound_text=text,
            )
            MailItemEvent.objects.bulk_create(
                [
                    MailItemEvent(
                        item=item,
                        verb=MailItemEvent.Verb.RECEIVED,
                        description="Text message received through GOV.UK Notify",
                    ),
                    MailItemEvent(
                        item=item, verb=MailItemEvent.Verb.INBOX, description="Put in the inbox"
                    ),
                ]
            )
    except IntegrityError:
        # The same callback at the same moment stored it first: this copy goes.
        default_storage.delete(name)
        existing = MailItem.objects.filter(dedupe_key=key).first()
        if existing is None:
            raise
        return Stored(existing, False)
    except BaseException:
        default_storage.delete(name)
        raise
    return Stored(item, True)


# --- What officers do ------------------------------------------------------------------------


def ensure_may_use(actor: User | Any) -> None:
    if not access.may(actor, access.Perm.MAILBOX):
        raise AccessDenied("Only the feedback team reads the shared mailbox.")


def _ensure_in_inbox(item: MailItem) -> None:
    if not item.in_inbox:
        raise ApplicationError(
            f"This e-mail is no longer in the inbox ({item.get_status_display().lower()})."
        )


def _locked(item: MailItem) -> MailItem:
    return MailItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def item_claim(*, item: MailItem, actor: User) -> MailItem:
    """Take an e-mail to deal with; another officer's claim is not taken over silently."""
    ensure_may_use(actor)
    item = _locked(item)
    _ensure_in_inbox(item)
    if item.claimed_by_id and item.claimed_by_id != actor.pk:
        raise ApplicationError(
            f"{item.claimed_by} has claimed this e-mail already: ask them before taking it over."
        )
    item.claimed_by, item.claimed_at = actor, timezone.now()
    item.save(update_fields=["claimed_by", "claimed_at"])
    _event(item, actor, MailItemEvent.Verb.CLAIMED, f"Claimed by {actor}")
    return item


@transaction.atomic
def item_release(*, item: MailItem, actor: User) -> MailItem:
    ensure_may_use(actor)
    item = _locked(item)
    if item.claimed_by_id != actor.pk:
        raise ApplicationError("Only the officer who claimed this e-mail can let it go.")
    item.claimed_by, item.claimed_at = None, None
    item.save(update_fields=["claimed_by", "claimed_at"])
    _event(item, actor, MailItemEvent.Verb.RELEASED, f"Let go by {actor}")
    return item


@transaction.atomic
def item_not_feedback(*, item: MailItem, actor: User, reason: str, note: str = "") -> MailItem:
    """Mark an e-mail as not feedback (spam, sent to the wrong team): it leaves the inbox and
    is kept, with the reason."""
    ensure_may_use(actor)
    item = _locked(item)
    _ensure_in_inbox(item)
    if reason not in NotFeedbackReason.values:
        raise ApplicationError.for_field("reason", "Select why this is not feedback")
    note = checks.normal_text(note or "").strip()
    if reason == NotFeedbackReason.OTHER:
        note = checks.required_text("note", note, "Enter why this is not feedback")
    if len(note) > 500:
        raise ApplicationError.for_field("note", "The reason must be 500 characters or fewer")
    item.status = ItemStatus.NOT_FEEDBACK
    item.not_feedback_reason, item.not_feedback_note = reason, note
    item.done_by, item.done_at = actor, timezone.now()
    item.save()
    label = NotFeedbackReason(reason).label
    _event(
        item,
        actor,
        MailItemEvent.Verb.NOT_FEEDBACK,
        f"Marked as not feedback: {label}{': ' if note else ''}{note}",
    )
    return item


def item_raw(item: MailItem) -> bytes:
    with default_storage.open(item.raw_storage_name, "rb") as handle:
        return bytes(handle.read())


def _recheck(item: MailItem, raw: bytes) -> list[_Checked]:
    """The attachments checked again now (the scanner's signatures may be newer)."""
    if item.is_text:
        return []
    parsed = parsing.parse(raw)
    return _checked_attachments(parsed, log_context=f"mailbox item {item.pk}")


def received_on(item: MailItem) -> dt.date:
    """The day it arrived, in London."""
    return timezone.localtime(item.received_at, LONDON).date()


def _may_link(person: Person) -> bool:
    """A person whose processing is restricted is not put on a new record by their e-mail:
    as at the public forms, the sender becomes a new person record, having consented by
    writing (docs/adr/0150, 0152)."""
    from harken.subjectaccess import rules

    return rules.processing_restricted(person) is None


def _person_input(
    actor: User, *, first_name: str, last_name: str, email: str, phone: str = ""
) -> case_services.PersonInput:
    """The sender as the complainant: the one person the officer can see with that address
    (or, for a text, that number), else a new person with the details given."""
    if email:
        people = access.visible_people(actor).filter(email__iexact=email)
    elif phone_key(phone):
        people = _with_phone(access.visible_people(actor), "phone", [phone_key(phone)])
    else:
        people = Person.objects.none()
    existing = list(people[:2])
    if len(existing) == 1 and _may_link(existing[0]):
        return case_services.PersonInput(role=PartyRole.COMPLAINANT, person=existing[0])
    details = {"first_name": first_name, "last_name": last_name, "email": email}
    if phone:
        details["phone"] = phone
    return case_services.PersonInput(role=PartyRole.COMPLAINANT, details=details)


@transaction.atomic
def item_convert(
    *,
    item: MailItem,
    actor: User,
    kind: str,
    summary: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    received: dt.date | None = None,
    team: Team | None = None,
    procedure_code: str | None = None,
    phone: str = "",
) -> MailItem:
    """Turn an e-mail into a new record through the creation services every other path uses
    (`case_create`; `sar_create` for a subject access request): the sender as complainant or
    requester, received on the day it arrived, its text as the details; the message and its
    accepted attachments become the case's documents."""
    ensure_may_use(actor)
    item = _locked(item)
    _ensure_in_inbox(item)
    if kind not in CONVERT_KINDS:
        raise ApplicationError.for_field("kind", "Select what the e-mail is")
    on = received or received_on(item)
    raw = item_raw(item)
    details = {"first_name": first_name, "last_name": last_name, "email": email}
    if item.is_text:
        # The number it came from, unless the officer typed the one to record.
        phone = checks.normal_text(phone or "").strip()[:40] or display_phone(item.sender_phone)
    if phone:
        details["phone"] = phone
    if kind == SAR:
        from harken.registers import services as registers

        item.sar = registers.sar_create(
            actor=actor,
            received_on=on,
            requester_details=details,
            description=summary,
        )
        _event(
            item,
            actor,
            MailItemEvent.Verb.CONVERTED,
            f"Made into subject access request {item.sar.reference}",
        )
    else:
        case = case_services.case_create(
            actor=actor,
            kind=kind,
            channel=Channel.TEXT if item.is_text else Channel.EMAIL,
            received_on=on,
            summary=summary,
            details=checks.normal_text(item.text)[:20000],
            procedure_code=(procedure_code or None) if kind == Kind.COMPLAINT else None,
            teams=[team] if team else [],
            people=[_person_input(actor, **details)],
        )
        _to_case(
            item=item, raw=raw, checked=_recheck(item, raw), case=case, actor=actor, how="recorded"
        )
        _event(
            item,
            actor,
            MailItemEvent.Verb.CONVERTED,
            f"Made into {case.get_kind_display().lower()} {case.reference}",
        )
    item.status = ItemStatus.CONVERTED
    item.done_by, item.done_at = actor, timezone.now()
    item.save()
    return item


@transaction.atomic
def item_attach(*, item: MailItem, actor: User, case: Case) -> MailItem:
    """Add an e-mail to a case the officer may add documents to."""
    ensure_may_use(actor)
    access.ensure_can_act(actor, case, "note")
    item = _locked(item)
    _ensure_in_inbox(item)
    if item.case_id == case.pk:
        raise ApplicationError.for_field(
            "reference",
            f"This {_what(item)} is already on case {case.reference}: choose another case, "
            "or leave it there (no action)",
        )
    raw = item_raw(item)
    _to_case(item=item, raw=raw, checked=_recheck(item, raw), case=case, actor=actor, how="added")
    item.status = ItemStatus.ATTACHED
    item.done_by, item.done_at = actor, timezone.now()
    item.save()
    _event(item, actor, MailItemEvent.Verb.ATTACHED, f"Added to case {case.reference}")
    return item


def _what(item: MailItem) -> str:
    return "text message" if item.is_text else "e-mail"


def _ensure_closed_case_reply(item: MailItem) -> Case:
    if not item.closed_case_reply or item.case is None:
        raise ApplicationError(
            f"This {_what(item)} is not a reply to a closed case waiting for a decision."
        )
    return item.case


@transaction.atomic
def item_reopen_case(*, item: MailItem, actor: User, reason: str) -> MailItem:
    """A reply to a closed case: reopen the case through the case workflow's own step
    (`case_reopen`: who may, and when, decided there; its refusal is the officer's answer).
    The reply is already on the case; it leaves the inbox."""
    ensure_may_use(actor)
    item = _locked(item)
    _ensure_in_inbox(item)
    case = _ensure_closed_case_reply(item)
    access.ensure_can_act(actor, case, "manage")
    case_services.case_reopen(case=case, reason=reason, actor=actor)
    item.status = ItemStatus.JOINED
    item.done_by, item.done_at = actor, timezone.now()
    item.save(update_fields=["status", "done_by", "done_at"])
    _event(item, actor, MailItemEvent.Verb.CASE_REOPENED, f"Case {case.reference} reopened")
    return item


@transaction.atomic
def item_no_action(*, item: MailItem, actor: User, note: str = "") -> MailItem:
    """A reply to a closed case that needs nothing more: it stays on the case's timeline and
    leaves the inbox, with who decided and why."""
    ensure_may_use(actor)
    item = _locked(item)
    _ensure_in_inbox(item)
    case = _ensure_closed_case_reply(item)
    note = checks.normal_text(note or "").strip()
    if len(note) > 500:
        raise ApplicationError.for_field("note", "The reason must be 500 characters or fewer")
    item.status = ItemStatus.JOINED
    item.done_by, item.done_at = actor, timezone.now()
    item.save(update_fields=["status", "done_by", "done_at"])
    _event(
        item,
        actor,
        MailItemEvent.Verb.NO_ACTION,
        f"Left on closed case {case.reference}: no action{': ' if note else ''}{note}",
    )
    return item


# --- Phone numbers (texts) --------------------------------------------------------------------

# What people type between a number's digits.
_PHONE_PUNCTUATION = (" ", "-", "(", ")", "+", ".")


def phone_key(value: str) -> str:
    """The national number's last ten digits, the same however it was written: Notify's
    "447700900123", "+44 7700 900123" and "07700 900123" all give "7700900123". Empty for
    anything shorter (a short code would match too much)."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and len(digits) > 10:
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits[-10:] if len(digits) >= 10 else ""


def display_phone(value: str) -> str:
    """Notify's number as a person in the UK writes it: "447700900123" → "07700 900123"."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("44") and len(digits) == 12:
        national = "0" + digits[2:]
        return f"{national[:5]} {national[5:]}"
    return value


def _with_phone(queryset: Any, field: str, keys: Sequence[str]) -> Any:
    """Rows of `queryset` whose `field` (a phone number as typed) ends with one of `keys`."""
    normalised: Any = F(field)
    for mark in _PHONE_PUNCTUATION:
        normalised = Replace(normalised, Value(mark), Value(""))
    query = Q()
    for key in keys:
        query |= Q(_phone__endswith=key)
    return queryset.annotate(_phone=normalised).filter(query)


def open_cases_of_phone(numbers: Sequence[str], user: User) -> dict[str, list[Case]]:
    """The open cases `user` can see with a person whose phone is each number (by
    `phone_key`), at most three a number, in one query for them all."""
    keys = sorted({k for k in (phone_key(n) for n in numbers) if k})
    found: dict[str, list[Case]] = {}
    if not keys:
        return found
    rows = (
        _with_phone(
            access.visible_cases(user).filter(status=Status.OPEN), "parties__person__phone", keys
        )
        .values_list("pk", "_phone")
        .order_by("-received_on", "reference")
        .distinct()[:500]
    )
    rows = list(rows)
    cases = Case.objects.in_bulk({pk for pk, _ in rows})
    for pk, number in rows:
        bucket = found.setdefault(phone_key(str(number)), [])
        if len(bucket) < 3 and cases[pk] not in bucket:
            bucket.append(cases[pk])
    return found


def open_cases_of(addresses: Sequence[str], user: User) -> dict[str, list[Case]]:
    """The open cases `user` can see that each address is on (one query for them all)."""
    found: dict[str, list[Case]] = {}
    wanted = sorted({a.lower() for a in addresses if a})
    if not wanted:
        return found
    query = Q()
    for address in wanted:
        query |= Q(parties__person__email__iexact=address)
    rows = (
        access.visible_cases(user)
        .filter(query, status=Status.OPEN)
        .values_list("reference", "parties__person__email")
        .order_by("-received_on", "reference")
        .distinct()[:500]
    )
    references = {reference for reference, _ in rows}
    cases = {c.reference: c for c in Case.objects.filter(reference__in=references)}
    for reference, address in rows:
        bucket = found.setdefault(str(address).lower(), [])
        if len(bucket) < 3 and cases[reference] not in bucket:
            bucket.append(cases[reference])
    return found
