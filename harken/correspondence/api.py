"""/api/v1/inbox/...: the shared mailbox's items and the steps on them, for the feedback team
only (`Perm.MAILBOX`): anyone else gets 403. The same services as the inbox pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.accounts.current import request_user as _user
from harken.accounts.models import Team
from harken.api.views import ERROR
from harken.core.errors import AccessDenied

from . import selectors, services
from .models import MailItem, NotFeedbackReason

ERRORS = {
    400: OpenApiResponse(ERROR, description="Invalid input, or refused by the rules"),
    403: OpenApiResponse(ERROR, description="Only the feedback team reads the shared mailbox"),
    404: OpenApiResponse(ERROR, description="No such e-mail, or no such case you can see"),
}
TAGS = ["shared mailbox"]


class FeedbackTeamOnly(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return access.may(request.user, access.Perm.MAILBOX)


class AttachmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    accepted = serializers.BooleanField()
    refusal = serializers.CharField(help_text="Why the upload rules kept it out; empty if not")


class SuggestionSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.reference")
    why = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # Plain text, not enums: "status" and "kind" already name the cases' enums in the schema.
    status = serializers.CharField(
        help_text="new, converted, attached, joined, not_feedback or set_aside"
    )
    kind = serializers.CharField(help_text="message, auto_reply, bounce or text (API 1.3)")
    sender_address = serializers.CharField()
    sender_name = serializers.CharField()
    # API 1.3, added: a text message's number, and a reply to a closed case waiting.
    sender_phone = serializers.CharField(help_text="A text message's number (API 1.3)")
    closed_case_reply = serializers.BooleanField(
        help_text="A reply that joined its case, which is closed: in the inbox for a decision "
        "(reopen-case, convert or no-action) (API 1.3)"
    )
    subject = serializers.CharField()
    received_at = serializers.DateTimeField()
    recipient_count = serializers.IntegerField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")
    suggestions = serializers.SerializerMethodField()
    claimed_by = serializers.CharField(source="claimed_by.username", allow_null=True, default=None)
    case = serializers.CharField(source="case.reference", allow_null=True, default=None)
    sar = serializers.CharField(source="sar.reference", allow_null=True, default=None)
    not_feedback_reason = serializers.CharField()
    not_feedback_note = serializers.CharField()
    set_aside_reason = serializers.CharField()

    @extend_schema_field(SuggestionSerializer(many=True))
    def get_suggestions(self, item: MailItem) -> Any:
        found = self.context.get("suggestions", {}).get(item.pk, [])
        return SuggestionSerializer(found, many=True).data


class ItemDetailSerializer(ItemSerializer):
    text = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())


class ItemPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = ItemSerializer(many=True)


class ConvertInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(services.CONVERT_KINDS.items()))
    summary = serializers.CharField(max_length=200)
    first_name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, default="", allow_blank=True)
    phone = serializers.CharField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="API 1.3. A text message's: default the number it came from",
    )
    received_on = serializers.DateField(
        required=False, help_text="Default: the day the e-mail arrived, London time"
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.filter(active=True), required=False, allow_null=True, default=None
    )
    procedure_code = serializers.CharField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="A complaint's procedure; default: the team's",
    )


class AttachInput(serializers.Serializer):
    case = serializers.CharField(max_length=60, help_text="The case's reference")


class ClaimInput(serializers.Serializer):
    release = serializers.BooleanField(required=False, default=False)


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class NoActionInput(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class NotFeedbackInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=NotFeedbackReason.choices)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class _Base(APIView):
    permission_classes = [IsAuthenticated, FeedbackTeamOnly]

    def item(self, request: Request, pk: int) -> MailItem:
        return selectors.item_get(user=_user(request), pk=pk)

    def out(self, request: Request, item: MailItem) -> Response:
        item = self.item(request, item.pk)
        suggestions = selectors.suggestions_for([item], user=_user(request))
        return Response(ItemDetailSerializer(item, context={"suggestions": suggestions}).data)


class ItemListView(_Base):
    @extend_schema(
        operation_id="inbox_list",
        summary="A page of the shared mailbox's e-mails (each listed is on its history)",
        parameters=[
            OpenApiParameter("view", str, enum=list(selectors.VIEWS), required=False),
            OpenApiParameter("page", int, required=False),
        ],
        responses={200: ItemPageSerializer, **ERRORS},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        view = request.query_params.get("view", "inbox")
        page, rows = selectors.inbox_page(
            user=_user(request), view=view, page=request.query_params.get("page", 1)
        )
        suggestions = {row.item.pk: row.suggestions for row in rows}
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": ItemSerializer(
                    [row.item for row in rows], many=True, context={"suggestions": suggestions}
                ).data,
            }
        )


class ItemView(_Base):
    @extend_schema(
        summary="One e-mail (the read is on its history)",
        responses={200: ItemDetailSerializer, **ERRORS},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        item = self.item(request, pk)
        services.record_item_read(item=item, user=_user(request), via="api")
        return self.out(request, item)


class ConvertView(_Base):
    @extend_schema(
        summary="Make the e-mail a new record (case or subject access request)",
        request=ConvertInput,
        responses={201: ItemDetailSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.item(request, pk)
        data = ConvertInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = services.item_convert(
            item=item, actor=_user(request), received=values.pop("received_on", None), **values
        )
        response = self.out(request, item)
        response.status_code = status.HTTP_201_CREATED
        return response


class AttachView(_Base):
    @extend_schema(
        summary="Add the e-mail to a case you may add documents to",
        request=AttachInput,
        responses={200: ItemDetailSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.item(request, pk)
        data = AttachInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = access.visible_case(_user(request), data.validated_data["case"])
        if case is None:
            raise AccessDenied("There is no case with that reference you can see.")
        item = services.item_attach(item=item, actor=_user(request), case=case)
        return self.out(request, item)


class ClaimView(_Base):
    @extend_schema(
        summary="Claim the e-mail (or let it go: release true)",
        request=ClaimInput,
        responses={200: ItemDetailSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.item(request, pk)
        data = ClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["release"]:
            item = services.item_release(item=item, actor=_user(request))
        else:
            item = services.item_claim(item=item, actor=_user(request))
        return self.out(request, item)


class NotFeedbackView(_Base):
    @extend_schema(
        summary="Mark the e-mail as not feedback, with the reason (it is kept)",
        request=NotFeedbackInput,
        responses={200: ItemDetailSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.item(request, pk)
        data = NotFeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_not_feedback(item=item, actor=_user(request), **data.validated_data)
        return self.out(request, item)


class ReopenCaseView(_Base):
    @extend_schema(
        summary="A reply to a closed case: reopen the case (the case workflow's reopen step, "
        "its refusals as 400) (API 1.3)",
        request=ReopenInput,
        responses={200: ItemDetailSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.item(request, pk)
        data = ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_reopen_case(item=item, actor=_user(request), **data.validated_data)
        return self.out(request, item)


class NoActionView(_Base):
    @extend_schema(
        summary="A reply to a closed case: leave it on the case, no action (API 1.3)",
        request=NoActionInput,
        responses={200: ItemDetailSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.item(request, pk)
        data = NoActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_no_action(item=item, actor=_user(request), **data.validated_data)
        return self.out(request, item)
