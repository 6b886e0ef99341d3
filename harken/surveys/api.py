"""The surveys through the API (/api/v1/surveys/): the same services as the pages. 403 for a
role the table gives no part in the surveys, 404 for a case or comment the user cannot see,
400 for a refusal with each field's message. The answers summary is counts only."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.access import Perm
from harken.accounts.current import request_user as _user
from harken.accounts.models import Team
from harken.cases.models import Theme
from harken.core.audit import record_reads
from harken.core.errors import AccessDenied

from . import services
from .models import Audience, Comment, Decision, Invitation, InvitationChannel

ERROR = inline_serializer(
    "SurveyError",
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


def _needs(perm: Perm) -> type[BasePermission]:
    class Needs(BasePermission):
        message = "Your role does not give access to the surveys."

        def has_permission(self, request: Request, view: APIView) -> bool:
            return access.may(request.user, perm)

    return Needs


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class InvitationSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    audience = serializers.CharField(source="survey.audience", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "case",
            "stage_number",
            "audience",
            "channel",
            "sent_on",
            "expires_at",
            "answered_at",
            "state",
        ]

    def get_state(self, obj: Invitation) -> str:
        return services.invitation_state(obj)


class SendSerializer(serializers.Serializer):
    case = serializers.CharField(max_length=30)
    audience = serializers.ChoiceField(choices=Audience.choices)
    channel = serializers.ChoiceField(choices=InvitationChannel.choices)
    email = serializers.CharField(required=False, allow_blank=True, default="")


class InvitationsView(generics.ListAPIView):
    """Surveys sent, newest first (`?state=open|answered|expired`); POST sends a closed
    case's survey. A letter's link is in the answer once (`link`): it is not kept."""

    permission_classes = [IsAuthenticated, _needs(Perm.SURVEYS_VIEW)]
    serializer_class = InvitationSerializer
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        rows = Invitation.objects.filter(
            case__in=access.visible_cases(_user(self.request))
        ).select_related("case", "survey")
        return rows.order_by("-sent_on", "-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        ids = [row["case"] for row in response.data.get("results", [])]
        record_reads(
            cases=list(
                Invitation.objects.filter(case__reference__in=ids).values_list("case_id", flat=True)
            ),
            user=_user(request),
            via="api-surveys",
        )
        return response

    @extend_schema(
        request=SendSerializer,
        responses={
            201: inline_serializer(
                "SurveySent",
                fields={"invitation": InvitationSerializer(), "link": serializers.CharField()},
            ),
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        if not access.may(user, Perm.SURVEYS_SEND):
            return Response(
                {"message": "Your role may not send surveys.", "errors": {}},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = access.visible_case(user, data.validated_data["case"])
        if case is None:
            raise AccessDenied("There is no case with that reference you can see.")
        sent = services.invitation_send(
            case=case,
            audience=data.validated_data["audience"],
            channel=data.validated_data["channel"],
            email=data.validated_data["email"],
            actor=user,
            base_url=request.build_absolute_uri("/"),
        )
        return Response(
            {"invitation": InvitationSerializer(sent.invitation).data, "link": sent.link},
            status=status.HTTP_201_CREATED,
        )


class SummaryView(APIView):
    """Counts only: surveys sent and answered, and the answers' satisfaction, by stage."""

    permission_classes = [IsAuthenticated, _needs(Perm.SURVEYS_VIEW)]

    @extend_schema(
        responses={
            200: inline_serializer(
                "SurveySummary",
                fields={"stages": serializers.ListField(child=serializers.DictField())},
            )
        }
    )
    def get(self, request: Request) -> Response:
        rows = (
            Invitation.objects.values("stage_number")
            .annotate(
                sent=Count("id"),
                answered=Count("id", filter=Q(answered_at__isnull=False)),
                **{
                    f"satisfaction_{n}": Count("id", filter=Q(response__satisfaction=n))
                    for n in range(1, 6)
                },
            )
            .order_by("stage_number")
        )
        return Response({"stages": list(rows)})


class CommentSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True, default=None)
    contact = serializers.CharField(source="contact.reference", read_only=True, default=None)
    theme = serializers.CharField(source="theme.name", read_only=True, default=None)
    received_on = serializers.DateField(source="response.received_on", read_only=True)
    survey = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "text",
            "received_on",
            "survey",
            "theme",
            "case",
            "decision",
            "safeguarding_flag",
            "passed_to_person",
            "passed_on",
            "contact",
            "triaged_at",
        ]

    def get_survey(self, obj: Comment) -> str:
        return obj.response.batch.name if obj.response.batch else "Satisfaction survey"


class CommentsView(generics.ListAPIView):
    """The comments to triage, safeguarding first (`?decision=untriaged` and so on)."""

    permission_classes = [IsAuthenticated, _needs(Perm.SURVEYS_TRIAGE)]
    serializer_class = CommentSerializer
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        user = _user(self.request)
        rows = Comment.objects.select_related("response__batch", "theme", "case", "contact")
        rows = rows.filter(Q(case__isnull=True) | Q(case__in=access.visible_cases(user)))
        decision = self.request.query_params.get("decision")
        if decision in Decision.values:
            rows = rows.filter(decision=decision)
        return rows


class TriageSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[c for c in Decision.choices if c[0] != Decision.UNTRIAGED]
    )
    theme = serializers.CharField(required=False, allow_blank=True, default="")
    team = serializers.CharField(required=False, allow_blank=True, default="")
    person = serializers.CharField(required=False, allow_blank=True, default="")
    passed_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    referred_to = serializers.CharField(required=False, allow_blank=True, default="")


class TriageView(APIView):
    """Decide what becomes of a comment (once), as the triage page does."""

    permission_classes = [IsAuthenticated, _needs(Perm.SURVEYS_TRIAGE)]

    @extend_schema(request=TriageSerializer, responses={200: CommentSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        comment = get_object_or_404(Comment, pk=pk)
        if comment.case is not None and not access.can_view_case(user, comment.case):
            raise AccessDenied("There is no comment with that id you can see.")
        data = TriageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        theme = Theme.objects.filter(name__iexact=v["theme"]).first() if v["theme"] else None
        if v["theme"] and theme is None:
            return Response(
                {"message": "There is no such theme.", "errors": {"theme": ["No such theme."]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        team = Team.objects.filter(name__iexact=v["team"]).first() if v["team"] else None
        comment = services.comment_triage(
            comment=comment,
            decision=v["decision"],
            actor=user,
            theme=theme,
            team=team,
            person=v["person"],
            passed_on=v["passed_on"],
            note=v["note"],
            referred_to=v["referred_to"],
        )
        return Response(CommentSerializer(comment).data)
