"""Who may do what: the permission table (`permissions`) and the case-level rules beside it
(`cases`: who sees which case, appointments, restriction). Everything outside asks here;
`from harken import access` then `access.may(user, access.Perm.X)`,
`access.ensure_can_act(user, case, access.Perm.CASE_MANAGE)`.

It sits above `accounts` (roles) and `cases` (the records it filters), which `core`, the
ground floor, does not know (docs/adr/0045-one-permission-table-in-harken-access.md)."""

from .cases import (
    can_act,
    can_view_case,
    case_visibility,
    ensure_can_act,
    ensure_can_view,
    manager_team_ids,
    may_answer_stage,
    reference_as_typed,
    visible_case,
    visible_cases,
    visible_cases_checked_first,
    visible_open_cases,
    visible_people,
)
from .permissions import (
    INDEPENDENT_ROLES,
    PERMISSIONS,
    Perm,
    can_see_reports,
    is_administrator,
    may,
    role_may,
    roles_with,
)

__all__ = [
    "INDEPENDENT_ROLES",
    "PERMISSIONS",
    "Perm",
    "can_act",
    "can_see_reports",
    "can_view_case",
    "case_visibility",
    "ensure_can_act",
    "ensure_can_view",
    "is_administrator",
    "manager_team_ids",
    "may",
    "may_answer_stage",
    "reference_as_typed",
    "role_may",
    "roles_with",
    "visible_case",
    "visible_cases",
    "visible_cases_checked_first",
    "visible_open_cases",
    "visible_people",
]
