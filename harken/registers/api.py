"""The registers' API (/api/v1/registers/...): the same selectors and services as the pages.

Status codes as for cases: 401 without credentials; 403 for a role that may not use the
register (report viewers, Investigating Officers, Independent Persons, panel members) or may
read but not change it (managers); 404 for a record the user cannot see, exactly as for one
that does not exist; 400 for bad input or a refusal by the rules, with each field's messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.accounts.current import request_user as _user
from harken.api.serializers import VisiblePersonField
from harken.api.views import ERROR
from harken.cases.models import Case
from harken.core.errors import AccessDenied

from . import permissions, selectors, services
from .models import (
    AdvocacyOutcome,
    AdvocacyProvider,
    AdvocacyReferral,
    ContactRestriction,
    CostRole,
    InvestigationCost,
    OmbudsmanCase,
    OmbudsmanDecision,
    OmbudsmanRemedy,
    Payment,
    PaymentKind,
    RemedyKind,
    SarPause,
    SarPauseReason,
    SubjectAccessRequest,
)

ERRORS = {
    400: OpenApiResponse(ERROR, description="Invalid input, or refused by the rules"),
    403: OpenApiResponse(ERROR, description="Your role may not do this"),
    404: OpenApiResponse(ERROR, description="No such record you can see"),
}


class RegisterAccess(BasePermission):
    """Reading: managers, feedback officers, administrators. Changing: the last two.
    A view with `editors_only` (subject access requests) is for the last two throughout."""

    message = "Your role does not give access to the registers."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(view, "editors_only", False) or request.method not in SAFE_METHODS:
            if request.method not in SAFE_METHODS:
                self.message = "Only feedback officers and administrators can change the registers."
            return permissions.can_change_registers(user)
        return permissions.can_read_registers(user)


# --- Shared fields --------------------------------------------------------------------------


class RegisterPersonRefSerializer(serializers.Serializer):
    """A person on a register record: their id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)


class PersonDetailsSerializer(serializers.Serializer):
    """A new person, when they are not on record already."""

    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)


class CaseReferenceField(serializers.CharField):
    """A case by its reference; only a case the user can see."""

    def to_internal_value(self, data: Any) -> Case:  # type: ignore[override]
        user = self.context["request"].user
        case = access.visible_case(user, str(super().to_internal_value(data)))
        if case is None:
            raise serializers.ValidationError("There is no case with that reference you can see.")
        return case

    def to_representation(self, value: Any) -> str:
        return value.reference if isinstance(value, Case) else str(value)


def _case_field(**kwargs: Any) -> CaseReferenceField:
    return CaseReferenceField(
        required=False, allow_null=True, help_text="A case reference", **kwargs
    )


def _person_field() -> serializers.PrimaryKeyRelatedField:
    return VisiblePersonField(required=False, allow_null=True)


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.__str__", default=None)
    verb = serializers.CharField()
    description = serializers.CharField()
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True))
    )


# --- Ombudsman ------------------------------------------------------------------------------


class RemedySerializer(serializers.ModelSerializer):
    class Meta:
        model = OmbudsmanRemedy
        fields = ["id", "kind", "description", "amount", "due_on", "complied_on", "evidence"]


class RemedyInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RemedyKind.choices)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    complied_on = serializers.DateField(required=False, allow_null=True)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class OmbudsmanCaseSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", default=None)
    person = RegisterPersonRefSerializer(allow_null=True)
    decision_label = serializers.CharField()
    remedies = RemedySerializer(many=True, read_only=True)

    class Meta:
        model = OmbudsmanCase
        fields = [
            "id",
            "ombudsman_reference",
            "case",
            "person",
            "summary",
            "enquiry_received_on",
            "response_due_on",
            "response_sent_on",
            "decision",
            "decision_label",
            "decision_on",
            "injustice",
            "notes",
            "remedies",
        ]


