"""Users in each role."""

from __future__ import annotations

import datetime as dt

from harken.accounts.models import Team, User


def make_user(
    username: str, role: str, *, teams: list[Team] | None = None, employed_by_council: bool = True
) -> User:
    from django.utils import timezone

    user = User.objects.create_user(
        username=username,
        password="correct horse battery",
        role=role,
        first_name=username.split("_")[0].title(),
        last_name="Tester",
        employed_by_council=employed_by_council,
        # As if they had set their password with the e-mailed link: they may set up
        # two-factor authentication at their first sign-in.
        two_factor_enrolment_until=timezone.now() + dt.timedelta(days=1),
    )
    if teams:
        user.teams.set(teams)
    return user


def api_token_for(user: User, *, days: int = 90, name: str = "Test token") -> str:
    """A token in force for `user` (whatever their two-factor state); returns its key."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from harken.accounts.models import ApiToken
    from harken.accounts.services import token_digest

    key = secrets.token_hex(20)
    ApiToken.objects.create(
        user=user,
        name=name,
        digest=token_digest(key),
        prefix=key[:6],
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return key
