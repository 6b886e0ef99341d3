"""The report as JSON (schema "harken.report/1", see docs/reports.md) for integrations.

Everyone who sees reports may use these: feedback officers, administrators, managers and
report viewers. Other roles get 403; bad dates get 400 with the field's message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.core.errors import ApplicationError

from . import dp_counts, selectors
from .definitions import DEFINITIONS, GENERAL_RULES, SECTIONS
from .models import ReportEdition
from .periods import Period, PeriodError, preset
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
