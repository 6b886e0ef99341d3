"""The feedback team's page of messages not sent (failed, or in doubt), to send them again.
Everyone else is refused: the messages name people and the cases they wrote about."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from harken import access
from harken.accounts.models import User
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.web import staff_required

from . import outbox
from .models import Message, MessageStatus

LISTED = 200


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
