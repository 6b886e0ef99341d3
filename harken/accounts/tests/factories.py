"""Users in each role."""

from __future__ import annotations

from harken.accounts.models import Team, User


def make_user(
    username: str, role: str, *, teams: list[Team] | None = None, employed_by_council: bool = True
) -> User:
    user = User.objects.create_user(
        username=username,
        password="correct horse battery",
        role=role,
        first_name=username.split("_")[0].title(),
        last_name="Tester",
        employed_by_council=employed_by_council,
    )
    if teams:
        user.teams.set(teams)
    return user
