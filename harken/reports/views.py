"""Staff pages: choose a period, read the report (internal or published), download it in
every format, save it with the team's own text and examples, publish it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View

from harken import access
from harken.access.web import StaffRequiredMixin
from harken.accounts.current import request_user as _user
from harken.core.errors import ApplicationError
from harken.core.forms import add_service_error

from . import dp_counts, selectors, services
from .definitions import DEFINITIONS, GENERAL_RULES, SECTION_TITLES, SECTIONS
from .forms import EditionForm, ExampleForm, NewEditionForm, PeriodForm
from .models import ReportBuild, ReportEdition, ReportExample
from .periods import Period, PeriodError
from .present import present
from .renderers import FORMATS, file_name
from .renderers import render as render_report
from .structures import Report


class ReportsMixin(StaffRequiredMixin):
    permission = access.Perm.REPORTS_VIEW


class EditorMixin(StaffRequiredMixin):
    permission = access.Perm.REPORTS_EDIT


def _edition_param(request: HttpRequest) -> str:
    edition = request.GET.get("edition", "internal")
    return edition if edition in selectors.EDITIONS else "internal"


def _period_from_query(request: HttpRequest) -> Period:
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError as exc:
        raise PeriodError("Choose a period, or enter the first and last days.") from exc
    return Period(start, end)


def period_query(period: Period, **extra: str) -> str:
    return urlencode({"from": period.start.isoformat(), "to": period.end.isoformat(), **extra})


# Built by the task worker (seconds at a million cases); the others are quick enough to
# download at once. Their direct addresses still answer, for bookmarks and scripts.
BUILT_FORMATS = ("pdf", "docx")


def _downloads(base: str, query: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": fmt.label, "url": f"{base}{key}/?{urlencode(query)}"}
        for key, fmt in FORMATS.items()
        if key not in BUILT_FORMATS
    ]


def _build_formats() -> list[dict[str, str]]:
    return [{"key": key, "label": FORMATS[key].label} for key in BUILT_FORMATS]


def _download(report: Report, key: str) -> HttpResponse:
    if key not in FORMATS:
        raise Http404("No such format")
    body, fmt = render_report(report, key)
    response = HttpResponse(body, content_type=fmt.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(report, fmt)}"'
    return response


class IndexView(ReportsMixin, View):
    """Choose a period; saved reports."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = PeriodForm(request.GET or None)
        if form.is_bound and form.is_valid():
            period: Period = form.cleaned_data["report_period"]
            return HttpResponseRedirect(f"{reverse('reports:report')}?{period_query(period)}")
        return render(
            request,
            "reports/index.html",
            {
                "form": form,
                "editions": selectors.edition_list(user=_user(request)),
                "can_edit": services.can_edit(_user(request)),
            },
        )


