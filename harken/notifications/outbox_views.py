"""The feedback team's page of messages not sent (failed, or in doubt), to send them again.
Everyone else is refused: the messages name people and the cases they wrote about."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harken import access
from harken.accounts.models import User
from harken.cases.models import Case
from harken.cases.selectors import case_get
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error
from harken.core.web import staff_required

from . import conf, outbox, sending
from .forms import SendForm
from .models import InboundText, Message, MessageStatus

LISTED = 200
CASE_MESSAGES_PAGE = 50


def _retrier(request: HttpRequest) -> User:
    """The signed-in user, if they look after the messages not sent (else 403)."""
    user = request.user
    if not isinstance(user, User) or not outbox.may_retry(user):
        raise PermissionDenied
    return user


@staff_required()
@require_GET
def not_sent(request: HttpRequest) -> HttpResponse:
    user = _retrier(request)
    waiting = outbox.messages_not_sent(user)
    return render(
        request,
        "notifications/not_sent.html",
        {
            "messages_not_sent": list(waiting[:LISTED]),
            "total": waiting.count(),
            "listed": LISTED,
            "in_doubt": MessageStatus.IN_DOUBT,
            "to_post": MessageStatus.TO_POST,
        },
    )


@staff_required()
@require_POST
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    user = _retrier(request)
    message = Message.objects.select_related("case").filter(pk=pk).first()
    if message is None or (
        message.case is not None and not access.can_view_case(user, message.case)
    ):
        raise Http404  # a case the user cannot see is not there for them
    try:
        outbox.message_retry(message=message, actor=user)
    except AccessDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except ApplicationError as exc:
        # Sent meanwhile, or sent again by someone else: nothing to do, and nothing done.
        flash.info(request, str(exc))
        return redirect("outbox:not_sent")
    flash.success(request, f"{message.get_kind_display()} queued to be sent again")
    return redirect("outbox:not_sent")


# --- Sending from the case (issue 13) -------------------------------------------------------


def _sendable_case(request: HttpRequest, reference: str) -> Case:
    """The case, if the user may see it (the read logged; else 404, as every case page) and
    send from it (else 403)."""
    try:
        case = case_get(user=request.user, reference=reference)  # type: ignore[arg-type]
    except AccessDenied as exc:
        raise Http404 from exc
    if not sending.may_send(request.user, case):
        raise PermissionDenied
    return case


def _case_url(case: Case) -> str:
    return reverse("casework:case", kwargs={"reference": case.reference})


def _send_page(request: HttpRequest, case: Case, form: SendForm, **extra: Any) -> HttpResponse:
    return render(
        request,
        "notifications/send.html",
        {
            "case": case,
            "form": form,
            "recipients": sending.recipients(case),
            "case_url": _case_url(case),
            "notify": conf.message_backend() == conf.NOTIFY,
            **extra,
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, reference: str) -> HttpResponse:
    case = _sendable_case(request, reference)
    user: User = request.user  # type: ignore[assignment]
    if request.method == "GET":
        return _send_page(
            request,
            case,
            SendForm(case=case, initial=_initial(request, case)),
            letter_created=bool(request.GET.get("letter")),
        )
    form = SendForm(request.POST, case=case)
    if not form.is_valid():
        return _send_page(request, case, form)
    data = form.cleaned_data
    if request.POST.get("action") == "draft":
        return _draft(request, case, form, user)
    try:
        message = sending.case_message_send(
            case=case,
            actor=user,
            party_id=data["party"],
            channel=data["channel"],
            subject=data["subject"],
            body=data["body"],
            document_ids=data["documents"],
            idempotency_key=data["idempotency_key"] or None,
        )
    except AccessDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _send_page(request, case, form)
    flash.success(
        request, f"{message.get_kind_display()} to {', '.join(message.to[:1])} queued to be sent"
    )
    return redirect(_case_url(case))


def _initial(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The first person who can be reached, by the way they prefer (else the first way
    there is); documents named in the address (the letter just created) ticked."""
    people = [r for r in sending.recipients(case) if r.channels and not r.no_contact]
    initial: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex}
    wanted = request.GET.get("party", "")
    person = next((r for r in people if str(r.party_id) == wanted), people[0] if people else None)
    if person is not None:
        available = [c for c in sending.channels_available() if c in person.channels]
        initial["party"] = person.party_id
        initial["channel"] = person.preferred_channel or (available[0] if available else None)
    ticked = request.GET.getlist("document")
    if ticked:
        initial["documents"] = ticked
    if request.GET.get("letter"):
        # Straight from creating the step's letter: a covering e-mail, ready to change.
        initial["subject"] = "Our letter to you"
        initial["body"] = "Please find our letter attached."
    return initial


def _draft(request: HttpRequest, case: Case, form: SendForm, user: User) -> HttpResponse:
    from harken.documents import letters
    from harken.documents import services as documents

    template = form.cleaned_data.get("template")
    if template is None:
        form.add_error("template", "Choose the letter template to draft from")
        return _send_page(request, case, form)
    try:
        letter = documents.letter_build(case=case, template=template, actor=user)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _send_page(request, case, form)
    data = request.POST.copy()
    data["subject"] = letter.title
    data["body"] = letters.to_plain_text(letter)
    drafted = SendForm(data, case=case)
    drafted.is_valid()
    return _send_page(request, case, drafted, drafted_from=template.name, warning=letter.warning)


@staff_required()
@require_POST
def posted(request: HttpRequest, pk: int) -> HttpResponse:
    user = _retrier(request)
    message = Message.objects.select_related("case").filter(pk=pk).first()
    if message is None or (
        message.case is not None and not access.can_view_case(user, message.case)
    ):
        raise Http404
    try:
        sending.letter_record_posted(message=message, actor=user)
    except AccessDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except ApplicationError as exc:
        flash.info(request, str(exc))
        return redirect("outbox:not_sent")
    flash.success(request, "Letter recorded as posted today")
    return redirect("outbox:not_sent")


@staff_required()
@require_GET
def texts_received(request: HttpRequest) -> HttpResponse:
    """Text messages people sent to the council's number (GOV.UK Notify), newest first."""
    if not access.may(request.user, access.Perm.INBOUND_TEXTS):
        raise PermissionDenied
    texts = InboundText.objects.select_related("item")
    return render(
        request,
        "notifications/texts_received.html",
        {"texts": list(texts[:LISTED]), "total": texts.count(), "listed": LISTED},
    )


@staff_required()
@require_GET
def case_messages(request: HttpRequest, reference: str) -> HttpResponse:
    """Every message sent about a case, newest first, a page at a time (the case page shows
    the latest few); to whoever may see the case, the read logged."""
    from django.core.paginator import Paginator

    try:
        case = case_get(user=request.user, reference=reference)  # type: ignore[arg-type]
    except AccessDenied as exc:
        raise Http404 from exc
    messages = outbox.messages_for_case(case).prefetch_related("attachments__document")
    page = Paginator(messages, CASE_MESSAGES_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/case_messages.html",
        {"case": case, "page": page, "case_url": _case_url(case)},
    )
