"""What the messages with no record of their own say: a compliment passed on, a link to set
a password. Each is a `Message` of the one outbox (`outbox.deliver`); these write it when it
is sent, from current data, so the row holds no secret (a password link's token is made at
that moment). What the audit says was sent is recorded by `after_sent`, once the mail
server has taken it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from harken.accounts.models import User
from harken.cases.models import Case, TimelineEvent

from . import outbox
from .models import Message, MessageStatus

Verb = TimelineEvent.Verb


def compliment_build(message: Message) -> outbox.Built | outbox.Skip:
    from harken.core.audit import record_event

    case = Case.objects.prefetch_related("teams").get(pk=int(message.case_id or 0))
    email = EmailMessage(
        subject=f"A compliment for you ({case.reference})",
        body=render_to_string(
            "casework/email/compliment.txt",
            {"case": case, "council_name": settings.HARKEN_COUNCIL_NAME},
        ),
        to=list(message.to),
    )

    def sent() -> None:
        record_event(
            case=case,
            actor=message.requested_by,
            verb=Verb.COMPLIMENT_EMAILED,
            description=f"Compliment e-mailed to {', '.join(message.to)}",
        )

    return outbox.Built(email=email, after_sent=sent)


def password_link_build(message: Message) -> outbox.Built | outbox.Skip:
    from harken.accounts import services as accounts
    from harken.accounts.models import SignInEventKind

    user = User.objects.get(pk=int(message.user_id or 0))
    if not user.is_active or not user.email:
        return outbox.Skip(MessageStatus.NOT_WANTED)  # deactivated, or no address, since asked
    email = accounts.password_link_message(
        user=user,
        base_url=str(message.data.get("base_url", "")),
        new_account=bool(message.data.get("new_account")),
    )

    def sent() -> None:
        accounts.record_event(
            SignInEventKind.PASSWORD_LINK_SENT, user=user, actor=message.requested_by
        )

    return outbox.Built(email=email, after_sent=sent)
