"""The action-plan pages. Each view checks the role, reads through the selectors and changes
through the services; a record the user may not see is answered as not found."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from harken import access
from harken.access import Perm
from harken.access.web import staff_required
from harken.accounts.current import request_user as _user
from harken.core.audit import record_read
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error

from . import forms, metrics, rules, selectors, services
from .models import Action, ActionStatus, Recommendation

PAGE_SIZE = 50


def _posted(request: HttpRequest) -> Any:
    """The form data if this is a POST (even an empty one: it must show the errors)."""
    return request.POST if request.method == "POST" else None


def _recommendation(request: HttpRequest, pk: int) -> Recommendation:
    try:
        return selectors.recommendation_get(user=_user(request), pk=pk)
    except AccessDenied as exc:
        raise Http404(exc.message) from exc


def _action(request: HttpRequest, pk: int) -> Action:
    try:
        return selectors.action_get(user=_user(request), pk=pk)
    except AccessDenied as exc:
        raise Http404(exc.message) from exc


def _recommendation_url(recommendation: Recommendation) -> str:
    return reverse("learning:recommendation", kwargs={"pk": recommendation.pk})


# --- The action plan ------------------------------------------------------------------------


def _filters(form: forms.ActionFilterForm) -> selectors.ActionFilters:
    if not form.is_valid():
        return selectors.ActionFilters()
    data = form.cleaned_data
    return selectors.ActionFilters(
        status=data["status"] or "",
        service_area=data["service_area"].pk if data["service_area"] else None,
        team=data["team"].pk if data["team"] else None,
        owner=data["owner"].pk if data["owner"] else None,
        overdue=bool(data["overdue"]),
    )


def _selected(form: forms.ActionFilterForm, request: HttpRequest) -> list[dict[str, str]]:
    """The chosen filters as MOJ "selected filter" tags, each removing itself when followed."""
    if not form.is_valid():
        return []
    chosen = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if not value:
            continue
        if name == "status":
            label = dict(forms.STATUS_FILTER_CHOICES)[value]
        elif name == "overdue":
            label = "Overdue"
        elif name == "owner":
            label = str(value)
        else:
            label = str(value)
        rest = {k: v for k, v in request.GET.items() if k not in (name, "page") and v}
        chosen.append(
            {
                "heading": str(field.label),
                "label": label,
                "url": "?" + urlencode(rest) if rest else reverse("learning:index"),
            }
        )
    return chosen


@staff_required(Perm.PLAN_VIEW)
def action_plan(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.ActionFilterForm(request.GET or None)
    actions = selectors.action_list(user=user, filters=_filters(form))
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "learning/action_plan.html",
        {
            "form": form if form.is_bound else forms.ActionFilterForm(),
            "page": page,
            "selected": _selected(form, request),
            "query": urlencode(query),
            "can_change": access.may(user, Perm.PLAN_EDIT),
        },
    )


@staff_required(Perm.PLAN_OVERVIEW)
def overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = metrics.action_overview()
    return render(
        request,
        "learning/overview.html",
        {
            "rows": rows[:-1],
            "total": rows[-1],
            # Report viewers see the figures only, not the list of actions behind them.
            "links": rules.may_see_plan(user),
        },
    )


# --- Recommendations ------------------------------------------------------------------------


@staff_required(Perm.PLAN_VIEW)
def recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _recommendation(request, pk)
    # Part of its case's record: the read is in the case's audit trail (a visit's
    # recommendation names no child and belongs to no case).
    if found.case is not None:
        record_read(case=found.case, user=user, via="learning")
    actions = list(found.actions.all())
    can_change = rules.may_change(user, found)
    return render(
        request,
        "learning/recommendation.html",
        {
            "recommendation": found,
            # Each action with what this user may do to it now: record progress; change or
            # cancel it.
            "actions": [
                (
                    a,
                    rules.takes_progress(a) and rules.may_record_progress(user, a),
                    can_change and a.is_open,
                )
                for a in actions
            ],
            "can_change": can_change,
            "can_add_action": can_change and rules.takes_actions(found),
            "can_view_case": found.case is not None and access.can_view_case(user, found.case),
        },
    )


@staff_required(Perm.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def recommendation_add(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = access.visible_case(user, reference)
    if case is None:
        raise Http404("There is no case with that reference you can see.")
    form = forms.RecommendationForm(_posted(request), case=case)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.recommendation_create(case=case, actor=user, **form.service_values())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Recommendation {made.reference} added")
            return redirect(_recommendation_url(made))
    return render(
        request,
        "learning/recommendation_form.html",
        {"form": form, "case": case, "recommendation": None},
    )


@staff_required(Perm.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _recommendation(request, pk)
    if not rules.may_change(user, found):
        raise PermissionDenied
    if found.case is None:
        # A visit's recommendation is the visitor's words; its action is changed as any other.
        raise Http404("A recommendation from a visit is changed through its action.")
    form = forms.RecommendationForm(
        _posted(request), case=found.case, initial=forms.RecommendationForm.initial_for(found)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(
                recommendation=found, actor=user, **form.service_values()
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Recommendation {found.reference} saved")
            return redirect(_recommendation_url(found))
    return render(
        request,
        "learning/recommendation_form.html",
        {"form": form, "case": found.case, "recommendation": found},
    )


# --- Actions --------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, template: str, form: Any, action: Action | None, **extra: Any
) -> HttpResponse:
    return render(request, template, {"form": form, "action": action, **extra})


@staff_required(Perm.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _recommendation(request, pk)
    if not rules.may_change(user, found):
        raise PermissionDenied
    form = forms.ActionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            added = services.action_create(recommendation=found, actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Action {added.reference} added")
            return redirect(_recommendation_url(found))
    return _form_page(request, "learning/action_form.html", form, None, recommendation=found)


@staff_required(Perm.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _action(request, pk)
    if not rules.may_change(user, found.recommendation):
        raise PermissionDenied
    form = forms.ActionForm(
        _posted(request),
        initial={"description": found.description, "owner": found.owner_id, "due_on": found.due_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=found, actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Action {found.reference} saved")
            return redirect(_recommendation_url(found.recommendation))
    return _form_page(
        request, "learning/action_form.html", form, found, recommendation=found.recommendation
    )


@staff_required(Perm.PLAN_VIEW)
@require_http_methods(["GET", "POST"])
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _action(request, pk)
    if not rules.may_record_progress(user, found):
        raise PermissionDenied
    if found.status == ActionStatus.CANCELLED:
        raise Http404("The action was cancelled.")
    form = forms.ProgressForm(
        _posted(request),
        initial={
            "status": found.status,
            "progress": found.progress,
            "completed_on": found.completed_on,
            "evidence": found.evidence,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_record_progress(action=found, actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Action {found.reference} updated")
            return redirect(_recommendation_url(found.recommendation))
    return _form_page(request, "learning/progress_form.html", form, found)


@staff_required(Perm.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def action_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _action(request, pk)
    if not rules.may_change(user, found.recommendation):
        raise PermissionDenied
    form = forms.CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.action_cancel(
                action=found, actor=user, reason=form.cleaned_data["cancel_reason"]
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Action {found.reference} cancelled")
            return redirect(_recommendation_url(found.recommendation))
    return _form_page(request, "learning/cancel_form.html", form, found)
