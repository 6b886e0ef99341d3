"""Mailbox test helpers: a real Dovecot, e-mails as a mail server delivers them, storage in a
temporary folder."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest

from .dovecot import Dovecot, available

_counter = itertools.count(1)


def make_email(
    *,
    sender: str = "Jane Parent <jane.parent@example.org>",
    to: str = "complaints@council.example",
    subject: str = "My son's support plan",
    text: str = "I am unhappy with how the support plan meeting went.",
    html: str | None = None,
    message_id: str | None = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    date: Any = None,
) -> bytes:
    """One e-mail as a mail server would deliver it (CRLF line ends)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    if date is not None:
        msg["Date"] = format_datetime(date)
    if message_id == "":
        message_id = make_msgid(idstring=f"t{next(_counter)}", domain="example.org")
    if message_id is not None:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Stored e-mails and documents in a temporary folder; no virus scanner."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    return settings.MEDIA_ROOT


def _server(tmp_path: Path, *, tls: bool) -> Iterator[Dovecot]:
    if not available():
        pytest.skip("Dovecot is not installed (/usr/sbin/dovecot): apt-get install dovecot-imapd")
    server = Dovecot(tmp_path / ("dovecot-tls" if tls else "dovecot"), tls=tls)
    server.root.mkdir(parents=True)
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def dovecot(tmp_path) -> Iterator[Dovecot]:
    yield from _server(tmp_path, tls=False)


@pytest.fixture
def dovecot_tls(tmp_path) -> Iterator[Dovecot]:
    yield from _server(tmp_path, tls=True)


@pytest.fixture
def mailbox(settings, dovecot) -> Dovecot:
    """Harken set to read the plain-text Dovecot."""
    for name, value in dovecot.settings().items():
        setattr(settings, name, value)
    return dovecot
