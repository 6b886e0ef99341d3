"""Children's homes, their monthly independent visits, and drop-ins with young people.

- `Home`: the register of children's homes the council runs or places children in.
- `Visit`: a Regulation 44 visit (Children's Homes (England) Regulations 2015; "Regulation 33"
  in older reports) with the visitor's two opinions and the report's dates sent.
- `DropIn`: a session with looked-after young people at a home or a placement.
- `Issue`: a concern or issue raised at a visit or a drop-in, triaged into what became of it:
  no action, passed to a team, advocacy (a `registers.AdvocacyReferral`), a safeguarding
  concern (a `cases.SafeguardingConcern` on an initial contact) or an initial contact or
  complaint (a `cases.Case`), linked both ways.
- `HomeEvent`: every change to any of these (the audit trail; `HomeEvent.Verb`).

Nothing here names a child: a visit records how many children, parents and staff the visitor
spoke to, never who. Every change goes through `harken.homes.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from harken.core.models import BaseModel


class Ownership(models.TextChoices):
    OWN = "own", "The council's own home"
    INDEPENDENT = "independent", "Independent (the council places children there)"


class Home(BaseModel):
    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    ownership = models.CharField(max_length=12, choices=Ownership.choices)
    # Ofsted's unique reference number: "SC" and six digits for older registrations, seven
    # digits for newer ones (stored as given, upper case, no spaces).
    ofsted_urn = models.CharField(max_length=12, unique=True)
    registered_manager = models.CharField(max_length=200, blank=True)
    places = models.PositiveSmallIntegerField()
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    # The teams responsible for the home: their managers see it (read only) when the council
    # sets HARKEN_MANAGERS_SEE_TEAM_HOMES.
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="homes")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="home_closed_after_opened",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Opinion(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class Visit(BaseModel):
    """A Regulation 44 visit and its report (stored through the documents' upload checks)."""

    home = models.ForeignKey(Home, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    visitor_name = models.CharField(max_length=200)
    # The visitor's pool entry, when they are in the pool: with an account, they sign in and
    # see this visit ("Your visits"). A visitor not in the pool is only the name above.
    visitor = models.ForeignKey(
        "pool.PoolEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="home_visits",
    )
    announced = models.BooleanField()
    children_spoken_to = models.PositiveSmallIntegerField(default=0)
    parents_spoken_to = models.PositiveSmallIntegerField(default=0)
    staff_spoken_to = models.PositiveSmallIntegerField(default=0)
    # The visitor's opinions (reg 44(4)): are children effectively safeguarded, and does the
    # conduct of the home promote their well-being?
    safeguarded = models.CharField(max_length=3, choices=Opinion.choices)
    wellbeing_promoted = models.CharField(max_length=3, choices=Opinion.choices)
    summary = models.TextField(max_length=5000, blank=True)
    sent_to_home_on = models.DateField(null=True, blank=True)
    sent_to_provider_on = models.DateField(null=True, blank=True)
    sent_to_ofsted_on = models.DateField(null=True, blank=True)
    # The visitor's report: checked and stored like a case document, under a random name.
    report_filename = models.CharField(max_length=200, blank=True)
    report_storage_name = models.CharField(max_length=200, blank=True)
    report_content_type = models.CharField(max_length=120, blank=True)
    report_size = models.PositiveBigIntegerField(null=True, blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visited_on", "home"], name="visit_date_home_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """ "Visit V12": names the visit on the action plan without a child in it."""
        return f"Visit V{self.pk}"


class DropIn(BaseModel):
    """A drop-in session with young people, at a home or another placement."""

    home = models.ForeignKey(
        Home, null=True, blank=True, on_delete=models.PROTECT, related_name="drop_ins"
    )
    # Where, when not one of the homes: a kind of placement or a venue, never a child's address.
    placement = models.CharField(max_length=200, blank=True)
    held_on = models.DateField()
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drop_ins"
    )
    young_people = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"], name="dropin_held_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(home__isnull=False) | ~Q(placement=""), name="dropin_where"
            )
        ]

    def __str__(self) -> str:
        return f"Drop-in D{self.pk}"

    @property
    def where(self) -> str:
        return str(self.home) if self.home_id else self.placement


class Triage(models.TextChoices):
    """What became of an issue (the values are stored and counted by the report)."""

    NO_ACTION = "no_action", "No action needed"
    PASSED_TO_TEAM = "passed", "Passed to the team"
    ADVOCACY = "advocacy", "Advocacy offered or referred"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    CONTACT = "contact", "Recorded as an initial contact"
    COMPLAINT = "complaint", "Recorded as a complaint"


# The triage outcomes that make a case, and the case's kind.
CASE_TRIAGES = (Triage.SAFEGUARDING, Triage.CONTACT, Triage.COMPLAINT)


class Issue(BaseModel):
    """An issue or concern raised at a visit or a drop-in, and what became of it."""

    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="issues"
    )
    drop_in = models.ForeignKey(
        DropIn, null=True, blank=True, on_delete=models.CASCADE, related_name="issues"
    )
    summary = models.TextField(max_length=2000)
    triage = models.CharField(max_length=12, choices=Triage.choices)
    passed_to = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passed_to_person = models.CharField(max_length=200, blank=True)
    passed_on = models.DateField(null=True, blank=True)
    advocacy_referral = models.OneToOneField(
        "registers.AdvocacyReferral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_at",
    )
    # The initial contact or complaint it became, or the contact holding the safeguarding
    # concern: the case page shows where it was raised.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="raised_at"
    )
    safeguarding_concern = models.OneToOneField(
        "cases.SafeguardingConcern",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_at",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(visit__isnull=False) & Q(drop_in__isnull=True))
                | (Q(visit__isnull=True) & Q(drop_in__isnull=False)),
                name="issue_raised_at_one",
            )
        ]

    def __str__(self) -> str:
        return f"Issue {self.pk}"

    @property
    def source(self) -> Visit | DropIn:
        return self.visit if self.visit_id else self.drop_in  # type: ignore[return-value]


class HomeEvent(models.Model):
    """A change to a home, a visit, a drop-in or an issue: who, when, what."""

    class Verb(models.TextChoices):
        """The values are stored: never rename one, add a new member instead."""

        HOME_ADDED = "home_added", "Home added to the register"
        HOME_CHANGED = "home_changed", "Home's details changed"
        VISIT_RECORDED = "visit_recorded", "Visit recorded"
        VISIT_CHANGED = "visit_changed", "Visit changed"
        VISIT_REPORT_UPLOADED = "visit_report_uploaded", "Visit report uploaded"
        VISIT_RECOMMENDATION = "visit_recommendation", "Recommendation added from a visit"
        DROP_IN_RECORDED = "drop_in_recorded", "Drop-in recorded"
        ISSUE_RECORDED = "issue_recorded", "Issue raised and triaged"
        PLAN_CHANGED = "plan_changed", "Action plan changed for a visit's recommendation"
        VISIT_VIEWED = "visit_viewed", "Visit viewed"
        DROP_IN_VIEWED = "drop_in_viewed", "Drop-in viewed"
        HOME_VIEWED = "home_viewed", "Home viewed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    home = models.ForeignKey(
        Home, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    drop_in = models.ForeignKey(
        DropIn, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    verb = models.CharField(max_length=30, choices=Verb.choices)
    description = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.description
