"""/api/v1/subject-access/...: everything held on a person, and a request's bundles (start,
review, build, download, release). The feedback team only: anyone else gets 403."""

from __future__ import annotations

from typing import Any

from django.http import Http404, StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.accounts.current import request_user as _user
from harken.accounts.models import User
from harken.api.views import ERROR
from harken.core.audit import record_reads
from harken.core.errors import AccessDenied, ApplicationError

from . import permissions, rights, selectors, services
from .models import (
    Bundle,
    Redaction,
    RedactionDecision,
    RedactionReason,
    RefusalReason,
    RightsKind,
    RightsRequest,
    RightsStatus,
)

ERRORS = {
    400: OpenApiResponse(ERROR, description="Invalid input, or refused by the rules"),
    403: OpenApiResponse(ERROR, description="Only the feedback team handles subject access"),
    404: OpenApiResponse(ERROR, description="No such record you can see"),
}


class FeedbackTeamOnly(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return permissions.can_use_subject_access(request.user)


class FindingSerializer(serializers.Serializer):
    where = serializers.CharField()
    case = serializers.CharField(source="case.reference", allow_null=True, default=None)
    label = serializers.CharField()  # type: ignore[assignment]
    excerpt = serializers.CharField()


class ReadSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField()
    case = serializers.CharField(source="case.reference")
    via = serializers.CharField()


class PersonDataSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person.pk")
    terms = serializers.ListField(child=serializers.CharField())
    same_people = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()
    hidden_cases = serializers.IntegerField()
    findings = FindingSerializer(many=True)
    reads = ReadSerializer(many=True)

    def get_same_people(self, data: selectors.PersonData) -> list[int]:
        return [p.pk for p in data.same_people]

    def get_cases(self, data: selectors.PersonData) -> list[str]:
        return list(data.cases.values_list("reference", flat=True))


class RedactionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Redaction
        fields = ["id", "text", "kind", "occurrences", "decision", "reason", "decided_at"]


class BundleSerializer(serializers.ModelSerializer):
    sar = serializers.IntegerField(source="sar_id")
    person = serializers.IntegerField(source="person_id")
    # Plain text, not an enum: "status" already names the case status enum in the schema.
    status = serializers.CharField(read_only=True, help_text="review, built or released")
    redactions = RedactionSerializer(many=True, read_only=True)
    cases = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="reference", many=True, read_only=True
    )

    class Meta:
        model = Bundle
        fields = [
            "id",
            "sar",
            "person",
            "status",
            "cases",
            "size",
            "sha256",
            "pages",
            "built_at",
            "released_on",
            "release_method",
            "redactions",
        ]


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[RedactionDecision.ACCEPTED, RedactionDecision.REJECTED]
    )
    reason = serializers.ChoiceField(choices=RedactionReason.choices, required=False, default="")


