"""The shared mailbox's settings, each from Django settings, else the environment
(docs/correspondence.md).

| setting | default | meaning |
|---|---|---|
| HARKEN_MAILBOX_HOST | — | the IMAP server; unset, there is no mailbox to read |
| HARKEN_MAILBOX_PORT | 993 (143 without TLS or with STARTTLS) | its port |
| HARKEN_MAILBOX_TLS | ssl | ssl (implicit TLS), starttls, or none (tests only) |
| HARKEN_MAILBOX_CA_FILE | — | a CA bundle to trust besides the system's (a private CA) |
| HARKEN_MAILBOX_USER | — | the mailbox's user name (for Microsoft 365 and Google, its address) |
| HARKEN_MAILBOX_AUTH | password | password, or xoauth2 (Microsoft 365, Google) |
| HARKEN_MAILBOX_PASSWORD | — | the password, for password |
| HARKEN_MAILBOX_ACCESS_TOKEN | — | an OAuth2 access token, for xoauth2 |
| HARKEN_MAILBOX_ACCESS_TOKEN_FILE | — | or a file holding it, read at each poll (a token |
|  |  | refresher run beside Harken rewrites it) |
| HARKEN_MAILBOX_FOLDER | INBOX | the folder read |
| HARKEN_MAILBOX_DONE_FOLDER | — | move each stored message here; unset, it is flagged instead |
| HARKEN_MAILBOX_BATCH | 50 | messages read per batch |
| HARKEN_MAILBOX_INTERVAL | 60 | seconds between polls of `harken mailbox poll` without --once |
| HARKEN_MAILBOX_TIMEOUT | 60 | seconds any wait on the server may last |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from harken.core.errors import ApplicationError

# The keyword a stored message is flagged with on the server (when not moved).
STORED_KEYWORD = "$HarkenStored"


def _setting(name: str, default: Any = "") -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    tls: str
    user: str
    auth: str
    password: str
    access_token: str
    ca_file: str
    folder: str
    done_folder: str
    batch: int
    timeout: float

    @property
    def configured(self) -> bool:
        return bool(self.host and self.user)


def mailbox_settings(*, access_token: str = "") -> MailboxSettings:
    """The mailbox as configured now. `access_token`: one given to the command, which wins."""
    tls = str(_setting("HARKEN_MAILBOX_TLS", "ssl")).strip().lower() or "ssl"
    if tls not in {"ssl", "starttls", "none"}:
        raise ApplicationError("HARKEN_MAILBOX_TLS must be ssl, starttls or none.")
    auth = str(_setting("HARKEN_MAILBOX_AUTH", "password")).strip().lower() or "password"
    if auth not in {"password", "xoauth2"}:
        raise ApplicationError("HARKEN_MAILBOX_AUTH must be password or xoauth2.")
    token = access_token or str(_setting("HARKEN_MAILBOX_ACCESS_TOKEN", ""))
    token_file = str(_setting("HARKEN_MAILBOX_ACCESS_TOKEN_FILE", ""))
    if auth == "xoauth2" and not token and token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ApplicationError(
                "The mailbox's access token file could not be read "
                f"({type(exc).__name__}): check HARKEN_MAILBOX_ACCESS_TOKEN_FILE."
            ) from exc
    default_port = 993 if tls == "ssl" else 143
    return MailboxSettings(
        host=str(_setting("HARKEN_MAILBOX_HOST", "")),
        port=int(_setting("HARKEN_MAILBOX_PORT", "") or default_port),
        tls=tls,
        user=str(_setting("HARKEN_MAILBOX_USER", "")),
        auth=auth,
        password=str(_setting("HARKEN_MAILBOX_PASSWORD", "")),
        access_token=token,
        ca_file=str(_setting("HARKEN_MAILBOX_CA_FILE", "")),
        folder=str(_setting("HARKEN_MAILBOX_FOLDER", "INBOX")) or "INBOX",
        done_folder=str(_setting("HARKEN_MAILBOX_DONE_FOLDER", "")),
        batch=max(1, int(_setting("HARKEN_MAILBOX_BATCH", 50))),
        timeout=float(_setting("HARKEN_MAILBOX_TIMEOUT", 60)),
    )


def poll_interval() -> float:
    return float(_setting("HARKEN_MAILBOX_INTERVAL", 60))
