"""The records a feedback team's work lives in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from harken.accounts.models import Team
from harken.core.models import BaseModel


class Kind(models.TextChoices):
    CONTACT = "contact", "Initial contact"
    COMPLAINT = "complaint", "Complaint"
    COMPLIMENT = "compliment", "Compliment"
    ENQUIRY = "enquiry", "Enquiry"
    COMMENT = "comment", "Comment"
    SUGGESTION = "suggestion", "Suggestion"


REPRESENTATION_KINDS = (Kind.ENQUIRY, Kind.COMMENT, Kind.SUGGESTION)


class Channel(models.TextChoices):
    WEB = "web", "Online form"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    TEXT = "text", "Text message"
    LEAFLET = "leaflet", "Leaflet"
    IN_PERSON = "in_person", "In person"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DISCONTINUED = "discontinued", "Discontinued"


class ContactOutcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved as an initial contact"
    PROGRESSED = "progressed", "Progressed to a stage 1 complaint"


class Relationship(models.TextChoices):
    CHILD = "child", "Child or young person"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    FOSTER_CARER = "foster_carer", "Foster carer"
    SPECIAL_GUARDIAN = "special_guardian", "Special guardian"
    ADVOCATE = "advocate", "Advocate"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Other"


class PartyRole(models.TextChoices):
    COMPLAINANT = "complainant", "Complainant"  # or the person paying a compliment
    CHILD = "child", "Child the case is about"


class ContactPreference(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    POST = "post", "Post"
    TEXT = "text", "Text message"
    NONE = "none", "No contact"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTIALLY_UPHELD = "partially_upheld", "Partially upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    UNABLE_TO_DETERMINE = "unable_to_determine", "Unable to determine"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AppointmentRole(models.TextChoices):
    INVESTIGATING_OFFICER = "io", "Investigating Officer"
    INDEPENDENT_PERSON = "ip", "Independent Person"
    PANEL_CHAIR = "panel_chair", "Review panel chair"
    PANEL_MEMBER = "panel_member", "Review panel member"


PANEL_ROLES = (AppointmentRole.PANEL_CHAIR, AppointmentRole.PANEL_MEMBER)


class AppointmentEnd(models.TextChoices):
    """Why an appointment ended: by hand, or because its work was over."""

    BY_HAND = "by_hand", "Ended by the feedback team"
    STAGE_CONCLUDED = "stage_concluded", "The stage concluded"
    CASE_ENDED = "case_ended", "The case was withdrawn or discontinued"


class Referral(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door / MASH"
    LADO = "lado", "Local Authority Designated Officer (LADO)"
    POLICE = "police", "Police"
    OTHER = "other", "Other"
    NONE = "none", "No referral needed"


class ThemeGroup(models.Model):
    """A grouping of themes for the administrators' list (e.g. "Staff", "Service delivery")."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    name = models.CharField(max_length=120, unique=True)
    # Retired themes stay on the records that have them and leave the lists to choose from.
    active = models.BooleanField(default=True)
    group = models.ForeignKey(
        ThemeGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="themes"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ThemeEvent(models.Model):
    """A change to a theme or a group of themes: who, when, and each field's old and new
    value (the history shown on the theme's page)."""

    class Verb(models.TextChoices):
        """What happened to the list of themes (the values are stored; never rename one)."""

        THEME_ADDED = "theme_added", "Theme added"
        THEME_CHANGED = "theme_changed", "Theme changed"
        THEME_RETIRED = "theme_retired", "Theme retired"
        THEME_RESTORED = "theme_restored", "Theme offered again"
        THEME_DELETED = "theme_deleted", "Theme deleted"
        GROUP_ADDED = "group_added", "Group of themes added"
        GROUP_RENAMED = "group_renamed", "Group of themes renamed"

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    group = models.ForeignKey(
        ThemeGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # The theme's or group's name then, kept when a theme never used is deleted.
    name = models.CharField(max_length=120)
    verb = models.CharField(max_length=20, choices=Verb.choices)
    description = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.description


class ReferenceCounter(models.Model):
    """The last reference number issued in a year (HK-2026-00042)."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Person(BaseModel):
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(max_length=500, blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    contact_preference = models.CharField(
        max_length=10, choices=ContactPreference.choices, blank=True
    )
    accessibility_needs = models.TextField(max_length=2000, blank=True)
    language = models.CharField(max_length=60, blank=True)
    looked_after = models.BooleanField(default=False)
    care_leaver = models.BooleanField(default=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name or f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Case(BaseModel):
    """A contact, complaint, compliment or representation, with its human reference."""

    reference = models.CharField(max_length=20, unique=True)
    # The reference this record had before, when it passed it on: an initial contact whose
    # reference went with it to the complaint it became (docs/domain-decisions.md).
    # A database default too, so that rows inserted in SQL (bench/populate.py) need not name it.
    previous_reference = models.CharField(max_length=20, blank=True, default="", db_default="")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    received_on = models.DateField()
    summary = models.CharField(max_length=200)
    details = models.TextField(max_length=20000, blank=True)
    teams = models.ManyToManyField(Team, blank=True, related_name="cases")
    themes = models.ManyToManyField(Theme, blank=True, related_name="cases")
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    stage_number = models.PositiveSmallIntegerField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    restricted = models.BooleanField(default=False)
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="restricted_cases"
    )
    ombudsman_involved = models.BooleanField(default=False)
    progressed_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="progressed_to"
    )
    contact_outcome = models.CharField(max_length=12, choices=ContactOutcome.choices, blank=True)
    # Contacts and representations: the answer due (local practice) and when it was given.
    due_on = models.DateField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    grounds_arose_on = models.DateField(null=True, blank=True)
    late_complaint_reason = models.TextField(max_length=2000, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(max_length=2000, blank=True)
    discontinued_on = models.DateField(null=True, blank=True)
    discontinuance_reason = models.TextField(max_length=2000, blank=True)
    # Compliments: the worker praised and when the praise was passed on.
    praised_worker = models.CharField(max_length=200, blank=True)
    passed_on_on = models.DateField(null=True, blank=True)
    # What needs doing next and by when, kept up to date by the services for the caseload.
    next_due_on = models.DateField(null=True, blank=True)
    next_due_label = models.CharField(max_length=200, blank=True)
    paused = models.BooleanField(default=False)
    # A reference from the council's old system, so importing a file twice adds nothing.
    external_reference = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "next_due_on"], name="case_open_due_idx"),
            models.Index(fields=["kind", "received_on"], name="case_kind_received_idx"),
            # The case list's order, so the API's cursor pages read a range (ADR 0130).
            models.Index(fields=["next_due_on", "received_on", "id"], name="case_list_order_idx"),
            # The open cases' ids, read without the table: where a manager's visibility
            # starts from (ADR 0131).
            models.Index(fields=["id"], condition=Q(status="open"), name="case_open_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_reference"],
                condition=~Q(external_reference=""),
                name="case_external_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["previous_reference"],
                condition=~Q(previous_reference=""),
                name="case_previous_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_complaint(self) -> bool:
        return self.kind == Kind.COMPLAINT

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class OpenTeamCase(models.Model):
    """A team link of an open case, and only of an open case (ADR 0132): where a manager's
    open-case pages and the team view start, so that their cost follows the teams' open
    cases, not every case the teams ever had. Written only by
    `cases.services.open_teams_refresh` (called by the services that create a case, change
    its teams or its status); `harken check-open-teams` reports any difference from
    `status = open` joined to the team links."""

    # The unique constraint's index (team_id, case_id) is the one the reads use.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_index=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="open_team_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "case"], name="open_team_case_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.case_id}"


class CaseParty(models.Model):
    """A person's part in a case: the complainant, or a child it is about."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=12, choices=PartyRole.choices)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, blank=True)
    # Complaining for a child: does the child know?
    child_knows = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="case_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Element(BaseModel):
    """One separate point of complaint; it gets its own outcome at each stage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="elements")
    number = models.PositiveSmallIntegerField()
    summary = models.CharField(max_length=500)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="element_number_unique")
        ]

    def __str__(self) -> str:
        return f"Element {self.number}: {self.summary}"


class Stage(BaseModel):
    """A stage of a complaint, with every milestone date and its clock's answers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    # Milestones. `received_on` is the receipt (stage 1) or the request (later stages).
    received_on = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    statement_agreed_on = models.DateField(null=True, blank=True)
    io_appointed_on = models.DateField(null=True, blank=True)
    ip_appointed_on = models.DateField(null=True, blank=True)
    panel_appointed_on = models.DateField(null=True, blank=True)
    response_sent_on = models.DateField(null=True, blank=True)
    # Planned ahead (it may be in the future); `panel_met_on` is the day it was held.
    panel_planned_on = models.DateField(null=True, blank=True)
    panel_met_on = models.DateField(null=True, blank=True)
    panel_report_sent_on = models.DateField(null=True, blank=True)
    council_response_sent_on = models.DateField(null=True, blank=True)
    late_request_reason = models.TextField(max_length=2000, blank=True)
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The clock held back (e.g. while an advocate is arranged) and when it was started.
    paused_reason = models.CharField(max_length=300, blank=True)
    clock_override_on = models.DateField(null=True, blank=True)
    # The clock's answers, stored so reports can aggregate them in SQL.
    clock_started_on = models.DateField(null=True, blank=True)
    acknowledgement_due_on = models.DateField(null=True, blank=True)
    original_due_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    due_explanation = models.CharField(max_length=500, blank=True)
    latest_extension_on = models.DateField(null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    working_days_taken = models.PositiveIntegerField(null=True, blank=True)
    within_timescale = models.BooleanField(null=True, blank=True)
    # Beside the statutory figure, where the clock starts after the request (the children's
    # stage 2 runs from the agreed statement): the working days from the request (receipt)
    # to the agreed statement, and to the conclusion.
    working_days_to_statement = models.PositiveIntegerField(null=True, blank=True)
    working_days_from_request = models.PositiveIntegerField(null=True, blank=True)
    escalation_due_on = models.DateField(null=True, blank=True)
    # Withdrawn or discontinued while this stage was open.
    ended_early_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="stage_number_unique")
        ]
        indexes = [
            models.Index(fields=["number", "received_on"], name="stage_received_idx"),
            models.Index(fields=["number", "concluded_on"], name="stage_concluded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} stage {self.number}"

    @property
    def is_open(self) -> bool:
        return self.concluded_on is None and self.ended_early_on is None


class Extension(BaseModel):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="extensions")
    new_due_on = models.DateField()
    reason = models.TextField(max_length=2000)
    complainant_told_on = models.DateField()

    class Meta:
        ordering = ["stage", "new_due_on"]

    def __str__(self) -> str:
        return f"Extended to {self.new_due_on}"


class ElementOutcome(BaseModel):
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="outcomes")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["element", "stage"], name="element_outcome_unique")
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.get_outcome_display()}"


