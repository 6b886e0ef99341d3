"""The pool of independent people: Investigating Officers, Independent Persons, review panel
chairs and members, advocates and independent visitors, as people (not only user accounts),
some of them shared with partner councils (docs/adr/0190-the-pool-of-independent-people.md).

An appointment to a stage is still a `cases.Appointment`; one made from the pool names its
`pool_entry` (and the entry's user account, if it has one, so that they see the case). Its
fee is a `PoolFee`, whose amount is an `InvestigationCost` of the costs register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from harken.cases.models import AppointmentRole
from harken.core.dates import today
from harken.core.models import BaseModel

# A DBS check older than this is lapsed: it warns, it does not refuse (issue 14).
DBS_VALID_YEARS = 3


class Organisation(models.TextChoices):
    OTHER_COUNCIL = "other_council", "Another council"
    CHARITY = "charity", "A charity"
    SELF_EMPLOYED = "self_employed", "Self-employed"
    THIS_COUNCIL = "this_council", "This council"


class Sharing(models.TextChoices):
    """Seed 004 13.3: councils share their pools of Independent Persons."""

    OWN = "own", "The council's own pool"
    FROM_PARTNER = "from_partner", "Provided by a partner council"
    TO_PARTNER = "to_partner", "Lent to a partner council"


class PoolRole(models.TextChoices):
    # The first four are the stage appointments' roles (`cases.AppointmentRole`): same values.
    INVESTIGATING_OFFICER = AppointmentRole.INVESTIGATING_OFFICER.value, "Investigating Officer"
    INDEPENDENT_PERSON = AppointmentRole.INDEPENDENT_PERSON.value, "Independent Person"
    PANEL_CHAIR = AppointmentRole.PANEL_CHAIR.value, "Review panel chair"
    PANEL_MEMBER = AppointmentRole.PANEL_MEMBER.value, "Review panel member"
    ADVOCATE = "advocate", "Advocate"
    INDEPENDENT_VISITOR = "visitor", "Independent visitor"


class FeeBasis(models.TextChoices):
    NONE = "none", "No fee"
    DAYS = "days", "Days at the day rate"
    FIXED = "fixed", "The fixed fee"


def dbs_lapse_date(checked_on: dt.date) -> dt.date:
    """The day a DBS check made on `checked_on` is three years old (29 February: 1 March)."""
    try:
        return checked_on.replace(year=checked_on.year + DBS_VALID_YEARS)
    except ValueError:
        return dt.date(checked_on.year + DBS_VALID_YEARS, 3, 1)


class PoolEntry(BaseModel):
    """A person who can be appointed: who they are, who they work for, what they can do."""

    name = models.CharField(max_length=120)
    organisation_kind = models.CharField(max_length=16, choices=Organisation.choices)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(max_length=500, blank=True)
    # Optional: someone with an account signs in and sees the stages they are appointed to.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pool_entry",
    )
    # Reg 2 of the 2006 Regulations: an IP or panel member must not be employed by the council.
    employed_by_council = models.BooleanField(default=False)
    available = models.BooleanField(default=True)
    availability = models.CharField(max_length=500, blank=True)
    day_rate = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    fixed_fee = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    dbs_checked_on = models.DateField(null=True, blank=True)
    sharing = models.CharField(max_length=16, choices=Sharing.choices, default=Sharing.OWN)
    partner_council = models.CharField(max_length=120, blank=True)
    active = models.BooleanField(default=True)  # False: left the pool (kept for the history)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "pool entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(sharing="own") | ~Q(partner_council=""),
                name="pool_partner_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> list[str]:
        return sorted((r.role for r in self.role_rows.all()), key=PoolRole.values.index)

    @property
    def role_labels(self) -> list[str]:
        return [PoolRole(r).label for r in self.roles]

    @property
    def dbs_lapses_on(self) -> dt.date | None:
        return dbs_lapse_date(self.dbs_checked_on) if self.dbs_checked_on else None

    def dbs_lapsed(self, on: dt.date | None = None) -> bool:
        """No DBS check recorded, or one over three years old on `on` (today)."""
        lapses = self.dbs_lapses_on
        return lapses is None or lapses <= (on or today())


class PoolEntryRole(models.Model):
    entry = models.ForeignKey(PoolEntry, on_delete=models.CASCADE, related_name="role_rows")
    role = models.CharField(max_length=16, choices=PoolRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "role"], name="pool_entry_role_unique")
        ]
        indexes = [models.Index(fields=["role", "entry"], name="pool_role_entry_idx")]

    def __str__(self) -> str:
        return self.get_role_display()


class PoolTraining(BaseModel):
    entry = models.ForeignKey(PoolEntry, on_delete=models.CASCADE, related_name="training")
    course = models.CharField(max_length=200)
    completed_on = models.DateField()

    class Meta:
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return self.course


class PartnerOutcome(models.TextChoices):
    """How an appointment by a partner council ended (stored: never rename one)."""

    COMPLETED = "completed", "Work completed"
    STOOD_DOWN = "stood_down", "Stood down before the work was finished"
    CANCELLED = "cancelled", "Cancelled: the appointment did not go ahead"


class PartnerAppointment(BaseModel):
    """One of the council's pool appointed by a partner council, on the partner's case (it is
    not a case here): counted in the report's "for partners" unless cancelled, and in the
    person's load while it is open."""

    entry = models.ForeignKey(
        PoolEntry, on_delete=models.PROTECT, related_name="partner_appointments"
    )
    partner_council = models.CharField(max_length=120)
    role = models.CharField(max_length=16, choices=PoolRole.choices)
    appointed_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=PartnerOutcome.choices, blank=True)

    class Meta:
        ordering = ["-appointed_on", "-id"]
        indexes = [models.Index(fields=["appointed_on"], name="pool_partner_appt_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(outcome=""))
                | (Q(ended_on__isnull=False) & ~Q(outcome="")),
                name="pool_partner_appt_end_with_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} for {self.partner_council}"


class PoolEvent(models.Model):
    """The pool's audit trail: who added, changed or looked at whose entry, and when."""

    class Verb(models.TextChoices):
        """What happened (stored: never rename one)."""

        ADDED = "added", "Added to the pool"
        CHANGED = "changed", "Pool entry changed"
        VIEWED = "viewed", "Pool entry viewed"
        TRAINING_ADDED = "training_added", "Training recorded"
        APPOINTED = "appointed", "Appointed to a stage"
        PARTNER_APPOINTED = "partner_appointed", "Appointed by a partner council"
        PARTNER_ENDED = "partner_ended", "Appointment by a partner council ended"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entry = models.ForeignKey(
        PoolEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    verb = models.CharField(max_length=24, choices=Verb.choices)
    description = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.description


class PoolFee(BaseModel):
    """The fee of an appointment made from the pool. Its amount is recorded once, as the
    `cost` in the costs register, so the report's cost figures count it once."""

    appointment = models.OneToOneField(
        "cases.Appointment", on_delete=models.PROTECT, related_name="pool_fee"
    )
    basis = models.CharField(max_length=8, choices=FeeBasis.choices)
    days = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    rate = models.DecimalField(max_digits=8, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    cost = models.OneToOneField(
        "registers.InvestigationCost", on_delete=models.PROTECT, related_name="pool_fee"
    )

    def __str__(self) -> str:
        return f"{self.get_basis_display()}: {self.amount}"
