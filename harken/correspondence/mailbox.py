"""Reading the team's mailbox over IMAP (imap-tools): store each message, then mark it.

For each message not yet marked: fetch it whole (BODY.PEEK[], so it is not marked read for the
people who also use the mailbox), `services.item_store` it (its own transaction), and only
once that has committed move it to HARKEN_MAILBOX_DONE_FOLDER or flag it with
`$HarkenStored`. Whatever stops the poll between the two (a killed process, the IMAP server
restarting, the database gone) leaves the message unmarked; the next poll meets it again and
the item's unique key makes it the same item, which is then marked (ADR 0170).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import ssl
import time
from collections.abc import Callable
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


def _fetch(box: BaseMailBox, uid: str) -> tuple[bytes, dt.datetime | None] | None:
    status, data = box.client.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
    if status != "OK":
        return None
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            head, raw = part
            # INTERNALDATE: when the message reached the mailbox (as local time: back to UTC).
            arrived = imaplib.Internaldate2tuple(head)
            when = None
            if arrived is not None:
                when = dt.datetime.fromtimestamp(time.mktime(arrived), tz=dt.UTC)
            return bytes(raw), when
    return None


def _mark(box: BaseMailBox, uid: str, config: conf.MailboxSettings) -> None:
    if config.done_folder:
        box.move(uid, config.done_folder)
    else:
        box.flag(uid, conf.STORED_KEYWORD, True)


def poll(
    *,
    config: conf.MailboxSettings | None = None,
    limit: int | None = None,
    after_store: Callable[[str, Any], None] | None = None,
) -> PollResult:
    """Read the mailbox once: every message not yet marked, `config.batch` at a time, up to
    `limit` messages. `after_store(uid, stored)`: called between storing and marking (the
    tests stop the poll there)."""
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
            for uid in uids:
                result.seen += 1
                fetched = _fetch(box, uid)
                if fetched is None:
                    result.failed += 1
                    continue
                raw, arrived = fetched
                try:
                    stored = services.item_store(raw=raw, received_at=arrived)
                except (DatabaseError, ApplicationError) as exc:
                    # Not stored, so not marked: the next poll tries it again.
                    logger.error("A message could not be stored: %s", type(exc).__name__)
                    result.failed += 1
                    result.errors.append(type(exc).__name__)
                    if not connection.in_atomic_block:
                        close_old_connections()  # a broken connection is opened afresh next time
                    return result
                if after_store is not None:
                    after_store(uid, stored)
                _mark(box, uid, config)
                if stored.created:
                    result.stored += 1
                else:
                    result.already += 1
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
