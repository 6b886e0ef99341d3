"""/api/v1/pool/: the pool's entries (list with filters, read, add, change), who is offered
for a case's open stage, and appointing from the pool. The same selectors and services as
the staff pages: a refusal is a 400 with the service's words, a record one may not see a 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.accounts.current import request_user as _user
from harken.accounts.models import User
from harken.cases.models import AppointmentRole
from harken.cases.workflow import CaseState
from harken.core.errors import AccessDenied
from harken.registers.api import ERRORS, CaseReferenceField

from . import selectors, services
from .models import (
    FeeBasis,
    Organisation,
    PartnerAppointment,
    PartnerOutcome,
    PoolEntry,
    PoolRole,
    Sharing,
)


class PoolAccess(BasePermission):
    message = "Your role does not give access to the pool."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method not in SAFE_METHODS and getattr(view, "action", "") != "appoint":
            self.message = "Only feedback officers and administrators can change the pool."
            return access.may(user, access.Perm.POOL_EDIT)
        return access.may(user, access.Perm.POOL_VIEW)


class PoolEntrySerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)
    load = serializers.IntegerField(read_only=True, help_text="Open appointments here")
    dbs_lapsed = serializers.SerializerMethodField(help_text="Over three years old, or none")
    user = serializers.IntegerField(source="user_id", allow_null=True, read_only=True)

    class Meta:
        model = PoolEntry
        fields = [
            "id",
            "name",
            "organisation_kind",
            "organisation",
            "email",
            "phone",
            "address",
            "user",
            "employed_by_council",
            "roles",
            "available",
            "availability",
            "day_rate",
            "fixed_fee",
            "dbs_checked_on",
            "dbs_lapsed",
            "sharing",
            "partner_council",
            "active",
            "load",
        ]

    def get_dbs_lapsed(self, obj: PoolEntry) -> bool:
        return obj.dbs_lapsed()


class PoolEntryInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    organisation_kind = serializers.ChoiceField(choices=Organisation.choices)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    employed_by_council = serializers.BooleanField(required=False)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=PoolRole.choices))
    available = serializers.BooleanField(required=False)
    availability = serializers.CharField(max_length=500, required=False, allow_blank=True)
    day_rate = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True
    )
    fixed_fee = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True
    )
    dbs_checked_on = serializers.DateField(required=False, allow_null=True)
    sharing = serializers.ChoiceField(choices=Sharing.choices, required=False)
    partner_council = serializers.CharField(max_length=120, required=False, allow_blank=True)


class PoolEntryUpdate(PoolEntryInput):
    active = serializers.BooleanField(required=False)


class PoolFiltersSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PoolRole.choices, required=False)
    sharing = serializers.ChoiceField(choices=Sharing.choices, required=False)
    organisation_kind = serializers.ChoiceField(choices=Organisation.choices, required=False)
    available = serializers.BooleanField(required=False, default=False)
    dbs_lapsed = serializers.BooleanField(required=False, default=False)
    include_left = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(required=False, max_length=120)


class OfferedQuery(serializers.Serializer):
    case = CaseReferenceField(help_text="A case reference")
    role = serializers.ChoiceField(choices=AppointmentRole.choices)


class PoolAppointInput(serializers.Serializer):
    case = CaseReferenceField(help_text="A case reference: its open stage")
    pool_entry = serializers.PrimaryKeyRelatedField(queryset=PoolEntry.objects.all())
    role = serializers.ChoiceField(choices=AppointmentRole.choices)
    on = serializers.DateField()
    fee_basis = serializers.ChoiceField(choices=FeeBasis.choices, default=FeeBasis.NONE)
    days = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)


class PoolAppointOutput(serializers.Serializer):
    appointment = serializers.IntegerField(source="appointment.pk")
    case = serializers.CharField(source="appointment.stage.case.reference")
    stage = serializers.IntegerField(source="appointment.stage.number")
    role = serializers.CharField(source="appointment.role")
    pool_entry = serializers.IntegerField(source="appointment.pool_entry_id")
    appointed_on = serializers.DateField(source="appointment.appointed_on")
    fee = serializers.DecimalField(
        source="fee.amount", max_digits=10, decimal_places=2, allow_null=True, default=None
    )
    cost = serializers.IntegerField(source="fee.cost_id", allow_null=True, default=None)
    warnings = serializers.ListField(child=serializers.CharField())


class PartnerAppointmentSerializer(serializers.ModelSerializer):
    entry = serializers.IntegerField(source="entry_id", read_only=True)

    class Meta:
        model = PartnerAppointment
        fields = ["id", "entry", "partner_council", "role", "appointed_on", "ended_on", "outcome"]


class PartnerAppointmentInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=PoolRole.choices)
    appointed_on = serializers.DateField()


class PartnerAppointmentEndInput(serializers.Serializer):
    ended_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=PartnerOutcome.choices)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return dict(data)


@extend_schema_view(
    list=extend_schema(summary="The pool, filtered", parameters=[PoolFiltersSerializer]),
    retrieve=extend_schema(
        summary="One pool entry (the read is logged)",
        responses={200: PoolEntrySerializer, 403: ERRORS[403], 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="Add a person to the pool",
        request=PoolEntryInput,
        responses={201: PoolEntrySerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a pool entry (only the fields given)",
        request=PoolEntryUpdate,
        responses={200: PoolEntrySerializer, **ERRORS},
    ),
)
class PoolViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [IsAuthenticated, PoolAccess]
    queryset = PoolEntry.objects.none()  # for the schema; get_queryset() decides
    serializer_class = PoolEntrySerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> Any:
        filters = PoolFiltersSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.pool_list(
            user=_user(self.request), filters=selectors.PoolFilters(**filters.validated_data)
        )

    def _entry(self, pk: str) -> PoolEntry:
        try:
            return selectors.pool_entry_get(user=_user(self.request), pk=int(pk), via="api")
        except AccessDenied as exc:
            raise NotFound(exc.message) from exc

    def _out(self, entry: PoolEntry, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.pool_list(
            user=_user(self.request), filters=selectors.PoolFilters(include_left=True)
        ).get(pk=entry.pk)
        return Response(PoolEntrySerializer(fresh).data, status=code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PoolEntrySerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PoolEntrySerializer(self._entry(pk)).data)

    def create(self, request: Request) -> Response:
        data = PoolEntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entry = services.pool_entry_create(actor=_user(request), **_values(data.validated_data))
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        return self._out(entry, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        entry = self._entry(pk)
        data = PoolEntryUpdate(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            entry = services.pool_entry_update(
                entry=entry, actor=_user(request), **_values(data.validated_data)
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        return self._out(entry)

    @extend_schema(
        methods=["GET"],
        summary="The appointments by the partner council this person is lent to, newest first",
        responses={
            200: PartnerAppointmentSerializer(many=True),
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    @extend_schema(
        methods=["POST"],
        summary="Record an appointment of this person by the partner council they are lent to "
        "(counted in the report's appointments made for partners, and in their load while open)",
        request=PartnerAppointmentInput,
        responses={201: PartnerAppointmentSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="partner-appointments",
        pagination_class=None,
    )
    def partner_appointments(self, request: Request, pk: str) -> Response:
        entry = self._entry(pk)
        if request.method == "GET":
            rows = entry.partner_appointments.order_by("-appointed_on", "-id")
            return Response(PartnerAppointmentSerializer(rows, many=True).data)
        data = PartnerAppointmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            made = services.partner_appointment_record(
                entry=entry, actor=_user(request), **_values(data.validated_data)
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        return Response(PartnerAppointmentSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End an appointment by a partner council: the day and how it ended (a cancelled "
        "one is not counted as made for partners)",
        request=PartnerAppointmentEndInput,
        responses={200: PartnerAppointmentSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"partner-appointments/(?P<appointment>[0-9]+)/end",
    )
    def partner_appointment_end(self, request: Request, pk: str, appointment: str) -> Response:
        entry = self._entry(pk)
        found = entry.partner_appointments.filter(pk=int(appointment)).first()
        if found is None:
            raise NotFound("This person has no partner appointment with that number.")
        data = PartnerAppointmentEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            ended = services.partner_appointment_end(
                appointment=found, actor=_user(request), **_values(data.validated_data)
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        return Response(PartnerAppointmentSerializer(ended).data)

    @extend_schema(
        summary="Who is offered for a role of a case's open stage: free, eligible, least loaded",
        parameters=[OfferedQuery],
        responses={200: PoolEntrySerializer(many=True), **ERRORS},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def offered(self, request: Request) -> Response:
        query = OfferedQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        state = CaseState(query.validated_data["case"])
        if state.stage is None:
            return Response([])
        entries = selectors.offered(stage=state.stage, role=query.validated_data["role"])
        return Response(PoolEntrySerializer(entries, many=True).data)

    @extend_schema(
        summary="Appoint a person of the pool to a case's open stage; the fee becomes an "
        "investigation cost. A lapsed DBS check is a warning, not a refusal.",
        request=PoolAppointInput,
        responses={201: PoolAppointOutput, **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="appointments")
    def appoint(self, request: Request) -> Response:
        data = PoolAppointInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            made = services.pool_appoint(actor=_user(request), **_values(data.validated_data))
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        return Response(PoolAppointOutput(made).data, status=status.HTTP_201_CREATED)