class ReportView(ReportsMixin, View):
    """The report for any period, computed from the records now."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            period = _period_from_query(request)
        except PeriodError as exc:
            return _bad_period(request, str(exc))
        edition = _edition_param(request)
        report = selectors.report_for_period(user=_user(request), period=period, edition=edition)
        base = reverse("reports:download", kwargs={"fmt": "x"})[:-2]
        context = present(report)
        context.update(
            {
                "edition": edition,
                "internal_url": f"?{period_query(period)}",
                "published_url": f"?{period_query(period, edition='published')}",
                "downloads": _downloads(
                    base,
                    {
                        "from": period.start.isoformat(),
                        "to": period.end.isoformat(),
                        "edition": edition,
                    },
                ),
                "can_edit": services.can_edit(_user(request)),
                "build_formats": _build_formats(),
                "new_edition_form": NewEditionForm(
                    initial={"start": period.start, "end": period.end, "title": report.title}
                ),
            }
        )
        return render(request, "reports/report.html", context)


def _bad_period(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {
            "form": PeriodForm(),
            "period_error": message,
            "editions": selectors.edition_list(user=_user(request)),
            "can_edit": services.can_edit(_user(request)),
        },
        status=400,
    )


class DownloadView(ReportsMixin, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        try:
            period = _period_from_query(request)
        except PeriodError as exc:
            return _bad_period(request, str(exc))
        report = selectors.report_for_period(
            user=_user(request),
            period=period,
            edition=_edition_param(request),
        )
        return _download(report, fmt)


class DefinitionsView(ReportsMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        sections = [
            {"title": title, "definitions": [d for d in DEFINITIONS if d.section == key]}
            for key, title in SECTIONS
        ]
        return render(
            request,
            "reports/definitions.html",
            {"rules": GENERAL_RULES, "sections": [s for s in sections if s["definitions"]]},
        )


# --- Saved reports ---------------------------------------------------------------------------


def _saved(pk: int) -> ReportEdition:
    return get_object_or_404(ReportEdition, pk=pk)


class EditionCreateView(EditorMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = NewEditionForm(request.POST)
        if not form.is_valid():
            return _bad_period(request, "Choose the period again, then save the report.")
        try:
            saved = services.edition_create(
                actor=_user(request),
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                title=form.cleaned_data.get("title") or "",
            )
        except ApplicationError as exc:
            return _bad_period(request, exc.message)
        messages.success(request, "Report saved. Add the team's text and examples.")
        return HttpResponseRedirect(reverse("reports:edition", kwargs={"pk": saved.pk}))


class EditionView(ReportsMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        saved = _saved(pk)
        edition = _edition_param(request)
        report = selectors.report_for_edition(user=_user(request), saved=saved, edition=edition)
        base = reverse("reports:edition_download", kwargs={"pk": pk, "fmt": "x"})[:-2]
        context = present(report)
        context.update(
            {
                "saved": saved,
                "edition": edition,
                "internal_url": "?",
                "published_url": "?edition=published",
                "downloads": _downloads(base, {"edition": edition}),
                "build_formats": _build_formats(),
                "can_edit": services.can_edit(_user(request)),
                "examples": saved.examples.select_related("case"),
            }
        )
        return render(request, "reports/report.html", context)


class EditionDownloadView(ReportsMixin, View):
    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        report = selectors.report_for_edition(
            user=_user(request),
            saved=_saved(pk),
            edition=_edition_param(request),
        )
        return _download(report, fmt)


class EditionEditView(EditorMixin, View):
    template = "reports/edition_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        saved = _saved(pk)
        form = EditionForm(initial={"title": saved.title, **saved.text})
        return render(request, self.template, {"form": form, "saved": saved})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        saved = _saved(pk)
        form = EditionForm(request.POST)
        if form.is_valid():
            try:
                services.edition_update(edition=saved, actor=_user(request), **form.cleaned_data)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Report text saved.")
                return HttpResponseRedirect(reverse("reports:edition", kwargs={"pk": pk}))
        return render(request, self.template, {"form": form, "saved": saved}, status=400)


class ExampleView(EditorMixin, View):
    """Add an example (no `example_pk`) or change one."""

    template = "reports/example_form.html"

    def _example(self, saved: ReportEdition, example_pk: int | None) -> ReportExample | None:
        if example_pk is None:
            return None
        return get_object_or_404(ReportExample, pk=example_pk, edition=saved)

    def get(self, request: HttpRequest, pk: int, example_pk: int | None = None) -> HttpResponse:
        saved = _saved(pk)
        example = self._example(saved, example_pk)
        initial: dict[str, Any] = {"section": request.GET.get("section", "")}
        if example:
            initial = {
                "section": example.section,
                "heading": example.heading,
                "text": example.text,
                # A case the editor may not see (restricted) is not named to them.
                "case_reference": example.case.reference
                if example.case and access.can_view_case(_user(request), example.case)
                else "",
            }
        form = ExampleForm(initial=initial)
        return render(request, self.template, {"form": form, "saved": saved, "example": example})

    def post(self, request: HttpRequest, pk: int, example_pk: int | None = None) -> HttpResponse:
        saved = _saved(pk)
        example = self._example(saved, example_pk)
        form = ExampleForm(request.POST)
        if form.is_valid():
            try:
                if example:
                    services.example_update(
                        example=example, actor=_user(request), **form.cleaned_data
                    )
                else:
                    services.example_add(edition=saved, actor=_user(request), **form.cleaned_data)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Example saved.")
                return HttpResponseRedirect(reverse("reports:edition", kwargs={"pk": pk}))
        return render(
            request, self.template, {"form": form, "saved": saved, "example": example}, status=400
        )


class ExampleDeleteView(EditorMixin, View):
    def get(self, request: HttpRequest, pk: int, example_pk: int) -> HttpResponse:
        saved = _saved(pk)
        example = get_object_or_404(ReportExample, pk=example_pk, edition=saved)
        return render(
            request,
            "reports/example_delete.html",
            {"saved": saved, "example": example, "section": SECTION_TITLES[example.section]},
        )

    def post(self, request: HttpRequest, pk: int, example_pk: int) -> HttpResponse:
        saved = _saved(pk)
        example = get_object_or_404(ReportExample, pk=example_pk, edition=saved)
        try:
            services.example_remove(example=example, actor=_user(request))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Example removed.")
        return HttpResponseRedirect(reverse("reports:edition", kwargs={"pk": pk}))


class PublishView(EditorMixin, View):
    """Publish (freeze the figures) or withdraw publication."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        saved = _saved(pk)
        try:
            if request.POST.get("action") == "withdraw":
                services.edition_unpublish(edition=saved, actor=_user(request))
                messages.success(request, "Publication withdrawn: the figures are live again.")
            else:
                services.edition_publish(edition=saved, actor=_user(request))
                messages.success(request, "Report published: its figures are now fixed.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("reports:edition", kwargs={"pk": pk}))


# --- Data-protection complaints: the counts for the ICO's return -----------------------------

DP_FORMATS = {
    "csv": ("text/csv; charset=utf-8", dp_counts.as_csv),
    "json": ("application/json", dp_counts.as_json),
}


def _dp_page(request: HttpRequest, form: PeriodForm, **context: Any) -> HttpResponse:
    return render(
        request,
        "reports/data_protection.html",
        {"form": form, **context},
        status=400 if context.get("period_error") else 200,
    )


class DataProtectionView(ReportsMixin, View):
    """Choose a period; the counts by quarter with their definitions, and the downloads."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if "from" in request.GET or "to" in request.GET:
            try:
                period = _period_from_query(request)
            except PeriodError as exc:
                return _dp_page(request, PeriodForm(), period_error=str(exc))
            counts = dp_counts.data_protection_counts(period=period)
            query = period_query(period)
            base = reverse("reports:data_protection_download", kwargs={"fmt": "x"})[:-2]
            return _dp_page(
                request,
                PeriodForm(initial={"period": "custom", "start": period.start, "end": period.end}),
                counts=counts,
                made_on=dt.date.fromisoformat(counts["made_on"]),
                title=dp_counts.title(counts),
                downloads=[
                    {"label": "CSV", "url": f"{base}csv/?{query}"},
                    {"label": "JSON", "url": f"{base}json/?{query}"},
                ],
            )
        form = PeriodForm(request.GET or None)
        if form.is_bound and form.is_valid():
            period = form.cleaned_data["report_period"]
            return HttpResponseRedirect(
                f"{reverse('reports:data_protection')}?{period_query(period)}"
            )
        return _dp_page(request, form)


class DataProtectionDownloadView(ReportsMixin, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in DP_FORMATS:
            raise Http404("No such format")
        try:
            period = _period_from_query(request)
        except PeriodError as exc:
            return _dp_page(request, PeriodForm(), period_error=str(exc))
        counts = dp_counts.data_protection_counts(period=period)
        content_type, render_counts = DP_FORMATS[fmt]
        response = HttpResponse(render_counts(counts), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{dp_counts.file_name(counts, fmt)}"'
        )
        return response


# --- Report files built by the task worker ----------------------------------------------------


def _own_build(request: HttpRequest, pk: int) -> ReportBuild:
    try:
        return selectors.build_for(user=_user(request), pk=pk)
    except ReportBuild.DoesNotExist as exc:
        raise Http404("No such report build") from exc


class BuildCreateView(ReportsMixin, View):
    """ "Build the report": queue the file and go to its progress page."""

    def post(self, request: HttpRequest) -> HttpResponse:
        saved = None
        if request.POST.get("saved"):
            try:
                saved = ReportEdition.objects.get(pk=int(request.POST["saved"]))
            except (ValueError, ReportEdition.DoesNotExist) as exc:
                raise Http404("No such saved report") from exc
        try:
            start = dt.date.fromisoformat(request.POST.get("from", "")) if not saved else None
            end = dt.date.fromisoformat(request.POST.get("to", "")) if not saved else None
        except ValueError:
            return _bad_period(request, "Choose a period, or enter the first and last days.")
        try:
            build = services.build_request(
                actor=_user(request),
                start=start,
                end=end,
                fmt=request.POST.get("fmt", ""),
                edition=request.POST.get("edition", "internal"),
                saved=saved,
            )
        except ApplicationError as exc:
            return _bad_period(request, exc.message)
        return HttpResponseRedirect(reverse("reports:build", kwargs={"pk": build.pk}))


class BuildView(ReportsMixin, View):
    """A build's progress (the page says to check again until it is done), then its download
    or, if it failed, why and a retry."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        build = _own_build(request, pk)
        return render(
            request,
            "reports/build.html",
            {
                "build": build,
                "format": FORMATS[build.fmt],
                "status": build_status(build),
                "keep_days": services.build_keep_days(),
                "report_url": (
                    reverse("reports:edition", kwargs={"pk": build.saved_id})
                    + f"?edition={build.edition}"
                    if build.saved_id
                    else f"{reverse('reports:report')}?"
                    + period_query(
                        Period(build.period_start, build.period_end), edition=build.edition
                    )
                ),
            },
        )


def build_status(build: ReportBuild) -> dict[str, Any]:
    """What the page and the API say about a build (one place for both)."""
    steps = [services.STEP_FIGURES, services.STEP_FILE]
    step = steps.index(build.step) + 1 if build.step in steps else 0
    return {
        "id": build.pk,
        "status": build.status,
        "status_label": build.get_status_display(),
        "step": build.step,
        "step_number": step,
        "steps": len(steps),
        "format": build.fmt,
        "edition": build.edition,
        "from": build.period_start.isoformat(),
        "to": build.period_end.isoformat(),
        "saved": build.saved_id,
        "error": build.error,
        "file_name": build.file_name,
        "size": build.size,
        "requested_at": build.created_at.isoformat(),
        "finished_at": build.finished_at.isoformat() if build.finished_at else None,
        "removed_at": build.removed_at.isoformat() if build.removed_at else None,
    }


class BuildRetryView(ReportsMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        build = _own_build(request, pk)
        try:
            services.build_retry(build=build, actor=_user(request))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("reports:build", kwargs={"pk": pk}))


def build_download(build: ReportBuild, chunks: Iterable[bytes]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=FORMATS[build.fmt].content_type)
    if build.size:
        response["Content-Length"] = str(build.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=build.file_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class BuildDownloadView(ReportsMixin, View):
    def get(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        build = _own_build(request, pk)
        try:
            chunks = services.build_file(build=build, actor=_user(request))
        except (ApplicationError, FileNotFoundError) as exc:
            raise Http404("The report's file is not there.") from exc
        return build_download(build, chunks)
