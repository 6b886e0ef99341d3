"""Retention through the API (/api/v1/retention/): the same selectors and services as the
pages. 403 for any role but administrator, 404 for what is not there or not visible, 400 for
a refusal with each field's messages. Every change is in the retention audit trail."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.accounts.current import request_user as _user
from harken.core.audit import record_reads
from harken.core.errors import ApplicationError
from harken.retention import selectors, services
from harken.retention.models import (
    Basis,
    DisposalLine,
    DisposalRun,
    HoldReason,
    LegalHold,
    RetentionRule,
    RetentionRuleVersion,
    RunStatus,
)
from harken.retention.permissions import may_manage_retention

ERROR = inline_serializer(
    "RetentionError",
    fields={
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.JSONField()),
    },
)
ERRORS = {
    400: OpenApiResponse(ERROR, description="Invalid input, or refused by the rules"),
    403: OpenApiResponse(ERROR, description="Only administrators manage retention"),
    404: OpenApiResponse(ERROR, description="Nothing with that id"),
}


class ManagesRetention(BasePermission):
    message = "Only administrators can manage the retention schedule, holds and disposals."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_manage_retention(request.user)


PERMISSIONS = [IsAuthenticated, ManagesRetention]


# --- Serializers ----------------------------------------------------------------------------


class VersionSerializer(serializers.ModelSerializer[RetentionRuleVersion]):
    changed_by = serializers.CharField(source="changed_by.username", default=None)

    class Meta:
        model = RetentionRuleVersion
        fields = ["version", "basis", "years", "source", "reason", "changed_at", "changed_by"]


class RuleSerializer(serializers.ModelSerializer[RetentionRule]):
    description = serializers.CharField()
    changed_by = serializers.CharField(source="changed_by.username", default=None)

    class Meta:
        model = RetentionRule
        fields = [
            "kind",
            "basis",
            "years",
            "description",
            "source",
            "version",
            "changed_at",
            "changed_by",
        ]


class RuleDetailSerializer(RuleSerializer):
    versions = VersionSerializer(many=True)

    class Meta(RuleSerializer.Meta):
        fields = [*RuleSerializer.Meta.fields, "versions"]


class RuleChangeSerializer(serializers.Serializer[Any]):
    basis = serializers.ChoiceField(choices=Basis.choices, required=False)
    years = serializers.CharField(max_length=12, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500, allow_blank=True)
    # DRF's Serializer has a `source` attribute of its own; the field keeps the model's name.
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=300, required=False, allow_blank=True
    )


class HoldSerializer(serializers.ModelSerializer[LegalHold]):
    case = serializers.CharField(source="case.reference", default=None)
    # A person-wide hold (docs/adr/0104) names the person by number; `case` is then null.
    person = serializers.IntegerField(source="person_id", default=None)
    placed_by = serializers.CharField(source="placed_by.username", default=None)
    released_by = serializers.CharField(source="released_by.username", default=None)

    class Meta:
        model = LegalHold
        fields = [
            "id",
            "case",
            "person",
            "reason",
            "explanation",
            "placed_at",
            "placed_by",
            "released_at",
            "released_by",
            "release_reason",
        ]


class HoldCreateSerializer(serializers.Serializer[Any]):
    # One of the two: a case reference, or a person's number for a hold on all their records.
    case = serializers.CharField(max_length=60, required=False, allow_blank=True)
    person = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    reason = serializers.ChoiceField(choices=HoldReason.choices)
    explanation = serializers.CharField(max_length=2000, allow_blank=True)


class ReleaseSerializer(serializers.Serializer[Any]):
    release_reason = serializers.CharField(max_length=2000, allow_blank=True)


class LineSerializer(serializers.ModelSerializer[DisposalLine]):
    class Meta:
        model = DisposalLine
        fields = [
            "kind",
            "rule_description",
            "rule_version",
            "count",
            "earliest_on",
            "latest_on",
            "disposed",
        ]


class HeldSerializer(serializers.Serializer[Any]):
    """A hold in force that keeps records out of a preview (API 1.3)."""

    hold = serializers.IntegerField(source="hold.pk", default=None)
    sar = serializers.CharField(source="sar.reference", default=None)
    case = serializers.CharField(source="hold.case.reference", default=None)
    person = serializers.SerializerMethodField()
    count = serializers.IntegerField()
    cases = serializers.IntegerField()
    other_records = serializers.IntegerField(
        help_text="Records not linked to a case: register records, rights requests, e-mails"
    )

    def get_person(self, held: selectors.HeldFromDisposal) -> int | None:
        if held.hold is not None:
            return held.hold.person_id
        assert held.sar is not None  # noqa: S101
        return held.sar.subject_id or held.sar.requester_id


class RunSerializer(serializers.ModelSerializer[DisposalRun]):
    created_by = serializers.CharField(source="created_by.username", default=None)
    decided_by = serializers.CharField(source="decided_by.username", default=None)
    lines = LineSerializer(many=True)
    total = serializers.IntegerField()
    held = serializers.SerializerMethodField(
        help_text="While awaiting approval: the holds in force that keep records out of it"
    )
    held_total = serializers.SerializerMethodField(
        help_text="While awaiting approval: how many records holds keep out (each once)"
    )

    def _held(self, run: DisposalRun) -> list[selectors.HeldFromDisposal]:
        if run.status != RunStatus.PREVIEW:
            return []
        # The view's context dict (one computation for `held` and `held_total`, and the view
        # reads which cases were named from it).
        cache = cast(dict[str, Any], self.context).setdefault("held", {})
        if run.pk not in cache:
            cache[run.pk] = selectors.held_from_run(run)
        return list(cache[run.pk])

    @extend_schema_field(HeldSerializer(many=True))
    def get_held(self, run: DisposalRun) -> list[dict[str, Any]]:
        return list(HeldSerializer(self._held(run), many=True).data)

    def get_held_total(self, run: DisposalRun) -> int | None:
        if run.status != RunStatus.PREVIEW:
            return None
        return selectors.held_total(self._held(run))

    class Meta:
        model = DisposalRun
        fields = [
            "id",
            "status",
            "due_on",
            "created_at",
            "created_by",
            "decided_at",
            "decided_by",
            "completed_at",
            "total",
            "skipped",
            "lines",
            "held",
            "held_total",
        ]


class PreviewSerializer(serializers.Serializer[Any]):
    due_on = serializers.DateField(required=False)


# --- Views ----------------------------------------------------------------------------------


def _rule(kind: str) -> RetentionRule:
    found = selectors.rule_get(kind=kind)
    if found is None:
        raise NotFound("There is no rule for that kind of record.")
    return found


def _run(pk: int) -> DisposalRun:
    found = selectors.run_get(pk=pk)
    if found is None:
        raise NotFound("There is no disposal with that number.")
    return found


class RuleListView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(responses={200: RuleSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return Response(RuleSerializer(selectors.rule_list(), many=True).data)


class RuleDetailView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(responses={200: RuleDetailSerializer, **ERRORS})
    def get(self, request: Request, kind: str) -> Response:
        return Response(RuleDetailSerializer(_rule(kind)).data)

    @extend_schema(request=RuleChangeSerializer, responses={200: RuleDetailSerializer, **ERRORS})
    def patch(self, request: Request, kind: str) -> Response:
        found = _rule(kind)
        data = RuleChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = services.rule_update(
            rule=found,
            basis=data.validated_data.get("basis", found.basis),
            years=data.validated_data.get("years", found.years),
            reason=data.validated_data["reason"],
            source=data.validated_data.get("source", ""),
            actor=_user(request),
        )
        return Response(RuleDetailSerializer(_rule(changed.kind)).data)


class HoldListView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(responses={200: HoldSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        user = _user(request)
        show_all = request.query_params.get("all") in ("1", "true")
        holds = list(
            selectors.visible_holds(user, selectors.hold_list(active_only=not show_all))[:500]
        )
        record_reads(cases=[h.case_id for h in holds if h.case_id], user=user, via="api-retention")
        return Response(HoldSerializer(holds, many=True).data)

    @extend_schema(request=HoldCreateSerializer, responses={201: HoldSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        user = _user(request)
        data = HoldCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reference = data.validated_data.get("case") or ""
        person_id = data.validated_data.get("person")
        if bool(reference) == (person_id is not None):
            raise ApplicationError.for_field("case", "Give either a case reference or a person.")
        case = person = None
        if person_id is not None:
            person = access.visible_people(user).filter(pk=person_id).first()
            if person is None:
                raise ApplicationError.for_field("person", "There is no person with that number.")
        else:
            case = access.visible_case(user, reference)
            if case is None:
                raise ApplicationError.for_field("case", "There is no case with that reference.")
        hold = services.hold_place(
            case=case,
            person=person,
            reason=data.validated_data["reason"],
            explanation=data.validated_data["explanation"],
            actor=user,
        )
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldReleaseView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(request=ReleaseSerializer, responses={200: HoldSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        hold = selectors.visible_holds(user, LegalHold.objects.all()).filter(pk=pk).first()
        if hold is None:
            raise NotFound("There is no legal hold with that number.")
        data = ReleaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = services.hold_release(
            hold=hold, reason=data.validated_data["release_reason"], actor=user
        )
        return Response(HoldSerializer(hold).data)


def _held_read(request: Request, context: dict[str, Any]) -> None:
    """As the page: naming who is held in a preview is a read of each case it says is kept."""
    held = [h for found in context.get("held", {}).values() for h in found]
    shown = sorted({c for h in held for c in h.case_ids})
    record_reads(cases=shown, user=_user(request), via="api-disposal-preview")


class RunListView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(responses={200: RunSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        context: dict[str, Any] = {}
        data = RunSerializer(selectors.run_list()[:200], many=True, context=context).data
        _held_read(request, context)
        return Response(data)

    @extend_schema(request=PreviewSerializer, responses={201: RunSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        from django.utils import timezone

        data = PreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.disposal_preview_create(
            day=data.validated_data.get("due_on") or timezone.localdate(), actor=_user(request)
        )
        return Response(RunSerializer(_run(run.pk)).data, status=status.HTTP_201_CREATED)


class RunDetailView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(responses={200: RunSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        context: dict[str, Any] = {}
        data = RunSerializer(_run(pk), context=context).data
        _held_read(request, context)
        return Response(data)


class RunApproveView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(request=None, responses={200: RunSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        services.disposal_approve(run=_run(pk), actor=_user(request))
        return Response(RunSerializer(_run(pk)).data)


class RunRejectView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(request=None, responses={200: RunSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        services.disposal_reject(run=_run(pk), actor=_user(request))
        return Response(RunSerializer(_run(pk)).data)
