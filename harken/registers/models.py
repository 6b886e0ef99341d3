"""The registers a feedback team keeps beside its cases.

- Ombudsman cases (LGSCO enquiries), linked to a case or standalone, with the remedies agreed.
- Payments (compensation and financial remedies) and investigation costs, per case.
- Unreasonably persistent or vexatious contact decisions (restrictions on a person).
- Advocacy referrals for children.
- Subject access requests (UK GDPR art. 15).

Every change goes through `harken.registers.services`; every change is a `RegisterEvent` (and,
for a record linked to a case, also an event on the case's timeline); every read of a record
page is a `RegisterRead`. Field names are documented in docs/registers.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from harken.cases.models import TimelineEvent
from harken.core.models import BaseModel


def format_money(amount: Decimal | None) -> str:
    """£1,300.00"""
    if amount is None:
        return ""
    return f"£{amount:,.2f}"


# --- Ombudsman ------------------------------------------------------------------------------


class OmbudsmanDecision(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    # Upheld: `injustice` says whether the fault caused injustice.
    UPHELD = "upheld", "Upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    CLOSED_AFTER_INITIAL_ENQUIRIES = (
        "closed_initial",
        "Closed after initial enquiries",
    )
    REFERRED_BACK = "referred_back", "Referred back for local resolution"
    NOT_IN_REMIT = "not_in_remit", "Not in remit"


class OmbudsmanCase(BaseModel):
    """An enquiry or complaint the Local Government and Social Care Ombudsman made to us.

    Linked to a `case` when it arises from one; otherwise standalone, naming the `person`
    who went to the Ombudsman and a `summary`.
    """

    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ombudsman_cases",
    )
    person = models.ForeignKey(
        "cases.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ombudsman_cases",
    )
    summary = models.CharField(max_length=200, blank=True)
    ombudsman_reference = models.CharField(max_length=40, unique=True)
    enquiry_received_on = models.DateField()
    response_due_on = models.DateField(null=True, blank=True)
    response_sent_on = models.DateField(null=True, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    decision = models.CharField(
        max_length=16, choices=OmbudsmanDecision.choices, default=OmbudsmanDecision.IN_PROGRESS
    )
    # Only for an upheld decision: True "with injustice", False "without injustice".
    injustice = models.BooleanField(null=True, blank=True)
    notes = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["-enquiry_received_on", "-id"]
        indexes = [
            models.Index(fields=["decision", "decision_on"], name="omb_decision_idx"),
            models.Index(fields=["enquiry_received_on"], name="omb_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(person__isnull=False),
                name="omb_case_or_person",
            ),
            models.CheckConstraint(
                condition=Q(decision="in_progress", decision_on__isnull=True)
                | (~Q(decision="in_progress") & Q(decision_on__isnull=False)),
                name="omb_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(decision="upheld") | Q(injustice__isnull=True),
                name="omb_injustice_only_upheld",
            ),
        ]

    def __str__(self) -> str:
        return self.ombudsman_reference

    @property
    def is_standalone(self) -> bool:
        return self.case_id is None

    @property
    def decision_label(self) -> str:
        """ "Upheld with injustice", "Not upheld", …"""
        if self.decision == OmbudsmanDecision.UPHELD and self.injustice is not None:
            return "Upheld with injustice" if self.injustice else "Upheld without injustice"
        return self.get_decision_display()


class RemedyKind(models.TextChoices):
    APOLOGY = "apology", "Apology"
    PAYMENT = "payment", "Payment"
    SERVICE_IMPROVEMENT = "service_improvement", "Service improvement"
    OTHER = "other", "Other"


class OmbudsmanRemedy(BaseModel):
    """A remedy agreed with the Ombudsman, due by a date, with evidence that we complied."""

    ombudsman_case = models.ForeignKey(
        OmbudsmanCase, on_delete=models.CASCADE, related_name="remedies"
    )
    kind = models.CharField(max_length=20, choices=RemedyKind.choices)
    description = models.TextField(max_length=2000, blank=True)
    # Payments only.
    amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    due_on = models.DateField(null=True, blank=True)
    complied_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["ombudsman_case", "due_on", "id"]
        verbose_name_plural = "Ombudsman remedies"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="payment") | Q(amount__isnull=True),
                name="remedy_amount_only_payment",
            ),
        ]

    def __str__(self) -> str:
        text = self.get_kind_display()
        if self.amount is not None:
            text += f" {format_money(self.amount)}"
        return text

    def is_overdue(self, on: dt.date) -> bool:
        return self.complied_on is None and self.due_on is not None and self.due_on < on


# --- Payments and costs ---------------------------------------------------------------------


class PaymentKind(models.TextChoices):
    COMPENSATION = "compensation", "Compensation"
    FINANCIAL_REMEDY = "financial_remedy", "Financial remedy"


class Payment(BaseModel):
    """Money paid to a complainant: compensation or another financial remedy.

    Belongs to a case, or to a standalone Ombudsman case (at least one of the two).
    """

    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    ombudsman_case = models.ForeignKey(
        OmbudsmanCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    kind = models.CharField(
        max_length=20, choices=PaymentKind.choices, default=PaymentKind.COMPENSATION
    )
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField()
    reason = models.TextField(max_length=2000)
    recommended_by_ombudsman = models.BooleanField(default=False)
    # The Ombudsman's payment remedy this pays (in full or in part): once the payments reach
    # its amount, the remedy is complied with.
    remedy = models.ForeignKey(
        OmbudsmanRemedy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )

    class Meta:
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["paid_on"], name="payment_paid_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(ombudsman_case__isnull=False),
                name="payment_case_or_ombudsman",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{format_money(self.amount)} on {self.paid_on:%d/%m/%Y}"


class CostRole(models.TextChoices):
    INVESTIGATING_OFFICER = "io", "Investigating Officer"
    INDEPENDENT_PERSON = "ip", "Independent Person"
    PANEL = "panel", "Review panel"
    OTHER = "other", "Other"


class InvestigationCost(BaseModel):
    """A fee for investigating a case: the IO, the IP or the review panel, at a stage."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="investigation_costs"
    )
    stage_number = models.PositiveSmallIntegerField(null=True, blank=True)
    role = models.CharField(max_length=8, choices=CostRole.choices)
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    incurred_on = models.DateField()
    # Who was paid: a contractor's or firm's name (not a complainant).
    supplier = models.CharField(max_length=200, blank=True)
    invoice_reference = models.CharField(max_length=60, blank=True)
    notes = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-incurred_on", "-id"]
        indexes = [models.Index(fields=["incurred_on"], name="cost_incurred_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {format_money(self.amount)}"


# --- Persistent or vexatious contact --------------------------------------------------------


class ContactRestriction(BaseModel):
    """A decision that a person's contact is unreasonably persistent or vexatious, and the
    restrictions put on it. In force from `decision_on` until `ended_on` (exclusive)."""

    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="contact_restrictions"
    )
    # The case the decision was made on, if any; the banner shows on all the person's cases.
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_restrictions",
    )
    decision_on = models.DateField()
    reason = models.TextField(max_length=5000)
    letter_issued_on = models.DateField(null=True, blank=True)
    restrictions = models.TextField(max_length=5000)
    single_point_of_contact = models.CharField(max_length=200, blank=True)
    review_on = models.DateField(null=True, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-decision_on", "-id"]
        indexes = [models.Index(fields=["person", "ended_on"], name="restriction_person_idx")]

    def __str__(self) -> str:
        return f"Contact restriction {self.pk}"

    def in_force(self, on: dt.date) -> bool:
        return self.decision_on <= on and (self.ended_on is None or self.ended_on > on)


def restrictions_in_force(on: dt.date) -> Q:
    """A filter on ContactRestriction for those in force on `on`."""
    return Q(decision_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


# --- Advocacy -------------------------------------------------------------------------------


class AdvocacyProvider(models.TextChoices):
    IN_HOUSE = "in_house", "In-house"
    INDEPENDENT = "independent", "Independent"


class AdvocacyOutcome(models.TextChoices):
    PENDING = "pending", "Awaiting outcome"
    ADVOCATE_PROVIDED = "provided", "Advocate provided"
    DECLINED = "declined", "Child declined advocacy"
    NO_CONTACT = "no_contact", "Could not contact the child"
    WITHDRAWN = "withdrawn", "Referral withdrawn"
    OTHER = "other", "Other"


class AdvocacyReferral(BaseModel):
    """A referral of a child to an advocate (s26A Children Act 1989)."""

    child = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="advocacy_referrals"
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advocacy_referrals",
    )
    referred_on = models.DateField()
    provider = models.CharField(max_length=12, choices=AdvocacyProvider.choices)
    provider_name = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(
        max_length=12, choices=AdvocacyOutcome.choices, default=AdvocacyOutcome.PENDING
    )
    outcome_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["referred_on"], name="advocacy_referred_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending", outcome_on__isnull=True)
                | (~Q(outcome="pending") & Q(outcome_on__isnull=False)),
                name="advocacy_outcome_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Advocacy referral {self.pk}"


