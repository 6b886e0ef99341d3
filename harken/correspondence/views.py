"""The inbox pages, for the feedback team only (`Perm.MAILBOX`): the list, an item, and the
steps on it. Views read through selectors and write through services."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from harken import access
from harken.access.web import StaffRequiredMixin
from harken.accounts.current import request_user as _user
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error

from . import conf, forms, selectors, services
from .models import MailItem

logger = logging.getLogger(__name__)


class TeamView(StaffRequiredMixin, View):
    permission = access.Perm.MAILBOX


class InboxView(TeamView):
    def get(self, request: HttpRequest) -> HttpResponse:
        view = request.GET.get("view", "inbox")
        if view not in selectors.VIEWS:
            view = "inbox"
        counted = selectors.counts()
        page, rows = selectors.inbox_page(
            user=_user(request),
            view=view,
            page=request.GET.get("page", 1),
            total=min(counted[view], selectors.LISTED_AT_MOST),
        )
        return render(
            request,
            "correspondence/inbox.html",
            {
                "page": page,
                "rows": rows,
                "view": view,
                "views": [(k, label) for k, (label, _) in selectors.VIEWS.items()],
                "view_label": selectors.VIEWS[view][0],
                "counts": counted,
                "listed_at_most": selectors.LISTED_AT_MOST,
                "more_than_listed": counted[view] > selectors.LISTED_AT_MOST,
                "mailbox_configured": conf.mailbox_settings().configured,
            },
        )


class PollView(TeamView):
    """Read the mailbox now (by the task worker), rather than waiting for the schedule."""

    def post(self, request: HttpRequest) -> HttpResponse:
        from .tasks import poll_mailbox

        try:
            result = poll_mailbox.enqueue()
        except Exception as exc:  # the queue's database is unavailable
            logger.error("The mailbox poll could not be queued: %s", type(exc).__name__)
            messages.error(request, "The mailbox could not be read just now. Try again later.")
            return redirect("correspondence:inbox")
        done = getattr(result, "return_value", None) if result.is_finished else None
        messages.success(
            request,
            f"The mailbox was read: {done}."
            if done
            else "The mailbox is being read: new e-mails appear here within a minute.",
        )
        return redirect("correspondence:inbox")


def _item(request: HttpRequest, pk: int) -> MailItem:
    try:
        return selectors.item_get(user=_user(request), pk=pk)
    except AccessDenied as exc:
        raise Http404(exc.message) from exc


def _convert_initial(item: MailItem) -> dict[str, Any]:
    first, _, last = item.sender_name.replace('"', "").strip().rpartition(" ")
    return {
        "summary": (item.subject or item.text.strip().split("\n", 1)[0])[:200],
        "first_name": first,
        "last_name": last,
        "email": item.sender_address,
        "phone": services.display_phone(item.sender_phone),
        "received_on": services.received_on(item),
    }


def _what(item: MailItem) -> str:
    return "text message" if item.is_text else "e-mail"


class ItemView(TeamView):
    def render_item(self, request: HttpRequest, item: MailItem, **forms_given: Any) -> HttpResponse:
        user = _user(request)
        what = _what(item)
        context = {
            "item": item,
            "what": what,
            # Only what the page shows: each case suggested is recorded as read.
            "suggestions": selectors.suggestions_for([item], user=user)[item.pk]
            if item.in_inbox
            else [],
            # The case it is on, if the officer may see it (a restricted case is not named).
            "item_case": item.case
            if item.case is not None and access.can_view_case(user, item.case)
            else None,
            "attachments": list(item.attachments.all()),
            "events": list(item.events.select_related("actor").order_by("-at", "-id")[:50]),
            "convert_form": forms_given.get("convert")
            or forms.ConvertForm(initial=_convert_initial(item), what=what),
            "attach_form": forms_given.get("attach") or forms.AttachForm(),
            "not_feedback_form": forms_given.get("not_feedback") or forms.NotFeedbackForm(),
            "reopen_form": forms_given.get("reopen") or forms.ReopenForm(),
            "no_action_form": forms_given.get("no_action") or forms.NoActionForm(),
            "is_mine": item.claimed_by_id == user.pk,
            "all_forms": list(forms_given.values()),
        }
        status = 400 if forms_given else 200
        return render(request, "correspondence/item.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = _item(request, pk)
        services.record_item_read(item=item, user=_user(request), via="web")
        return self.render_item(request, item)


class ItemStepView(ItemView):
    """A step on an item (POST only): the service decides; its refusal shows on the page."""

    http_method_names = ["post"]

    def step(self, request: HttpRequest, item: MailItem) -> HttpResponse:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = _item(request, pk)
        try:
            return self.step(request, item)
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("correspondence:item", pk=item.pk)


class ClaimView(ItemStepView):
    def step(self, request: HttpRequest, item: MailItem) -> HttpResponse:
        if request.POST.get("release"):
            services.item_release(item=item, actor=_user(request))
            messages.success(request, "You have let the e-mail go.")
        else:
            services.item_claim(item=item, actor=_user(request))
            messages.success(request, "You have claimed the e-mail.")
        return redirect("correspondence:item", pk=item.pk)


class ConvertView(ItemStepView):
    def step(self, request: HttpRequest, item: MailItem) -> HttpResponse:
        form = forms.ConvertForm(request.POST, what=_what(item))
        if not form.is_valid():
            return self.render_item(request, item, convert=form)
        data = form.cleaned_data
        try:
            item = services.item_convert(
                item=item,
                actor=_user(request),
                kind=data["kind"],
                summary=data["summary"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
                phone=data.get("phone", ""),
                received=data["received_on"],
                team=data.get("team"),
                procedure_code=data.get("procedure") or None,
            )
        except AccessDenied:
            raise
        except ApplicationError as exc:
            add_service_error(form, exc)
            return self.render_item(request, item, convert=form)
        if item.case is not None:
            messages.success(
                request, f"{item.case.get_kind_display()} {item.case.reference} recorded."
            )
            return redirect("casework:case", reference=item.case.reference)
        assert item.sar is not None  # noqa: S101
        messages.success(request, f"Subject access request {item.sar.reference} recorded.")
        return redirect("correspondence:item", pk=item.pk)


class AttachView(ItemStepView):
    def step(self, request: HttpRequest, item: MailItem) -> HttpResponse:
        form = forms.AttachForm(request.POST)
        if not form.is_valid():
            return self.render_item(request, item, attach=form)
        case = access.visible_case(_user(request), form.cleaned_data["reference"])
        if case is None:
            form.add_error("reference", "There is no case with that reference you can see")
            return self.render_item(request, item, attach=form)
        try:
            services.item_attach(item=item, actor=_user(request), case=case)
        except AccessDenied as exc:
            form.add_error("reference", exc.message)
            return self.render_item(request, item, attach=form)
        except ApplicationError as exc:
            add_service_error(form, exc)
            return self.render_item(request, item, attach=form)
        messages.success(request, f"The {_what(item)} has been added to case {case.reference}.")
        return redirect("casework:case", reference=case.reference)


class NotFeedbackView(ItemStepView):
    def step(self, request: HttpRequest, item: MailItem) -> HttpResponse:
        form = forms.NotFeedbackForm(request.POST)
        if not form.is_valid():
            return self.render_item(request, item, not_feedback=form)
        try:
            services.item_not_feedback(
                item=item,
                actor=_user(request),
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data.get("note", ""),
            )
        except AccessDenied:
            raise
        except ApplicationError as exc:
            add_service_error(form, exc)
            return self.render_item(request, item, not_feedback=form)
        messages.success(request, f"The {_what(item)} has been marked as not feedback.")
        return redirect(reverse("correspondence:inbox"))


class ReopenView(ItemStepView):
    """A reply to a closed case: reopen the case, through the case workflow's own step."""

    def step(self, request: HttpRequest, item: MailItem) -> HttpResponse:
        form = forms.ReopenForm(request.POST)
        if not form.is_valid():
            return self.render_item(request, item, reopen=form)
        try:
            item = services.item_reopen_case(
                item=item, actor=_user(request), reason=form.cleaned_data["reason"]
            )
        except AccessDenied as exc:
            form.add_error("reason", exc.message)
            return self.render_item(request, item, reopen=form)
        except ApplicationError as exc:
            # The workflow's refusal ("Only a withdrawn … can be reopened"), beside the field.
            form.add_error("reason", exc.message)
            return self.render_item(request, item, reopen=form)
        assert item.case is not None  # noqa: S101 (a closed-case reply has its case)
        messages.success(request, f"Case {item.case.reference} reopened.")
        return redirect("casework:case", reference=item.case.reference)


class NoActionView(ItemStepView):
    """A reply to a closed case that needs nothing more: it stays on the case."""

    def step(self, request: HttpRequest, item: MailItem) -> HttpResponse:
        form = forms.NoActionForm(request.POST)
        if not form.is_valid():
            return self.render_item(request, item, no_action=form)
        try:
            services.item_no_action(
                item=item, actor=_user(request), note=form.cleaned_data.get("note", "")
            )
        except AccessDenied:
            raise
        except ApplicationError as exc:
            add_service_error(form, exc)
            return self.render_item(request, item, no_action=form)
        messages.success(request, f"The {_what(item)} was left on its closed case: no action.")
        return redirect(reverse("correspondence:inbox"))
