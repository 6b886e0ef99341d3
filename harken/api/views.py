"""API views: check who may ask, validate the input, call one service or selector, serialise.

Status codes: 401 without credentials; 403 for a role that may not use the endpoint (report
viewers see no case records) or may see a case but not take the action; 404 for a case the
user cannot see, exactly as for one that does not exist; 400 for bad input or a refusal by
the procedure's rules, with each field's messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db.models import Prefetch, Q, prefetch_related_objects
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.accounts.current import request_user as _user
from harken.accounts.models import Team, User
from harken.cases import selectors, services
from harken.cases.models import Case, CaseParty, Note, Person, Status, Theme
from harken.cases.workflow import CaseState
from harken.core.audit import record_reads
from harken.core.errors import AccessDenied, ApplicationError
from harken.procedures import services as procedure_services
from harken.procedures.models import Procedure, ProcedureVersion
from harken.subjectaccess import rules

from . import serializers as s
from .actions import Action, Returns
from .pagination import CasePagination, PeoplePagination

# Every error: a message, and each field's messages (nested like the input for nested input).
# Inline because a serializer field called `errors` would hide `Serializer.errors`.
ERROR = inline_serializer(
    "Error",
    fields={
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.JSONField()),
    },
)
ERRORS = {
    400: OpenApiResponse(ERROR, description="Invalid input, or refused by the procedure's rules"),
    403: OpenApiResponse(ERROR, description="Your role may not do this"),
    404: OpenApiResponse(ERROR, description="No case with that reference you can see"),
}


# --- Who may ask ----------------------------------------------------------------------------


class SeesCaseRecords(BasePermission):
    """Roles that see case records at all; report viewers see only aggregate figures."""

    message = "Your role does not give access to case records."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return access.may(request.user, access.Perm.CASE_VIEW)


class SeesAllCases(BasePermission):
    """Feedback officers and administrators: the people who record new cases."""

    message = "Only feedback officers and administrators can search people."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return access.may(request.user, access.Perm.CASES_ALL)


class IsAdministrator(BasePermission):
    message = "Only an administrator can change procedures."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return access.is_administrator(request.user)


CASE_PERMISSIONS = [IsAuthenticated, SeesCaseRecords]


# --- Cases ----------------------------------------------------------------------------------


def _visible_case(user: User, reference: str) -> Case:
    """The case to act on, if the user can see it; not a read of the record, so not logged."""
    case = access.visible_case(user, reference)
    if case is None:
        raise AccessDenied("There is no case with that reference you can see.")
    return case


def _case_detail(user: User, reference: str) -> dict[str, Any]:
    """The case's detail; a read of the record, so logged by the selector."""
    case = selectors.case_get(user=user, reference=reference, via="api")
    # The selector's prefetches cover the case page; the API also names elements' themes and
    # teams and stage responders, so fetch those in bulk too.
    prefetch_related_objects(list(case.elements.all()), "theme", "team")
    prefetch_related_objects(list(case.stages.all()), "responder")
    prefetch_related_objects(
        [case], Prefetch("notes", queryset=Note.objects.select_related("created_by"))
    )
    return dict(s.CaseDetailSerializer(case).data)


