"""Who may use the retention pages, API and commands: administrators only (`Perm.RETENTION`
of the permission table, harken/access/permissions.py)."""

from __future__ import annotations

from typing import Any

from harken import access


def may_manage_retention(user: Any) -> bool:
    """The schedule, the holds and the disposals are administrators' (read and change)."""
    return access.may(user, access.Perm.RETENTION)
