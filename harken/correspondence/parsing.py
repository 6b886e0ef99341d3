"""Reading one e-mail: the standard library's parser (`policy.default`), nothing by hand.

Hostile or broken mail must never stop the poller or lose the message: every step that can
fail on a malformed message falls back to something plainer and notes the problem, which the
item shows. The message itself is always kept whole, as it arrived (services.item_store).

What makes a message an automatic reply or a bounce is data (`AUTO_REPLY_HEADERS`,
`BOUNCE_REPORT_TYPES`), so each rule is testable alone.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email
import hashlib
import html as html_lib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

import nh3

from .models import ItemKind

# RFC 3834 and the headers mail systems use instead: (header, does this value mean "automatic").
AUTO_REPLY_HEADERS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("Auto-Submitted", lambda value: value.strip().lower() not in {"", "no"}),
    ("X-Autoreply", lambda value: bool(value.strip())),
    ("X-Autorespond", lambda value: bool(value.strip())),
    ("X-Auto-Response-Suppress", lambda value: value.strip().lower() in {"all", "oof"}),
    ("Precedence", lambda value: value.strip().lower() in {"auto_reply", "bulk", "junk"}),
)
# A delivery status notification (RFC 3464): multipart/report of one of these report types.
BOUNCE_REPORT_TYPES = frozenset({"delivery-status"})
# A Harken outbox Message-ID (notifications.outbox.message_id): its row's id and reference.
HARKEN_MESSAGE_ID = re.compile(r"<harken\.message\.(\d{1,12})\.([0-9a-f]{12})@[^>\s]{1,255}>")

# The most recipients kept by name (all are counted).
KEPT_RECIPIENTS = 50
# HTML shown as sanitised HTML: structure only, no images (tracking pixels), no styles.
HTML_TAGS = frozenset(
    {
        "a", "p", "br", "div", "span", "ul", "ol", "li", "strong", "b", "em", "i", "u",
        "blockquote", "pre", "code", "h1", "h2", "h3", "h4", "table", "thead", "tbody",
        "tr", "th", "td",
    }
)  # fmt: skip
_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|li|tr|h[1-6]|blockquote|pre)\s*>")


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str = ""
    sender_address: str = ""
    sender_name: str = ""
    subject: str = ""
    recipients: list[str] = field(default_factory=list)
    recipient_count: int = 0
    date: dt.datetime | None = None
    in_reply_to: str = ""
    references: str = ""
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    kind: str = ItemKind.MESSAGE
    set_aside_reason: str = ""
    # Message-IDs a bounce reports as undelivered, and any Harken Message-IDs in the message.
    bounced_ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def dedupe_key(raw: bytes, message_id: str) -> str:
    """The same message is the same key: by its Message-ID, else by its bytes."""
    if message_id:
        return hashlib.sha256(f"mid:{message_id.strip().lower()}".encode()).hexdigest()
    return hashlib.sha256(b"raw:" + hashlib.sha256(raw).hexdigest().encode()).hexdigest()


def _header(msg: Message, name: str, problems: list[str]) -> str:
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception:  # a header the parser cannot make sense of
        problems.append(f"The {name} header could not be read.")
        return ""


def _one_line(value: str, limit: int) -> str:
    return " ".join(value.split())[:limit]


def _decode(part: Message, problems: list[str]) -> str:
    text = _decode_bytes(part, problems)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_bytes(part: Message, problems: list[str]) -> str:
    """A text part's words: its declared charset, else UTF-8, else Windows-1252 (what mail
    without a charset usually is)."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        problems.append("A part of the message could not be decoded.")
        return ""
    if not isinstance(payload, bytes):
        return ""
    charset = None
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    if charset:
        try:
            codecs.lookup(charset)
            return payload.decode(charset, "replace")
        except (LookupError, ValueError):
            problems.append(
                f"The message names a character set that does not exist ({charset[:40]})."
            )
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        if not charset:
            problems.append("The message does not say which character set it uses.")
        return payload.decode("cp1252", "replace")


