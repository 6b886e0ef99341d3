"""The reminders' settings, each read from Django settings, else the environment.

| setting | default | meaning |
|---|---|---|
| HARKEN_SITE_URL | http://127.0.0.1:8000 | the address staff use, for the links in e-mails |
| HARKEN_REMINDER_HOUR | 7 | reminders for a day are created from this hour (London time) |
| HARKEN_REMINDER_MAX_ATTEMPTS | 10 | tries before a reminder is given up (outbox.RETRY reads it) |
| HARKEN_REMINDER_ITEMS | 20 | the most urgent items listed in each section of an e-mail |

The sending backend's settings (SMTP or GOV.UK Notify) are listed below, with their functions.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings


def _setting(name: str, default: Any) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def site_url() -> str:
    return str(_setting("HARKEN_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def reminder_hour() -> int:
    return int(_setting("HARKEN_REMINDER_HOUR", 7))


def items_listed() -> int:
    return int(_setting("HARKEN_REMINDER_ITEMS", 20))


# --- Sending: SMTP or GOV.UK Notify (docs/correspondence.md, "Sending and GOV.UK Notify") ---
#
# | setting | default | meaning |
# |---|---|---|
# | HARKEN_MESSAGE_BACKEND | smtp | `smtp` (Django's EMAIL_* settings) or `notify` |
# | HARKEN_NOTIFY_API_KEY | — | the Notify API key, `{name}-{service id}-{secret}` |
# | HARKEN_NOTIFY_BASE_URL | https://api.notifications.service.gov.uk | Notify's address |
# | HARKEN_NOTIFY_EMAIL_TEMPLATE_ID | — | a Notify e-mail template: ((subject)), ((body)) |
# | HARKEN_NOTIFY_SMS_TEMPLATE_ID | — | a Notify text message template: ((body)) |
# | HARKEN_NOTIFY_LETTER_POSTAGE | second | `first`, `second` or `economy` |
# | HARKEN_NOTIFY_CALLBACK_TOKEN | — | the bearer token Notify sends to the callbacks |

SMTP = "smtp"
NOTIFY = "notify"


def message_backend() -> str:
    value = str(_setting("HARKEN_MESSAGE_BACKEND", SMTP)).strip().lower()
    return NOTIFY if value == NOTIFY else SMTP


def notify_setting(name: str, default: str = "") -> str:
    return str(_setting(f"HARKEN_NOTIFY_{name}", default) or default)


def notify_base_url() -> str:
    return notify_setting("BASE_URL", "https://api.notifications.service.gov.uk").rstrip("/")
