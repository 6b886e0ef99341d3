"""The retention pages (/staff/retention/): administrators only. Each view reads through the
selectors and changes through the services; a refusal is shown beside its field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from harken import access
from harken.access import Perm
from harken.access.web import staff_required
from harken.accounts.current import request_user as _user
from harken.core.audit import record_reads
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error

from . import forms, selectors, services
from .models import LegalHold, RecordKind, RunStatus


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _run(pk: int) -> Any:
    run = selectors.run_get(pk=pk)
    if run is None:
        raise Http404("There is no disposal with that number.")
    return run


@staff_required(Perm.RETENTION)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "retention/index.html",
        {
            "rules": selectors.rule_list(),
            "holds_in_force": selectors.hold_list().count(),
            "pending": selectors.run_list().filter(
                status__in=[RunStatus.PREVIEW, RunStatus.APPROVED]
            ),
            "events": selectors.event_list(limit=20),
        },
    )


@staff_required(Perm.RETENTION)
@require_http_methods(["GET", "POST"])
def rule(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in RecordKind.values:
        raise Http404("There is no such rule.")
    found = selectors.rule_get(kind=kind)
    if found is None:
        raise Http404("There is no such rule.")
    form = forms.RuleForm(_posted(request), initial={"basis": found.basis, "years": found.years})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(
                rule=found,
                basis=form.cleaned_data["basis"],
                years=form.cleaned_data["years"],
                reason=form.cleaned_data["reason"],
                source=form.cleaned_data["source"],
                actor=_user(request),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{found}: the rule is changed.")
            return redirect("retention:rule", kind=kind)
    return render(
        request,
        "retention/rule.html",
        {"rule": found, "form": form, "versions": found.versions.select_related("changed_by")},
    )


@staff_required(Perm.RETENTION)
def holds(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    show_all = request.GET.get("show") == "all"
    listed = list(
        selectors.visible_holds(user, selectors.hold_list(active_only=not show_all))[:500]
    )
    # The list names cases: each shown is a read of it.
    record_reads(cases=[h.case_id for h in listed if h.case_id], user=user, via="retention")
    return render(request, "retention/holds.html", {"holds": listed, "show_all": show_all})


@staff_required(Perm.RETENTION)
@require_http_methods(["GET", "POST"])
def hold_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    person = _held_person(user, request.GET.get("person") or request.POST.get("person"))
    form = forms.HoldForm(_posted(request) or None, initial={"case": request.GET.get("case")})
    if person is not None and request.method == "POST" and form.is_valid():
        try:
            services.hold_place(
                person=person,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
                actor=user,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                "Legal hold placed on the person: none of their records is disposed of "
                "until it is released.",
            )
            return redirect("subjectaccess:person", pk=person.pk)
    elif request.method == "POST" and form.is_valid():
        case = access.visible_case(user, form.cleaned_data["case"])
        if case is None:
            form.add_error("case", "Enter the reference of a case you can see.")
        else:
            try:
                services.hold_place(
                    case=case,
                    reason=form.cleaned_data["reason"],
                    explanation=form.cleaned_data["explanation"],
                    actor=user,
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Legal hold placed on {case.reference}.")
                return redirect("retention:holds")
    return render(request, "retention/hold_form.html", {"form": form, "person": person})


def _held_person(user: Any, value: str | None) -> Any:
    """The person a hold is for, when the form came from their page; 404 for one the user
    may not see (or a malformed number)."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise Http404("There is no person with that number.")
    person = access.visible_people(user).filter(pk=int(value)).first()
    if person is None:
        raise Http404("There is no person with that number.")
    return person


@staff_required(Perm.RETENTION)
@require_http_methods(["GET", "POST"])
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    hold = (
        selectors.visible_holds(
            user, LegalHold.objects.select_related("case", "person", "placed_by")
        )
        .filter(pk=pk)
        .first()
    )
    if hold is None:
        raise Http404("There is no legal hold with that number.")
    form = forms.ReleaseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_release(hold=hold, reason=form.cleaned_data["release_reason"], actor=user)
        except AccessDenied as error:
            raise Http404(error.message) from error
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            held = hold.case.reference if hold.case else "the person"
            messages.success(request, f"Legal hold on {held} released.")
            return redirect("retention:holds")
    if hold.case_id:
        record_reads(cases=[hold.case_id], user=user, via="retention")
    return render(request, "retention/release_form.html", {"form": form, "hold": hold})


@staff_required(Perm.RETENTION)
def disposals(request: HttpRequest) -> HttpResponse:
    return render(request, "retention/disposals.html", {"runs": selectors.run_list()[:200]})


@staff_required(Perm.RETENTION)
@require_http_methods(["GET", "POST"])
def preview_new(request: HttpRequest) -> HttpResponse:
    form = forms.PreviewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            run = services.disposal_preview_create(
                day=form.cleaned_data["due_on"] or timezone.localdate(), actor=_user(request)
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect("retention:disposal", pk=run.pk)
    return render(request, "retention/preview_form.html", {"form": form})


@staff_required(Perm.RETENTION)
def disposal(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    # While it awaits approval, what the holds in force keep out of it, and who placed them.
    held = selectors.held_from_run(run) if run.status == RunStatus.PREVIEW else []
    # The page names who is held and why: a read of each record it says is kept.
    shown = sorted({pk for h in held for pk in h.case_ids})
    record_reads(cases=shown, user=_user(request), via="disposal-preview")
    return render(
        request,
        "retention/disposal.html",
        {"run": run, "held": held, "held_total": selectors.held_total(held)},
    )


@staff_required(Perm.RETENTION)
@require_POST
def disposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    try:
        services.disposal_approve(run=run, actor=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Disposal {run.pk} approved. It is carried out at the next scheduled run "
            "(within the hour).",
        )
    return redirect(reverse("retention:disposal", kwargs={"pk": run.pk}))


@staff_required(Perm.RETENTION)
@require_POST
def disposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    try:
        services.disposal_reject(run=run, actor=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Disposal {run.pk} rejected: nothing was disposed of.")
    return redirect(reverse("retention:disposal", kwargs={"pk": run.pk}))
