"""Who may use subject access: the feedback team (feedback officers and administrators), the
only people who handle subject access requests (`Perm.SUBJECT_ACCESS` of the permission
table, harken/access/permissions.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harken import access
from harken.core.errors import AccessDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from harken.accounts.models import User


def can_use_subject_access(user: User | AnonymousUser | None) -> bool:
    """Search a person's data, build, review and release bundles, and record rights requests."""
    return access.may(user, access.Perm.SUBJECT_ACCESS)


def ensure_can_use_subject_access(user: User | AnonymousUser | None) -> None:
    if not can_use_subject_access(user):
        raise AccessDenied("Only the feedback team handles subject access requests.")
