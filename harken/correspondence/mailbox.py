"""Reading the team's mailbox over IMAP (imap-tools): store each message, then mark it.

For the messages not yet marked, a chunk at a time (`CHUNK_MESSAGES`): fetch them whole
(BODY.PEEK[], so they are not marked read for the people who also use the mailbox),
`services.items_store` them (one transaction for the chunk; one by one if that fails), and
only once that has committed move them to HARKEN_MAILBOX_DONE_FOLDER or flag them with
`$HarkenStored`. Whatever stops the poll between the two (a killed process, the IMAP server
restarting, the database gone) leaves the message unmarked; the next poll meets it again and
the item's unique key makes it the same item, which is then marked (ADR 0170).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import re
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import Error as DatabaseError
from django.db import close_old_connections, connection
from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError

from harken.core.errors import ApplicationError

from . import conf, services

logger = logging.getLogger(__name__)

# What a lost connection to the mail server looks like.
IMAP_ERRORS: tuple[type[BaseException], ...] = (imaplib.IMAP4.error, OSError, ssl.SSLError)


@dataclass
class PollResult:
    seen: int = 0
    stored: int = 0
    already: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.seen} message(s) read: {self.stored} stored, {self.already} already stored, "
            f"{self.failed} left for the next poll"
        )
        return text + (f" ({'; '.join(self.errors)})" if self.errors else "")


def _ssl_context(config: conf.MailboxSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if config.ca_file:
        context.load_verify_locations(cafile=config.ca_file)
    return context


def connect(config: conf.MailboxSettings) -> BaseMailBox:
    """Open and log in to the mailbox: TLS (implicit or STARTTLS), password or XOAUTH2."""
    if not config.configured:
        raise ApplicationError(
            "No mailbox is configured: set HARKEN_MAILBOX_HOST and HARKEN_MAILBOX_USER."
        )
    if config.auth == "xoauth2" and not config.access_token:
        raise ApplicationError(
            "HARKEN_MAILBOX_AUTH is xoauth2 but no access token was given "
            "(HARKEN_MAILBOX_ACCESS_TOKEN, HARKEN_MAILBOX_ACCESS_TOKEN_FILE or --access-token)."
        )
    box: BaseMailBox
    if config.tls == "ssl":
        box = MailBox(
            config.host, config.port, timeout=config.timeout, ssl_context=_ssl_context(config)
        )
    elif config.tls == "starttls":
        box = MailBoxStartTls(
            config.host, config.port, timeout=config.timeout, ssl_context=_ssl_context(config)
        )
    else:
        box = MailBoxUnencrypted(config.host, config.port, timeout=config.timeout)
    try:
        if config.auth == "xoauth2":
            box.xoauth2(config.user, config.access_token, initial_folder=config.folder)
        else:
            box.login(config.user, config.password, initial_folder=config.folder)
    except MailboxLoginError as exc:
        with contextlib.suppress(*IMAP_ERRORS):
            box.client.shutdown()
        raise ApplicationError(
            "The mail server refused the mailbox's sign-in: check its user name and password "
            "or access token."
        ) from exc
    return box


# Messages fetched, stored (one transaction) and marked together: at most this many, and at
# most this many bytes (a single larger message goes alone). bench/mailbox.py: one commit and
# two IMAP commands for ten messages, rather than for each.
CHUNK_MESSAGES = 10
CHUNK_BYTES = 20 * 1024 * 1024
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


def _sizes(box: BaseMailBox, uids: list[str]) -> dict[str, int]:
    """Each message's size, in one command (to group them in chunks of bounded memory)."""
    status, data = box.client.uid("FETCH", ",".join(uids), "(UID RFC822.SIZE)")
    sizes: dict[str, int] = {}
    if status != "OK":
        return sizes
    for part in data:
        head = part[0] if isinstance(part, tuple) else part
        if isinstance(head, bytes):
            uid, size = _UID.search(head), _SIZE.search(head)
            if uid and size:
                sizes[uid.group(1).decode()] = int(size.group(1))
    return sizes


def _chunks(uids: list[str], sizes: dict[str, int]) -> Iterator[list[str]]:
    chunk: list[str] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, CHUNK_BYTES)
        if chunk and (len(chunk) >= CHUNK_MESSAGES or total + size > CHUNK_BYTES):
            yield chunk
            chunk, total = [], 0
        chunk.append(uid)
        total += size
    if chunk:
        yield chunk


