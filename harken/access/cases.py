"""Who may see and change which case: the case-level rules beside the permission table
(`permissions.py`). Every view, API endpoint, service and query uses these.

- Feedback officers and administrators see every case.
- Managers see the cases of their own teams.
- Anyone appointed to a stage (IO, IP, panel member) sees that case while appointed.
- Report viewers see no case records, only aggregate figures.
- A restricted case is seen only by the people named on it, whatever their role.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase

from harken.accounts.current import active_user as _active
from harken.core.errors import AccessDenied

from .permissions import Perm, may, role_may

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from harken.accounts.models import User
    from harken.cases.models import Case, Person


def case_visibility(user: User, *, open_only: bool = False) -> Q:
    """A filter on Case for the cases `user` may see; with `open_only`, the open ones only
    (the same rule, written so that its cost follows the open cases, not the history)."""
    from harken.cases.models import Status

    if open_only:
        return Q(status=Status.OPEN) & _visibility(user, open_only=True)
    return _visibility(user, open_only=False)


class TeamLinkProbe(Exists):
    """EXISTS, run once for each case the query reaches: `OFFSET 0` keeps PostgreSQL from
    turning it into a hashed subplan of every matching link (its "alternative subplan"),
    which it picks on row estimates that ignore the LIMIT (ADR 0260). Correct on every
    database: an offset of nothing changes no answer."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _visibility(user: User, *, open_only: bool) -> Q:
    from harken.cases.models import Appointment, Case, OpenTeamCase

    named = Q(pk__in=Case.restricted_to.through.objects.filter(user_id=user.pk).values("case_id"))
    if role_may(user.role, Perm.CASES_ALL):
        base = Q()
    elif role_may(user.role, Perm.CASES_OF_TEAMS):
        # The appointed arm is an uncorrelated IN (a few rows, hashed once); "assigned to
        # me" a column. The team arm follows what the query shows (ADR 0131, 0132, 0260).
        if open_only:
            # The open cases of the manager's teams, from their own table (ADR 0132): a range
            # of its (team, case) index per team, a few hundred rows, instead of every link
            # the teams ever had (117,646 at a million cases). The teams as values, read once
            # a request.
            team_cases: QuerySet[Any] = OpenTeamCase.objects.filter(
                team_id__in=manager_team_ids(user)
            )
            team_arm = Q(pk__in=team_cases.values("case_id"))
        else:
            # Every status (search, the API's lists, a case's page): a probe of the case's
            # own team links (their index by case) for each case a query looks at, which stops
            # when the page is full (ADR 0260), not a hash of every link the teams ever had
            # (117,646 at a million cases) built in every query.
            team_arm = Q(
                TeamLinkProbe(
                    Case.teams.through.objects.filter(
                        case_id=OuterRef("pk"), team_id__in=manager_team_ids(user)
                    )
                )
            )
        appointed_cases = Appointment.objects.filter(user=user, ended_on__isnull=True).values(
            "stage__case_id"
        )
        base = team_arm | Q(pk__in=appointed_cases) | Q(assigned_to=user)
    elif role_may(user.role, Perm.CASES_APPOINTED):
        base = Q(
            Exists(
                Appointment.objects.filter(
                    stage__case=OuterRef("pk"), user=user, ended_on__isnull=True
                )
            )
        )
    else:
        return Q(pk__in=[])
    return base & (Q(restricted=False) | named)


def manager_team_ids(user: User) -> list[int]:
    """The ids of the user's teams, read once a request (kept on the user object)."""
    memo: dict[str, list[int]] = user.__dict__.setdefault("_access_memo", {})
    if "team_ids" not in memo:
        memo["team_ids"] = sorted(user.teams.values_list("pk", flat=True))
    return memo["team_ids"]


def visible_cases(user: User | AnonymousUser | None) -> QuerySet[Case]:
    from harken.cases.models import Case

    active = _active(user)
    if active is None:
        return Case.objects.none()
    return Case.objects.filter(case_visibility(active))