class OmbudsmanCaseInput(serializers.Serializer):
    ombudsman_reference = serializers.CharField(max_length=40)
    case = _case_field()
    person = _person_field()
    person_details = PersonDetailsSerializer(required=False, allow_null=True)
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enquiry_received_on = serializers.DateField()
    response_due_on = serializers.DateField(required=False, allow_null=True)
    response_sent_on = serializers.DateField(required=False, allow_null=True)
    decision = serializers.ChoiceField(choices=OmbudsmanDecision.choices, required=False)
    decision_on = serializers.DateField(required=False, allow_null=True)
    injustice = serializers.BooleanField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class OmbudsmanCaseUpdate(OmbudsmanCaseInput):
    """Any of the fields; the person and their details are not changed here."""

    person = None  # type: ignore[assignment]
    person_details = None  # type: ignore[assignment]


class OmbudsmanFiltersSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=OmbudsmanDecision.choices, required=False)
    received_from = serializers.DateField(required=False)
    received_to = serializers.DateField(required=False)
    linked = serializers.ChoiceField(choices=["case", "standalone"], required=False)
    remedies_outstanding = serializers.BooleanField(required=False, default=False)
    reference = serializers.CharField(required=False, max_length=40)


# --- Payments and costs ---------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", default=None)
    ombudsman_case = serializers.IntegerField(source="ombudsman_case_id", read_only=True)
    remedy = serializers.IntegerField(source="remedy_id", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "case",
            "ombudsman_case",
            "kind",
            "amount",
            "paid_on",
            "reason",
            "recommended_by_ombudsman",
            "remedy",
        ]


class PaymentInput(serializers.Serializer):
    case = _case_field()
    ombudsman_case = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2_147_483_647
    )
    kind = serializers.ChoiceField(choices=PaymentKind.choices, required=False)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    paid_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
    recommended_by_ombudsman = serializers.BooleanField(required=False)
    # The Ombudsman payment remedy it pays: complied with once its payments reach its amount.
    remedy = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2_147_483_647
    )


class PaymentFiltersSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PaymentKind.choices, required=False)
    paid_from = serializers.DateField(required=False)
    paid_to = serializers.DateField(required=False)
    recommended_by_ombudsman = serializers.BooleanField(required=False, default=False)


class CostSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = InvestigationCost
        fields = [
            "id",
            "case",
            "stage_number",
            "role",
            "amount",
            "incurred_on",
            "supplier",
            "invoice_reference",
            "notes",
        ]


class CostInput(serializers.Serializer):
    case = CaseReferenceField(help_text="A case reference")
    stage_number = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=9
    )
    role = serializers.ChoiceField(choices=CostRole.choices)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    incurred_on = serializers.DateField()
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True)
    invoice_reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CostUpdate(CostInput):
    case = None  # type: ignore[assignment]


class CostFiltersSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=CostRole.choices, required=False)
    stage_number = serializers.IntegerField(required=False, min_value=1, max_value=9)
    incurred_from = serializers.DateField(required=False)
    incurred_to = serializers.DateField(required=False)


# --- Restrictions ---------------------------------------------------------------------------


class RestrictionSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", default=None)
    person = RegisterPersonRefSerializer()
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = ContactRestriction
        fields = [
            "id",
            "person",
            "case",
            "decision_on",
            "reason",
            "letter_issued_on",
            "restrictions",
            "single_point_of_contact",
            "review_on",
            "reviewed_on",
            "ended_on",
            "end_reason",
            "in_force",
        ]

    def get_in_force(self, obj: ContactRestriction) -> bool:
        from harken.core.dates import today

        return obj.in_force(today())


class RestrictionInput(serializers.Serializer):
    person = _person_field()
    person_details = PersonDetailsSerializer(required=False, allow_null=True)
    case = _case_field()
    decision_on = serializers.DateField()
    reason = serializers.CharField(max_length=5000)
    restrictions = serializers.CharField(max_length=5000)
    single_point_of_contact = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    letter_issued_on = serializers.DateField(required=False, allow_null=True)
    review_on = serializers.DateField(required=False, allow_null=True)


