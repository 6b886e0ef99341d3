"""The retention schedule, legal holds, and the disposal runs that anonymise what is due."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RecordKind(models.TextChoices):
    """The kinds of record the schedule has a rule for. A case about a looked-after child
    follows the looked-after rule whatever its own kind (it is kept longer)."""

    COMPLAINT = "complaint", "Complaints"
    CONTACT = "contact", "Initial contacts"
    COMPLIMENT = "compliment", "Compliments"
    REPRESENTATION = "representation", "Enquiries, comments and suggestions"
    LOOKED_AFTER = "looked_after", "Cases about a looked-after child"
    # Register records not linked to a case (a linked one goes with its case).
    SAR = "sar", "Subject access requests"
    OMBUDSMAN = "ombudsman", "Ombudsman cases not linked to a case"
    RESTRICTION = "restriction", "Contact restrictions not linked to a case"
    ADVOCACY = "advocacy", "Advocacy referrals not linked to a case"
    # Records about a person that are no register's (docs/adr/0152).
    RIGHTS = "rights", "Rectification, restriction and erasure requests"
    MAIL = "mail", "Shared mailbox e-mails not made into a record"
    # Issue 14 (docs/adr/0250): a survey comment on no case, and a person who left the pool.
    SURVEY_COMMENT = "survey_comment", "Survey comments not linked to a case"
    POOL = "pool", "People who have left the pool of independent people"
    # Issue 14 (homes): records of the children's homes, which name no child.
    HOME_VISIT = "home_visit", "Regulation 44 visits and their reports"
    DROP_IN = "drop_in", "Drop-ins with young people"


class Basis(models.TextChoices):
    """What the years of a rule are counted from."""

    CLOSURE = "closure", "After the case was closed, withdrawn or discontinued"
    LAST_ENTRY = "last_entry", "After the last entry on the case"
    BIRTHDAY_75 = "birthday_75", "Until the child's 75th birthday"


class RetentionRule(models.Model):
    """How long one kind of record is kept. Changed only through the services, which keep
    each version in `RetentionRuleVersion`."""

    kind = models.CharField(max_length=20, choices=RecordKind.choices, unique=True)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    years = models.PositiveSmallIntegerField()
    # Where the period comes from (the shipped defaults cite the IRMS toolkit).
    source = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def description(self) -> str:
        if self.basis == Basis.BIRTHDAY_75:
            return "Until the child's 75th birthday"
        unit = "year" if self.years == 1 else "years"
        after = "closure" if self.basis == Basis.CLOSURE else "the last entry"
        return f"{self.years} {unit} after {after}"


class RetentionRuleVersion(models.Model):
    """One version of a rule: what it said, why it changed, who changed it and when."""

    rule = models.ForeignKey(RetentionRule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    basis = models.CharField(max_length=20, choices=Basis.choices)
    years = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="retention_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule} v{self.version}"


class HoldReason(models.TextChoices):
    OMBUDSMAN = "ombudsman", "An open Ombudsman case"
    LITIGATION = "litigation", "Litigation"
    INQUIRY = "inquiry", "An inquiry"
    SAR = "sar", "A live subject access request about the person"
    OTHER = "other", "Another reason"


class LegalHold(models.Model):
    """Stops the disposal of a case (and everything kept with it) until released; or, placed
    on a person, of every case that person is on (as complainant, child or other party), so
    none of their records is anonymised while it is in force (docs/adr/0104)."""

    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="legal_holds"
    )
    person = models.ForeignKey(
        "cases.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    reason = models.CharField(max_length=12, choices=HoldReason.choices)
    explanation = models.TextField(max_length=2000)
    placed_at = models.DateTimeField(auto_now_add=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["case", "released_at"], name="hold_case_released_idx"),
            models.Index(fields=["person", "released_at"], name="hold_person_released_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, person__isnull=True)
                | Q(case__isnull=True, person__isnull=False),
                name="legal_hold_case_or_person",
            )
        ]

    def __str__(self) -> str:
        return f"Hold {self.pk} ({self.get_reason_display()})"

    @property
    def on_person(self) -> bool:
        return self.person_id is not None

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class RunStatus(models.TextChoices):
    PREVIEW = "preview", "Awaiting approval"
    APPROVED = "approved", "Approved, to be carried out"
    COMPLETED = "completed", "Carried out"
    REJECTED = "rejected", "Rejected"


class DisposalRun(models.Model):
    """A preview of what is due for disposal on a day; once approved, the disposal itself.
    Its lines are the disposal log: no personal data."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PREVIEW)
    # The day the schedule was applied for: what was due on it.
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Empty when `harken run-scheduled` made the preview.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # Candidates found held or already disposed when the run was carried out.
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one preview awaiting approval and one approved run at a time.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status__in=["preview", "approved"]),
                name="disposal_one_pending_per_status",
            )
        ]

    def __str__(self) -> str:
        return f"Disposal {self.pk}"

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines.all())

    @property
    def disposed_total(self) -> int:
        return sum(line.disposed for line in self.lines.all())


class DisposalLine(models.Model):
    """What one rule makes due in a run: how many records of a kind, ending in which period."""

    run = models.ForeignKey(DisposalRun, on_delete=models.CASCADE, related_name="lines")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    rule_version = models.PositiveIntegerField()
    rule_description = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    count = models.PositiveIntegerField()
    # The earliest and latest day the rule counted from (closure, last entry, birthday).
    earliest_on = models.DateField(null=True, blank=True)
    latest_on = models.DateField(null=True, blank=True)
    disposed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.count}"


class DisposalCandidate(models.Model):
    """A case a preview found due: an approval disposes exactly these (those still not held).
    Under a standalone register rule it is the register record (`record_id`, of the line's
    kind) instead."""

    run = models.ForeignKey(DisposalRun, on_delete=models.CASCADE, related_name="candidates")
    line = models.ForeignKey(DisposalLine, on_delete=models.CASCADE, related_name="candidates")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    record_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "case"], name="disposal_candidate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run} #{self.case_id}"


class DisposedCase(models.Model):
    """A case anonymised under the schedule: never due again, its rows kept for the figures."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="disposal"
    )
    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="disposed")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    disposed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Disposed #{self.case_id}"


class DisposedRecord(models.Model):
    """A register record not linked to a case, anonymised under its kind's rule: never due
    again, its row kept for the register's and the report's figures."""

    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    record_id = models.PositiveBigIntegerField()
    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="disposed_records")
    disposed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="disposed_record_unique")
        ]

    def __str__(self) -> str:
        return f"Disposed {self.kind} #{self.record_id}"


class RetentionEvent(models.Model):
    """The audit trail of the schedule, the holds and the disposals: who, when, what. The
    description never holds personal data (a hold's explanation is on the hold)."""

    class Verb(models.TextChoices):
        """What happened to the schedule, a hold or a disposal (stored: never rename one)."""

        RULE_CHANGED = "rule_changed", "Retention rule changed"
        HOLD_PLACED = "hold_placed", "Legal hold placed"
        HOLD_RELEASED = "hold_released", "Legal hold released"
        PREVIEW_MADE = "preview_made", "Disposal previewed"
        APPROVED = "approved", "Disposal approved"
        REJECTED = "rejected", "Disposal rejected"
        CARRIED_OUT = "carried_out", "Disposal carried out"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=40, choices=Verb.choices)
    description = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)
    rule = models.ForeignKey(
        RetentionRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    hold = models.ForeignKey(
        LegalHold, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    run = models.ForeignKey(
        DisposalRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.description
