"""The learning action plan: recommendations and the actions that carry them out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from harken.accounts.models import ServiceArea, Team
from harken.core.dates import today
from harken.core.models import BaseModel


class Source(models.TextChoices):
    STAGE2 = "stage2", "Stage 2 investigation"
    STAGE3 = "stage3", "Stage 3 review panel"
    OMBUDSMAN = "ombudsman", "Ombudsman"
    # Issue 14: a Regulation 44 visit's recommendation (on the visit, not on a case).
    VISIT = "visit", "Regulation 44 visit"


# The stage a recommendation from each source comes out of (the Ombudsman: none).
SOURCE_STAGE: dict[str, int | None] = {
    Source.STAGE2: 2,
    Source.STAGE3: 3,
    Source.OMBUDSMAN: None,
    Source.VISIT: None,
}


class Decision(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    ACCEPTED = "accepted", "Accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


# Statuses of an action someone still has to do; only these can be overdue.
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Recommendation(BaseModel):
    """A recommendation from a stage 2 investigation, a stage 3 panel or the Ombudsman, made on
    a case; or from a Regulation 44 visit, made on the visit (`case` empty: issue 14)."""

    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    visit = models.ForeignKey(
        "homes.Visit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    # R1, R2, ... within the case: "HK-2026-00042 R2" names it without personal data.
    number = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=12, choices=Source.choices)
    stage = models.ForeignKey(
        "cases.Stage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    ombudsman_case = models.ForeignKey(
        "registers.OmbudsmanCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    made_on = models.DateField()
    text = models.TextField(max_length=5000)
    decision = models.CharField(max_length=14, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(max_length=2000, blank=True)
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, related_name="recommendations"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="recommendation_number_unique"),
            models.UniqueConstraint(
                fields=["visit", "number"], name="recommendation_visit_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=False, visit__isnull=True)
                | Q(case__isnull=True, visit__isnull=False, source="visit"),
                name="recommendation_on_case_or_visit",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_on__isnull=False),
                name="recommendation_decided_on_set",
            ),
        ]
        indexes = [models.Index(fields=["made_on"], name="recommendation_made_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        on = self.case.reference if self.case is not None else f"V{self.visit_id}"
        return f"{on} R{self.number}"

    @property
    def is_accepted(self) -> bool:
        return self.decision == Decision.ACCEPTED


class Action(BaseModel):
    """Something an owner does, by a date, to carry out a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="actions"
    )
    # 1, 2, ... within the recommendation: "HK-2026-00042 R2.1".
    number = models.PositiveSmallIntegerField()
    description = models.TextField(max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_actions"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    # The latest word on how it is going, from the owner.
    progress = models.TextField(max_length=2000, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(max_length=5000, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["recommendation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "number"], name="action_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (Q(completed_on__isnull=False) & ~Q(evidence="")),
                name="action_completed_has_evidence",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="action_status_due_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.recommendation.reference}.{self.number}"

    @property
    def short_reference(self) -> str:
        """ "R2.1": enough on the case's own timeline."""
        return f"R{self.recommendation.number}.{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < today()
