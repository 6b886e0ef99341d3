"""Who may see and change register records. Built on harken.access (the permission table
and the case-level rules): a record linked to a
case is visible only to someone who can see the case.

- Feedback officers and administrators see and change every register record (of cases they
  can see: a restricted case's records follow the case; a standalone record only if they may
  see everyone it names, so a person on restricted cases only stays hidden).
- Managers read the records linked to their teams' cases (any case they can see); they see
  no standalone record (a standalone Ombudsman case, a subject access request, a restriction
  or referral not linked to a case) and change nothing.
- Report viewers, Investigating Officers, Independent Persons and panel members see none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from harken import access
from harken.access import Perm
from harken.accounts.current import active_user as _active
from harken.core.errors import AccessDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from harken.accounts.models import User
    from harken.cases.models import Case


def can_read_registers(user: User | AnonymousUser | None) -> bool:
    return access.may(user, Perm.REGISTERS_VIEW)


def can_change_registers(user: User | AnonymousUser | None) -> bool:
    return access.may(user, Perm.REGISTERS_EDIT)


def people_visible(user: User, person_fields: tuple[str, ...]) -> Q:
    """The people a record names (`person_fields`, each possibly empty) are all people `user`
    may see (`access.visible_people`): someone on restricted cases only stays hidden."""
    people = access.visible_people(user).values("pk")
    q = Q()
    for name in person_fields:
        q &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__in": people})
    return q


def visible(
    user: User | AnonymousUser | None,
    case_field: str = "case",
    person_fields: tuple[str, ...] = (),
) -> Q:
    """A filter for register records `user` may read, given the path to their case and to the
    people a standalone record names. A record of a case follows the case; a standalone one
    is for editors, and only if they may see everyone it names (the one visibility rule,
    restriction included)."""
    active = _active(user)
    if active is None or not access.may(active, Perm.REGISTERS_VIEW):
        return Q(pk__in=[])
    linked = Q(**{f"{case_field}__in": access.visible_cases(active).values("pk")})
    if access.may(active, Perm.REGISTERS_EDIT):
        standalone = Q(**{f"{case_field}__isnull": True})
        return linked | (standalone & people_visible(active, person_fields))
    return linked


def ensure_can_change(user: User | AnonymousUser | None, case: Case | None = None) -> None:
    """Refuse unless `user` may change register records (of `case`, if linked)."""
    if not can_change_registers(user):
        raise AccessDenied("Only feedback officers and administrators can change the registers.")
    if case is not None:
        access.ensure_can_act(user, case, Perm.CASE_MANAGE)