# --- Subject access requests ----------------------------------------------------------------


class SubjectAccessRequest(BaseModel):
    """A request for a person's own data (UK GDPR art. 15), with its calendar-month clock.

    `due_on` is one calendar month after `clock_started_on` — the day the request was
    received, or the later day the requester's identity was verified — moved to the next
    working day; `due_explanation` says how. `extended_due_on` (three calendar months after
    the same start) applies only if the requester was told of the extension within the first
    month (`requester_told_of_extension_on` on or before `due_on`).
    """

    reference = models.CharField(max_length=20, unique=True)  # SAR-2026-0001
    requester = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    # Whose data, when not the requester's own (e.g. a parent asking for a child's file).
    subject = models.ForeignKey(
        "cases.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subject_access_requests_about",
    )
    received_on = models.DateField()
    description = models.TextField(max_length=5000, blank=True)
    identity_verified_on = models.DateField(null=True, blank=True)
    clock_started_on = models.DateField()
    due_on = models.DateField()
    due_explanation = models.CharField(max_length=500)
    extended_due_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(max_length=2000, blank=True)
    requester_told_of_extension_on = models.DateField(null=True, blank=True)
    pages_disclosed = models.PositiveIntegerField(null=True, blank=True)
    redactions_count = models.PositiveIntegerField(null=True, blank=True)
    redactions = models.TextField(max_length=5000, blank=True)  # what was redacted and why
    sent_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "subject access request"
        indexes = [
            models.Index(fields=["received_on"], name="sar_received_idx"),
            models.Index(fields=["sent_on"], name="sar_sent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_due_on__isnull=True)
                | Q(requester_told_of_extension_on__isnull=False),
                name="sar_extension_told",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def final_due_on(self) -> dt.date:
        return self.extended_due_on or self.due_on

    @property
    def within_time(self) -> bool | None:
        """Sent by the (extended) due date; None while not sent."""
        if self.sent_on is None:
            return None
        return self.sent_on <= self.final_due_on


class SarPauseReason(models.TextChoices):
    IDENTITY = "identity", "Waiting for the requester to confirm their identity"
    CLARIFICATION = "clarification", "Waiting for the requester to clarify what they want"


class SarPause(BaseModel):
    """A stretch in which a request's clock stood still (UK GDPR art. 12A, Data (Use and
    Access) Act 2025): from the day the requester was asked for proof of identity or for
    clarification to the day their reply arrived. Open while `ended_on` is empty."""

    sar = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=14, choices=SarPauseReason.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["sar", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="sar_pause_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["sar"], condition=Q(ended_on__isnull=True), name="sar_one_open_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sar} paused {self.started_on}"

    @property
    def days(self) -> int | None:
        """Calendar days the clock stood still (None while open)."""
        if self.ended_on is None:
            return None
        return (self.ended_on - self.started_on).days


class SarCounter(models.Model):
    """The last SAR number used in a year (a locked row, like the case references)."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


# --- Audit ----------------------------------------------------------------------------------


class Register(models.TextChoices):
    """The kind of register record an audit row is about."""

    OMBUDSMAN = "ombudsman", "Ombudsman case"
    REMEDY = "remedy", "Ombudsman remedy"
    PAYMENT = "payment", "Payment"
    COST = "cost", "Investigation cost"
    RESTRICTION = "restriction", "Contact restriction"
    ADVOCACY = "advocacy", "Advocacy referral"
    SAR = "sar", "Subject access request"


# The verbs of the register records' events: a record linked to a case has the same event on
# the case's timeline, so they are members of the timeline's one enumeration, listed here.
REGISTER_VERBS: tuple[TimelineEvent.Verb, ...] = (
    TimelineEvent.Verb.OMBUDSMAN_CASE_RECORDED,
    TimelineEvent.Verb.OMBUDSMAN_CASE_UPDATED,
    TimelineEvent.Verb.OMBUDSMAN_REMEDY_ADDED,
    TimelineEvent.Verb.OMBUDSMAN_REMEDY_UPDATED,
    TimelineEvent.Verb.PAYMENT_RECORDED,
    TimelineEvent.Verb.PAYMENT_UPDATED,
    TimelineEvent.Verb.COST_RECORDED,
    TimelineEvent.Verb.COST_UPDATED,
    TimelineEvent.Verb.RESTRICTION_RECORDED,
    TimelineEvent.Verb.RESTRICTION_UPDATED,
    TimelineEvent.Verb.RESTRICTION_ENDED,
    TimelineEvent.Verb.ADVOCACY_REFERRED,
    TimelineEvent.Verb.ADVOCACY_UPDATED,
    TimelineEvent.Verb.SAR_RECORDED,
    TimelineEvent.Verb.SAR_UPDATED,
    TimelineEvent.Verb.SAR_EXTENDED,
    TimelineEvent.Verb.SAR_PAUSED,
    TimelineEvent.Verb.SAR_RESUMED,
    TimelineEvent.Verb.SAR_BUNDLE_STARTED,
    TimelineEvent.Verb.SAR_REDACTION_DECIDED,
    TimelineEvent.Verb.SAR_REDACTION_ADDED,
    TimelineEvent.Verb.SAR_BUNDLE_BUILT,
    TimelineEvent.Verb.SAR_BUNDLE_RELEASED,
    TimelineEvent.Verb.SAR_BUNDLE_DOWNLOADED,
)


class RegisterEvent(models.Model):
    """A change to a register record: who, when, what, and each field's old and new value.

    A record linked to a case also gets the same event on the case's timeline. Remedies are
    recorded against their Ombudsman case (`register="ombudsman"`), so the Ombudsman case's
    page shows its whole history.
    """

    register = models.CharField(max_length=12, choices=Register.choices)
    record_id = models.PositiveBigIntegerField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=40, choices=[(v.value, v.label) for v in REGISTER_VERBS])
    description = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["register", "record_id", "at", "id"]
        indexes = [models.Index(fields=["register", "record_id", "at"], name="regevent_idx")]

    def __str__(self) -> str:
        return self.description


class RegisterRead(models.Model):
    """Who looked at which register record (they hold personal data), and when."""

    register = models.CharField(max_length=12, choices=Register.choices)
    record_id = models.PositiveBigIntegerField()
    # Emptied when the record's case is disposed of (harken/retention).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="register_reads"
    )
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=10, default="web")

    class Meta:
        indexes = [models.Index(fields=["register", "record_id", "at"], name="regread_idx")]

    def __str__(self) -> str:
        return f"{self.user} read {self.register} {self.record_id} at {self.at}"
