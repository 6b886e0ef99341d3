"""What a subject access request needs beyond the register: the names a person is also known
by, the text of documents (so a person named in one is found), and the disclosure bundles
with each redaction proposed, decided and (if accepted) applied.

Every change goes through `harken.subjectaccess.services` and is a `RegisterEvent` of the
request it belongs to (aliases and document text belong to no request: their changes are
events on the person's cases, see the services).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from harken.core.models import BaseModel


class PersonAlias(BaseModel):
    """Another name a person is known by (a former surname, a nickname): the person search
    looks for these as for their name."""

    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["person", "name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="person_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentText(models.Model):
    """The text extracted from a stored document (PDF, Word, plain text), so a search for a
    person also looks inside documents. Empty where nothing could be extracted."""

    document = models.OneToOneField(
        "documents.Document", on_delete=models.CASCADE, related_name="extracted_text"
    )
    text = models.TextField(blank=True)
    extracted_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Text of document {self.document_id}"


class BundleStatus(models.TextChoices):
    REVIEW = "review", "Redactions to review"
    BUILT = "built", "Built"
    RELEASED = "released", "Released to the requester"


class Bundle(BaseModel):
    """A disclosure bundle for a subject access request: the person's records and original
    documents with the accepted redactions removed, and a PDF index with the redaction log.
    The file (a zip) is kept in the documents storage (encrypted at rest when configured)."""

    sar = models.ForeignKey(
        "registers.SubjectAccessRequest", on_delete=models.PROTECT, related_name="bundles"
    )
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=BundleStatus.choices, default=BundleStatus.REVIEW
    )
    cases = models.ManyToManyField("cases.Case", related_name="+", blank=True)
    storage_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_method = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["sar", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"Bundle {self.pk} for {self.sar}"


class RedactionKind(models.TextChoices):
    THIRD_PARTY = "third_party", "Another person named on the case"
    EMAIL = "email", "E-mail address"
    PHONE = "phone", "Phone number"
    NHS_NUMBER = "nhs_number", "NHS number"
    NI_NUMBER = "ni_number", "National Insurance number"
    POSTCODE = "postcode", "Postcode"


class RedactionDecision(models.TextChoices):
    PROPOSED = "proposed", "To review"
    ACCEPTED = "accepted", "Redact"
    REJECTED = "rejected", "Disclose"


class RedactionReason(models.TextChoices):
    """Why a piece of text was withheld (the redaction log's reason codes)."""

    THIRD_PARTY = "TP", "TP: third party's personal data, no consent and not reasonable"
    CONTACT = "CD", "CD: another person's contact details"
    SAFEGUARDING = "SG", "SG: disclosure would risk serious harm (safeguarding)"
    SOCIAL_WORK = "SW", "SW: social work exemption (DPA 2018 Sch 3)"
    LEGAL = "LP", "LP: legal professional privilege"


class Redaction(models.Model):
    """One proposed redaction in a bundle: a piece of text (every place it occurs in the
    bundle's records and documents), why it was proposed, and the officer's decision."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="redactions")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=RedactionKind.choices)
    occurrences = models.PositiveIntegerField(default=0)
    decision = models.CharField(
        max_length=10, choices=RedactionDecision.choices, default=RedactionDecision.PROPOSED
    )
    reason = models.CharField(max_length=2, choices=RedactionReason.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bundle", "kind", "text", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "text"], name="redaction_unique_text"),
            models.CheckConstraint(
                condition=~models.Q(decision="accepted") | ~models.Q(reason=""),
                name="redaction_accepted_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_decision_display()})"


class RightsKind(models.TextChoices):
    RECTIFICATION = "rectification", "Rectification (art. 16): correct their details"
    RESTRICTION = "restriction", "Restriction (art. 18): limit how their data is used"
    ERASURE = "erasure", "Erasure (art. 17): delete their data"


class RightsStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Carried out"
    REFUSED = "refused", "Refused"


class RefusalReason(models.TextChoices):
    """Why a request may be refused, as the law allows."""

    MUST_KEEP = (
        "must_keep",
        (
            "A record the council must keep (the complaints record kept under the 2006 and 2009 "
            "Regulations; art. 17(3)(b))"
        ),
    )
    ACCURATE = "accurate", "The record is accurate (an opinion recorded as the writer's)"
    LEGAL_CLAIMS = "legal_claims", "Needed for legal claims (art. 17(3)(e), 18(2))"
    PUBLIC_TASK = "public_task", "Needed for the council's public task (art. 17(3)(b), 21)"
    UNFOUNDED = "unfounded", "Manifestly unfounded or excessive (art. 12(5))"


class RightsRequest(BaseModel):
    """A request to correct, restrict or erase a person's data: recorded, then carried out
    through the services or refused with a reason the law allows; due one calendar month
    after receipt (art. 12(3))."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=RightsKind.choices)
    received_on = models.DateField()
    due_on = models.DateField()
    due_explanation = models.CharField(max_length=500)
    description = models.TextField(max_length=5000)
    status = models.CharField(max_length=8, choices=RightsStatus.choices, default="open")
    decided_on = models.DateField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=14, choices=RefusalReason.choices, blank=True)
    outcome = models.TextField(max_length=5000, blank=True)
    # A restriction carried out holds (harken.subjectaccess.rules) until it is lifted.
    lifted_on = models.DateField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(
                fields=["person"],
                condition=models.Q(kind="restriction", status="done", lifted_on__isnull=True),
                name="rights_restriction_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {self.pk}"


class RightsRequestEvent(models.Model):
    """A change to a rights request: who, when, what, each field's old and new value."""

    class Verb(models.TextChoices):
        """What happened to a rights request (stored: never rename one)."""

        RECORDED = "rights_recorded", "Request recorded"
        CARRIED_OUT = "rights_carried_out", "Request carried out"
        REFUSED = "rights_refused", "Request refused"
        LIFTED = "rights_lifted", "Restriction lifted"

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=30, choices=Verb.choices)
    description = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["request", "at", "id"]

    def __str__(self) -> str:
        return self.description