class Appointment(BaseModel):
    """An IO, IP or panel member appointed to a stage; it lets them see the case. A user, or
    a person of the pool (`harken.pool`), with the pool entry's account if it has one."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="appointments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    pool_entry = models.ForeignKey(
        "pool.PoolEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    role = models.CharField(max_length=12, choices=AppointmentRole.choices)
    appointed_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=AppointmentEnd.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "user", "role"], name="appointment_unique"),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(pool_entry__isnull=False),
                name="appointment_has_appointee",
            ),
        ]
        indexes = [
            # The report's appointments from the pool in a period (issue 14): those rows only.
            models.Index(
                fields=["appointed_on"],
                name="appointment_pool_on_idx",
                condition=Q(pool_entry__isnull=False),
            ),
            # A pool entry's open appointments, its load on the pool's pages (issue 14).
            models.Index(
                fields=["pool_entry"],
                name="appointment_pool_open_idx",
                condition=Q(pool_entry__isnull=False, ended_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointee_name} ({self.get_role_display()})"

    @property
    def appointee_name(self) -> str:
        """Who is appointed: the pool entry's name, else the user's."""
        return str(self.pool_entry if self.pool_entry_id else self.user)


class SafeguardingConcern(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safeguarding")
    raised_on = models.DateField()
    description = models.TextField(max_length=5000)
    referred_to = models.CharField(max_length=12, choices=Referral.choices)
    referred_on = models.DateField(null=True, blank=True)
    referral_reference = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return f"Safeguarding concern raised {self.raised_on}"


class Note(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=10000)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class TimelineEvent(models.Model):
    """Something that happened to a case: who, when, what, and each field's old and new value."""

    class Verb(models.TextChoices):
        """Every kind of event on a case's timeline, with the words a person reads. A register
        record's event is the same event on its case's timeline, so the registers' verbs are
        here too (`registers.models.REGISTER_VERBS` names them). The values are stored and
        read by the API, the exports and the disposal's reduction of the trail: never rename
        one, add a new member instead."""

        # The case itself
        CREATED = "created", "Case recorded"
        UPDATED = "updated", "Case details changed"
        ELEMENT_ADDED = "element_added", "Point of complaint added"
        ELEMENT_CHANGED = "element_changed", "Point of complaint changed"
        ELEMENT_SPLIT = "element_split", "Point of complaint split"
        ELEMENTS_MERGED = "elements_merged", "Points of complaint merged"
        PERSON_ADDED = "person_added", "Person added"
        PERSON_UPDATED = "person_updated", "Person's details changed"
        ASSIGNED = "assigned", "Assigned"
        RESTRICTED = "restricted", "Access restricted or opened"
        OMBUDSMAN = "ombudsman", "Ombudsman involvement recorded"
        SAFEGUARDING = "safeguarding", "Safeguarding referral recorded"
        NOTE = "note", "Note added"
        ALIAS_ADDED = "alias_added", "Another name recorded for a person"
        PROCESSING_RESTRICTED = "processing_restricted", "Processing of a person's data restricted"
        PROCESSING_RESTRICTION_LIFTED = (
            "processing_restriction_lifted",
            "Restriction of processing lifted",
        )
        # Issue 14: children's homes, visits and drop-ins
        VISITED_IN_PERSON = "visited_in_person", "Young person visited in person"
        RAISED_AT_VISIT = "raised_at_visit", "Raised at a home visit or drop-in"
        # Initial contacts, compliments and other feedback
        RESOLVED = "resolved", "Resolved as an initial contact"
        PROGRESSED = "progressed", "Progressed to a stage 1 complaint"
        RESPONDED = "responded", "Response sent"
        PASSED_ON = "passed_on", "Passed on"
        COMPLIMENT_EMAILED = "compliment_emailed", "Compliment e-mailed"
        MESSAGE_RETRIED = "message_retried", "Message sent again"
        MESSAGE_QUEUED = "message_queued", "Message written and queued"
        MESSAGE_SENT = "message_sent", "Message sent"
        LETTER_POSTED = "letter_posted", "Letter posted by the team"
        MESSAGE_DELIVERED = "message_delivered", "Message delivered"
        MESSAGE_BOUNCED = "message_bounced", "Message bounced"
        MESSAGE_FAILED = "message_failed", "Message not delivered"
        EMAIL_RECEIVED = "email_received", "E-mail received and joined to the case"
        EMAIL_ATTACHED = "email_attached", "E-mail from the shared mailbox added to the case"
        TEXT_ATTACHED = "text_attached", "Text message from the inbox added to the case"
        # The stages of a complaint
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        PAUSED = "paused", "Stage 1 clock deferred"
        RESUMED = "resumed", "Stage 1 clock started"
        EXTENDED = "extended", "Response date extended"
        STATEMENT_AGREED = "statement_agreed", "Statement of complaint agreed"
        APPOINTED = "appointed", "Appointed"
        APPOINTMENT_ENDED = "appointment_ended", "Appointment ended"
        APPOINTMENTS_ENDED = "appointments_ended", "Appointments ended"
        PANEL_PLANNED = "panel_planned", "Review panel planned"
        PANEL_MET = "panel_met", "Review panel met"
        PANEL_REPORT = "panel_report", "Panel report sent"
        COUNCIL_RESPONSE = "council_response", "Council's response to the panel sent"
        ESCALATED = "escalated", "Escalated to the next stage"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DISCONTINUED = "discontinued", "Discontinued"
        REOPENED = "reopened", "Reopened"
        # Documents and letters, the report
        DOCUMENT_UPLOADED = "document_uploaded", "Document uploaded"
        LETTER_CREATED = "letter_created", "Letter created"
        REPORT_EXAMPLE = "report_example", "Used as an example in a report"
        REPORT_EXAMPLE_REMOVED = "report_example_removed", "No longer an example in a report"
        # The learning action plan
        RECOMMENDATION_ADDED = "recommendation_added", "Recommendation added"
        RECOMMENDATION_CHANGED = "recommendation_changed", "Recommendation changed"
        RECOMMENDATION_DECIDED = "recommendation_decided", "Recommendation decided"
        ACTION_ADDED = "action_added", "Action added"
        ACTION_CHANGED = "action_changed", "Action changed"
        ACTION_PROGRESS = "action_progress", "Action's progress recorded"
        ACTION_CANCELLED = "action_cancelled", "Action cancelled"
        # Retention
        LEGAL_HOLD_PLACED = "legal_hold_placed", "Legal hold placed"
        LEGAL_HOLD_RELEASED = "legal_hold_released", "Legal hold released"
        DISPOSED = "disposed", "Disposed of"
        # The registers (also each register record's own events)
        OMBUDSMAN_CASE_RECORDED = "ombudsman_case_recorded", "Ombudsman case recorded"
        OMBUDSMAN_CASE_UPDATED = "ombudsman_case_updated", "Ombudsman case updated"
        OMBUDSMAN_REMEDY_ADDED = "ombudsman_remedy_added", "Ombudsman remedy added"
        OMBUDSMAN_REMEDY_UPDATED = "ombudsman_remedy_updated", "Ombudsman remedy updated"
        PAYMENT_RECORDED = "payment_recorded", "Payment recorded"
        PAYMENT_UPDATED = "payment_updated", "Payment updated"
        COST_RECORDED = "cost_recorded", "Investigation cost recorded"
        COST_UPDATED = "cost_updated", "Investigation cost updated"
        RESTRICTION_RECORDED = "restriction_recorded", "Contact restriction recorded"
        RESTRICTION_UPDATED = "restriction_updated", "Contact restriction updated"
        RESTRICTION_ENDED = "restriction_ended", "Contact restriction ended"
        ADVOCACY_REFERRED = "advocacy_referred", "Advocacy referral recorded"
        ADVOCACY_UPDATED = "advocacy_updated", "Advocacy referral updated"
        SAR_RECORDED = "sar_recorded", "Subject access request recorded"
        SAR_UPDATED = "sar_updated", "Subject access request updated"
        SAR_EXTENDED = "sar_extended", "Subject access request extended"
        SAR_PAUSED = "sar_paused", "Subject access request paused"
        SAR_RESUMED = "sar_resumed", "Subject access request resumed"
        SAR_BUNDLE_STARTED = "sar_bundle_started", "Subject access bundle started"
        SAR_REDACTION_DECIDED = "sar_redaction_decided", "Redaction decided"
        SAR_REDACTION_ADDED = "sar_redaction_added", "Redaction added"
        SAR_BUNDLE_BUILT = "sar_bundle_built", "Subject access bundle built"
        SAR_BUNDLE_RELEASED = "sar_bundle_released", "Subject access bundle released"
        SAR_BUNDLE_DOWNLOADED = "sar_bundle_downloaded", "Subject access bundle downloaded"
        # Issue 14: satisfaction surveys (harken/surveys)
        SURVEY_SENT = "survey_sent", "Satisfaction survey sent"
        SURVEY_ANSWERED = "survey_answered", "Satisfaction survey answered"
        SURVEY_COMMENT_LINKED = "survey_comment_linked", "Survey comment recorded on the case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(max_length=40, choices=Verb.choices)
    description = models.CharField(max_length=500)
    # {"field": [old, new], ...}; each value as text.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at_idx")]

    def __str__(self) -> str:
        return self.description


class CaseRead(models.Model):
    """Who looked at which case, and when: every read of a case record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reads")
    # Emptied when the case is disposed of (harken/retention): the read's when and where stay.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="case_reads"
    )
    at = models.DateTimeField(auto_now_add=True)
    # Where: "web" (the case page), "api", "download"…, or the list it was shown in
    # ("caseload", "search", "api-list", "api-people", "report", "export", "register").
    via = models.CharField(max_length=20, default="web")

    class Meta:
        indexes = [models.Index(fields=["case", "at"], name="caseread_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.user} read {self.case} at {self.at}"
