"""Children's homes, their visits and the compliance figures through the API (/api/v1/homes/,
added in 1.3.0): the same selectors and services as the pages. 403 for a role with no part in
the homes, 404 for a record that is not there, 400 for a refusal with each field's messages.
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.access import Perm
from harken.accounts.current import request_user as _user
from harken.core.dates import today
from harken.core.errors import ApplicationError

from . import selectors, services
from .audit import record_viewed
from .models import Home, Opinion, Ownership, Visit

ERROR = inline_serializer(
    "HomesError",
    fields={
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.JSONField()),
    },
)
ERRORS = {
    400: OpenApiResponse(ERROR, description="Invalid input, or refused by the rules"),
    403: OpenApiResponse(ERROR, description="Your role may not do this"),
    404: OpenApiResponse(ERROR, description="Nothing with that id"),
}


class SeesHomes(BasePermission):
    message = "Your role does not give access to the children's homes."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return access.may(request.user, Perm.HOMES_VIEW)


HOMES = [IsAuthenticated, SeesHomes]


def _ensure_edit(request: Request) -> None:
    if not access.may(request.user, Perm.HOMES_EDIT):
        raise PermissionDenied("Only the feedback team records homes and visits.")


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class HomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Home
        fields = [
            "id",
            "name",
            "provider",
            "ownership",
            "ofsted_urn",
            "registered_manager",
            "places",
            "opened_on",
            "closed_on",
        ]


class HomeInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    provider = serializers.CharField(max_length=200)
    ownership = serializers.ChoiceField(choices=Ownership.choices)
    ofsted_urn = serializers.CharField(max_length=12)
    registered_manager = serializers.CharField(max_length=200, required=False, allow_blank=True)
    places = serializers.IntegerField(min_value=1, max_value=200)
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(required=False, allow_null=True)


class VisitSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    report = serializers.SerializerMethodField()
    ofsted_due_on = serializers.SerializerMethodField()
    report_late = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "reference",
            "home",
            "visited_on",
            "visitor_name",
            "announced",
            "children_spoken_to",
            "parents_spoken_to",
            "staff_spoken_to",
            "safeguarded",
            "wellbeing_promoted",
            "summary",
            "sent_to_home_on",
            "sent_to_provider_on",
            "sent_to_ofsted_on",
            "ofsted_due_on",
            "report_late",
            "report",
        ]

    def get_report(self, visit: Visit) -> str | None:
        """The report's file name, if one was uploaded (download it from the staff page)."""
        return visit.report_filename or None

    def get_ofsted_due_on(self, visit: Visit) -> dt.date:
        return selectors.ofsted_due(visit.visited_on)

    def get_report_late(self, visit: Visit) -> bool:
        return selectors.report_late(visit, today())


class VisitInput(serializers.Serializer):
    home = serializers.PrimaryKeyRelatedField(queryset=Home.objects.all())
    visited_on = serializers.DateField()
    visitor_name = serializers.CharField(max_length=200)
    announced = serializers.BooleanField()
    children_spoken_to = serializers.IntegerField(min_value=0, max_value=999)
    parents_spoken_to = serializers.IntegerField(min_value=0, max_value=999)
    staff_spoken_to = serializers.IntegerField(min_value=0, max_value=999)
    safeguarded = serializers.ChoiceField(choices=Opinion.choices)
    wellbeing_promoted = serializers.ChoiceField(choices=Opinion.choices)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    sent_to_home_on = serializers.DateField(required=False, allow_null=True)
    sent_to_provider_on = serializers.DateField(required=False, allow_null=True)
    sent_to_ofsted_on = serializers.DateField(required=False, allow_null=True)


class VisitChangeInput(serializers.Serializer):
    sent_to_home_on = serializers.DateField(required=False, allow_null=True)
    sent_to_provider_on = serializers.DateField(required=False, allow_null=True)
    sent_to_ofsted_on = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)


def _home(pk: int, request: Request) -> Home:
    return selectors.home_get(user=_user(request), pk=pk)


