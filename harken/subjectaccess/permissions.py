"""Who may use subject access: the feedback team (feedback officers and administrators), the
only people who handle subject access requests. One function, so it can be folded into the
permission table in harken.core.permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harken.accounts.models import Role
from harken.core.errors import AccessDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from harken.accounts.models import User

SUBJECT_ACCESS_ROLES: frozenset[str] = frozenset({Role.FEEDBACK_OFFICER, Role.ADMINISTRATOR})


def can_use_subject_access(user: User | AnonymousUser | None) -> bool:
    """Search a person's data, build, review and release bundles, and record rights requests."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None) in SUBJECT_ACCESS_ROLES
    )


def ensure_can_use_subject_access(user: User | AnonymousUser | None) -> None:
    if not can_use_subject_access(user):
        raise AccessDenied("Only the feedback team handles subject access requests.")