def _fetch(box: BaseMailBox, uids: list[str]) -> dict[str, tuple[bytes, dt.datetime | None]]:
    """The messages, whole, with when each reached the mailbox, in one command."""
    status, data = box.client.uid("FETCH", ",".join(uids), "(UID INTERNALDATE BODY.PEEK[])")
    found: dict[str, tuple[bytes, dt.datetime | None]] = {}
    if status != "OK":
        return found
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            head, raw = part
            uid = _UID.search(head)
            if uid is None:
                continue
            # INTERNALDATE: when the message reached the mailbox (as local time: back to UTC).
            arrived = imaplib.Internaldate2tuple(head)
            when = None
            if arrived is not None:
                when = dt.datetime.fromtimestamp(time.mktime(arrived), tz=dt.UTC)
            found[uid.group(1).decode()] = (bytes(raw), when)
    return found


def _mark(box: BaseMailBox, uids: list[str], config: conf.MailboxSettings) -> None:
    if not uids:
        return
    if config.done_folder:
        box.move(uids, config.done_folder)
    else:
        box.flag(uids, conf.STORED_KEYWORD, True)


def _store(chunk: list[str], fetched: dict[str, Any], result: PollResult) -> tuple[list[Any], bool]:
    """Store a chunk in one transaction; if that fails, each message on its own, so that one
    message the database refuses holds back only itself and those after it. Returns the
    (uid, Stored) pairs stored, and whether the poll must stop there (a message not stored
    is not marked: the next poll tries it again)."""
    present = [uid for uid in chunk if uid in fetched]
    incoming = [services.Incoming(*fetched[uid]) for uid in present]
    try:
        return list(zip(present, services.items_store(incoming), strict=True)), False
    except (DatabaseError, ApplicationError) as exc:
        logger.warning("A chunk of messages was stored one by one: %s", type(exc).__name__)
        if not connection.in_atomic_block:
            close_old_connections()
    done: list[Any] = []
    for uid, one in zip(present, incoming, strict=True):
        try:
            done.append((uid, services.items_store([one])[0]))
        except (DatabaseError, ApplicationError) as exc:
            logger.error("A message could not be stored: %s", type(exc).__name__)
            result.failed += 1
            result.errors.append(type(exc).__name__)
            if not connection.in_atomic_block:
                close_old_connections()  # a broken connection is opened afresh next time
            return done, True
    return done, False


def poll(
    *,
    config: conf.MailboxSettings | None = None,
    limit: int | None = None,
    after_store: Callable[[str, Any], None] | None = None,
) -> PollResult:
    """Read the mailbox once: every message not yet marked, `config.batch` at a time, up to
    `limit` messages, fetched, stored and marked in chunks (`CHUNK_MESSAGES`). A chunk is
    marked on the server only after it is stored. `after_store(uid, stored)`: called between
    storing and marking (the tests stop the poll there)."""
    config = config or conf.mailbox_settings()
    result = PollResult()
    with connect(config) as box:
        while limit is None or result.seen < limit:
            criteria = AND(no_keyword=conf.STORED_KEYWORD)
            uids = box.uids(criteria)[: config.batch]
            if limit is not None:
                uids = uids[: limit - result.seen]
            if not uids:
                break
            for chunk in _chunks(uids, _sizes(box, uids)):
                result.seen += len(chunk)
                fetched = _fetch(box, chunk)
                result.failed += len([uid for uid in chunk if uid not in fetched])
                done, stopped = _store(chunk, fetched, result)
                for uid, stored in done:
                    if after_store is not None:
                        after_store(uid, stored)
                    if stored.created:
                        result.stored += 1
                    else:
                        result.already += 1
                _mark(box, [uid for uid, _ in done], config)
                if stopped:
                    return result
    return result


def poll_scheduled() -> str:
    """`harken run-scheduled`'s part: poll once if a mailbox is configured; a mail server
    that cannot be reached is reported, not raised (the rest of the schedule has run)."""
    try:
        config = conf.mailbox_settings()
        if not config.configured:
            return ""
        return str(poll(config=config))
    except ApplicationError as exc:
        return f"not read: {exc.message}"
    except IMAP_ERRORS as exc:
        logger.error("The mailbox could not be read: %s", type(exc).__name__)
        return f"not read: the mail server could not be reached ({type(exc).__name__})"
