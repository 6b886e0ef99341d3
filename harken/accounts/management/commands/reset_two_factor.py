"""`harken reset-two-factor USERNAME`: for an administrator who has lost their phone and
their recovery codes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harken.accounts import services

from .unlock_account import account


class Command(BaseCommand):
    help = (
        "Forget an account's authenticator app and recovery codes: the person sets up "
        "two-factor authentication again at their next sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="username or e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        user = account(options["username"])
        services.two_factor_reset(actor=None, user=user)
        # Run on the server: whoever runs it vouches for the person, as an administrator would.
        until = services.two_factor_enrolment_allow(
            user=user, actor=None, how="Allowed from the server's command line"
        )
        self.stdout.write(
            f"Two-factor authentication reset for account {user.pk}. They can set it up again "
            f"when they sign in before {until:%Y-%m-%d %H:%M} UTC."
        )
