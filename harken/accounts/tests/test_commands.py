"""Commands for when no administrator can sign in."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from harken.accounts.models import Role, SignInEvent, User

from .helpers import with_two_factor

pytestmark = pytest.mark.django_db


def test_createsuperuser_makes_an_administrator():
    User.objects.create_superuser("root", "root@example.gov.uk", "a long pass phrase")
    assert User.objects.get(username="root").role == Role.ADMINISTRATOR


def test_unlock_account_and_reset_two_factor(client, admin_user):
    for _ in range(5):
        client.post("/staff/sign-in/", {"username": "ada_admin", "password": "wrong password"})
    with_two_factor(admin_user)
    call_command("unlock_account", "ada_admin")
    call_command("reset_two_factor", "ada_admin")
    admin_user.refresh_from_db()
    assert not admin_user.is_locked()
    assert not admin_user.has_two_factor
    event = SignInEvent.objects.get(kind="unlocked")
    assert event.actor is None
    with pytest.raises(CommandError):
        call_command("unlock_account", "nobody")
