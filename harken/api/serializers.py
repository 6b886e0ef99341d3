"""What the API reads and writes. Serializers check shapes and types only: the rules are the
services' (an `ApplicationError` from a service becomes a 400 with the same messages).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from harken import access
from harken.accounts.models import Team, User
from harken.cases import services
from harken.cases.models import (
    Appointment,
    AppointmentRole,
    Case,
    CaseParty,
    Channel,
    ContactPreference,
    Element,
    ElementOutcome,
    Extension,
    Kind,
    Note,
    Outcome,
    PartyRole,
    Person,
    Referral,
    Relationship,
    SafeguardingConcern,
    Stage,
    Status,
    Theme,
    TimelineEvent,
)
from harken.notifications.models import Message
from harken.procedures.models import Procedure, ProcedureVersion

# --- Output: reference data -----------------------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    """A member of staff or an appointee: their id and the name they are known by."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class TeamSerializer(serializers.ModelSerializer):
    service_area = serializers.CharField(source="service_area.name", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "service_area", "default_procedure_code", "active"]


class ThemeSerializer(serializers.ModelSerializer):
    group = serializers.CharField(
        source="group.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Theme
        fields = ["id", "name", "active", "group"]


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProcedureVersionSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.code", read_only=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProcedureVersion
        fields = ["procedure", "number", "note", "created_at", "created_by", "definition"]


class ProcedureSerializer(serializers.ModelSerializer):
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = ["code", "name", "kind", "active", "current_version"]

    @extend_schema_field(ProcedureVersionSerializer(allow_null=True))
    def get_current_version(self, procedure: Procedure) -> dict[str, Any] | None:
        # Versions are prefetched newest first, so the first is current.
        versions = list(procedure.versions.all())
        if not versions:
            return None
        return dict(ProcedureVersionSerializer(versions[0]).data)


# --- Output: cases --------------------------------------------------------------------------


class ProcessingRestrictedMixin(serializers.Serializer):
    """Whether a person on the case is under a restriction of processing (UK GDPR art. 18):
    the case may still be listed, marked, and used only as the restriction allows (ADR 0150).
    A list passes the page's restricted cases in `context["restricted_ids"]` (one query)."""

    processing_restricted = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_processing_restricted(self, case: Case) -> bool:
        from harken.subjectaccess import rules

        known = self.context.get("restricted_ids")
        if known is not None:
            return case.pk in known
        return bool(rules.case_restrictions(case))


class CaseListSerializer(ProcessingRestrictedMixin, serializers.ModelSerializer):
    """A caseload row. No complainant's or child's name: bulk listings carry no personal data."""

    procedure = serializers.CharField(
        source="procedure_version.procedure.code", read_only=True, allow_null=True, default=None
    )
    teams: serializers.SlugRelatedField[Team] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    themes: serializers.SlugRelatedField[Theme] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "reference",
            "kind",
            "status",
            "channel",
            "received_on",
            "summary",
            "procedure",
            "stage_number",
            "next_due_on",
            "next_due_label",
            "paused",
            "teams",
            "themes",
            "assigned_to",
            "processing_restricted",
        ]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "full_name", *services.PERSON_FIELDS]


class PartySerializer(serializers.ModelSerializer):
    person = PersonSerializer(read_only=True)

    class Meta:
        model = CaseParty
        fields = ["id", "role", "relationship", "child_knows", "person"]


class ElementSerializer(serializers.ModelSerializer):
    theme = RefSerializer(read_only=True, allow_null=True)
    team = RefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Element
        fields = ["id", "number", "summary", "theme", "team"]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = ["id", "new_due_on", "reason", "complainant_told_on", "created_at"]


class AppointmentSerializer(serializers.ModelSerializer):
    # Null for a person of the pool without an account (API 1.3.0; `pool_entry` says who).
    user = UserRefSerializer(read_only=True, allow_null=True)
    pool_entry = serializers.IntegerField(source="pool_entry_id", read_only=True, allow_null=True)
    appointee = serializers.CharField(source="appointee_name", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "user", "pool_entry", "appointee", "role", "appointed_on", "ended_on"]


