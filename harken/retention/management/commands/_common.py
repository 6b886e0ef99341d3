"""What the retention commands share: the administrator acting, and dates."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from harken.accounts.models import User
from harken.retention.permissions import may_manage_retention


def administrator(username: str | None) -> User:
    """The administrator the command acts as: every change is in the audit trail under them."""
    if not username:
        raise CommandError("Give --actor USERNAME: an administrator the change is recorded under.")
    user = User.objects.filter(username=username).first()
    if user is None or not may_manage_retention(user):
        raise CommandError(f"{username!r} is not an active administrator.")
    return user


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"The date must be written YYYY-MM-DD, e.g. 2026-12-01 (got {value!r})."
        ) from None


def whole(value: str, name: str) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise CommandError(f"{name} must be a number (got {value!r}).")
    return int(text)
