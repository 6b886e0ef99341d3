"""Where the day starts: the start page, saved views, bulk actions and the caseload download.
Reads and writes go through `day` (and the case services it calls)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from harken import access
from harken.accounts.current import request_user as _user
from harken.accounts.models import Team, User
from harken.core.dates import today
from harken.core.errors import ApplicationError
from harken.core.forms import GovukForm, add_service_error
from harken.core.web import StaffRequiredMixin, whole_number

from . import day, forms, selectors


def _allow(request: HttpRequest, what: str) -> User:
    user = _user(request)
    if not day.may(user, what):
        raise PermissionDenied
    return user


def caseload_url(query: str) -> str:
    base = reverse("casework:caseload")
    return f"{base}?{query}" if query else f"{base}?reset=1"


# --- The start page -----------------------------------------------------------------------


class StartView(StaffRequiredMixin, View):
    """Where signing in lands: the user's own cases by deadline, and for a manager their
    teams' open complaints and the actions they own. Every figure links to the caseload that
    lists it. Those without a start page (appointees, report viewers) go to their own."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        # Issue 14 (homes): an independent visitor has no cases, only their own visits.
        if access.may(user, access.Perm.HOMES_OWN_VISITS):
            return redirect("homes:mine")
        if not day.may(user, "start"):
            return redirect("casework:caseload")
        page = day.start_page(user=user)
        return render(
            request,
            "casework/start.html",
            {
                "start": page,
                "caseload": reverse("casework:caseload"),
                "views": list(day.saved_views(user)),
                "today": today(),
            },
        )


# --- Saved views --------------------------------------------------------------------------


class SavedViewForm(GovukForm):
    name = django_forms.CharField(
        label="Name of the view",
        max_length=200,
        required=False,
        help_text="For example, “My stage 2 complaints”",
    )


def _filters_described(request: HttpRequest, query: str) -> list[dict[str, str]]:
    from .views import _selected_filters

    params = QueryDict(query)
    form = forms.CaseloadFilterForm(params, user=_user(request))
    form.is_valid()
    return _selected_filters(form, params)


def _canonical(request: HttpRequest, params: Any) -> str:
    form = forms.CaseloadFilterForm(params, user=_user(request))
    return day.canonical_query(form, params)


class SavedViewNewView(StaffRequiredMixin, View):
    """Name the caseload's present filters and sort. The filters come in the address as the
    caseload already takes them, and are checked again by the filter form."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _allow(request, "download")
        query = _canonical(request, request.GET)
        return self._page(request, SavedViewForm(), query)

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _allow(request, "download")
        query = _canonical(request, QueryDict(request.POST.get("query", "")[:2000]))
        form = SavedViewForm(request.POST)
        if form.is_valid():
            try:
                view = day.saved_view_create(user=user, name=form.cleaned_data["name"], query=query)
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"View “{view.name}” saved.")
                return redirect(caseload_url(view.query))
        return self._page(request, form, query, status=400)

    def _page(
        self, request: HttpRequest, form: SavedViewForm, query: str, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "casework/saved_view_new.html",
            {
                "form": form,
                "query": query,
                "described": _filters_described(request, query),
                "back": caseload_url(query),
            },
            status=status,
        )


class SavedViewListView(StaffRequiredMixin, View):
    """The user's own saved views, each opening the caseload in one click, and deleting."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _allow(request, "download")
        views = [
            {
                "view": v,
                "url": caseload_url(v.query),
                "filters": _filters_described(request, v.query),
            }
            for v in day.saved_views(user)
        ]
        return render(request, "casework/saved_views.html", {"views": views})


class SavedViewDeleteView(StaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _allow(request, "download")
        if not day.saved_view_delete(user=user, pk=pk):
            raise Http404
        messages.success(request, "View deleted.")
        return redirect("casework:saved_views")


# --- Bulk actions -------------------------------------------------------------------------


class BulkView(StaffRequiredMixin, View):
    """Re-assign several cases, or add them to a team: each through the same service as one
    at a time, each with its own timeline entry; then what was done and what was refused."""

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = _allow(request, "bulk")
        back = caseload_url(_canonical(request, _query_dict(request.POST.get("query", ""))))
        references = request.POST.getlist("cases")[: day.MAX_BULK]
        action = request.POST.get("action", "")
        errors: list[dict[str, str]] = []
        outcome = None
        done = ""
        if not references:
            errors.append({"text": "Select at least one case", "href": back + "#cases"})
        elif action == "assign":
            choice = request.POST.get("assign_to", "")
            person: User | None = None
            if choice == "":
                errors.append({"text": "Choose who to assign the cases to", "href": back})
            elif choice != "none":
                pk = whole_number(choice)
                person = (
                    selectors.staff_users(access.Perm.BE_ASSIGNED).filter(pk=pk).first()
                    if pk
                    else None
                )
                if person is None:
                    errors.append({"text": "Choose someone from the list", "href": back})
            if not errors:
                outcome = day.cases_assign(actor=actor, references=references, user=person)
                done = f"Assigned to {person}" if person else "Unassigned"
        elif action == "team":
            pk = whole_number(request.POST.get("team", ""))
            team = Team.objects.filter(pk=pk).first() if pk else None
            if team is None:
                errors.append({"text": "Choose a team to add the cases to", "href": back})
            else:
                outcome = day.cases_add_team(actor=actor, references=references, team=team)
                done = f"Added to {team}"
        else:
            errors.append({"text": "Choose what to do with the selected cases", "href": back})
        return render(
            request,
            "casework/bulk_result.html",
            {
                "errors": errors,
                "outcome": outcome,
                "done_text": done,
                "back": back,
            },
            status=400 if errors else 200,
        )


def _query_dict(text: str) -> Any:
    return QueryDict(text[:2000])


def bulk_choices(user: User, form: forms.CaseloadFilterForm) -> dict[str, Any]:
    """What the caseload's bulk controls offer (only to those who may use them): the people
    and teams the filter form has already read, so the page asks the database nothing more."""
    if not day.may(user, "bulk"):
        return {}
    assignable = {str(pk): name for pk, name in form.fields["assigned"].choices}  # type: ignore[attr-defined]
    people = [(str(user.pk), str(user))] + [
        (pk, name) for pk, name in assignable.items() if pk not in ("", "me", "none")
    ]
    return {
        "people": sorted(people, key=lambda p: p[1].lower()),
        "teams": [(pk, name) for pk, name in form.fields["team"].choices if pk != ""],  # type: ignore[attr-defined]
    }


# --- The caseload as a file ---------------------------------------------------------------


class DownloadView(StaffRequiredMixin, View):
    """The caseload as filtered, as CSV or Excel. Every case in the file is recorded as read
    by the user; no name is in the address or the file's name."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
        if fmt not in ("csv", "xlsx"):
            raise Http404
        user = _allow(request, "download")
        form = forms.CaseloadFilterForm(request.GET, user=user)
        rows, more = day.download_rows(user=user, filters=form.filters())
        stamp = today().isoformat()
        if fmt == "csv":
            response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
                day.as_csv(rows), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                day.as_xlsx(rows, more=more),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="caseload-{stamp}.{fmt}"'
        response["Cache-Control"] = "no-store"
        if more:
            response["X-Harken-Rows-Left-Out"] = "yes"
        marked = day.restricted_count(rows)
        if marked:
            # The file marks them; the header says how many (ADR 0150).
            response["X-Harken-Processing-Restricted"] = str(marked)
        return response
