"""Demo shared mailbox (issues 9 and 13): the inbox as a feedback officer finds it on a Monday
morning, made through the same services the mailbox reader and GOV.UK Notify's callback use
(`item_store`, `text_store`), so each item is routed as a real one would be:

- a new complaint by e-mail from someone on no case (in the inbox, to be made a case);
- a reply quoting an open case's reference from its complainant (joins the case by itself);
- a reply to a closed case from its complainant (on the case and in the inbox: reopen, new
  complaint or no action, ADR 0200);
- an e-mail quoting a reference from someone not on that case (in the inbox, the case only
  suggested);
- an out-of-office reply (set aside);
- two text messages to the council's number (in the inbox).

Called by `harken demo-data` (cases/demo.py) after the cases are made."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.utils import timezone

from harken.cases.models import Case, CaseParty, Kind, Status
from harken.core.dates import LONDON
from harken.notifications.models import InboundText

from . import services

MAILBOX = "feedback@harken.example"


def _mail(
    *,
    sender: tuple[str, str],
    subject: str,
    body: str,
    sent_at: dt.datetime,
    key: str,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f'"{sender[0]}" <{sender[1]}>'
    message["To"] = MAILBOX
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at)
    # Stable for a seed: a second run of the demo finds each message already stored.
    message["Message-ID"] = f"<demo-{key}@mail.harken.example>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def _complainant(case: Case) -> tuple[str, str] | None:
    party = (
        CaseParty.objects.filter(case=case, person__email__gt="")
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if party is None:
        return None
    return party.person.full_name, party.person.email


def _case_with_email(status: str) -> Case | None:
    cases = Case.objects.filter(
        kind=Kind.COMPLAINT, status=status, parties__person__email__gt=""
    ).distinct()
    ordered = cases.order_by("-closed_on", "-pk") if status != Status.OPEN else cases.order_by("pk")
    return ordered.first()


def mailbox_demo(builder: Any) -> None:
    today = builder.today
    # This morning, and the working days before it (London time).
    morning = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 5)), LONDON)
    prefix = f"{builder.seed}-{today:%Y%m%d}"
    mails: list[tuple[bytes, dt.datetime]] = []

    def add(at: dt.datetime, **kwargs: Any) -> None:
        mails.append((_mail(sent_at=at, **kwargs), at))

    add(
        morning - dt.timedelta(days=3, hours=2),
        sender=("Dana Whitfield", "dana.whitfield@example.com"),
        subject="Complaint about my son's school transport",
        body=(
            "Hello,\n\nFor the third week running the taxi that takes my son to school has not "
            "turned up, and nobody at the transport team answers the phone. He has missed two "
            "mornings of lessons. I would like this dealt with as a formal complaint.\n\n"
            "Dana Whitfield\n"
        ),
        key=f"{prefix}-new",
    )
    open_case = _case_with_email(Status.OPEN)
    if open_case is not None and (who := _complainant(open_case)):
        add(
            morning - dt.timedelta(days=1, hours=5),
            sender=who,
            subject=f"RE: Your complaint {open_case.reference}",
            body=(
                "Thank you for your letter. I can meet the investigating officer any weekday "
                "afternoon next week. Please call me to arrange it.\n"
            ),
            key=f"{prefix}-open-reply",
        )
        add(
            morning - dt.timedelta(hours=14),
            sender=("Sam Pryce", "sam.pryce@example.com"),
            subject=f"About case {open_case.reference}",
            body=(
                "I am the young person's foster carer and was told to quote this reference. "
                "Can someone tell me how the complaint is going?\n"
            ),
            key=f"{prefix}-suggested",
        )
    closed_case = _case_with_email(Status.CLOSED)
    if closed_case is not None and (who := _complainant(closed_case)):
        add(
            morning - dt.timedelta(hours=20),
            sender=who,
            subject=f"RE: Your complaint {closed_case.reference} - our response",
            body=(
                "I have read your response and I am not satisfied with it. The missed visits "
                "have carried on since you wrote. What can I do next?\n"
            ),
            key=f"{prefix}-closed-reply",
        )
    add(
        morning - dt.timedelta(hours=1),
        sender=("Rowan Blake", "rowan.blake@example.org"),
        subject="Automatic reply: Your complaint",
        body="I am out of the office until Monday with no access to e-mail.\n",
        key=f"{prefix}-auto",
        headers={"Auto-Submitted": "auto-replied"},
    )
    for raw, at in mails:
        services.item_store(raw=raw, received_at=at)
    texts = (
        (
            "07700900417",
            "hi its Jay from Oak Lodge. i want to complain about my placement move. "
            "can someone ring me after school",
            morning - dt.timedelta(days=2, hours=-8),
        ),
        (
            "07700900982",
            "Please can the complaints team call me back about my daughter's EHC plan. Thanks",
            morning - dt.timedelta(hours=3),
        ),
    )
    number = "07700900000"  # the council's number (Ofcom's range for drama)
    for i, (source, message, at) in enumerate(texts):
        text, _ = InboundText.objects.get_or_create(
            notify_id=f"demo-{prefix}-text-{i}",
            defaults={
                "source_number": source,
                "destination_number": number,
                "message": message,
                "received_at": at,
            },
        )
        services.text_store(text=text)