class ElementOutcomeSerializer(serializers.ModelSerializer):
    element = serializers.IntegerField(source="element_id", read_only=True)

    class Meta:
        model = ElementOutcome
        fields = ["element", "outcome"]


class StageSerializer(serializers.ModelSerializer):
    """A stage: every milestone, and the clock's answers stored by the services."""

    name = serializers.SerializerMethodField()
    responder = UserRefSerializer(read_only=True, allow_null=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    appointments = AppointmentSerializer(many=True, read_only=True)
    outcomes = ElementOutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = Stage
        fields = [
            "number",
            "name",
            "received_on",
            "acknowledged_on",
            "statement_agreed_on",
            "io_appointed_on",
            "ip_appointed_on",
            "panel_appointed_on",
            "response_sent_on",
            "panel_planned_on",
            "panel_met_on",
            "panel_report_sent_on",
            "council_response_sent_on",
            "late_request_reason",
            "responder",
            "paused_reason",
            "clock_override_on",
            "clock_started_on",
            "acknowledgement_due_on",
            "original_due_on",
            "due_on",
            "due_explanation",
            "latest_extension_on",
            "concluded_on",
            "working_days_taken",
            "within_timescale",
            "working_days_to_statement",
            "working_days_from_request",
            "escalation_due_on",
            "ended_early_on",
            "extensions",
            "appointments",
            "outcomes",
        ]

    def get_name(self, stage: Stage) -> str:
        version = stage.case.procedure_version
        if version is None or not version.spec.has_stage(stage.number):
            return f"Stage {stage.number}"
        return version.spec.stage(stage.number).name


class SafeguardingSerializer(serializers.ModelSerializer):
    class Meta:
        model = SafeguardingConcern
        fields = [
            "id",
            "raised_on",
            "description",
            "referred_to",
            "referred_on",
            "referral_reference",
            "created_at",
        ]


class NoteSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(source="created_by", read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "text", "author", "created_at"]


class ProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="procedure.code", read_only=True)
    name = serializers.CharField(source="procedure.name", read_only=True)
    version = serializers.IntegerField(source="number", read_only=True)


class CaseDetailSerializer(ProcessingRestrictedMixin, serializers.ModelSerializer):
    """Everything about one case; safeguarding concerns come first so no client can miss them."""

    safeguarding = SafeguardingSerializer(many=True, read_only=True)
    procedure = ProcedureRefSerializer(source="procedure_version", read_only=True, allow_null=True)
    teams = RefSerializer(many=True, read_only=True)
    themes = RefSerializer(many=True, read_only=True)
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)
    restricted_to = UserRefSerializer(many=True, read_only=True)
    progressed_from = serializers.CharField(
        source="progressed_from.reference", read_only=True, allow_null=True, default=None
    )
    progressed_to = serializers.CharField(
        source="progressed_to.reference", read_only=True, allow_null=True, default=None
    )
    parties = PartySerializer(many=True, read_only=True)
    elements = ElementSerializer(many=True, read_only=True)
    stages = StageSerializer(many=True, read_only=True)
    notes = NoteSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "safeguarding",
            "reference",
            "previous_reference",
            "kind",
            "status",
            "channel",
            "received_on",
            "summary",
            "details",
            "procedure",
            "stage_number",
            "teams",
            "themes",
            "assigned_to",
            "restricted",
            "restricted_to",
            "ombudsman_involved",
            "progressed_from",
            "progressed_to",
            "contact_outcome",
            "due_on",
            "responded_on",
            "closed_on",
            "grounds_arose_on",
            "late_complaint_reason",
            "withdrawn_on",
            "withdrawal_reason",
            "discontinued_on",
            "discontinuance_reason",
            "praised_worker",
            "passed_on_on",
            "next_due_on",
            "next_due_label",
            "paused",
            "external_reference",
            "created_at",
            "modified_at",
            "parties",
            "elements",
            "stages",
            "notes",
            "processing_restricted",
        ]


class TimelineEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", read_only=True, allow_null=True)
    # Text, as before the verbs became an enumeration (TimelineEvent.Verb): a new verb is
    # added there often, and a client generated from an enum would refuse it.
    verb = serializers.CharField(read_only=True)
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True)), read_only=True
    )

    class Meta:
        model = TimelineEvent
        fields = ["at", "actor", "verb", "description", "changes"]


class MessageSerializer(serializers.ModelSerializer):
    """A message of the one outbox (docs/email.md): what it is, to whom, where it stands."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    to = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Message
        fields = [
            "reference",
            "channel",
            "kind",
            "kind_label",
            "to",
            "status",
            "status_label",
            "attempts",
            "last_error",
            "created_at",
            "next_attempt_at",
            "sent_at",
            # API 1.2 (issue 13), added: what became of it, and a message written on a case.
            "delivered_at",
            "delivery_detail",
            "subject",
            "body",
            "documents",
            # API 1.3, added: who recorded a letter the team posted (its day is `sent_at`).
            "posted_by",
        ]
        read_only_fields = fields

    documents = serializers.SerializerMethodField()
    posted_by = serializers.SerializerMethodField()

    def get_posted_by(self, message: Message) -> str | None:
        """The username of whoever recorded the letter as posted by the team; else null."""
        pk = (message.data or {}).get("posted_by")
        if not pk:
            return None
        names = self.context.get("posted_by_names")
        if names is None:
            from harken.accounts.models import User

            return User.objects.filter(pk=pk).values_list("username", flat=True).first()
        return names.get(pk)

    def get_documents(self, message: Message) -> list[str]:
        """The ids of the case documents it carried, in order (a posted letter: its PDF)."""
        return [str(a.document_id) for a in message.attachments.all()]


class MessageSendSerializer(serializers.Serializer):
    """Send an e-mail, a letter or a text from the case (API 1.2): the same service and the
    same refusals as the staff page."""

    party = serializers.IntegerField(
        help_text="The id of a party on the case (the case's `parties`)"
    )
    channel = serializers.ChoiceField(choices=["email", "letter", "sms"])
    subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    documents = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=20
    )
    idempotency_key = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=64,
        help_text="Sending again with the same key returns the message already made (200), "
        "never a second message. The Idempotency-Key header does the same.",
    )


class LetterPostedSerializer(serializers.Serializer):
    """Record that the team posted a letter Harken could not post itself (API 1.3)."""

    posted_on = serializers.DateField(
        required=False,
        help_text="The day it went in the post (default today): today or earlier, not before "
        "the letter was written. It is the step's evidence.",
    )


class PersonMatchSerializer(serializers.ModelSerializer):
    """A person-finder result: enough to tell people apart, and their open cases."""

    name = serializers.CharField(source="full_name", read_only=True)
    open_cases = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "date_of_birth", "open_cases"]

    def get_open_cases(self, person: Person) -> list[str]:
        # `visible_open_parties` is prefetched by the view with the user's visibility applied.
        return sorted({p.case.reference for p in getattr(person, "visible_open_parties", [])})


# --- Input: queries -------------------------------------------------------------------------


class CaseFiltersSerializer(serializers.Serializer):
    """The caseload's query parameters; each becomes a field of `CaseFilters`."""

    kind = serializers.ChoiceField(choices=Kind.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    procedure = serializers.CharField(required=False, allow_blank=True, max_length=40)
    stage = serializers.IntegerField(required=False, min_value=1, max_value=99)
    team = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
    theme = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
    assigned_to = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
    received_from = serializers.DateField(required=False)
    received_to = serializers.DateField(required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("received_from"), attrs.get("received_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"received_to": ["The end of the range must be on or after its start."]}
            )
        return attrs


class PersonSearchSerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=100)


# --- Input: creating records and the actions on them ---------------------------------------

active_users = User.objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class VisiblePersonField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A person by id, among those the requesting user may see (`access.visible_people`)."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return access.visible_people(getattr(request, "user", None))


class PersonInputSerializer(serializers.Serializer):
    """A person on a case: an existing person's id, or a new person's details."""

    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.COMPLAINANT)
    relationship = serializers.ChoiceField(
        choices=Relationship.choices, required=False, allow_blank=True, default=""
    )
    child_knows = serializers.BooleanField(required=False, allow_null=True, default=None)
    person = VisiblePersonField(required=False, allow_null=True, default=None)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=12)
    contact_preference = serializers.ChoiceField(
        choices=ContactPreference.choices, required=False, allow_blank=True
    )
    accessibility_needs = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    language = serializers.CharField(required=False, allow_blank=True, max_length=60)
    looked_after = serializers.BooleanField(required=False)
    care_leaver = serializers.BooleanField(required=False)

    def to_person_input(self, data: dict[str, Any]) -> services.PersonInput:
        details = {k: v for k, v in data.items() if k in services.PERSON_FIELDS}
        person = data.get("person")
        return services.PersonInput(
            role=data["role"],
            relationship=data.get("relationship", ""),
            person=person,
            child_knows=data.get("child_knows"),
            details={} if person is not None else details,
        )


class ElementInputSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=500)
    theme = serializers.PrimaryKeyRelatedField(
        queryset=Theme.objects.all(), required=False, allow_null=True, default=None
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True, default=None
    )


def _element_inputs(items: list[dict[str, Any]]) -> list[services.ElementInput]:
    return [services.ElementInput(**item) for item in items]


class CaseCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    teams = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), many=True, required=False
    )
    themes = serializers.PrimaryKeyRelatedField(
        queryset=Theme.objects.all(), many=True, required=False
    )
    procedure = serializers.CharField(
        source="procedure_code", required=False, allow_blank=True, max_length=40
    )
    people: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PersonInputSerializer(), required=False, max_length=services.MAX_PEOPLE
    )
    elements: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=ElementInputSerializer(), required=False, max_length=services.MAX_ELEMENTS
    )
    restricted = serializers.BooleanField(required=False, default=False)
    restricted_to = serializers.PrimaryKeyRelatedField(
        queryset=active_users, many=True, required=False
    )
    grounds_arose_on = serializers.DateField(required=False, allow_null=True)
    late_complaint_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    praised_worker = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["procedure_code"] = attrs.get("procedure_code") or None
        people = PersonInputSerializer()
        attrs["people"] = [people.to_person_input(p) for p in attrs.get("people", [])]
        attrs["elements"] = _element_inputs(attrs.get("elements", []))
        return attrs


# Each action's input: field names are the service's keyword arguments, so the view can call
# `service(case=..., actor=..., **validated_data)` for every action alike.


class OnInput(serializers.Serializer):
    on = serializers.DateField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OnReasonInput(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class PauseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ExtendInput(serializers.Serializer):
    new_due_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
    complainant_told_on = serializers.DateField()


class AppointInput(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=active_users)
    role = serializers.ChoiceField(choices=AppointmentRole.choices)
    on = serializers.DateField()


class OutcomeInput(serializers.Serializer):
    element = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class OutcomesInput(serializers.Serializer):
    on = serializers.DateField()
    outcomes: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=OutcomeInput(), max_length=services.MAX_ELEMENTS
    )

    def validate_outcomes(self, value: list[dict[str, Any]]) -> dict[int, str]:
        outcomes = {item["element"]: item["outcome"] for item in value}
        if len(outcomes) != len(value):
            raise serializers.ValidationError("Give each element one outcome.")
        return outcomes


class RespondInput(OutcomesInput):
    responder = serializers.PrimaryKeyRelatedField(queryset=active_users, required=False)


class EscalateInput(serializers.Serializer):
    requested_on = serializers.DateField()
    late_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AssignInput(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=active_users, allow_null=True)


class ProgressInput(serializers.Serializer):
    on = serializers.DateField()
    procedure = serializers.CharField(
        source="procedure_code", required=False, allow_blank=True, max_length=40
    )
    elements: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=ElementInputSerializer(), required=False, max_length=services.MAX_ELEMENTS
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["procedure_code"] = attrs.get("procedure_code") or None
        attrs["elements"] = _element_inputs(attrs.get("elements", []))
        return attrs


