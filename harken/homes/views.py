"""The staff pages of the homes, their visits and drop-ins. Each view names its permission,
reads through the selectors and changes through the services; a record that is not there is
answered as not found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from harken import access
from harken.access import Perm
from harken.access.web import staff_required
from harken.accounts.current import request_user as _user
from harken.core.dates import today
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error

from . import forms, selectors, services
from .audit import record_home_viewed, record_viewed
from .models import DropIn, Home, HomeEvent, Ownership, Visit

PAGE_SIZE = 50
# Reads are in the trail (who opened what), not in a home's history of changes.
READ_VERBS = (
    HomeEvent.Verb.HOME_VIEWED,
    HomeEvent.Verb.VISIT_VIEWED,
    HomeEvent.Verb.DROP_IN_VIEWED,
)

# The permissions that let a person read the homes, each with what it reaches
# (`selectors.reach_of`): the team everything, a manager their teams' homes when the council
# says so, an independent visitor their own visits.
READERS = (Perm.HOMES_VIEW, Perm.HOMES_OF_TEAMS, Perm.HOMES_OWN_VISITS)
# The register, the drop-ins and the compliance table: the council's, not a visitor's (a
# visitor reaches their homes from "Your visits").
COUNCIL_READERS = (Perm.HOMES_VIEW, Perm.HOMES_OF_TEAMS)


def _allowed(user: Any, perm: Perm) -> bool:
    if perm == Perm.HOMES_OF_TEAMS and not selectors.managers_see_team_homes():
        return False
    return access.may(user, perm)


def homes_required(
    *perms: Perm,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A homes page open to any of `perms` (HOMES_OF_TEAMS only when the council sets
    HARKEN_MANAGERS_SEE_TEAM_HOMES); the selectors then keep each to what they reach."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        signed_in = staff_required()(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not any(
                _allowed(request.user, perm) for perm in perms
            ):
                raise PermissionDenied
            return signed_in(request, *args, **kwargs)

        return wrapped

    return decorator


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _found(read: Any, request: HttpRequest, pk: int) -> Any:
    try:
        return read(user=_user(request), pk=pk)
    except AccessDenied as exc:
        raise Http404(exc.message) from exc


def _page(request: HttpRequest, items: Any) -> tuple[Any, str]:
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return page, query


# --- The register of homes ------------------------------------------------------------------


def _selected(form: forms.HomeFilterForm, request: HttpRequest) -> list[dict[str, str]]:
    if not form.is_valid():
        return []
    labels = {
        "ownership": dict(Ownership.choices),
        "status": {"open": "Open", "closed": "Closed"},
    }
    chosen = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if not value:
            continue
        rest = {k: v for k, v in request.GET.items() if k not in (name, "page") and v}
        chosen.append(
            {
                "heading": str(field.label),
                "label": labels.get(name, {}).get(value, value),
                "url": "?" + urlencode(rest) if rest else reverse("homes:index"),
            }
        )
    return chosen


@homes_required(*COUNCIL_READERS)
def home_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.HomeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    homes = selectors.home_list(
        user=user,
        filters=selectors.HomeFilters(
            ownership=data.get("ownership") or "",
            status=data.get("status") or "",
            name=data.get("name") or "",
        ),
    )
    page, query = _page(request, homes)
    return render(
        request,
        "homes/home_list.html",
        {
            "form": form if form.is_bound else forms.HomeFilterForm(),
            "page": page,
            "query": query,
            "selected": _selected(form, request),
            "can_change": access.may(user, Perm.HOMES_EDIT),
            "sees_drop_ins": selectors.sees_drop_ins(user),
        },
    )


@staff_required(Perm.HOMES_EDIT)
@require_http_methods(["GET", "POST"])
def home_add(request: HttpRequest) -> HttpResponse:
    form = forms.HomeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            home = services.home_create(actor=_user(request), **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{home} added to the register")
            return redirect("homes:home", pk=home.pk)
    return render(request, "homes/home_form.html", {"form": form, "home": None})


@staff_required(Perm.HOMES_EDIT)
@require_http_methods(["GET", "POST"])
def home_edit(request: HttpRequest, pk: int) -> HttpResponse:
    home = _found(selectors.home_get, request, pk)
    form = forms.HomeForm(_posted(request), initial=forms.HomeForm.initial_for(home))
    if request.method == "POST" and form.is_valid():
        try:
            services.home_update(home=home, actor=_user(request), **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{home}'s details saved")
            return redirect("homes:home", pk=home.pk)
    return render(request, "homes/home_form.html", {"form": form, "home": home})


def _last_year() -> tuple[dt.date, dt.date]:
    on = today()
    return selectors.add_months(selectors.month_start(on), -11), on


@homes_required(*READERS)
def home_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    home = _found(selectors.home_get, request, pk)
    record_home_viewed(actor=user, home=home)
    team = access.may(user, Perm.HOMES_VIEW)
    first, last = _last_year()
    # A visitor sees the months of their own home only through their visits: the home's
    # compliance (other visitors' visits) is the council's.
    row = None
    if selectors.sees_drop_ins(user):
        [row] = selectors.compliance(first=first, last=last, homes=[home])
    return render(
        request,
        "homes/home.html",
        {
            "home": home,
            "compliance": row,
            "visits": selectors.home_visits(home=home, user=user),
            # The trail names other visitors and officers: the feedback team's.
            "events": list(home.events.exclude(verb__in=READ_VERBS).select_related("actor")[:20])
            if team
            else None,
            "teams": list(home.teams.all()) if team else [],
            "can_change": access.may(user, Perm.HOMES_EDIT),
        },
    )


@homes_required(*COUNCIL_READERS)
def compliance(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    first, last = _last_year()
    try:
        rows = selectors.homes_compliance(user=user, first=first, last=last)
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    return render(
        request,
        "homes/compliance.html",
        {
            "rows": rows,
            "months": selectors.months(first, last),
            # The start page's flags cover every home: the feedback team's.
            "flags": selectors.flags() if access.may(user, Perm.HOMES_VIEW) else None,
        },
    )


# --- Visits ---------------------------------------------------------------------------------


@staff_required(Perm.HOMES_EDIT)
@require_http_methods(["GET", "POST"])
def visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    home: Home = _found(selectors.home_get, request, pk)
    form = forms.VisitForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(actor=_user(request), home=home, **form.service_values())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Visit of {visit.visited_on:%-d %B %Y} recorded")
            return redirect("homes:visit", pk=visit.pk)
    return render(request, "homes/visit_form.html", {"form": form, "home": home, "visit": None})


@staff_required(Perm.HOMES_EDIT)
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit: Visit = _found(selectors.visit_get, request, pk)
    form = forms.VisitForm(
        _posted(request), request.FILES or None, initial=forms.VisitForm.initial_for(visit)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_update(visit=visit, actor=_user(request), **form.service_values())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Visit saved")
            return redirect("homes:visit", pk=visit.pk)
    return render(
        request, "homes/visit_form.html", {"form": form, "home": visit.home, "visit": visit}
    )


@homes_required(*READERS)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    visit: Visit = _found(selectors.visit_get, request, pk)
    # What became of the issues (cases, referrals) and the plan's owners are the council's:
    # a visitor's page shows their visit and its report only.
    council = selectors.sees_drop_ins(user)
    record_viewed(actor=user, visit=visit, with_cases=council)
    return render(
        request,
        "homes/visit.html",
        {
            "visit": visit,
            "council": council,
            "ofsted_due": selectors.ofsted_due(visit.visited_on),
            "report_late": selectors.report_late(visit, today()),
            "issues": list(visit.issues.all()) if council else [],
            "recommendations": list(visit.recommendations.all()) if council else [],
            "can_change": access.may(user, Perm.HOMES_EDIT),
            "can_upload": services.may_upload_report(user, visit),
            "can_add_recommendation": access.may(user, Perm.HOMES_EDIT)
            and access.may(user, Perm.PLAN_EDIT),
        },
    )


@homes_required(*READERS)  # type: ignore[arg-type]
def visit_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    from harken.documents.downloads import download

    visit: Visit = _found(selectors.visit_get, request, pk)
    if not visit.report_storage_name:
        raise Http404("The visit has no report.")
    return download(
        request,
        visit.report_storage_name,
        content_type=visit.report_content_type,
        size=visit.report_size or 0,
        filename=visit.report_filename,
        what=f"visit {visit.pk} report",
    )


@homes_required(Perm.HOMES_EDIT, Perm.HOMES_OWN_VISITS)
@require_http_methods(["GET", "POST"])
def visit_report_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload or replace a visit's report: the feedback team, or the visit's own visitor."""
    user = _user(request)
    visit: Visit = _found(selectors.visit_get, request, pk)
    if not services.may_upload_report(user, visit):
        raise PermissionDenied
    form = forms.ReportForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_report_upload(
                visit=visit, actor=user, report=form.cleaned_data["report"]
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Report uploaded")
            return redirect("homes:visit", pk=visit.pk)
    return render(request, "homes/report_form.html", {"form": form, "visit": visit})


@homes_required(Perm.HOMES_OWN_VISITS)
def my_visits(request: HttpRequest) -> HttpResponse:
    """An independent visitor's own page: their visits, latest first, and their homes."""
    visits = selectors.my_visits(user=_user(request))
    return render(request, "homes/mine.html", {"visits": visits})


@staff_required(Perm.HOMES_EDIT)
@require_http_methods(["GET", "POST"])
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit: Visit = _found(selectors.visit_get, request, pk)
    form = forms.RecommendationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.visit_recommendation_add(
                visit=visit, actor=_user(request), **form.cleaned_data
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Recommendation {made.reference} added to the action plan")
            return redirect("homes:visit", pk=visit.pk)
    return render(request, "homes/recommendation_form.html", {"form": form, "visit": visit})


# --- Issues raised --------------------------------------------------------------------------


def _issue_page(
    request: HttpRequest, *, visit: Visit | None, drop_in: DropIn | None, back: str
) -> HttpResponse:
    form = forms.IssueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_record(
                actor=_user(request), visit=visit, drop_in=drop_in, **form.service_values()
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            done = f"Issue recorded: {issue.get_triage_display().lower()}"
            if issue.case is not None:
                done += f" ({issue.case.reference})"
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "homes/issue_form.html",
        {"form": form, "visit": visit, "drop_in": drop_in, "back": back},
    )


@staff_required(Perm.HOMES_EDIT)
@require_http_methods(["GET", "POST"])
def visit_issue_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit: Visit = _found(selectors.visit_get, request, pk)
    return _issue_page(
        request, visit=visit, drop_in=None, back=reverse("homes:visit", kwargs={"pk": pk})
    )


@staff_required(Perm.HOMES_EDIT)
@require_http_methods(["GET", "POST"])
def drop_in_issue_add(request: HttpRequest, pk: int) -> HttpResponse:
    drop_in: DropIn = _found(selectors.drop_in_get, request, pk)
    return _issue_page(
        request, visit=None, drop_in=drop_in, back=reverse("homes:drop_in", kwargs={"pk": pk})
    )


# --- Drop-ins -------------------------------------------------------------------------------


@homes_required(*COUNCIL_READERS)
def drop_in_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page, query = _page(request, selectors.drop_in_list(user=user))
    return render(
        request,
        "homes/drop_in_list.html",
        {"page": page, "query": query, "can_change": access.may(user, Perm.HOMES_EDIT)},
    )


@staff_required(Perm.HOMES_EDIT)
@require_http_methods(["GET", "POST"])
def drop_in_add(request: HttpRequest) -> HttpResponse:
    form = forms.DropInForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            drop_in = services.drop_in_record(actor=_user(request), **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Drop-in recorded: now add the issues raised")
            return redirect("homes:drop_in", pk=drop_in.pk)
    return render(request, "homes/drop_in_form.html", {"form": form})


@homes_required(*COUNCIL_READERS)
def drop_in_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    drop_in: DropIn = _found(selectors.drop_in_get, request, pk)
    record_viewed(actor=user, drop_in=drop_in)
    return render(
        request,
        "homes/drop_in.html",
        {
            "drop_in": drop_in,
            "issues": list(drop_in.issues.all()),
            "can_change": access.may(user, Perm.HOMES_EDIT),
        },
    )