def html_sanitised(value: str) -> str:
    """HTML made safe to show (nh3): no scripts, styles, event handlers or images."""
    return nh3.clean(
        value,
        tags=set(HTML_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def html_as_text(value: str) -> str:
    """The words of an HTML body, one block a line, without any markup or script."""
    text = nh3.clean(_BLOCK_END.sub("\n", value), tags=set())
    lines = [" ".join(line.split()) for line in html_lib.unescape(text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _walk(part: Message, depth: int = 0) -> Iterator[Message]:
    """The message's leaves; an attached message (message/rfc822) is one leaf."""
    if depth > 30:
        return
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _walk(sub, depth + 1)


def _filename(part: Message, number: int, problems: list[str]) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
        problems.append(f"The name of attachment {number} could not be read.")
    return _one_line(str(name), 200) if name else ""


def _attachment_bytes(part: Message, problems: list[str]) -> bytes:
    try:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner_msg = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner_msg, Message):
                return inner_msg.as_bytes(policy=policy.compat32)
            return b""
        payload = part.get_payload(decode=True)
        return payload if isinstance(payload, bytes) else b""
    except Exception:
        problems.append("An attachment could not be decoded.")
        return b""


def _is_attachment(part: Message) -> bool:
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    maintype = part.get_content_maintype()
    if part.get_content_type() == "message/rfc822":
        return True
    if disposition == "attachment":
        return True
    return maintype not in {"text", "multipart"} or bool(part.get_param("name"))


def _classify(msg: Message, parsed: ParsedMail) -> None:
    problems = parsed.problems
    content_type = msg.get_content_type()
    report_type = str(msg.get_param("report-type") or "").lower()
    if content_type == "multipart/report" and report_type in BOUNCE_REPORT_TYPES:
        parsed.kind = ItemKind.BOUNCE
        parsed.set_aside_reason = "A delivery status notification (the e-mail was not delivered)"
        return
    for name, automatic in AUTO_REPLY_HEADERS:
        value = _header(msg, name, problems)
        if value and automatic(value):
            parsed.kind = ItemKind.AUTO_REPLY
            parsed.set_aside_reason = f"{name}: {_one_line(value, 100)}"
            return


def _bounced_ids(msg: Message, raw: bytes) -> list[str]:
    """The Message-IDs a bounce reports: of the returned message or its headers, and any
    Harken Message-ID anywhere in it (mail servers quote the original differently)."""
    found: list[str] = []
    for part in msg.walk():
        inner: Any = None
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
        elif part.get_content_type() == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                inner = email.message_from_bytes(payload, policy=policy.compat32)
        if isinstance(inner, Message) and inner.get("Message-ID"):
            found.append(" ".join(str(inner.get("Message-ID")).split()))
    text = raw.decode("ascii", "replace")
    found += [match.group(0) for match in HARKEN_MESSAGE_ID.finditer(text)]
    return list(dict.fromkeys(found))


def parse(raw: bytes) -> ParsedMail:
    """What Harken reads from one message. Never raises for a message, however broken."""
    parsed = ParsedMail()
    problems = parsed.problems
    try:
        msg: Message = email.message_from_bytes(raw, policy=policy.default)
    except Exception:
        problems.append("The message could not be read as an e-mail; it is kept as it came.")
        return parsed
    try:
        _read(msg, raw, parsed)
    except Exception as exc:  # a defect the parser did not foresee: keep what was read
        problems.append(f"Part of the message could not be read ({type(exc).__name__}).")
    parsed.problems = list(dict.fromkeys(parsed.problems))
    return parsed


def _addresses(msg: Message, names: tuple[str, ...], problems: list[str]) -> list[str]:
    found: list[str] = []
    for name in names:
        try:
            values = [str(v) for v in msg.get_all(name, [])]
        except Exception:
            problems.append(f"The {name} header could not be read.")
            continue
        found += [address for _, address in getaddresses(values) if address]
    return found


def _read(msg: Message, raw: bytes, parsed: ParsedMail) -> None:
    problems = parsed.problems
    parsed.message_id = _one_line(_header(msg, "Message-ID", problems), 500)
    name, address = parseaddr(_header(msg, "From", problems))
    parsed.sender_address = _one_line(address, 320).lower()
    parsed.sender_name = _one_line(name, 200)
    parsed.subject = _one_line(_header(msg, "Subject", problems), 500)
    recipients = _addresses(msg, ("To", "Cc"), problems)
    parsed.recipient_count = len(recipients)
    parsed.recipients = recipients[:KEPT_RECIPIENTS]
    parsed.in_reply_to = _one_line(_header(msg, "In-Reply-To", problems), 500)
    parsed.references = _header(msg, "References", problems)[:5000]
    date = _header(msg, "Date", problems)
    if date:
        try:
            parsed.date = parsedate_to_datetime(date)
            if parsed.date.tzinfo is None:
                parsed.date = parsed.date.replace(tzinfo=dt.UTC)
        except (TypeError, ValueError, IndexError):
            problems.append("The message's date could not be read.")
    _classify(msg, parsed)
    if parsed.kind == ItemKind.BOUNCE:
        parsed.bounced_ids = _bounced_ids(msg, raw)
    text_parts: list[str] = []
    html_parts: list[str] = []
    for number, part in enumerate(_walk(msg), start=1):
        if _is_attachment(part):
            parsed.attachments.append(
                Attachment(
                    filename=_filename(part, number, problems) or f"attachment-{number}",
                    content_type=part.get_content_type()[:120],
                    data=_attachment_bytes(part, problems),
                )
            )
        elif part.get_content_type() == "text/html":
            html_parts.append(_decode(part, problems))
        elif part.get_content_maintype() == "text":
            text_parts.append(_decode(part, problems))
    html = "\n".join(html_parts)
    parsed.html = html_sanitised(html) if html else ""
    parsed.text = "\n\n".join(t.strip() for t in text_parts if t.strip()) or (
        html_as_text(html) if html else ""
    )
    if isinstance(msg, EmailMessage) and msg.defects:
        problems.append("The message is not well formed; what could be read is shown.")
