"""Children's homes, their visits and the compliance figures through the API (/api/v1/homes/,
added in 1.3.0): the same selectors and services as the pages. 403 for a role with no part in
the homes, 404 for a record that is not there, 400 for a refusal with each field's messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from harken.accounts.models import Team, User
from harken.core.dates import today
from harken.core.errors import ApplicationError

from . import selectors, services
from .audit import record_home_viewed, record_viewed
from .models import DropIn, Home, Issue, Opinion, Ownership, Visit

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
    """Perm.HOMES_VIEW, Perm.HOMES_OF_TEAMS (when the council sets
    HARKEN_MANAGERS_SEE_TEAM_HOMES) or Perm.HOMES_OWN_VISITS: the selectors keep each to what
    it reaches (an independent visitor's token lists only their visits)."""

    message = "Your role does not give access to the children's homes."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return selectors.sees_homes(request.user)  # type: ignore[arg-type]


class SeesDropIns(BasePermission):
    """Perm.HOMES_VIEW or Perm.HOMES_OF_TEAMS (as above): not an independent visitor's."""

    message = "Your role does not give access to the drop-ins or the homes' compliance."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return selectors.sees_drop_ins(request.user)  # type: ignore[arg-type]


HOMES = [IsAuthenticated, SeesHomes]
DROP_INS = [IsAuthenticated, SeesDropIns]


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
            "teams",
        ]
        extra_kwargs = {"teams": {"read_only": True}}


class HomeInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    provider = serializers.CharField(max_length=200)
    ownership = serializers.ChoiceField(choices=Ownership.choices)
    ofsted_urn = serializers.CharField(max_length=12)
    registered_manager = serializers.CharField(max_length=200, required=False, allow_blank=True)
    places = serializers.IntegerField(min_value=1, max_value=200)
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(required=False, allow_null=True)
    teams = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), many=True, required=False
    )


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
            "visitor",
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


def _pool_entries() -> Any:
    from harken.pool.models import PoolEntry

    return PoolEntry.objects.all()


class VisitInput(serializers.Serializer):
    home = serializers.PrimaryKeyRelatedField(queryset=Home.objects.all())
    visited_on = serializers.DateField()
    visitor_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # The visitor's pool entry (role "Independent visitor"), when they are in the pool.
    visitor = serializers.PrimaryKeyRelatedField(
        queryset=_pool_entries(), required=False, allow_null=True
    )
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


def _number(value: str, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ApplicationError.for_field(name, f"Give the {name}'s id as a number.")
    return int(value)


def _day(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ApplicationError.for_field(
            name, "Give the date as YYYY-MM-DD, like 2024-04-01."
        ) from exc


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
        home = _home(pk, request)
        record_home_viewed(actor=_user(request), home=home)
        return Response(HomeSerializer(home).data)

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
        visits = selectors.visit_list(
            user=_user(request), home_id=_number(request.query_params.get("home", ""), "home")
        )
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
    permission_classes = DROP_INS

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
        rows = selectors.homes_compliance(
            user=_user(request), first=first, last=selectors.month_end(last), on=on
        )
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


# --- Drop-ins (added in 1.3.0) --------------------------------------------------------------


class IssueSerializer(serializers.ModelSerializer):
    """An issue raised and its triage: what became of it, and the record it became."""

    triage_label = serializers.CharField(source="get_triage_display", read_only=True)
    case = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = [
            "id",
            "summary",
            "triage",
            "triage_label",
            "passed_to",
            "passed_to_person",
            "passed_on",
            "case",
            "advocacy_referral",
            "safeguarding_concern",
        ]

    def get_case(self, issue: Issue) -> str | None:
        """The reference of the initial contact or complaint it became (open it through the
        cases API, which checks who may see it)."""
        return issue.case.reference if issue.case_id and issue.case else None


class DropInSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="__str__", read_only=True)
    where = serializers.CharField(read_only=True)
    issues_count = serializers.SerializerMethodField()

    class Meta:
        model = DropIn
        fields = [
            "id",
            "reference",
            "home",
            "placement",
            "where",
            "held_on",
            "officer",
            "young_people",
            "issues_count",
        ]

    def get_issues_count(self, drop_in: DropIn) -> int:
        counted = getattr(drop_in, "n_issues", None)
        return int(counted) if counted is not None else len(drop_in.issues.all())


class DropInDetailSerializer(DropInSerializer):
    issues = IssueSerializer(many=True, read_only=True)

    class Meta(DropInSerializer.Meta):
        fields = [*DropInSerializer.Meta.fields, "issues"]


def _officers() -> Any:
    return User.objects.all()


class DropInInput(serializers.Serializer):
    home = serializers.PrimaryKeyRelatedField(
        queryset=Home.objects.all(), required=False, allow_null=True
    )
    placement = serializers.CharField(max_length=200, required=False, allow_blank=True)
    held_on = serializers.DateField()
    officer = serializers.PrimaryKeyRelatedField(queryset=_officers())
    young_people = serializers.IntegerField(min_value=0, max_value=999)


class DropInListView(generics.GenericAPIView[DropIn]):
    permission_classes = DROP_INS
    pagination_class = Pagination
    serializer_class = DropInSerializer

    @extend_schema(
        summary="Drop-ins, latest first (?home=, ?from= and ?to= as YYYY-MM-DD)",
        parameters=[
            OpenApiParameter("home", int, required=False),
            OpenApiParameter(
                "from", str, required=False, description="YYYY-MM-DD, held on or after"
            ),
            OpenApiParameter(
                "to", str, required=False, description="YYYY-MM-DD, held on or before"
            ),
        ],
        responses={200: DropInSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        filters = selectors.DropInFilters(
            home_id=_number(params.get("home", ""), "home"),
            held_from=_day(params.get("from", ""), "from"),
            held_to=_day(params.get("to", ""), "to"),
        )
        if filters.held_from and filters.held_to and filters.held_from > filters.held_to:
            raise ApplicationError.for_field("from", "Give a first date on or before the last.")
        page = self.paginate_queryset(selectors.drop_in_list(user=_user(request), filters=filters))
        return self.get_paginated_response(DropInSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a drop-in at a home or another placement (then its issues on the "
        "staff page)",
        request=DropInInput,
        responses={201: DropInDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        _ensure_edit(request)
        data = DropInInput(data=request.data)
        data.is_valid(raise_exception=True)
        drop_in = services.drop_in_record(actor=_user(request), **data.validated_data)
        return Response(DropInDetailSerializer(drop_in).data, status=status.HTTP_201_CREATED)


class DropInDetailView(APIView):
    permission_classes = DROP_INS

    @extend_schema(
        summary="One drop-in, with the issues raised and what became of each",
        responses={200: DropInDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        drop_in = selectors.drop_in_get(user=_user(request), pk=pk)
        record_viewed(actor=_user(request), drop_in=drop_in)
        return Response(DropInDetailSerializer(drop_in).data)