class RedactionAddInput(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    reason = serializers.ChoiceField(choices=RedactionReason.choices)


class ReleaseInput(serializers.Serializer):
    released_on = serializers.DateField()
    method = serializers.CharField(max_length=200)


class _Base(APIView):
    permission_classes = [IsAuthenticated, FeedbackTeamOnly]

    def bundle(self, request: Request, pk: int) -> Bundle:
        return selectors.bundle_get(user=_user(request), pk=pk)

    def out(self, bundle: Bundle, code: int = status.HTTP_200_OK) -> Response:
        bundle.refresh_from_db()
        return Response(BundleSerializer(bundle).data, status=code)


class PersonDataView(_Base):
    @extend_schema(
        summary="Everything held on a person (each case shown is a logged read)",
        responses={200: PersonDataSerializer, **ERRORS},
        tags=["subject access"],
    )
    def get(self, request: Request, pk: int) -> Response:
        user = _user(request)
        person = access.visible_people(user).filter(pk=pk).first()
        if person is None:
            raise AccessDenied("There is no person with that number you can see.")
        data = selectors.person_data(user=user, person=person)
        record_reads(cases=data.case_ids, user=user, via="api-person")
        return Response(PersonDataSerializer(data).data)


class SarBundlesView(_Base):
    @extend_schema(
        summary="A request's bundles",
        responses={200: BundleSerializer(many=True), **ERRORS},
        tags=["subject access"],
    )
    def get(self, request: Request, pk: int) -> Response:
        sar = selectors.sar_for_bundles(user=_user(request), pk=pk)
        return Response(BundleSerializer(sar.bundles.all(), many=True).data)

    @extend_schema(
        summary="Start a bundle: gather the records and propose redactions",
        request=None,
        responses={201: BundleSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int) -> Response:
        sar = selectors.sar_for_bundles(user=_user(request), pk=pk)
        bundle = services.bundle_start(sar=sar, actor=_user(request))
        return self.out(bundle, status.HTTP_201_CREATED)


class BundleView(_Base):
    @extend_schema(
        summary="A bundle and its redactions",
        responses={200: BundleSerializer, **ERRORS},
        tags=["subject access"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.out(self.bundle(request, pk))


class RedactionDecisionView(_Base):
    @extend_schema(
        summary="Redact (with a reason code) or disclose a proposal",
        request=DecisionInput,
        responses={200: BundleSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int, redaction_pk: int) -> Response:
        bundle = self.bundle(request, pk)
        row = bundle.redactions.filter(pk=redaction_pk).first()
        if row is None:
            raise AccessDenied("There is no such redaction in this bundle.")
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.redaction_decide(redaction_row=row, actor=_user(request), **data.validated_data)
        return self.out(bundle)


class RedactionAddView(_Base):
    @extend_schema(
        summary="Add a redaction the proposals missed (accepted)",
        request=RedactionAddInput,
        responses={200: BundleSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int) -> Response:
        bundle = self.bundle(request, pk)
        data = RedactionAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.redaction_add(bundle=bundle, actor=_user(request), **data.validated_data)
        return self.out(bundle)


class BundleBuildView(_Base):
    @extend_schema(
        summary="Build the bundle (every proposal decided first)",
        request=None,
        responses={200: BundleSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int) -> Response:
        bundle = self.bundle(request, pk)
        services.bundle_build(bundle=bundle, actor=_user(request))
        return self.out(bundle)


class BundleReleaseView(_Base):
    @extend_schema(
        summary="Record the bundle's release (the request's response is recorded as sent)",
        request=ReleaseInput,
        responses={200: BundleSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int) -> Response:
        bundle = self.bundle(request, pk)
        data = ReleaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.bundle_release(bundle=bundle, actor=_user(request), **data.validated_data)
        return self.out(bundle)


class BundleDownloadView(_Base):
    @extend_schema(
        summary="The bundle's zip (the download is on the request's history)",
        responses={(200, "application/zip"): bytes, **ERRORS},
        tags=["subject access"],
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        bundle = self.bundle(request, pk)
        try:
            chunks = services.bundle_file(bundle=bundle, actor=_user(request))
        except FileNotFoundError as exc:
            raise Http404("The bundle's file is not there.") from exc
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError:
            raise
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{bundle.sar.reference}-bundle-{bundle.pk}.zip"
        )
        response["Cache-Control"] = "private, no-store"
        return response


# --- Rectification, restriction and erasure ---------------------------------------------


class RightsRequestSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id")
    status = serializers.CharField(read_only=True, help_text="open, done or refused")
    processing_restricted = serializers.SerializerMethodField()

    class Meta:
        model = RightsRequest
        fields = [
            "id",
            "person",
            "kind",
            "received_on",
            "due_on",
            "due_explanation",
            "description",
            "status",
            "decided_on",
            "refusal_reason",
            "outcome",
            "lifted_on",
            "lift_reason",
            "processing_restricted",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_processing_restricted(self, request: RightsRequest) -> bool:
        """A restriction carried out and not lifted: in force."""
        return (
            request.kind == RightsKind.RESTRICTION
            and request.status == RightsStatus.DONE
            and request.lifted_on is None
        )


class RightsRequestInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RightsKind.choices)
    received_on = serializers.DateField()
    description = serializers.CharField(max_length=5000)


class CorrectionsInput(serializers.Serializer):
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    date_of_birth = serializers.DateField(required=False)
    email = serializers.EmailField(max_length=254, required=False)
    phone = serializers.CharField(max_length=40, required=False)
    address = serializers.CharField(max_length=500, required=False)
    postcode = serializers.CharField(max_length=12, required=False)


class CarryOutInput(serializers.Serializer):
    done_on = serializers.DateField()
    outcome = serializers.CharField(max_length=5000)
    corrections = CorrectionsInput(required=False)


class RefuseInput(serializers.Serializer):
    decided_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=RefusalReason.choices)
    outcome = serializers.CharField(max_length=5000)


def _rights_request(user: User, pk: int) -> RightsRequest:
    found = RightsRequest.objects.select_related("person").filter(pk=pk).first()
    if found is None or not selectors._may_see_person(user, found.person):
        raise AccessDenied("There is no request with that number you can see.")
    return found


class PersonRightsView(_Base):
    @extend_schema(
        summary="Record a rectification, restriction or erasure request",
        request=RightsRequestInput,
        responses={201: RightsRequestSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        person = access.visible_people(user).filter(pk=pk).first()
        if person is None:
            raise AccessDenied("There is no person with that number you can see.")
        data = RightsRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = rights.rights_request_create(actor=user, person=person, **data.validated_data)
        return Response(RightsRequestSerializer(made).data, status=status.HTTP_201_CREATED)


class RightsRequestView(_Base):
    @extend_schema(
        summary="A rectification, restriction or erasure request",
        responses={200: RightsRequestSerializer, **ERRORS},
        tags=["subject access"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(RightsRequestSerializer(_rights_request(_user(request), pk)).data)


class RightsCarryOutView(_Base):
    @extend_schema(
        summary="Carry the request out (rectification: the corrections)",
        request=CarryOutInput,
        responses={200: RightsRequestSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = _rights_request(user, pk)
        data = CarryOutInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = rights.rights_request_carry_out(actor=user, request=found, **data.validated_data)
        return Response(RightsRequestSerializer(done).data)


class RightsRefuseView(_Base):
    @extend_schema(
        summary="Refuse the request with a reason the law allows",
        request=RefuseInput,
        responses={200: RightsRequestSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = _rights_request(user, pk)
        data = RefuseInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = rights.rights_request_refuse(actor=user, request=found, **data.validated_data)
        return Response(RightsRequestSerializer(done).data)


class LiftInput(serializers.Serializer):
    lifted_on = serializers.DateField()
    reason = serializers.CharField(max_length=5000)


class RightsLiftView(_Base):
    @extend_schema(
        summary="Lift a restriction of processing carried out (the person told first)",
        request=LiftInput,
        responses={200: RightsRequestSerializer, **ERRORS},
        tags=["subject access"],
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        found = _rights_request(user, pk)
        data = LiftInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = rights.rights_request_lift(actor=user, request=found, **data.validated_data)
        return Response(RightsRequestSerializer(done).data)
