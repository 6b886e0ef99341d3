"""Mail servers for the tests: one that refuses every message, and one that "kills" the
worker at a chosen moment of a send (raising `WorkerKilled`, which no code of Harken's
catches, so nothing after that point runs: as if the process had been killed)."""

from __future__ import annotations

import smtplib
from typing import Any, ClassVar

from django.core.mail.backends.base import BaseEmailBackend


class WorkerKilled(BaseException):
    """The worker process stopped here (SIGKILL, the machine lost)."""


class Refusing(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"No such user")})


class Killing(BaseEmailBackend):
    """Kills the worker while connecting (`moment = "connect"`) or just after the server has
    accepted the message (`moment = "accepted"`). Every message the server accepted is in
    `accepted`."""

    moment: ClassVar[str] = ""
    accepted: ClassVar[list[Any]] = []

    def open(self) -> bool:
        if Killing.moment == "connect":
            raise WorkerKilled
        return True

    def send_messages(self, email_messages: Any) -> int:
        Killing.accepted.extend(email_messages)
        if Killing.moment == "accepted":
            raise WorkerKilled
        return len(email_messages)