class HomeListView(generics.GenericAPIView[Home]):
    permission_classes = HOMES
    pagination_class = Pagination
    serializer_class = HomeSerializer

    @extend_schema(
        summary="The register of children's homes, by name",
        responses={200: HomeSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.home_list(user=_user(request)))
        return self.get_paginated_response(HomeSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a children's home to the register",
        request=HomeInput,
        responses={201: HomeSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        _ensure_edit(request)
        data = HomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        home = services.home_create(actor=_user(request), **data.validated_data)
        return Response(HomeSerializer(home).data, status=status.HTTP_201_CREATED)


class HomeDetailView(APIView):
    permission_classes = HOMES

    @extend_schema(summary="One home", responses={200: HomeSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(HomeSerializer(_home(pk, request)).data)

    @extend_schema(
        summary="Change a home's details (close it by giving closed_on)",
        request=HomeInput(partial=True),
        responses={200: HomeSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        _ensure_edit(request)
        home = _home(pk, request)
        data = HomeInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        home = services.home_update(home=home, actor=_user(request), **data.validated_data)
        return Response(HomeSerializer(home).data)


class VisitListView(generics.GenericAPIView[Visit]):
    permission_classes = HOMES
    pagination_class = Pagination
    serializer_class = VisitSerializer

    @extend_schema(
        summary="Regulation 44 visits, latest first (?home= for one home's)",
        parameters=[OpenApiParameter("home", int, required=False)],
        responses={200: VisitSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        _user(request)
        visits = Visit.objects.order_by("-visited_on", "-id")
        home = request.query_params.get("home", "")
        if home:
            if not home.isdigit():
                raise ApplicationError.for_field("home", "Give the home's id as a number.")
            visits = visits.filter(home_id=int(home))
        page = self.paginate_queryset(visits)
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a Regulation 44 visit (upload the report on the staff page)",
        request=VisitInput,
        responses={201: VisitSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        _ensure_edit(request)
        data = VisitInput(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_record(actor=_user(request), **data.validated_data)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class VisitDetailView(APIView):
    permission_classes = HOMES

    @extend_schema(summary="One visit", responses={200: VisitSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        visit = selectors.visit_get(user=_user(request), pk=pk)
        record_viewed(actor=_user(request), visit=visit)
        return Response(VisitSerializer(visit).data)

    @extend_schema(
        summary="Record when the report was sent to the home, the provider and Ofsted",
        request=VisitChangeInput,
        responses={200: VisitSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        _ensure_edit(request)
        visit = selectors.visit_get(user=_user(request), pk=pk)
        data = VisitChangeInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        visit = services.visit_update(visit=visit, actor=_user(request), **data.validated_data)
        return Response(VisitSerializer(visit).data)


MONTH = inline_serializer(
    "HomeMonth",
    fields={
        "month": serializers.CharField(),
        "due": serializers.BooleanField(),
        "visits": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=list(selectors.STATUS_LABELS)),
        "reports_late": serializers.IntegerField(),
    },
    many=True,
)
COMPLIANCE = inline_serializer(
    "HomeCompliance",
    fields={
        "home": serializers.IntegerField(),
        "name": serializers.CharField(),
        "due": serializers.IntegerField(),
        "made": serializers.IntegerField(),
        "missed": serializers.IntegerField(),
        "reports_late": serializers.IntegerField(),
        "months": MONTH,
    },
    many=True,
)


def _month(value: str, name: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError as exc:
        raise ApplicationError.for_field(name, "Give the month as YYYY-MM, like 2024-04.") from exc


class ComplianceView(APIView):
    permission_classes = HOMES

    @extend_schema(
        summary="Visits made against visits due, per home and month (default: last 12 months)",
        parameters=[
            OpenApiParameter("from", str, required=False, description="YYYY-MM"),
            OpenApiParameter("to", str, required=False, description="YYYY-MM"),
        ],
        responses={200: COMPLIANCE, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        _user(request)
        on = today()
        given_to = request.query_params.get("to")
        given_from = request.query_params.get("from")
        last = _month(given_to, "to") if given_to else selectors.month_start(on)
        first = _month(given_from, "from") if given_from else selectors.add_months(last, -11)
        if first > last or len(selectors.months(first, last)) > 120:
            raise ApplicationError.for_field(
                "from", "Give a first month on or before the last, at most 120 months earlier."
            )
        rows = selectors.compliance(first=first, last=selectors.month_end(last), on=on)
        return Response(
            [
                {
                    "home": row.home.pk,
                    "name": row.home.name,
                    "due": row.due,
                    "made": row.made,
                    "missed": row.missed,
                    "reports_late": row.reports_late,
                    "months": [
                        {
                            "month": m.month.strftime("%Y-%m"),
                            "due": m.status != selectors.NOT_DUE,
                            "visits": m.visits,
                            "status": m.status,
                            "reports_late": m.reports_late,
                        }
                        for m in row.months
                    ],
                }
                for row in rows
            ]
        )
