"""The report as JSON (schema "harken.report/1", see docs/reports.md) for integrations.

Everyone who sees reports may use these: feedback officers, administrators, managers and
report viewers. Other roles get 403; bad dates get 400 with the field's message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.core.errors import ApplicationError

from . import dp_counts, selectors, services
from .definitions import DEFINITIONS, GENERAL_RULES, SECTIONS
from .models import ReportBuild, ReportEdition
from .periods import Period, PeriodError, preset
from .renderers import FORMATS
from .renderers.as_json import report_dict
from .structures import SCHEMA

EDITION = OpenApiParameter(
    "edition",
    str,
    enum=["internal", "published"],
    description="internal (every figure) or published (small numbers suppressed). Default "
    "internal.",
)
ERRORS = {
    400: OpenApiResponse(description="Bad period or edition"),
    403: OpenApiResponse(description="Your role does not see reports"),
}


class SeesReports(BasePermission):
    message = "Your role does not give access to reports."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return access.can_see_reports(request.user)  # type: ignore[arg-type]


def _edition(request: Request) -> str:
    edition = request.query_params.get("edition", "internal")
    if edition not in selectors.EDITIONS:
        raise ApplicationError.for_field("edition", "Choose internal or published.")
    return edition


def _period(request: Request) -> Period:
    params = request.query_params
    try:
        if params.get("preset"):
            return preset(params["preset"]).period
        try:
            start = dt.date.fromisoformat(params.get("from", ""))
        except ValueError as exc:
            raise ApplicationError.for_field(
                "from", "Give the first day as YYYY-MM-DD, or a preset."
            ) from exc
        try:
            end = dt.date.fromisoformat(params.get("to", ""))
        except ValueError as exc:
            raise ApplicationError.for_field("to", "Give the last day as YYYY-MM-DD.") from exc
        return Period(start, end)
    except PeriodError as exc:
        raise ApplicationError(str(exc)) from exc


class ReportView(APIView):
    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="The complaints report for a period",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD)"),
            OpenApiParameter(
                "preset",
                str,
                description="Instead of from/to: fy-2023, h1-2023, h2-2023, q1-2023…q4-2023, "
                "cy-2023",
            ),
            EDITION,
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description=SCHEMA), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        report = selectors.report_for_period(
            user=request.user,  # type: ignore[arg-type]
            period=_period(request),
            edition=_edition(request),
        )
        return Response(report_dict(report))


class DefinitionsView(APIView):
    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="How each figure is counted",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 403: ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "schema": SCHEMA,
                "rules": [{"title": t, "text": text} for t, text in GENERAL_RULES],
                "sections": [{"id": k, "title": title} for k, title in SECTIONS],
                "tables": [
                    {"id": d.id, "section": d.section, "title": d.title, "definition": d.text}
                    for d in DEFINITIONS
                ],
            }
        )


def _saved_summary(saved: ReportEdition) -> dict[str, Any]:
    return {
        "id": saved.pk,
        "title": saved.title,
        "from": saved.period_start.isoformat(),
        "to": saved.period_end.isoformat(),
        "published_at": saved.published_at.isoformat() if saved.published_at else None,
    }


class SavedListView(APIView):
    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="Saved reports",
        operation_id="reports_saved_list",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 403: ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        editions = selectors.edition_list(user=request.user)  # type: ignore[arg-type]
        return Response({"results": [_saved_summary(e) for e in editions]})


class SavedView(APIView):
    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="A saved report with the team's text and examples",
        operation_id="reports_saved_retrieve",
        parameters=[EDITION],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description=SCHEMA), **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        saved = get_object_or_404(ReportEdition, pk=pk)
        try:
            report = selectors.report_for_edition(
                user=request.user,  # type: ignore[arg-type]
                saved=saved,
                edition=_edition(request),
            )
        except selectors.ReportAccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        return Response(report_dict(report))


class DataProtectionCountsView(APIView):
    """Schema "harken.data-protection-counts/1": a separate document, so the report's own
    JSON ("harken.report/1") is unchanged."""

    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="Data-protection complaints (DPA 2018 s164A) counted for the ICO, by quarter",
        operation_id="reports_data_protection_counts",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD)"),
            OpenApiParameter(
                "preset", str, description="Instead of from/to: fy-2026, q1-2026, cy-2026…"
            ),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description=dp_counts.SCHEMA),
            400: ERRORS[400],
            403: ERRORS[403],
        },
    )
    def get(self, request: Request) -> Response:
        return Response(dp_counts.data_protection_counts(period=_period(request)))


# --- Report files built by the task worker ----------------------------------------------------

BUILD_STATUS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The build: id, status (queued, running, built, failed, removed: its file deleted "
    "after HARKEN_REPORT_BUILD_KEEP_DAYS), step and step_number "
    "of steps while running, format, edition, from, to, saved, error (when failed), file_name "
    "and size (when built), requested_at, finished_at, removed_at (when its file was deleted), "
    "and the addresses status_url, "
    "download_url (when built) and retry_url (when failed).",
)


def _build_body(request: Request, build: ReportBuild) -> dict[str, Any]:
    from .views import build_status

    body = build_status(build)
    body["status_url"] = request.build_absolute_uri(
        reverse("api-report-build", kwargs={"pk": build.pk})
    )
    body["download_url"] = (
        request.build_absolute_uri(reverse("api-report-build-download", kwargs={"pk": build.pk}))
        if build.status == "built"
        else None
    )
    body["retry_url"] = (
        request.build_absolute_uri(reverse("api-report-build-retry", kwargs={"pk": build.pk}))
        if build.status == "failed"
        else None
    )
    return body


def _own_build(request: Request, pk: int) -> ReportBuild:
    try:
        return selectors.build_for(user=request.user, pk=pk)  # type: ignore[arg-type]
    except ReportBuild.DoesNotExist as exc:
        raise Http404("No such report build.") from exc


def _saved_edition(value: Any) -> ReportEdition | None:
    if value in (None, ""):
        return None
    try:
        return ReportEdition.objects.get(pk=int(value))
    except (TypeError, ValueError, ReportEdition.DoesNotExist) as exc:
        raise ApplicationError.for_field("saved", "No saved report has that id.") from exc


def _date(data: Any, field: str) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ApplicationError.for_field(field, "Give the day as YYYY-MM-DD.") from exc


class BuildListView(APIView):
    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="Build a report file in the background",
        description="Queues the report (from/to, a preset, or a saved report's id as saved) "
        "to be built by the task worker in a format: "
        + ", ".join(FORMATS)
        + ". Answers 202 with the build; follow status_url until status is built, then GET "
        "download_url. The build is made as you see the report and is yours alone.",
        operation_id="reports_builds_create",
        request={
            "application/json": {
                "type": "object",
                "properties": {
                    "format": {"type": "string", "enum": list(FORMATS)},
                    "edition": {"type": "string", "enum": ["internal", "published"]},
                    "from": {"type": "string", "format": "date"},
                    "to": {"type": "string", "format": "date"},
                    "preset": {"type": "string"},
                    "saved": {"type": "integer"},
                },
                "required": ["format"],
            }
        },
        responses={202: BUILD_STATUS, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, dict):
            raise ApplicationError("Send a JSON object: format, and from/to, preset or saved.")
        saved = _saved_edition(data.get("saved"))
        start, end = _date(data, "from"), _date(data, "to")
        if data.get("preset") and saved is None:
            try:
                period = preset(str(data["preset"])).period
            except PeriodError as exc:
                raise ApplicationError.for_field("preset", str(exc)) from exc
            start, end = period.start, period.end
        build = services.build_request(
            actor=request.user,  # type: ignore[arg-type]
            start=start,
            end=end,
            fmt=str(data.get("format", "")),
            edition=str(data.get("edition") or "internal"),
            saved=saved,
        )
        build.refresh_from_db()  # built already where tasks run at once (development)
        body = _build_body(request, build)
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]}
        )


class BuildView(APIView):
    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="A report build's progress",
        operation_id="reports_builds_retrieve",
        responses={
            200: BUILD_STATUS,
            403: ERRORS[403],
            404: OpenApiResponse(description="Not yours"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_build_body(request, _own_build(request, pk)))


class BuildRetryView(APIView):
    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="Try a failed report build again",
        operation_id="reports_builds_retry",
        request=None,
        responses={202: BUILD_STATUS, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def post(self, request: Request, pk: int) -> Response:
        build = services.build_retry(
            build=_own_build(request, pk),
            actor=request.user,  # type: ignore[arg-type]
        )
        build.refresh_from_db()
        return Response(_build_body(request, build), status=status.HTTP_202_ACCEPTED)


class BuildDownloadView(APIView):
    permission_classes = [IsAuthenticated, SeesReports]

    @extend_schema(
        summary="Download a built report file",
        operation_id="reports_builds_download",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, in the build's format"
            ),
            403: ERRORS[403],
            404: OpenApiResponse(description="Not yours, or not built yet"),
        },
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        from .views import build_download

        build = _own_build(request, pk)
        try:
            chunks = services.build_file(build=build, actor=request.user)  # type: ignore[arg-type]
        except (ApplicationError, FileNotFoundError) as exc:
            raise Http404("This report has not been built yet.") from exc
        return build_download(build, chunks)
