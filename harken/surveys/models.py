"""Satisfaction surveys: their questions as configuration, the one-time invitations sent after
a case closes, the answers, and other survey returns imported with their comments to triage
(docs/surveys.md, docs/adr/0230-survey-invitations-one-time-hashed-tokens.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from harken.core.models import BaseModel


class Audience(models.TextChoices):
    ADULT = "adult", "Adults"
    CHILD = "child", "Children and young people (plain words)"


class QuestionKind(models.TextChoices):
    SCALE = "scale", "Satisfaction from 1 to 5"
    YES_NO = "yes_no", "Yes or no"
    TEXT = "text", "Free text"


class Survey(BaseModel):
    name = models.CharField(max_length=200)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    # The words at the top of the public page.
    introduction = models.TextField(max_length=2000, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "audience"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_audience_display()})"


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    # The scale's words for 1 and 5 ("Very unhappy", "Very happy").
    low_label = models.CharField(max_length=60, blank=True)
    high_label = models.CharField(max_length=60, blank=True)
    required = models.BooleanField(default=False)
    # A question that has answers is retired, never deleted or reworded (its answers keep
    # their meaning); the public page leaves it out.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return self.text


class InvitationChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Link or QR code in a letter"


class Invitation(BaseModel):
    """One case's one-time link for one stage (0: an initial contact). The link's token is
    never stored: only its SHA-256 (`token_hash`)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="surveys")
    stage_number = models.PositiveSmallIntegerField()
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    channel = models.CharField(max_length=8, choices=InvitationChannel.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_on = models.DateField()
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(
        "notifications.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage_number"], name="survey_invitation_case_stage_unique"
            )
        ]
        indexes = [models.Index(fields=["sent_on"], name="survey_invitation_sent_idx")]

    def __str__(self) -> str:
        return f"Survey for {self.case} ({self.stage_label})"

    @property
    def stage_label(self) -> str:
        return "Initial contact" if self.stage_number == 0 else f"Stage {self.stage_number}"


class ReturnBatch(BaseModel):
    """A file of other survey returns (the quarterly parents' survey), imported at once."""

    name = models.CharField(max_length=200)
    file_name = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Response(models.Model):
    """One set of answers: to an invitation, or one row of an imported file. Nothing about the
    person who answered is kept."""

    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="response"
    )
    batch = models.ForeignKey(
        ReturnBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="responses"
    )
    survey = models.ForeignKey(
        Survey, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    # The stage the invitation was about (an imported return: None).
    stage_number = models.PositiveSmallIntegerField(null=True, blank=True)
    received_on = models.DateField()
    # The answer to the survey's first satisfaction question (1-5), for the report.
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["received_on"], name="survey_response_received_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="survey_response_satisfaction_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"Survey response {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    yes_no = models.BooleanField(null=True, blank=True)
    text = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["response", "question__position"]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class Decision(models.TextChoices):
    UNTRIAGED = "untriaged", "Not yet triaged"
    NO_ACTION = "no_action", "No action"
    PASSED_TO_TEAM = "passed", "Passed to the team"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    CONTACT = "contact", "Became an initial contact"


class Comment(BaseModel):
    """A free-text comment from a survey, for an officer to triage."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(max_length=5000)
    theme = models.ForeignKey(
        "cases.Theme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A case the return names (an imported row's case reference), where there is one.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.UNTRIAGED)
    passed_to = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passed_to_person = models.CharField(max_length=200, blank=True)
    passed_on = models.DateField(null=True, blank=True)
    # Safeguarding: the concern on the linked case, or, without one, the flag and the words.
    concern = models.ForeignKey(
        "cases.SafeguardingConcern",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    safeguarding_flag = models.BooleanField(default=False)
    safeguarding_note = models.TextField(max_length=5000, blank=True)
    contact = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_comment",
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-safeguarding_flag", "decision", "-created_at", "-id"]
        indexes = [models.Index(fields=["decision"], name="survey_comment_decision_idx")]

    def __str__(self) -> str:
        return self.text[:50]


class SurveyEvent(models.Model):
    """The surveys' audit trail: questions changed, returns imported, comments triaged,
    invitations sent and answered (the case's own timeline records those too)."""

    class Verb(models.TextChoices):
        SURVEY_CHANGED = "survey_changed", "Survey changed"
        QUESTION_ADDED = "question_added", "Question added"
        QUESTION_CHANGED = "question_changed", "Question changed"
        QUESTION_REMOVED = "question_removed", "Question removed"
        QUESTION_MOVED = "question_moved", "Question moved"
        QUESTION_RETIRED = "question_retired", "Question retired"
        INVITATION_SENT = "invitation_sent", "Survey sent"
        LINK_ISSUED = "link_issued", "Survey link issued again"
        ANSWERED = "answered", "Survey answered"
        RETURNS_IMPORTED = "returns_imported", "Survey returns imported"
        COMMENT_TRIAGED = "comment_triaged", "Comment triaged"
        COMMENTS_READ = "comments_read", "Comments read"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=30, choices=Verb.choices)
    description = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)
    survey = models.ForeignKey(
        Survey, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    batch = models.ForeignKey(
        ReturnBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.description