class CaseListView(generics.GenericAPIView[Case]):
    permission_classes = CASE_PERMISSIONS
    pagination_class = CasePagination
    serializer_class = s.CaseListSerializer

    @extend_schema(
        summary="The caseload: cases you can see, filtered, soonest due first",
        parameters=[s.CaseFiltersSerializer],
        responses={200: s.CaseListSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return case_page(self, request, request.query_params)

    @extend_schema(
        summary="Record a contact, complaint, compliment or representation",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        # The request in the context: a person given by id is looked up among those the user
        # may see (`VisiblePersonField`); without it no existing person could be named.
        data = s.CaseCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            case = services.case_create(actor=user, **data.validated_data)
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            raise _renamed(exc, CREATE_FIELDS) from exc
        return Response(_case_detail(user, case.reference), status=status.HTTP_201_CREATED)


def case_page(view: generics.GenericAPIView[Case], request: Request, params: Any) -> Response:
    """A page of the caseload for these filters; which cases it showed is logged."""
    filters = s.CaseFiltersSerializer(data=params)
    filters.is_valid(raise_exception=True)
    user = _user(request)
    cases = selectors.case_list(user=user, filters=selectors.CaseFilters(**filters.validated_data))
    page = view.paginate_queryset(cases) or []
    record_reads(cases=page, user=user, via="api-list")
    restricted = rules.restricted_case_ids(c.pk for c in page)
    return view.get_paginated_response(
        s.CaseListSerializer(page, many=True, context={"restricted_ids": restricted}).data
    )


class CaseSearchView(generics.GenericAPIView[Case]):
    """The case list's filters in a JSON body: a name searched (`q`) stays out of addresses
    and access logs. `page` and `page_size` stay in the query string."""

    permission_classes = CASE_PERMISSIONS
    pagination_class = CasePagination
    serializer_class = s.CaseListSerializer

    @extend_schema(
        summary="Search the cases you can see: the list's filters, POSTed",
        request=s.CaseFiltersSerializer,
        responses={200: s.CaseListSerializer(many=True), **ERRORS},
    )
    def post(self, request: Request) -> Response:
        return case_page(self, request, request.data)


# Service field names for a new person's details → the input field holding the people.
CREATE_FIELDS = {
    name: "people"
    for name in ("role", "relationship", "last_name", "contact_preference", "date_of_birth")
} | {"procedure_code": "procedure"}


def _renamed(exc: ApplicationError, fields: Mapping[str, str]) -> ApplicationError:
    """The service's error, its field names changed to the input's where they differ."""
    if isinstance(exc, AccessDenied) or not fields:
        return exc
    errors: dict[str, list[str]] = {}
    for name, messages in exc.field_errors.items():
        errors.setdefault(fields.get(name, name), []).extend(messages)
    return ApplicationError(exc.message, field_errors=errors)


class CaseDetailView(APIView):
    permission_classes = CASE_PERMISSIONS

    @extend_schema(
        summary="One case, with everything recorded on it (the read is logged)",
        responses={200: s.CaseDetailSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(_case_detail(_user(request), reference))


class CaseTimelineView(APIView):
    permission_classes = CASE_PERMISSIONS

    @extend_schema(
        summary="What happened to the case: who, when, and each field's old and new value",
        responses={200: s.TimelineEventSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        case = selectors.case_get(user=_user(request), reference=reference, via="api")
        events = selectors.case_timeline(case=case)
        return Response(s.TimelineEventSerializer(events, many=True).data)


class CaseMessagesView(APIView):
    permission_classes = CASE_PERMISSIONS

    @extend_schema(
        summary="The messages sent, or being sent, about the case, with their status (read only)",
        responses={200: s.MessageSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        from harken.notifications.outbox import messages_for_case

        case = selectors.case_get(user=_user(request), reference=reference, via="api")
        messages = list(messages_for_case(case).prefetch_related("attachments"))
        return Response(
            s.MessageSerializer(
                messages, many=True, context={"posted_by_names": _posted_by_names(messages)}
            ).data
        )

    @extend_schema(
        summary="Send an e-mail, a letter or a text to a person on the case (API 1.2)",
        request=s.MessageSendSerializer,
        responses={200: s.MessageSerializer, 201: s.MessageSerializer, **ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        from harken.notifications import sending
        from harken.notifications.models import Message

        user = _user(request)
        case = _visible_case(user, reference)
        if not sending.may_send(user, case):
            raise PermissionDenied("Your role may not send messages from this case.")
        data = s.MessageSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        key = values["idempotency_key"] or request.headers.get("Idempotency-Key", "")
        existed = bool(key) and Message.objects.filter(idempotency_key=key[:64]).exists()
        try:
            message = sending.case_message_send(
                case=case,
                actor=user,
                party_id=values["party"],
                channel=values["channel"],
                subject=values["subject"],
                body=values["body"],
                document_ids=values["documents"],
                idempotency_key=key or None,
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        return Response(
            s.MessageSerializer(message).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


def _posted_by_names(messages: list[Any]) -> dict[int, str]:
    """Who recorded each letter as posted, in one query for the list."""
    ids = {m.data.get("posted_by") for m in messages if m.data and m.data.get("posted_by")}
    if not ids:
        return {}
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))


class CaseMessagePostedView(APIView):
    permission_classes = CASE_PERMISSIONS

    @extend_schema(
        operation_id="cases_messages_posted",
        summary="Record that the team posted a letter waiting to be posted (API 1.3): the day "
        "it was posted is the step's evidence; who recorded it is `posted_by`",
        request=s.LetterPostedSerializer,
        responses={200: s.MessageSerializer, **ERRORS},
    )
    def post(self, request: Request, reference: str, message: str) -> Response:
        from harken.notifications import sending
        from harken.notifications.models import Message

        user = _user(request)
        case = _visible_case(user, reference)
        # Who may (403) before what was sent (400), as every action.
        if not access.may(user, access.Perm.OUTBOX_RETRY):
            raise PermissionDenied(
                "Only the feedback team and administrators record letters posted."
            )
        found = Message.objects.filter(case=case, reference=message).first()
        if found is None:
            raise AccessDenied("There is no message with that reference on this case.")
        data = s.LetterPostedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            posted = sending.letter_record_posted(
                message=found, actor=user, on=data.validated_data.get("posted_on")
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        posted = Message.objects.prefetch_related("attachments").get(pk=posted.pk)
        return Response(
            s.MessageSerializer(posted, context={"posted_by_names": {user.pk: user.username}}).data
        )


class CaseActionView(APIView):
    """One workflow action; `case_action` (set per URL by `action_view`) says which."""

    permission_classes = CASE_PERMISSIONS
    case_action: ClassVar[Action]

    def post(self, request: Request, reference: str) -> Response:
        user, action = _user(request), self.case_action
        case = _visible_case(user, reference)
        # Who may (403) before what was sent (400): a refusal does not depend on the input.
        if not action.transition.role_allows(user, CaseState(case)):
            raise PermissionDenied("Your role may not take this action on this case.")
        data = action.input(data=request.data, context={"request": request, "case": case})
        data.is_valid(raise_exception=True)
        try:
            on_case = {"case": case} if action.takes_case else {}
            result = action.service(**on_case, actor=user, **data.validated_data)
        except AccessDenied as exc:
            # The user can see the case (checked above) but their role may not do this.
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            raise _renamed(exc, action.fields) from exc
        if action.returns is Returns.CREATED:
            assert action.output is not None  # noqa: S101
            return Response(action.output(result).data, status=status.HTTP_201_CREATED)
        if action.returns is Returns.NEW_CASE:
            return Response(_case_detail(user, result.reference), status=status.HTTP_201_CREATED)
        return Response(_case_detail(user, case.reference))


def action_view(action: Action) -> Any:
    """A view class for one action, so each has its own path and request body in the schema."""
    if action.returns is Returns.CREATED:
        assert action.output is not None  # noqa: S101
        responses: dict[int, Any] = {201: action.output}
    elif action.returns is Returns.NEW_CASE:
        responses = {201: s.CaseDetailSerializer}
    else:
        responses = {200: s.CaseDetailSerializer}
    view: type[CaseActionView] = type(
        f"Case{action.name.title().replace('-', '')}View",
        (CaseActionView,),
        {"case_action": action, "__doc__": action.summary},
    )
    schema = extend_schema(
        operation_id=f"cases_{action.name.replace('-', '_')}",
        summary=action.summary,
        request=action.input,
        responses={**responses, **ERRORS},
        tags=["case actions"],
    )
    decorated: type[CaseActionView] = extend_schema_view(post=schema)(view)
    return decorated.as_view()


# --- People ---------------------------------------------------------------------------------


class PersonSearchView(generics.GenericAPIView[Person]):
    """Find a person already known, to link them to a new case rather than duplicate them."""

    permission_classes = [IsAuthenticated, SeesAllCases]
    pagination_class = PeoplePagination
    serializer_class = s.PersonMatchSerializer

    @extend_schema(
        summary="Search people by name or e-mail",
        parameters=[s.PersonSearchSerializer],
        responses={200: s.PersonMatchSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        return self._search(request, request.query_params)

    @extend_schema(
        summary="Search people by name or e-mail, POSTed: what was typed stays out of logs",
        request=s.PersonSearchSerializer,
        responses={200: s.PersonMatchSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def post(self, request: Request) -> Response:
        return self._search(request, request.data)

    def _search(self, request: Request, params: Any) -> Response:
        query = s.PersonSearchSerializer(data=params)
        query.is_valid(raise_exception=True)
        people = access.visible_people(_user(request))
        for word in query.validated_data["q"].split():
            people = people.filter(
                Q(first_name__istartswith=word)
                | Q(last_name__istartswith=word)
                | Q(email__icontains=word)
            )
        open_parties = CaseParty.objects.filter(
            case__in=access.visible_cases(_user(request)), case__status=Status.OPEN
        ).select_related("case")
        people = people.prefetch_related(
            Prefetch("parties", queryset=open_parties, to_attr="visible_open_parties")
        ).order_by("last_name", "first_name", "id")
        page = self.paginate_queryset(people) or []
        # The open cases each person shown is on are named in the answer: reads of them.
        shown = [p.case_id for person in page for p in getattr(person, "visible_open_parties", [])]
        record_reads(cases=shown, user=_user(request), via="api-people")
        return self.get_paginated_response(s.PersonMatchSerializer(page, many=True).data)


# --- Reference data -------------------------------------------------------------------------


class TeamListView(generics.ListAPIView[Team]):
    pagination_class = None
    serializer_class = s.TeamSerializer
    queryset = Team.objects.select_related("service_area").order_by("name")


class ThemeListView(generics.ListAPIView[Theme]):
    pagination_class = None
    serializer_class = s.ThemeSerializer
    queryset = Theme.objects.select_related("group").order_by("name")


class ProcedureListView(generics.ListAPIView[Procedure]):
    """Each procedure and its current version's definition."""

    pagination_class = None
    serializer_class = s.ProcedureSerializer
    queryset = Procedure.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=ProcedureVersion.objects.select_related("procedure", "created_by").order_by(
                "-number"
            ),
        )
    ).order_by("name")


class ProcedureVersionCreateView(APIView):
    permission_classes = [IsAuthenticated, IsAdministrator]

    @extend_schema(
        summary="Add a procedure, or a new version of one (existing cases keep theirs)",
        request=s.ProcedureVersionInput,
        responses={201: s.ProcedureVersionSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def post(self, request: Request) -> Response:
        data = s.ProcedureVersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = procedure_services.procedure_version_create(
            actor=_user(request), **data.validated_data
        )
        return Response(s.ProcedureVersionSerializer(version).data, status=status.HTTP_201_CREATED)
