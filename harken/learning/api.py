"""The action plan through the API (/api/v1/learning/): the same selectors and services as the
pages. Status codes as for cases: 403 for a role with no part in the action plan, 404 for a
recommendation, action or case the user cannot see, 400 for a refusal with each field's
messages. Report viewers may read the overview figures only.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
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
from harken.accounts.models import ServiceArea, Team, User
from harken.api.serializers import UserRefSerializer
from harken.core.audit import record_read
from harken.core.errors import AccessDenied
from harken.registers.models import OmbudsmanCase

from . import metrics, rules, selectors, services
from .models import Action, ActionStatus, Decision, Recommendation, Source

ERROR = inline_serializer(
    "LearningError",
    fields={
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.JSONField()),
    },
)
ERRORS = {
    400: OpenApiResponse(ERROR, description="Invalid input, or refused by the rules"),
    403: OpenApiResponse(ERROR, description="Your role may not do this"),
    404: OpenApiResponse(ERROR, description="Nothing with that id you can see"),
}


class SeesPlan(BasePermission):
    message = "Your role does not give access to the action plan."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return rules.may_see_plan(request.user)


class SeesOverview(BasePermission):
    message = "Your role does not give access to the action plan figures."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return rules.may_see_overview(request.user)


PLAN = [IsAuthenticated, SeesPlan]


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# --- Serializers ----------------------------------------------------------------------------


def _choice_field(choices: list[tuple[str, Any]], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field whose enum stays inline in the schema (wrapped in allOf, which the enum
    post-processing leaves alone): otherwise the actions' "status" and the cases' "status"
    fight over one component name and the cases' enum is renamed "Status768Enum"."""

    values = [value for value, _ in choices]
    described = "; ".join(f"`{value}`: {label}" for value, label in choices)

    @extend_schema_field({"allOf": [{"type": "string", "enum": values}], "description": described})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


PROGRESS_CHOICES = [
    (s.value, s.label)
    for s in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED)
]


class ActionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    recommendation = serializers.IntegerField(source="recommendation_id", read_only=True)
    owner = UserRefSerializer(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    status = _choice_field(ActionStatus.choices, read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "reference",
            "recommendation",
            "number",
            "description",
            "owner",
            "due_on",
            "status",
            "is_overdue",
            "progress",
            "completed_on",
            "evidence",
            "cancelled_on",
            "cancel_reason",
        ]


class RecommendationSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    case = serializers.CharField(source="case.reference", read_only=True, allow_null=True)
    # Issue 14 (API 1.3.0): a Regulation 44 visit's recommendation has a visit, not a case.
    visit = serializers.IntegerField(source="visit_id", read_only=True, allow_null=True)
    stage = serializers.IntegerField(source="stage.number", read_only=True, allow_null=True)
    ombudsman_case = serializers.IntegerField(
        source="ombudsman_case_id", read_only=True, allow_null=True
    )
    service_area = serializers.CharField(source="service_area.name", read_only=True)
    team = serializers.CharField(source="team.name", read_only=True, allow_null=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "reference",
            "case",
            "visit",
            "number",
            "source",
            "stage",
            "ombudsman_case",
            "made_on",
            "text",
            "decision",
            "decided_on",
            "decision_reason",
            "service_area",
            "team",
            "actions",
        ]


class RecommendationInput(serializers.Serializer):
    # A field called "source" shadows Field.source for the type checker only (DRF's
    # metaclass takes declared fields out of the class).
    source = serializers.ChoiceField(choices=Source.choices, required=False)  # type: ignore[assignment]
    made_on = serializers.DateField(required=False)
    text = serializers.CharField(max_length=5000, required=False)
    service_area = serializers.PrimaryKeyRelatedField(
        queryset=ServiceArea.objects.all(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    ombudsman_case = serializers.PrimaryKeyRelatedField(
        queryset=OmbudsmanCase.objects.all(), required=False, allow_null=True
    )
    decision = serializers.ChoiceField(choices=Decision.choices, required=False)
    decided_on = serializers.DateField(required=False, allow_null=True)
    decision_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RecommendationCreateInput(RecommendationInput):
    case = serializers.CharField(max_length=20, help_text="The case's reference")
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]
    made_on = serializers.DateField()
    text = serializers.CharField(max_length=5000)


class ActionInput(serializers.Serializer):
    description = serializers.CharField(max_length=2000, required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    due_on = serializers.DateField(required=False)


class ActionCreateInput(ActionInput):
    description = serializers.CharField(max_length=2000)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    due_on = serializers.DateField()


class ActionProgressInput(serializers.Serializer):
    status = _choice_field(PROGRESS_CHOICES)
    progress = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    completed_on = serializers.DateField(required=False, allow_null=True)


class ActionCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ActionFiltersInput(serializers.Serializer):
    status = _choice_field(
        [(selectors.OUTSTANDING, "Not started or in progress"), *ActionStatus.choices],
        required=False,
    )
    service_area = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
    team = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
    owner = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
    overdue = serializers.BooleanField(required=False, default=False)
    case = serializers.CharField(required=False, max_length=20)


class OverviewRowSerializer(serializers.Serializer):
    """One service area's figures; the last row (service_area_id null) is the total."""

    service_area_id = serializers.IntegerField(allow_null=True)
    service_area = serializers.CharField()
    recommendations = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    completed = serializers.IntegerField()


# --- Views ----------------------------------------------------------------------------------


def _forbidden(exc: AccessDenied) -> PermissionDenied:
    return PermissionDenied(exc.message)


def _detail(user: User, pk: int) -> dict[str, Any]:
    return dict(RecommendationSerializer(selectors.recommendation_get(user=user, pk=pk)).data)


class RecommendationListView(generics.GenericAPIView[Recommendation]):
    permission_classes = PLAN
    pagination_class = Pagination
    serializer_class = RecommendationSerializer

    @extend_schema(
        summary="Recommendations you can see, newest first, each with its actions",
        responses={200: RecommendationSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.recommendation_list(user=_user(request)))
        return self.get_paginated_response(RecommendationSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a recommendation on a case",
        request=RecommendationCreateInput,
        responses={201: RecommendationSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        data = RecommendationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not access.may(user, Perm.PLAN_EDIT):
            raise PermissionDenied("Only feedback officers and administrators add recommendations.")
        case = access.visible_case(user, values.pop("case"))
        if case is None:
            raise AccessDenied("There is no case with that reference you can see.")
        made = services.recommendation_create(case=case, actor=user, **values)
        return Response(_detail(user, made.pk), status=status.HTTP_201_CREATED)


class RecommendationDetailView(APIView):
    permission_classes = PLAN

    @extend_schema(
        summary="One recommendation and its actions",
        responses={200: RecommendationSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = selectors.recommendation_get(user=user, pk=pk)
        # Part of its case's record: the read is in the case's audit trail.
        if found.case is not None:
            record_read(case=found.case, user=user, via="api")
        return Response(RecommendationSerializer(found).data)

    @extend_schema(
        summary="Correct a recommendation or record the decision on it",
        request=RecommendationInput,
        responses={200: RecommendationSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = selectors.recommendation_get(user=user, pk=pk)
        data = RecommendationInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            services.recommendation_update(recommendation=found, actor=user, **data.validated_data)
        except AccessDenied as exc:
            raise _forbidden(exc) from exc
        return Response(_detail(user, pk))


class RecommendationActionsView(APIView):
    permission_classes = PLAN

    @extend_schema(
        summary="Add an action to a recommendation",
        request=ActionCreateInput,
        responses={201: ActionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = selectors.recommendation_get(user=user, pk=pk)
        data = ActionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            added = services.action_create(recommendation=found, actor=user, **data.validated_data)
        except AccessDenied as exc:
            raise _forbidden(exc) from exc
        return Response(ActionSerializer(added).data, status=status.HTTP_201_CREATED)


class ActionListView(generics.GenericAPIView[Action]):
    permission_classes = PLAN
    pagination_class = Pagination
    serializer_class = ActionSerializer

    @extend_schema(
        summary="The action plan: actions you can see, still-open ones first, soonest due first",
        parameters=[ActionFiltersInput],
        responses={200: ActionSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = ActionFiltersInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        actions = selectors.action_list(
            user=_user(request), filters=selectors.ActionFilters(**filters.validated_data)
        )
        page = self.paginate_queryset(actions)
        return self.get_paginated_response(ActionSerializer(page, many=True).data)


class ActionDetailView(APIView):
    permission_classes = PLAN

    @extend_schema(summary="One action", responses={200: ActionSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ActionSerializer(selectors.action_get(user=_user(request), pk=pk)).data)

    @extend_schema(
        summary="Change an open action's description, owner or due date",
        request=ActionInput,
        responses={200: ActionSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = selectors.action_get(user=user, pk=pk)
        data = ActionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            services.action_update(action=found, actor=user, **data.validated_data)
        except AccessDenied as exc:
            raise _forbidden(exc) from exc
        return Response(ActionSerializer(found).data)


class ActionProgressView(APIView):
    permission_classes = PLAN

    @extend_schema(
        summary="Record progress, or completion with evidence and a date",
        request=ActionProgressInput,
        responses={200: ActionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = selectors.action_get(user=user, pk=pk)
        data = ActionProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.action_record_progress(action=found, actor=user, **data.validated_data)
        except AccessDenied as exc:
            raise _forbidden(exc) from exc
        return Response(ActionSerializer(found).data)


class ActionCancelView(APIView):
    permission_classes = PLAN

    @extend_schema(
        summary="Cancel an action no longer needed, with the reason",
        request=ActionCancelInput,
        responses={200: ActionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = selectors.action_get(user=user, pk=pk)
        data = ActionCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.action_cancel(action=found, actor=user, reason=data.validated_data["reason"])
        except AccessDenied as exc:
            raise _forbidden(exc) from exc
        return Response(ActionSerializer(found).data)


class OverviewView(APIView):
    permission_classes = [IsAuthenticated, SeesOverview]

    @extend_schema(
        summary="Open, overdue and completed actions by service area (figures only)",
        responses={200: OverviewRowSerializer(many=True), 403: ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        return Response([row.as_dict() for row in metrics.action_overview()])