class ElementAddInput(ElementInputSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"item": services.ElementInput(**attrs)}


class PersonAddInput(PersonInputSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"item": self.to_person_input(attrs)}


class SafeguardingInput(serializers.Serializer):
    raised_on = serializers.DateField()
    description = serializers.CharField(max_length=5000)
    referred_to = serializers.ChoiceField(choices=Referral.choices)
    referred_on = serializers.DateField(required=False, allow_null=True)
    referral_reference = serializers.CharField(required=False, allow_blank=True, max_length=60)


class VisitedInPersonInput(serializers.Serializer):
    on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class NoteInput(serializers.Serializer):
    text = serializers.CharField(max_length=10000)


class OmbudsmanInput(serializers.Serializer):
    involved = serializers.BooleanField()


class RestrictInput(serializers.Serializer):
    restricted = serializers.BooleanField()
    people = serializers.PrimaryKeyRelatedField(queryset=active_users, many=True, default=list)


class ProcedureVersionInput(serializers.Serializer):
    definition = serializers.DictField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- Input: changing points of complaint ------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class CasePointField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A point of complaint by id, among those of the case in the URL."""

    def get_queryset(self) -> Any:
        case = self.context.get("case")
        return Element.objects.filter(case=case) if case is not None else Element.objects.none()


def _optional(model: Any) -> Any:
    return serializers.PrimaryKeyRelatedField(
        queryset=model.objects.all(), required=False, allow_null=True, default=None
    )


class ChangeElementInput(serializers.Serializer):
    element = CasePointField()
    summary = serializers.CharField(max_length=500)
    theme = _optional(Theme)
    team = _optional(Team)


class SplitElementInput(serializers.Serializer):
    element = CasePointField()
    parts = ElementInputSerializer(many=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["parts"] = _element_inputs(attrs["parts"])
        return attrs


class MergeElementsInput(serializers.Serializer):
    elements = CasePointField(many=True)
    summary = serializers.CharField(max_length=500)
    theme = _optional(Theme)
    team = _optional(Team)


@extend_schema_field(OpenApiTypes.INT)
class CaseAppointmentField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """An appointment by id, among those to the stages of the case in the URL."""

    def get_queryset(self) -> Any:
        case = self.context.get("case")
        if case is None:
            return Appointment.objects.none()
        return Appointment.objects.filter(stage__case=case).select_related("stage__case", "user")


class EndAppointmentInput(serializers.Serializer):
    appointment = CaseAppointmentField()
    on = serializers.DateField()


@extend_schema_field(OpenApiTypes.INT)
class CasePersonField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A person by id, among those linked to the case in the URL."""

    def get_queryset(self) -> Any:
        case = self.context.get("case")
        if case is None:
            return Person.objects.none()
        return Person.objects.filter(parties__case=case).distinct()


def _at_least_one(attrs: dict[str, Any], names: Any) -> dict[str, Any]:
    if not any(name in attrs for name in names):
        raise serializers.ValidationError(f"Give at least one of: {', '.join(names)}.")
    return attrs


class EditInput(serializers.Serializer):
    """The details of the case to change; those left out stay as they are."""

    FIELDS = ("summary", "details", "channel", "praised_worker", "teams", "themes")

    summary = serializers.CharField(required=False, max_length=200)
    details = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    praised_worker = serializers.CharField(required=False, allow_blank=True, max_length=200)
    teams = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), many=True, required=False
    )
    themes = serializers.PrimaryKeyRelatedField(
        queryset=Theme.objects.all(), many=True, required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _at_least_one(attrs, self.FIELDS)


class EditPersonInput(serializers.Serializer):
    """A person linked to the case and the details to change; those left out stay."""

    person = CasePersonField()
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=12)
    contact_preference = serializers.ChoiceField(
        choices=ContactPreference.choices, required=False, allow_blank=True
    )
    accessibility_needs = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    language = serializers.CharField(required=False, allow_blank=True, max_length=60)
    looked_after = serializers.BooleanField(required=False)
    care_leaver = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _at_least_one(attrs, services.PERSON_FIELDS)