class RestrictionUpdate(serializers.Serializer):
    decision_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=5000, required=False)
    restrictions = serializers.CharField(max_length=5000, required=False)
    single_point_of_contact = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    letter_issued_on = serializers.DateField(required=False, allow_null=True)
    review_on = serializers.DateField(required=False, allow_null=True)
    reviewed_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)
    end_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RestrictionFiltersSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["in_force", "review_due", "ended"], required=False)
    decided_from = serializers.DateField(required=False)
    decided_to = serializers.DateField(required=False)


# --- Advocacy -------------------------------------------------------------------------------


class AdvocacySerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", default=None)
    child = RegisterPersonRefSerializer()

    class Meta:
        model = AdvocacyReferral
        fields = [
            "id",
            "child",
            "case",
            "referred_on",
            "provider",
            "provider_name",
            "outcome",
            "outcome_on",
            "outcome_notes",
        ]


class AdvocacyInput(serializers.Serializer):
    child = _person_field()
    child_details = PersonDetailsSerializer(required=False, allow_null=True)
    case = _case_field()
    referred_on = serializers.DateField()
    provider = serializers.ChoiceField(choices=AdvocacyProvider.choices)
    provider_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=AdvocacyOutcome.choices, required=False)
    outcome_on = serializers.DateField(required=False, allow_null=True)
    outcome_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AdvocacyUpdate(AdvocacyInput):
    child = None  # type: ignore[assignment]
    child_details = None  # type: ignore[assignment]
    case = None  # type: ignore[assignment]


class AdvocacyFiltersSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=AdvocacyProvider.choices, required=False)
    outcome = serializers.ChoiceField(choices=AdvocacyOutcome.choices, required=False)
    referred_from = serializers.DateField(required=False)
    referred_to = serializers.DateField(required=False)


# --- Subject access requests ----------------------------------------------------------------


class SarPauseSerializer(serializers.ModelSerializer):
    days = serializers.IntegerField(allow_null=True)

    class Meta:
        model = SarPause
        fields = ["id", "reason", "started_on", "ended_on", "days", "note"]


class SarSerializer(serializers.ModelSerializer):
    requester = RegisterPersonRefSerializer()
    pauses = SarPauseSerializer(many=True, read_only=True)
    subject = RegisterPersonRefSerializer(allow_null=True)
    final_due_on = serializers.DateField()
    within_time = serializers.BooleanField(allow_null=True)

    class Meta:
        model = SubjectAccessRequest
        fields = [
            "id",
            "reference",
            "requester",
            "subject",
            "received_on",
            "description",
            "identity_verified_on",
            "clock_started_on",
            "due_on",
            "due_explanation",
            "extended_due_on",
            "extension_reason",
            "requester_told_of_extension_on",
            "final_due_on",
            "pages_disclosed",
            "redactions_count",
            "redactions",
            "sent_on",
            "within_time",
            "pauses",
        ]


class SarInput(serializers.Serializer):
    requester = _person_field()
    requester_details = PersonDetailsSerializer(required=False, allow_null=True)
    subject = _person_field()
    subject_details = PersonDetailsSerializer(required=False, allow_null=True)
    received_on = serializers.DateField()
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    identity_verified_on = serializers.DateField(required=False, allow_null=True)


class SarUpdate(serializers.Serializer):
    subject = _person_field()
    received_on = serializers.DateField(required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    identity_verified_on = serializers.DateField(required=False, allow_null=True)
    pages_disclosed = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_147_483_647
    )
    redactions_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_147_483_647
    )
    redactions = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    sent_on = serializers.DateField(required=False, allow_null=True)


class SarExtendInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    requester_told_on = serializers.DateField()


class SarPauseInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=SarPauseReason.choices)
    started_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SarResumeInput(serializers.Serializer):
    ended_on = serializers.DateField()


class SarFiltersSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["open", "overdue", "sent"], required=False)
    received_from = serializers.DateField(required=False)
    received_to = serializers.DateField(required=False)
    reference = serializers.CharField(required=False, max_length=20)


# --- The views ------------------------------------------------------------------------------


class RegisterViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """List, create, read (logged) and change one register's records."""

    permission_classes = [IsAuthenticated, RegisterAccess]
    lookup_value_regex = r"[0-9]+"
    editors_only: ClassVar[bool] = False
    output: ClassVar[type[serializers.Serializer]]
    create_input: ClassVar[type[serializers.Serializer]]
    update_input: ClassVar[type[serializers.Serializer]]
    filters_input: ClassVar[type[serializers.Serializer]]
    filters_class: ClassVar[type]
    list_selector: ClassVar[Callable[..., QuerySet[Any]]]
    get_selector: ClassVar[Callable[..., Any]]
    change_selector: ClassVar[Callable[..., Any]]
    create_service: ClassVar[Callable[..., Any]]
    update_service: ClassVar[Callable[..., Any]]
    update_key: ClassVar[str]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return self.output

    def get_queryset(self) -> QuerySet[Any]:
        filters = self.filters_input(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return type(self).list_selector(
            user=_user(self.request), filters=self.filters_class(**filters.validated_data)
        )

    def _call(self, service: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return service(actor=_user(self.request), **kwargs)
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc

    def _output(self, obj: Model, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.output(obj, context=self.get_serializer_context()).data, status=code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        # The list gives each record in full: each is a read, as on its own.
        selectors.log_reads(self.register, page or [], _user(request), "api")
        return self.get_paginated_response(
            self.output(page, many=True, context=self.get_serializer_context()).data
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        obj = type(self).get_selector(user=_user(request), pk=pk, via="api")
        return self._output(obj)

    def create(self, request: Request) -> Response:
        data = self.create_input(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        obj = self._call(type(self).create_service, **self.create_values(data.validated_data))
        return self._output(obj, status.HTTP_201_CREATED)

    def create_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def partial_update(self, request: Request, pk: str) -> Response:
        obj = type(self).change_selector(user=_user(request), pk=pk)
        data = self.update_input(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        obj = self._call(
            type(self).update_service, **{self.update_key: obj}, **dict(data.validated_data)
        )
        return self._output(obj)

    @extend_schema(responses={200: EventSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    # Every event at once, not a page of them: so the schema says too (no pagination).
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str) -> Response:
        """Every change to the record: who, when, what, and each field's old and new value."""
        obj = type(self).change_selector(user=_user(request), pk=pk)
        selectors.log_reads(self.register, [obj], _user(request), "api")
        events = selectors.history(self.register, obj.pk)
        return Response(EventSerializer(events, many=True).data)

    register: ClassVar[str]


def _schema(name: str, output: Any, create: Any, update: Any, filters: Any) -> Any:
    return extend_schema_view(
        list=extend_schema(
            summary=f"{name}: those you can see, filtered", parameters=[filters], tags=["registers"]
        ),
        retrieve=extend_schema(
            summary=f"One of the {name.lower()} (the read is logged)",
            responses={200: output, 403: ERRORS[403], 404: ERRORS[404]},
            tags=["registers"],
        ),
        create=extend_schema(
            summary=f"Record one of the {name.lower()}",
            request=create,
            responses={201: output, **ERRORS},
            tags=["registers"],
        ),
        partial_update=extend_schema(
            summary=f"Change one of the {name.lower()}",
            request=update,
            responses={200: output, **ERRORS},
            tags=["registers"],
        ),
        history=extend_schema(tags=["registers"]),
    )


@_schema(
    "Ombudsman cases",
    OmbudsmanCaseSerializer,
    OmbudsmanCaseInput,
    OmbudsmanCaseUpdate,
    OmbudsmanFiltersSerializer,
)
class OmbudsmanCaseViewSet(RegisterViewSet):
    queryset = OmbudsmanCase.objects.none()  # for the schema; get_queryset() decides
    register = "ombudsman"
    output = OmbudsmanCaseSerializer
    create_input = OmbudsmanCaseInput
    update_input = OmbudsmanCaseUpdate
    filters_input = OmbudsmanFiltersSerializer
    filters_class = selectors.OmbudsmanFilters
    list_selector = staticmethod(selectors.ombudsman_list)
    get_selector = staticmethod(selectors.ombudsman_get)
    change_selector = staticmethod(selectors.ombudsman_for_change)
    create_service = staticmethod(services.ombudsman_case_create)
    update_service = staticmethod(services.ombudsman_case_update)
    update_key = "ombudsman_case"

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("remedies")

    @extend_schema(
        summary="Agree a remedy with the Ombudsman",
        request=RemedyInput,
        responses={201: RemedySerializer, **ERRORS},
        tags=["registers"],
    )
    @action(detail=True, methods=["post"])
    def remedies(self, request: Request, pk: str) -> Response:
        omb = selectors.ombudsman_for_change(user=_user(request), pk=int(pk))
        data = RemedyInput(data=request.data)
        data.is_valid(raise_exception=True)
        remedy = self._call(
            services.ombudsman_remedy_add, ombudsman_case=omb, **data.validated_data
        )
        return Response(RemedySerializer(remedy).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a remedy, or record that we complied",
        request=RemedyInput(partial=True),
        responses={200: RemedySerializer, **ERRORS},
        tags=["registers"],
    )
    @action(detail=True, methods=["patch"], url_path=r"remedies/(?P<remedy_pk>\d+)")
    def remedy(self, request: Request, pk: str, remedy_pk: str) -> Response:
        remedy = selectors.remedy_for_change(
            user=_user(request), ombudsman_pk=int(pk), pk=int(remedy_pk)
        )
        data = RemedyInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        remedy = self._call(services.ombudsman_remedy_update, remedy=remedy, **data.validated_data)
        return Response(RemedySerializer(remedy).data)


@_schema("Payments", PaymentSerializer, PaymentInput, PaymentInput, PaymentFiltersSerializer)
class PaymentViewSet(RegisterViewSet):
    queryset = Payment.objects.none()  # for the schema; get_queryset() decides
    register = "payment"
    output = PaymentSerializer
    create_input = PaymentInput
    update_input = PaymentInput
    filters_input = PaymentFiltersSerializer
    filters_class = selectors.PaymentFilters
    list_selector = staticmethod(selectors.payment_list)
    get_selector = staticmethod(selectors.payment_get)
    change_selector = staticmethod(selectors.payment_for_change)
    create_service = staticmethod(services.payment_create)
    update_service = staticmethod(services.payment_update)
    update_key = "payment"

    def _ombudsman(self, values: dict[str, Any]) -> dict[str, Any]:
        if values.get("ombudsman_case") is not None:
            try:
                values["ombudsman_case"] = selectors.ombudsman_for_change(
                    user=_user(self.request), pk=values["ombudsman_case"]
                )
            except AccessDenied as exc:
                raise serializers.ValidationError(
                    {"ombudsman_case": ["There is no Ombudsman case with that id you can see."]}
                ) from exc
        if values.get("remedy") is not None:
            visible = selectors.ombudsman_visible(_user(self.request)).values("pk")
            remedy = OmbudsmanRemedy.objects.filter(
                pk=values["remedy"], ombudsman_case__in=visible
            ).first()
            if remedy is None:
                raise serializers.ValidationError(
                    {"remedy": ["There is no Ombudsman remedy with that id you can see."]}
                )
            values["remedy"] = remedy
        return values

    def create_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return self._ombudsman(dict(values))

    def partial_update(self, request: Request, pk: str) -> Response:
        payment = selectors.payment_for_change(user=_user(request), pk=int(pk))
        data = PaymentInput(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = self._ombudsman(dict(data.validated_data))
        obj = self._call(services.payment_update, payment=payment, **values)
        return self._output(obj)


@_schema("Investigation costs", CostSerializer, CostInput, CostUpdate, CostFiltersSerializer)
class CostViewSet(RegisterViewSet):
    queryset = InvestigationCost.objects.none()  # for the schema; get_queryset() decides
    register = "cost"
    output = CostSerializer
    create_input = CostInput
    update_input = CostUpdate
    filters_input = CostFiltersSerializer
    filters_class = selectors.CostFilters
    list_selector = staticmethod(selectors.cost_list)
    get_selector = staticmethod(selectors.cost_get)
    change_selector = staticmethod(selectors.cost_for_change)
    create_service = staticmethod(services.cost_create)
    update_service = staticmethod(services.cost_update)
    update_key = "cost"


@_schema(
    "Persistent contact decisions",
    RestrictionSerializer,
    RestrictionInput,
    RestrictionUpdate,
    RestrictionFiltersSerializer,
)
class RestrictionViewSet(RegisterViewSet):
    queryset = ContactRestriction.objects.none()  # for the schema; get_queryset() decides
    register = "restriction"
    output = RestrictionSerializer
    create_input = RestrictionInput
    update_input = RestrictionUpdate
    filters_input = RestrictionFiltersSerializer
    filters_class = selectors.RestrictionFilters
    list_selector = staticmethod(selectors.restriction_list)
    get_selector = staticmethod(selectors.restriction_get)
    change_selector = staticmethod(selectors.restriction_for_change)
    create_service = staticmethod(services.restriction_create)
    update_service = staticmethod(services.restriction_update)
    update_key = "restriction"


@_schema(
    "Advocacy referrals",
    AdvocacySerializer,
    AdvocacyInput,
    AdvocacyUpdate,
    AdvocacyFiltersSerializer,
)
class AdvocacyViewSet(RegisterViewSet):
    queryset = AdvocacyReferral.objects.none()  # for the schema; get_queryset() decides
    register = "advocacy"
    output = AdvocacySerializer
    create_input = AdvocacyInput
    update_input = AdvocacyUpdate
    filters_input = AdvocacyFiltersSerializer
    filters_class = selectors.AdvocacyFilters
    list_selector = staticmethod(selectors.advocacy_list)
    get_selector = staticmethod(selectors.advocacy_get)
    change_selector = staticmethod(selectors.advocacy_for_change)
    create_service = staticmethod(services.advocacy_referral_create)
    update_service = staticmethod(services.advocacy_referral_update)
    update_key = "referral"


@_schema("Subject access requests", SarSerializer, SarInput, SarUpdate, SarFiltersSerializer)
class SarViewSet(RegisterViewSet):
    queryset = SubjectAccessRequest.objects.none()  # for the schema; get_queryset() decides
    register = "sar"
    editors_only = True
    output = SarSerializer
    create_input = SarInput
    update_input = SarUpdate
    filters_input = SarFiltersSerializer
    filters_class = selectors.SarFilters
    list_selector = staticmethod(selectors.sar_list)
    get_selector = staticmethod(selectors.sar_get)
    change_selector = staticmethod(selectors.sar_for_change)
    create_service = staticmethod(services.sar_create)
    update_service = staticmethod(services.sar_update)
    update_key = "sar"

    @extend_schema(
        summary="Extend a complex request by two months (only if the requester was told within "
        "the first month)",
        request=SarExtendInput,
        responses={200: SarSerializer, **ERRORS},
        tags=["registers"],
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str) -> Response:
        sar = selectors.sar_for_change(user=_user(request), pk=int(pk))
        data = SarExtendInput(data=request.data)
        data.is_valid(raise_exception=True)
        sar = self._call(services.sar_extend, sar=sar, **data.validated_data)
        return self._output(sar)

    @extend_schema(
        summary="Pause the clock while identity or clarification is awaited (art. 12A)",
        request=SarPauseInput,
        responses={200: SarSerializer, **ERRORS},
        tags=["registers"],
    )
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str) -> Response:
        sar = selectors.sar_for_change(user=_user(request), pk=int(pk))
        data = SarPauseInput(data=request.data)
        data.is_valid(raise_exception=True)
        self._call(services.sar_pause, sar=sar, **data.validated_data)
        sar.refresh_from_db()
        return self._output(sar)

    @extend_schema(
        summary="Restart the clock on the day the requester's reply arrived",
        request=SarResumeInput,
        responses={200: SarSerializer, **ERRORS},
        tags=["registers"],
    )
    @action(detail=True, methods=["post"])
    def restart(self, request: Request, pk: str) -> Response:
        sar = selectors.sar_for_change(user=_user(request), pk=int(pk))
        data = SarResumeInput(data=request.data)
        data.is_valid(raise_exception=True)
        sar = self._call(services.sar_resume, sar=sar, **data.validated_data)
        return self._output(sar)
