"""Who may use the retention pages, API and commands: administrators only. One function, so
it can be folded into the permission table (harken/core/permissions.py) when that lands."""

from __future__ import annotations

from typing import Any

from harken.accounts.models import Role

RETENTION_ROLES: frozenset[str] = frozenset({Role.ADMINISTRATOR})


def may_manage_retention(user: Any) -> bool:
    """The schedule, the holds and the disposals are administrators' (read and change)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in RETENTION_ROLES
    )
