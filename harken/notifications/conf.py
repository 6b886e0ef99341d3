"""The reminders' settings, each read from Django settings, else the environment.

| setting | default | meaning |
|---|---|---|
| HARKEN_SITE_URL | http://127.0.0.1:8000 | the address staff use, for the links in e-mails |
| HARKEN_REMINDER_HOUR | 7 | reminders for a day are created from this hour (London time) |
| HARKEN_REMINDER_MAX_ATTEMPTS | 10 | tries before a reminder is given up (outbox.RETRY reads it) |
| HARKEN_REMINDER_ITEMS | 20 | the most urgent items listed in each section of an e-mail |
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
