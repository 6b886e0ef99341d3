"""`harken unlock-account USERNAME`: for when no administrator can sign in to do it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.accounts import services
from harken.accounts.models import User


def account(username: str) -> User:
    user = services.find_account(username)
    if user is None:
        raise CommandError("No account has that username or e-mail address")
    return user


class Command(BaseCommand):
    help = "Unlock an account locked after repeated failed sign-in attempts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="username or e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        user = account(options["username"])
        services.user_unlock(actor=None, user=user)
        self.stdout.write(f"Unlocked account {user.pk}.")