def visible_cases_checked_first(user: User | AnonymousUser | None, condition: Q) -> QuerySet[Case]:
    """`visible_cases(user).filter(condition)`, with the rule asked first for each case and
    `condition` only for the cases the user may see. For a costly condition on a walk in date
    order (working out each case's text vector for a word searched newest first): PostgreSQL
    orders a filter's parts by their estimated cost, which puts the text vector before the
    team-link probe, so a manager's search worked it out for every case walked, eight times
    as many as they may see (ADR 0260). A CASE is evaluated in its written order."""
    from harken.cases.models import Case

    active = _active(user)
    if active is None:
        return Case.objects.none()
    then = SqlCase(When(condition, then=Value(True)), default=Value(False))
    return Case.objects.filter(
        SqlCase(
            When(case_visibility(active), then=then),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def visible_open_cases(user: User | AnonymousUser | None) -> QuerySet[Case]:
    """The open cases `user` may see: `visible_cases(user).filter(status=open)`, cheaper."""
    from harken.cases.models import Case

    active = _active(user)
    if active is None:
        return Case.objects.none()
    return Case.objects.filter(case_visibility(active, open_only=True))


def reference_as_typed(reference: str | None) -> str | None:
    """A case reference as a person types it (spaces around it, lower case), made plain; None
    for what cannot be one (empty, longer than any, or holding a NUL or another control
    character, which PostgreSQL would refuse to compare): it is not looked for."""
    reference = (reference or "").strip().upper()
    if not reference or len(reference) > 60 or not reference.isprintable():
        return None
    return reference


def visible_case(user: User | AnonymousUser | None, reference: str) -> Case | None:
    """The case with this reference as a person types it, if the user may see it; None if
    there is none they can see. Not a read of the record."""
    typed = reference_as_typed(reference)
    if typed is None:
        return None
    return visible_cases(user).filter(reference=typed).first()


def visible_people(user: User | AnonymousUser | None) -> QuerySet[Person]:
    """The people a user may find and link to a case: those on a case they can see, and those
    on no case yet. Someone on restricted cases only stays hidden from everyone not named."""
    from harken.cases.models import CaseParty, Person

    active = _active(user)
    if active is None:
        return Person.objects.none()
    on_visible = CaseParty.objects.filter(person=OuterRef("pk"), case__in=visible_cases(active))
    on_any = CaseParty.objects.filter(person=OuterRef("pk"))
    return Person.objects.filter(Exists(on_visible) | ~Exists(on_any))


def can_view_case(user: User | AnonymousUser | None, case: Case) -> bool:
    active = _active(user)
    if active is None:
        return False
    if active.sees_all_cases and not case.restricted:
        return True  # the common case, without a query
    return visible_cases(active).filter(pk=case.pk).exists()


def may_answer_stage(
    user: User | AnonymousUser | None,
    stage_number: int,
    responders: Iterable[str] | None = None,
) -> bool:
    """Record a stage's response or extend it (and write those letters). `responders`: the
    roles the stage's procedure definition names (`StageDef.responders`), the rule the
    services, the pages and the letters all read. Without it, the older rule: managers
    answer stage 1 only."""
    active = _active(user)
    if active is None or not may(active, Perm.CASE_RESPOND):
        return False
    if responders is not None:
        return active.role in set(responders)
    return stage_number == 1 or may(active, Perm.STAGES_AFTER_FIRST)


def can_act(user: User | AnonymousUser | None, case: Case, action: str) -> bool:
    """May `user` take `action` on `case`? Appointees may add notes and raise safeguarding."""
    active = _active(user)
    if active is None or not role_may(active.role, action):
        return False
    return can_view_case(active, case)


def ensure_can_view(user: User | AnonymousUser | None, case: Case) -> None:
    if not can_view_case(user, case):
        raise AccessDenied("You do not have access to this case.")


def ensure_can_act(user: User | AnonymousUser | None, case: Case, action: str) -> None:
    if not can_act(user, case, action):
        raise AccessDenied("You are not allowed to do this on this case.")
