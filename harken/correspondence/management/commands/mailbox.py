"""`harken mailbox poll [--once]`: read the team's shared mailbox (docs/correspondence.md).

Without --once it polls every HARKEN_MAILBOX_INTERVAL seconds until stopped (SIGTERM or
Ctrl-C end it between messages' stores, never inside one). `harken run-scheduled` also polls
once each time it runs. `--access-token` gives an XOAUTH2 access token for this run
(Microsoft 365, Google): Harken does not fetch tokens itself.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.core.errors import ApplicationError
from harken.correspondence import conf, mailbox


class Command(BaseCommand):
    help = "Read the shared mailbox: store each new e-mail once, then mark it on the server."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help="Read the mailbox (every interval, or --once)")
        poll.add_argument("--once", action="store_true", help="Read it once, then stop")
        poll.add_argument(
            "--access-token",
            default="",
            help="An OAuth2 access token for XOAUTH2 (else HARKEN_MAILBOX_ACCESS_TOKEN[_FILE])",
        )
        poll.add_argument("--limit", type=int, default=None, help="Read at most this many")

    def _poll_once(self, options: dict[str, Any]) -> None:
        try:
            config = conf.mailbox_settings(access_token=options["access_token"])
            result = mailbox.poll(config=config, limit=options["limit"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        except mailbox.IMAP_ERRORS as exc:
            raise CommandError(
                f"The mail server could not be reached or stopped answering ({type(exc).__name__})."
            ) from exc
        self.stdout.write(str(result))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._poll_once(options)
            return
        while True:
            try:
                self._poll_once(options)
            except CommandError as exc:
                self.stderr.write(str(exc))
            time.sleep(conf.poll_interval())
