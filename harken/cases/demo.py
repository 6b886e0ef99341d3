"""Realistic demo records for `make run`: users in every role and two years of casework.

Everything is made through the services with dates up to today (the services refuse the
future), so the demo obeys every procedure rule and the reports have a year to compare with.
The same seed and day give the same records.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from faker import Faker

from harken.accounts.models import Role, Team, User
from harken.core.dates import today
from harken.procedures.definitions import ProcedureDef, StageDef
from harken.workdays.rules import add_working_days, is_working_day, working_days_between

from . import services
from .models import (
    AppointmentRole,
    Case,
    Channel,
    Kind,
    Outcome,
    PartyRole,
    Referral,
    Relationship,
    Stage,
    Status,
    Theme,
)

DEMO_PASSWORD = "harken-demo-2026"  # noqa: S105  # printed for anyone trying the demo
# The LGSCO Complaint Handling Code applies from this day; corporate complaints before it
# follow the older two-stage procedure.
CODE_STARTS = dt.date(2026, 4, 1)
T = TypeVar("T")

SOCIAL_CARE_TEAMS = (
    "Assessment Teams",
    "Child Protection Teams",
    "Adoption Team",
    "Connected Carers Team",
    "Fostering Team",
    "Permanence Teams",
    "Children with Disabilities Team",
    "Children's Homes",
    "Next Steps Team",
    "Independent Reviewing Team (ICRT)",
    "Family Time Team",
)
OTHER_TEAMS = (
    "SEND Team",
    "Education - Transport",
    "Early Help",
    "Business Support",
    "Finance",
    "Customer Feedback Team",
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    job_title: str
    teams: tuple[str, ...] = ()
    employed_by_council: bool = True
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "admin", Role.ADMINISTRATOR, "Alex", "Morgan", "Systems administrator", superuser=True
    ),
    DemoUser("officer", Role.FEEDBACK_OFFICER, "Olivia", "Price", "Customer feedback officer"),
    DemoUser("officer2", Role.FEEDBACK_OFFICER, "Femi", "Adeyemi", "Customer feedback officer"),
    DemoUser(
        "manager",
        Role.MANAGER,
        "Mark",
        "Ellis",
        "Team manager, children's social care",
        teams=SOCIAL_CARE_TEAMS,
    ),
    DemoUser(
        "manager2",
        Role.MANAGER,
        "Priya",
        "Shah",
        "Service manager, education and SEND",
        teams=OTHER_TEAMS,
    ),
    DemoUser(
        "head",
        Role.MANAGER,
        "Helen",
        "Okafor",
        "Head of service (adjudicates stage 2)",
        teams=SOCIAL_CARE_TEAMS + OTHER_TEAMS,
    ),
    DemoUser(
        "io",
        Role.INVESTIGATING_OFFICER,
        "Ian",
        "Fletcher",
        "Independent Investigating Officer",
        employed_by_council=False,
    ),
    DemoUser(
        "ip",
        Role.INDEPENDENT_PERSON,
        "Ruth",
        "Davies",
        "Independent Person",
        employed_by_council=False,
    ),
    DemoUser(
        "panel1",
        Role.PANEL_MEMBER,
        "Graham",
        "Hughes",
        "Review panel chair",
        employed_by_council=False,
    ),
    DemoUser(
        "panel2",
        Role.PANEL_MEMBER,
        "Aisha",
        "Khan",
        "Review panel member",
        employed_by_council=False,
    ),
    DemoUser(
        "panel3",
        Role.PANEL_MEMBER,
        "Tom",
        "Whitaker",
        "Review panel member",
        employed_by_council=False,
    ),
    DemoUser("reports", Role.REPORT_VIEWER, "Rita", "Bennett", "Assistant director (reports)"),
    # Issue 14: a Regulation 44 visitor, in the pool, who sees only her own visits.
    DemoUser(
        "visitor",
        Role.INDEPENDENT_VISITOR,
        "Vera",
        "Okafor",
        "Independent visitor (Regulation 44)",
        employed_by_council=False,
    ),
)

# Relative frequencies, after seed 004's stage 1 complaints by team.
TEAM_WEIGHTS: dict[str, int] = {
    "SEND Team": 10,
    "Assessment Teams": 6,
    "Child Protection Teams": 5,
    "Adoption Team": 2,
    "Fostering Team": 2,
    "Children with Disabilities Team": 2,
    "Next Steps Team": 2,
    "Education - Transport": 2,
    "Family Time Team": 1,
    "Permanence Teams": 1,
    "Connected Carers Team": 1,
    "Children's Homes": 1,
    "Early Help": 2,
    "Finance": 1,
    "Independent Reviewing Team (ICRT)": 1,
}
# What people complain about, by theme: points of complaint (elements) to draw from.
POINTS: dict[str, tuple[str, ...]] = {
    "Case management (actions, inaction or decisions)": (
        "Child protection plan made without hearing the family's views",
        "Assessment did not consider the father's role",
        "No action taken after concerns were reported",
    ),
    "SEND issues": (
        "EHC needs assessment not completed within 20 weeks",
        "Provision in the EHC plan not delivered",
        "Annual review not held",
    ),
    "Communication": (
        "Calls and e-mails to the social worker not returned",
        "Not told about a change of social worker",
        "Letter sent to the wrong address",
    ),
    "Social worker conduct": (
        "Social worker was late to visits and cancelled at short notice",
        "Social worker spoke about the family in front of the children",
    ),
    "Attitude or behaviour of staff": (
        "Staff member was rude on the phone",
        "Felt judged at the child protection conference",
    ),
    "Information held": (
        "Report contains factual errors about the family",
        "Wrong date of birth recorded for the child",
    ),
    "Provision of information": (
        "Not given a copy of the assessment",
        "No information about how to complain",
    ),
    "Disagreement with decision or case planning": (
        "Disagree with the decision to end the child in need plan",
        "Disagree with the placement decision",
    ),
    "Speed of service or delays": (
        "Delay in starting the assessment",
        "Long wait for the allocation of a worker",
    ),
    "Allocation of worker": ("Four social workers in a year", "No allocated social worker"),
    "Contact and family time": (
        "Family time cancelled at short notice",
        "Family time venue unsuitable for a toddler",
    ),
    "Finance and allowances": (
        "Fostering allowance paid late",
        "Special guardianship allowance reduced without notice",
    ),
    "Transport": (
        "School transport not arranged for the start of term",
        "Taxi driver left the child at the wrong school",
    ),
    "Environment": ("Contact centre was cold and dirty",),
    "Privacy": ("Personal information shared with an ex-partner",),
}
SOCIAL_CARE_THEMES = (
    "Case management (actions, inaction or decisions)",
    "Communication",
    "Social worker conduct",
    "Attitude or behaviour of staff",
    "Information held",
    "Provision of information",
    "Disagreement with decision or case planning",
    "Speed of service or delays",
    "Allocation of worker",
    "Contact and family time",
    "Finance and allowances",
    "Privacy",
    "Environment",
)
THEMES_BY_TEAM: dict[str, tuple[str, ...]] = {
    "SEND Team": (
        "SEND issues",
        "Communication",
        "Speed of service or delays",
        "Provision of information",
    ),
    "Education - Transport": ("Transport", "Communication"),
    "Early Help": (
        "Communication",
        "Case management (actions, inaction or decisions)",
        "Speed of service or delays",
    ),
    "Finance": ("Finance and allowances", "Communication"),
    "Family Time Team": ("Contact and family time", "Communication", "Environment"),
    "Fostering Team": ("Finance and allowances", "Communication", "Social worker conduct"),
}
CONTACT_SUMMARIES = (
    "Asking who the allocated social worker is",
    "Wants to know when the assessment will finish",
    "Family time arrangements unclear",
    "Transport pick-up time changed",
    "Asking for a copy of the child's plan",
    "Unhappy a meeting was rearranged",
    "Has not heard back from the SEND caseworker",
    "Query about an allowance payment",
)
COMPLIMENTS = (
    "Thank you for the support during a very hard time",
    "The social worker went above and beyond for our family",
    "Grateful for how quickly the transport was sorted",
    "Lovely family time session, the children really enjoyed it",
    "Thanks to the foster carer training team",
    "The SEND caseworker kept us informed at every step",
)
REPRESENTATIONS: dict[str, tuple[str, ...]] = {
    Kind.ENQUIRY: ("How do I ask for a copy of my records?", "Who do I speak to about respite?"),
    Kind.COMMENT: ("The new online form is much easier", "Waiting room needs more toys"),
    Kind.SUGGESTION: (
        "Offer evening appointments for working parents",
        "Text reminders before family time",
    ),
}
WANTED = (
    "an apology",
    "a new social worker",
    "the record corrected",
    "a meeting with the manager",
    "the plan finalised without further delay",
    "an explanation of the decision",
    "the missed provision made up",
)
RELATIONSHIPS: dict[str, int] = {
    Relationship.PARENT: 50,
    Relationship.CHILD: 12,
    Relationship.FOSTER_CARER: 8,
    Relationship.CARER: 7,
    Relationship.ADVOCATE: 7,
    Relationship.SPECIAL_GUARDIAN: 5,
    Relationship.PROFESSIONAL: 3,
    Relationship.OTHER: 8,
}
CHANNELS: dict[str, int] = {
    Channel.EMAIL: 40,
    Channel.WEB: 25,
    Channel.PHONE: 20,
    Channel.LETTER: 8,
    Channel.IN_PERSON: 4,
    Channel.TEXT: 2,
    Channel.LEAFLET: 1,
}
# Seed 004's stage 2 outcomes: 70% not upheld, 8% unable to determine, 10% partially, 13% upheld.
STAGE1_OUTCOMES: dict[str, int] = {
    Outcome.NOT_UPHELD: 69,
    Outcome.UPHELD: 18,
    Outcome.PARTIALLY_UPHELD: 9,
    Outcome.UNABLE_TO_DETERMINE: 3,
    Outcome.WITHDRAWN: 1,
}
LATER_OUTCOMES: dict[str, int] = {
    Outcome.NOT_UPHELD: 70,
    Outcome.UPHELD: 13,
    Outcome.PARTIALLY_UPHELD: 10,
    Outcome.UNABLE_TO_DETERMINE: 7,
}
# Per half-year at scale 1 (seed 004: 105 contacts, 27 progressed, 88 compliments).
RATES = {"contact": 100, "complaint": 26, "compliment": 90, "representation": 8}


@dataclass
class DemoSummary:
    seconds: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    stages: Counter[int] = field(default_factory=Counter)
    open_cases: int = 0
    overdue: int = 0
    users: list[tuple[DemoUser, bool]] = field(default_factory=list)  # (user, created)


class Stop(Exception):  # control flow, not an error
    """The next event would be after today: the case stays open where it is."""


class DemoBuilder:
    def __init__(self, *, seed: int, years: int, scale: float):
        self.rng = random.Random(seed)  # noqa: S311  # made-up records, not secrets
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.years = years
        self.scale = scale
        self.today = today()
        self.start = self.today - relativedelta(years=years)
        self.teams = {t.name: t for t in Team.objects.all()}
        self.themes = {t.name: t for t in Theme.objects.all()}
        self.users: dict[str, User] = {}
        self.complaints: list[Case] = []
        self.seed = seed
        self.pool: Any = None  # issue 14: harken.pool.demo.DemoPool, when installed

    # --- Helpers ------------------------------------------------------------------------

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def choice(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def wd(self, start: dt.date, low: int, high: int | None = None) -> dt.date:
        return add_working_days(start, self.rng.randint(low, high if high is not None else low))

    def on(self, day: dt.date) -> dt.date:
        """`day`, if it is not after today; otherwise the story stops here."""
        if day > self.today:
            raise Stop
        return day

    def pending(self, since: dt.date, window: int, probability: float) -> None:
        """Recent work is often not done yet: it stays open, some of it past its deadline."""
        if working_days_between(since, self.today) <= window and self.chance(probability):
            raise Stop

    @property
    def officer(self) -> User:
        return self.users["officer"]

    # --- Users --------------------------------------------------------------------------

    def make_users(self) -> list[tuple[DemoUser, bool]]:
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        made = []
        for spec in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "role": spec.role,
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "job_title": spec.job_title,
                    "employed_by_council": spec.employed_by_council,
                    "email": f"{spec.username}@harken.example",
                    "password": password,
                    "is_staff": spec.superuser,
                    "is_superuser": spec.superuser,
                    # Demo log-ins set up their authenticator at their first sign-in.
                    "two_factor_enrolment_until": timezone.now() + dt.timedelta(days=365),
                },
            )
            if created and spec.teams:
                user.teams.set([self.teams[name] for name in spec.teams if name in self.teams])
            self.users[spec.username] = user
            made.append((spec, created))
        return made

    # --- Timeline -----------------------------------------------------------------------

    def dates(self, per_half_year: float, *, at_least: int = 1) -> list[dt.date]:
        """Working days on which records arrive, rising over the period (as in seed 004)."""
        found: list[dt.date] = []
        half = self.start
        for index in range(self.years * 2):
            end = min(half + relativedelta(months=6), self.today + dt.timedelta(days=1))
            days = [half + dt.timedelta(days=i) for i in range((end - half).days)]
            days = [d for d in days if is_working_day(d)]
            growth = 0.8 + 0.35 * index / max(1, self.years * 2 - 1)
            count = max(at_least, round(per_half_year * growth * self.scale))
            if days:
                found += [self.choice(days) for _ in range(count)]
            half = end
        return sorted(found)

    def build(self) -> None:
        # --- Issue 14: the pool of independent people (stage 2 IPs are appointed from it) ---
        if apps.is_installed("harken.pool"):
            from harken.pool.demo import DemoPool

            self.pool = DemoPool(seed=self.seed, users=self.users, today=self.today)
        # --- end of issue 14's block ---
        stories: list[tuple[dt.date, int, Callable[[dt.date], None]]] = []
        for day in self.dates(RATES["contact"]):
            stories.append((day, len(stories), self.contact))
        for day in self.dates(RATES["complaint"]):
            stories.append((day, len(stories), self.direct_complaint))
        for day in self.dates(RATES["compliment"]):
            stories.append((day, len(stories), self.compliment))
        kinds = list(REPRESENTATIONS)
        # At least two a half-year, so even a small demo has each kind.
        for i, day in enumerate(self.dates(RATES["representation"], at_least=2)):
            kind = kinds[i] if i < len(kinds) else self.choice(kinds)
            stories.append((day, len(stories), partial(self.representation, kind=kind)))
        for day, _, story in sorted(stories, key=lambda s: (s[0], s[1])):
            with contextlib.suppress(Stop):
                story(day)
        self.specials()
        if apps.is_installed("harken.registers"):
            self.registers()
        if apps.is_installed("harken.learning"):
            self.learning()
        self.beyond_cases()

    def beyond_cases(self) -> None:
        """The records that are not cases: the pool's loans, homes, surveys, the inbox."""
        if self.pool is not None:  # issue 14
            self.pool.lent(self.start)
        # --- Issue 14 (homes): homes, a year of visits, drop-ins (harken/homes/demo.py) ---
        if apps.is_installed("harken.homes"):
            from harken.homes.demo import homes_demo

            homes_demo(self)
        # --- end of issue 14 (homes) ---
        # Issue 14: surveys sent for closed cases, a share answered, an imported return.
        if apps.is_installed("harken.surveys"):
            from harken.surveys.demo import add_demo_surveys

            add_demo_surveys(self)
        # The shared mailbox's inbox: e-mails and texts routed as real ones are.
        if apps.is_installed("harken.correspondence"):
            from harken.correspondence.demo import mailbox_demo

            mailbox_demo(self)

    # --- People -------------------------------------------------------------------------

    def child_details(self, *, min_age: int = 0, max_age: int = 17) -> dict[str, Any]:
        age_days = self.rng.randint(min_age * 365 + 30, max_age * 365 + 300)
        return {
            "first_name": self.fake.first_name(),
            "last_name": self.fake.last_name(),
            "date_of_birth": self.today - dt.timedelta(days=age_days),
            "looked_after": self.chance(0.3),
            "care_leaver": False,
        }

    def people(self, team: str) -> tuple[list[services.PersonInput], str]:
        relationship = self.pick(RELATIONSHIPS)
        if relationship == Relationship.CHILD:
            child = self.child_details(min_age=11)
            child["looked_after"] = self.chance(0.7)
            child["care_leaver"] = team == "Next Steps Team"
            child["contact_preference"] = "text"
            child["phone"] = self.fake.phone_number()
            return [
                services.PersonInput(
                    role=PartyRole.COMPLAINANT, relationship=relationship, details=child
                )
            ], relationship
        adult = {
            "first_name": self.fake.first_name(),
            "last_name": self.fake.last_name(),
            "email": self.fake.email(),
            "phone": self.fake.phone_number(),
            "postcode": self.fake.postcode(),
            "contact_preference": "email",
        }
        people = [
            services.PersonInput(
                role=PartyRole.COMPLAINANT, relationship=relationship, details=adult
            )
        ]
        if team in SOCIAL_CARE_TEAMS or team == "SEND Team":
            child = self.child_details()
            child["last_name"] = adult["last_name"] if self.chance(0.7) else child["last_name"]
            people.append(
                services.PersonInput(
                    role=PartyRole.CHILD, details=child, child_knows=self.chance(0.6)
                )
            )
        return people, relationship

    # --- Records ------------------------------------------------------------------------

    def team_and_themes(self) -> tuple[str, list[str]]:
        team = self.pick(TEAM_WEIGHTS)
        pool = THEMES_BY_TEAM.get(team, SOCIAL_CARE_THEMES)
        themes = self.rng.sample(pool, k=min(len(pool), self.choice((1, 1, 2, 2, 3))))
        return team, themes

    def elements(self, team: str, themes: list[str]) -> list[services.ElementInput]:
        """One to four different points of complaint about the case's themes."""
        points = [(theme, point) for theme in themes for point in POINTS[theme]]
        count = self.rng.choices((1, 2, 3, 4), weights=(35, 35, 18, 12))[0]
        return [
            services.ElementInput(summary=point, theme=self.themes[theme], team=self.teams[team])
            for theme, point in self.rng.sample(points, k=min(count, len(points)))
        ]

    def details(self, relationship: str, elements: list[services.ElementInput]) -> str:
        who = Relationship(relationship).label
        points = "; ".join(e.summary.lower() for e in elements)
        return f"{who} complains that: {points}. They would like {self.choice(WANTED)}."

    def procedure(self, team: str, received_on: dt.date) -> str:
        code = self.teams[team].default_procedure_code or "corporate-lgsco-2024"
        if code == "corporate-lgsco-2024" and received_on < CODE_STARTS:
            return "corporate-legacy"
        if team == "Next Steps Team" and self.chance(0.3):
            return "adults-statutory"  # care leavers over 18
        return code

    def contact(self, received_on: dt.date) -> None:
        team, themes = self.team_and_themes()
        people, _ = self.people(team)
        case = services.case_create(
            actor=self.officer,
            kind=Kind.CONTACT,
            channel=self.pick(CHANNELS),
            received_on=received_on,
            summary=self.choice(CONTACT_SUMMARIES),
            teams=[self.teams[team]],
            themes=[self.themes[t] for t in themes],
            people=people,
            assigned_to=self.choice((self.officer, self.users["officer2"])),
        )
        self.pending(received_on, 15, 0.6)
        if self.chance(0.26):
            on = self.on(self.wd(received_on, 1, 5))
            complaint = services.contact_progress(
                case=case,
                on=on,
                actor=self.officer,
                procedure_code=self.procedure(team, on),
                elements=self.elements(team, themes),
            )
            self.complaint_story(complaint, team)
        else:
            slow = self.chance(0.1)
            on = self.on(self.wd(received_on, 6, 14) if slow else self.wd(received_on, 0, 6))
            services.contact_resolve(case=case, on=on, actor=self.officer)

    def direct_complaint(self, received_on: dt.date) -> None:
        team, themes = self.team_and_themes()
        people, relationship = self.people(team)
        elements = self.elements(team, themes)
        case = services.case_create(
            actor=self.officer,
            kind=Kind.COMPLAINT,
            channel=self.pick(CHANNELS),
            received_on=received_on,
            summary=elements[0].summary[:200],
            details=self.details(relationship, elements),
            teams=[self.teams[team]],
            themes=[self.themes[t] for t in themes],
            procedure_code=self.procedure(team, received_on),
            people=people,
            elements=elements,
            assigned_to=self.choice((self.officer, self.users["officer2"])),
        )
        self.complaint_story(case, team)

    def compliment(self, received_on: dt.date) -> None:
        team = self.pick(TEAM_WEIGHTS)
        case = services.case_create(
            actor=self.officer,
            kind=Kind.COMPLIMENT,
            channel=self.choice((Channel.EMAIL, Channel.EMAIL, Channel.LETTER, Channel.WEB)),
            received_on=received_on,
            summary=self.choice(COMPLIMENTS),
            teams=[self.teams[team]],
            praised_worker=self.fake.name(),
            people=[
                services.PersonInput(
                    role=PartyRole.COMPLAINANT,
                    relationship=self.pick(RELATIONSHIPS),
                    details={
                        "first_name": self.fake.first_name(),
                        "last_name": self.fake.last_name(),
                    },
                )
            ],
        )
        self.pending(received_on, 5, 0.6)
        on = self.on(received_on + dt.timedelta(days=self.rng.randint(0, 4)))
        services.compliment_pass_on(case=case, on=on, actor=self.officer)

    def representation(self, received_on: dt.date, *, kind: str) -> None:
        case = services.case_create(
            actor=self.officer,
            kind=kind,
            channel=self.pick(CHANNELS),
            received_on=received_on,
            summary=self.choice(REPRESENTATIONS[kind]),
            teams=[self.teams[self.pick(TEAM_WEIGHTS)]],
        )
        self.pending(received_on, 15, 0.5)
        on = self.on(self.wd(received_on, 2, 12))
        services.representation_respond(case=case, on=on, actor=self.officer)

    # --- Complaints through their stages ------------------------------------------------

    @staticmethod
    def spec(case: Case) -> ProcedureDef:
        if case.procedure_version is None:
            raise ValueError(f"{case} is not a complaint.")
        return case.procedure_version.spec

    def stage(self, case: Case, number: int) -> tuple[Stage, StageDef]:
        return case.stages.get(number=number), self.spec(case).stage(number)

    def outcomes(self, case: Case, weights: dict[str, int]) -> dict[int, str]:
        return {e.pk: self.pick(weights) for e in case.elements.all()}

    def complaint_story(self, case: Case, team: str) -> None:
        self.complaints.append(case)
        responded = self.stage1(case, team)
        spec = self.spec(case)
        number = 1
        while spec.has_stage(number + 1) and self.chance(0.32 if number == 1 else 0.35):
            requested = self.wd(responded, 3, 18)
            late_reason = ""
            if self.chance(0.06):
                requested = self.wd(responded, 22, 30)
                late_reason = "The complainant was unwell and could not reply in time"
            number += 1
            services.complaint_escalate(
                case=case,
                requested_on=self.on(requested),
                actor=self.officer,
                late_reason=late_reason,
            )
            responded = self.panel(case) if number == 3 else self.stage2(case, team)
        if case.status == Status.CLOSED and self.chance(0.04 + 0.3 * (number == 3)):
            services.ombudsman_flag(case=case, involved=True, actor=self.officer)

    def acknowledge(self, case: Case, received_on: dt.date) -> dt.date:
        days = self.rng.choices((1, 2, 3, 5), weights=(40, 35, 18, 7))[0]
        on = self.on(add_working_days(received_on, days))
        services.stage_acknowledge(case=case, on=on, actor=self.officer)
        return on

    def extend(self, case: Case, number: int, probability: float) -> None:
        stage, spec = self.stage(case, number)
        if not (
            spec.max_response_days
            and spec.response_days
            and spec.extendable
            and stage.due_on
            and stage.latest_extension_on
            and stage.clock_started_on
            and self.chance(probability)
        ):
            return
        # Agreed with the complainant a few days before the original date.
        told = self.on(
            max(stage.clock_started_on, stage.due_on - dt.timedelta(days=self.rng.randint(1, 4)))
        )
        extra = self.rng.randint(1, spec.max_response_days - spec.response_days)
        new_due = min(add_working_days(stage.due_on, extra), stage.latest_extension_on)
        if new_due > stage.due_on:
            services.stage_extend(
                case=case,
                new_due_on=new_due,
                complainant_told_on=told,
                reason=self.choice(
                    (
                        "Complex: several teams involved",
                        "Waiting for records from the school",
                        "Key worker on leave",
                    )
                ),
                actor=self.officer,
            )

    def response_date(self, stage: Stage, spec: StageDef, *, late: float) -> dt.date:
        # An extension is agreed before the response: never answer before the day agreed.
        told = max((e.complainant_told_on for e in stage.extensions.all()), default=None)
        day = self._response_date(stage, spec, late=late)
        return max(day, told) if told else day

    def _response_date(self, stage: Stage, spec: StageDef, *, late: float) -> dt.date:
        start = stage.clock_started_on or stage.received_on
        if spec.relevant_period_months:
            return self.wd(start, 10, 45)
        if stage.due_on is None:
            return self.wd(start, 10, 25)
        if self.chance(late):
            return self.wd(stage.due_on, 1, 8)
        available = working_days_between(start, stage.due_on)
        return self.wd(start, max(1, available // 2), max(1, available))

    def responder(self, case: Case, team: str) -> User:
        if case.restricted or self.chance(0.3):
            return self.officer
        return self.users["manager" if team in SOCIAL_CARE_TEAMS else "manager2"]

    def stage1(self, case: Case, team: str) -> dt.date:
        received = case.received_on
        if self.chance(0.05):
            services.case_withdraw(
                case=case,
                on=self.on(self.wd(received, 2, 8)),
                reason="The complainant says it is resolved",
                actor=self.officer,
            )
            raise Stop
        self.acknowledge(case, received)
        stage, spec = self.stage(case, 1)
        child_complainant = case.parties.filter(relationship=Relationship.CHILD).exists()
        if (
            child_complainant
            and not spec.steps
            and spec.response_days
            and spec.clock_starts == "receipt"
            and self.chance(0.4)
        ):
            services.stage_pause(
                case=case, reason="an advocate is arranged for the young person", actor=self.officer
            )
            services.stage_resume(
                case=case, on=self.on(self.wd(received, 4, 8)), actor=self.officer
            )
        self.extend(case, 1, 0.15)
        self.pending(received, 40, 0.65)
        stage, spec = self.stage(case, 1)
        on = self.on(self.response_date(stage, spec, late=0.25))
        responder = self.responder(case, team)
        services.stage_respond(
            case=case,
            on=on,
            outcomes=self.outcomes(case, STAGE1_OUTCOMES),
            actor=responder if responder.role == Role.MANAGER else self.officer,
            responder=responder,
        )
        return on

    def stage2(self, case: Case, team: str) -> dt.date:
        stage, spec = self.stage(case, 2)
        self.acknowledge(case, stage.received_on)
        if spec.requires_investigating_officer:
            appointed = self.on(self.wd(stage.received_on, 2, 6))
            services.appointment_make(
                case=case,
                user=self.users["io"],
                role=AppointmentRole.INVESTIGATING_OFFICER,
                on=appointed,
                actor=self.officer,
            )
            if spec.requires_independent_person and self.pool is not None:
                self.pool.appoint_ip(case, appointed)  # issue 14: from the pool, with a fee
            elif spec.requires_independent_person:
                services.appointment_make(
                    case=case,
                    user=self.users["ip"],
                    role=AppointmentRole.INDEPENDENT_PERSON,
                    on=appointed,
                    actor=self.officer,
                )
        if spec.clock_starts == "statement_agreed":
            services.statement_agree(
                case=case, on=self.on(self.wd(stage.received_on, 5, 12)), actor=self.officer
            )
        self.extend(case, 2, 0.3)
        self.pending(stage.received_on, 70, 0.5)
        stage, spec = self.stage(case, 2)
        on = self.on(self.response_date(stage, spec, late=0.2))
        services.stage_respond(
            case=case,
            on=on,
            outcomes=self.outcomes(case, LATER_OUTCOMES),
            actor=self.officer,
            responder=self.users["head"],
        )
        return on

    def panel(self, case: Case) -> dt.date:
        stage, _ = self.stage(case, 3)
        self.acknowledge(case, stage.received_on)
        appointed = self.on(self.wd(stage.received_on, 4, 10))
        for username, role in (
            ("panel1", AppointmentRole.PANEL_CHAIR),
            ("panel2", AppointmentRole.PANEL_MEMBER),
            ("panel3", AppointmentRole.PANEL_MEMBER),
        ):
            services.appointment_make(
                case=case, user=self.users[username], role=role, on=appointed, actor=self.officer
            )
        self.pending(stage.received_on, 50, 0.5)
        met = self.on(self.wd(stage.received_on, 18, 33))
        services.panel_met(case=case, on=met, actor=self.officer)
        report = self.on(self.wd(met, 3, 6))
        services.panel_report(case=case, on=report, actor=self.officer)
        on = self.on(self.wd(report, 9, 16))
        services.council_response(
            case=case, on=on, actor=self.officer, outcomes=self.outcomes(case, LATER_OUTCOMES)
        )
        return on

    # --- A few records every demo should show -------------------------------------------

    def specials(self) -> None:
        social = [
            c
            for c in self.complaints
            if c.procedure_version and c.procedure_version.procedure.code == "children-statutory"
        ]
        for case, (description, referral) in zip(
            self.rng.sample(social, k=min(2, len(social))),
            (
                ("The young person said a carer hit them", Referral.LADO),
                ("Parent disclosed domestic abuse at home", Referral.FRONT_DOOR),
            ),
            strict=False,
        ):
            raised = min(self.today, add_working_days(case.received_on, 1))
            services.safeguarding_record(
                case=case,
                raised_on=raised,
                description=description,
                referred_to=referral,
                referred_on=raised,
                referral_reference=f"REF-{self.rng.randint(1000, 9999)}",
                actor=self.officer,
            )
        received = self.today - dt.timedelta(days=9)
        case = services.case_create(
            actor=self.officer,
            kind=Kind.COMPLAINT,
            channel=Channel.EMAIL,
            received_on=received,
            summary="Complaint from a member of staff about their own child's case",
            teams=[self.teams["Assessment Teams"]],
            themes=[self.themes["Case management (actions, inaction or decisions)"]],
            procedure_code="children-statutory",
            restricted=True,
            restricted_to=[self.users["admin"]],
            people=[
                services.PersonInput(
                    relationship=Relationship.PARENT,
                    details={
                        "first_name": self.fake.first_name(),
                        "last_name": self.fake.last_name(),
                    },
                )
            ],
            elements=[
                services.ElementInput(
                    summary="Decision not to offer a family group conference",
                    theme=self.themes["Case management (actions, inaction or decisions)"],
                    team=self.teams["Assessment Teams"],
                )
            ],
            assigned_to=self.officer,
        )
        services.stage_acknowledge(
            case=case, on=min(self.today, add_working_days(received, 1)), actor=self.officer
        )

    # --- The registers and the action plan, as seed 004's half-year shows them ----------

    def halves(self) -> list[tuple[dt.date, dt.date]]:
        """The demo's half-years, oldest first, the last one ending today."""
        out, start = [], self.start
        while start <= self.today:
            end = min(start + relativedelta(months=6) - dt.timedelta(days=1), self.today)
            out.append((start, end))
            start = end + dt.timedelta(days=1)
        return out

    def per_half(self, rate: float) -> int:
        return max(1, round(rate * self.scale))

    def day_in(self, start: dt.date, end: dt.date) -> dt.date:
        days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        return self.choice([d for d in days if is_working_day(d)] or days)

    @staticmethod
    def closed(case: Case) -> dt.date:
        if case.closed_on is None:
            raise ValueError(f"{case} is not closed.")
        return case.closed_on

    def closed_in(self, start: dt.date, end: dt.date) -> list[Case]:
        return [
            c
            for c in self.complaints
            if c.status == Status.CLOSED and c.closed_on and start <= c.closed_on <= end
        ]

    def registers(self) -> None:
        """Ombudsman cases with remedies and payments, investigation costs, persistent-contact
        decisions, advocacy referrals and subject access requests in every half-year (seed
        004: 5 Ombudsman enquiries, £3,224 of costs, £8,920 paid, 3 persistent-contact
        letters in six months), through the registers' own services."""
        for number, (start, end) in enumerate(self.halves(), start=1):
            self.ombudsman_cases(number, start, end)
            self.payments(start, end)
            for _ in range(self.per_half(3)):
                self.restriction(self.day_in(start, end))
            for _ in range(self.per_half(10)):
                self.subject_access(self.day_in(start, end))
        self.costs()
        self.advocacy()

    def ombudsman_cases(self, half: int, start: dt.date, end: dt.date) -> None:
        from harken.registers import services as registers
        from harken.registers.models import OmbudsmanCase, OmbudsmanDecision, RemedyKind

        # Cases that went to the Ombudsman at the end of the procedure, then others.
        candidates = self.closed_in(start - relativedelta(months=6), start)
        candidates.sort(key=lambda c: (not c.ombudsman_involved, c.pk))
        for case in candidates[: self.per_half(5)]:
            received = self.closed(case) + dt.timedelta(days=self.rng.randint(14, 90))
            if received > self.today:
                continue
            # The Ombudsman's style, unique however often the demo data is added.
            reference = f"{received:%y} {half:03d} {OmbudsmanCase.objects.count() + 1:03d}"
            decision: str = OmbudsmanDecision.IN_PROGRESS
            decided: dt.date | None = None
            if (self.today - received).days > 60:
                decision = self.pick(
                    {
                        OmbudsmanDecision.UPHELD: 40,
                        OmbudsmanDecision.NOT_UPHELD: 20,
                        OmbudsmanDecision.CLOSED_AFTER_INITIAL_ENQUIRIES: 25,
                        OmbudsmanDecision.REFERRED_BACK: 10,
                        OmbudsmanDecision.NOT_IN_REMIT: 5,
                    }
                )
                decided = min(self.today, self.wd(received, 20, 60))
            ombudsman_case = registers.ombudsman_case_create(
                actor=self.officer,
                ombudsman_reference=reference,
                enquiry_received_on=received,
                case=case,
                response_due_on=self.wd(received, 20),
                response_sent_on=min(self.today, self.wd(received, 10, 19)),
                decision=decision,
                decision_on=decided,
                injustice=self.chance(0.7) if decision == OmbudsmanDecision.UPHELD else None,
            )
            if decision != OmbudsmanDecision.UPHELD or decided is None:
                continue
            apology = min(self.today, decided + dt.timedelta(days=self.rng.randint(3, 10)))
            registers.ombudsman_remedy_add(
                ombudsman_case=ombudsman_case,
                actor=self.officer,
                kind=RemedyKind.APOLOGY,
                due_on=decided + dt.timedelta(days=28),
                complied_on=apology,
                evidence="Copy of the letter of apology",
            )
            amount = Decimal(self.choice((150, 250, 300, 500, 750, 1300)))
            due = decided + dt.timedelta(days=28)
            remedy = registers.ombudsman_remedy_add(
                ombudsman_case=ombudsman_case,
                actor=self.officer,
                kind=RemedyKind.PAYMENT,
                description="For the distress and time and trouble caused",
                amount=amount,
                due_on=due,
            )
            paid = decided + dt.timedelta(days=self.rng.randint(7, 40))
            if paid <= self.today:
                registers.payment_create(
                    actor=self.officer,
                    amount=amount,
                    paid_on=paid,
                    ombudsman_case=ombudsman_case,
                    remedy=remedy,
                    reason="Ombudsman's recommended remedy for distress, time and trouble",
                )
            registers.ombudsman_remedy_add(
                ombudsman_case=ombudsman_case,
                actor=self.officer,
                kind=RemedyKind.SERVICE_IMPROVEMENT,
                description="Remind staff to record decisions and tell families promptly",
                due_on=decided + dt.timedelta(days=90),
            )

    def payments(self, start: dt.date, end: dt.date) -> None:
        """Compensation the council offered itself on upheld complaints."""
        from harken.registers import services as registers
        from harken.registers.models import PaymentKind

        upheld = [
            c
            for c in self.closed_in(start, end)
            if c.elements.filter(outcomes__outcome=Outcome.UPHELD).exists()
        ]
        for case in self.rng.sample(upheld, k=min(len(upheld), self.per_half(3))):
            paid = min(self.today, self.closed(case) + dt.timedelta(days=self.rng.randint(5, 30)))
            registers.payment_create(
                actor=self.officer,
                amount=Decimal(self.choice((50, 100, 200, 250, 400, 1500))),
                paid_on=paid,
                case=case,
                kind=self.choice((PaymentKind.COMPENSATION, PaymentKind.FINANCIAL_REMEDY)),
                reason=self.choice(
                    (
                        "Time and trouble in pursuing the complaint",
                        "Missed contact sessions",
                        "Transport costs refunded",
                    )
                ),
            )

    def costs(self) -> None:
        """The fees of every Investigating Officer, Independent Person and review panel."""
        from harken.registers import services as registers
        from harken.registers.models import CostRole

        for case in self.complaints:
            for stage in case.stages.filter(number__gte=2, concluded_on__isnull=False):
                roles = (
                    [CostRole.PANEL]
                    if stage.number == 3
                    else [CostRole.INVESTIGATING_OFFICER, CostRole.INDEPENDENT_PERSON]
                )
                for role in roles:
                    low, high = (
                        (800, 2200) if role == CostRole.INVESTIGATING_OFFICER else (300, 900)
                    )
                    amount = Decimal(self.rng.randint(low, high))
                    # Issue 14: a fee of an appointment from the pool is its cost already.
                    if role == CostRole.INDEPENDENT_PERSON and stage.appointments.filter(
                        role=AppointmentRole.INDEPENDENT_PERSON, pool_fee__isnull=False
                    ):
                        continue
                    registers.cost_create(
                        case=case,
                        actor=self.officer,
                        role=role,
                        amount=amount,
                        incurred_on=stage.concluded_on,
                        stage_number=stage.number,
                        supplier=self.choice(("Independent Investigations Ltd", "A. Consultant")),
                    )

    def restriction(self, on: dt.date) -> None:
        from harken.registers import services as registers

        ended = self.chance(0.3) and (self.today - on).days > 120
        restriction = registers.restriction_create(
            actor=self.officer,
            decision_on=on,
            letter_issued_on=on,
            reason="Repeated calls and e-mails about matters already answered",
            restrictions="Contact by e-mail only, answered once a week by the named officer",
            single_point_of_contact="The complaints manager",
            review_on=on + dt.timedelta(days=60 if ended else 180),
            person_details={
                "first_name": self.fake.first_name(),
                "last_name": self.fake.last_name(),
            },
        )
        if ended:  # reviewed after two months and lifted
            registers.restriction_update(
                restriction=restriction,
                actor=self.officer,
                reviewed_on=on + dt.timedelta(days=60),
                ended_on=on + dt.timedelta(days=60),
                end_reason="Contact is now reasonable",
            )

    def advocacy(self) -> None:
        """Every child complainant offered an advocate (s26A); most referred in-house."""
        from harken.registers import services as registers
        from harken.registers.models import AdvocacyOutcome, AdvocacyProvider

        for case in self.complaints:
            child = case.parties.filter(relationship=Relationship.CHILD).first()
            if child is None or not self.chance(0.8):
                continue
            referred = case.received_on
            independent = self.chance(0.25)
            settled = (self.today - referred).days > 20
            registers.advocacy_referral_create(
                actor=self.officer,
                referred_on=referred,
                provider=AdvocacyProvider.INDEPENDENT if independent else AdvocacyProvider.IN_HOUSE,
                provider_name="Coram Voice" if independent else "",
                child=child.person,
                case=case,
                outcome=(
                    self.pick(
                        {
                            AdvocacyOutcome.ADVOCATE_PROVIDED: 75,
                            AdvocacyOutcome.DECLINED: 20,
                            AdvocacyOutcome.NO_CONTACT: 5,
                        }
                    )
                    if settled
                    else AdvocacyOutcome.PENDING
                ),
                outcome_on=self.wd(referred, 3, 10) if settled else None,
            )

    def subject_access(self, received: dt.date) -> None:
        from harken.registers import services as registers

        sar = registers.sar_create(
            actor=self.officer,
            received_on=received,
            identity_verified_on=received,
            requester_details={
                "first_name": self.fake.first_name(),
                "last_name": self.fake.last_name(),
            },
            description="Copies of my social care records",
        )
        if self.chance(0.2):
            told = self.wd(received, 10, 15)
            if told <= min(self.today, sar.due_on):
                sar = registers.sar_extend(
                    sar=sar,
                    actor=self.officer,
                    reason="Complex: several years of records from three teams",
                    requester_told_on=told,
                )
        due = sar.extended_due_on or sar.due_on
        days = (due - received).days
        sent = received + dt.timedelta(
            days=self.rng.randint(10, days + 10 if self.chance(0.15) else days)
        )
        if sent <= self.today and not (self.today - received).days < 25 and self.chance(0.9):
            registers.sar_update(
                sar=sar,
                actor=self.officer,
                sent_on=sent,
                pages_disclosed=self.rng.randint(20, 400),
                redactions_count=self.rng.randint(0, 60),
            )

    def learning(self) -> None:
        """Recommendations from stage 2 and 3 findings with actions, some done, some overdue."""
        from harken.learning import services as learning
        from harken.learning.models import ActionStatus, Decision, Source

        owners = [self.users["manager"], self.users["manager2"], self.officer]
        for case in self.complaints:
            stage = case.stages.filter(number__gte=2, concluded_on__isnull=False).last()
            if stage is None or stage.concluded_on is None or not self.chance(0.6):
                continue
            made = stage.concluded_on
            accepted = self.chance(0.9)
            recommendation = learning.recommendation_create(
                case=case,
                source=Source.STAGE3 if stage.number == 3 else Source.STAGE2,
                made_on=made,
                actor=self.officer,
                text=self.choice(
                    (
                        "Tell families in writing when a visit is cancelled, and why",
                        "Return calls within two working days",
                        "Review how plans are shared with parents before meetings",
                        "Train staff on recording the child's views",
                    )
                ),
                team=case.teams.first(),
                decision=Decision.ACCEPTED if accepted else Decision.NOT_ACCEPTED,
                decided_on=made,
                decision_reason="" if accepted else "Already covered by the new practice standards",
            )
            if not accepted:
                continue
            for _ in range(self.rng.randint(1, 2)):
                due = made + dt.timedelta(days=self.rng.randint(30, 120))
                action = learning.action_create(
                    recommendation=recommendation,
                    description=self.choice(
                        (
                            "Briefing for the team",
                            "Update the practice guidance",
                            "Audit ten cases in three months",
                        )
                    ),
                    owner=self.choice(owners),
                    due_on=due,
                    actor=self.officer,
                )
                # Most are done by their date; some run late, and some are still overdue.
                done = due - dt.timedelta(days=self.rng.randint(-20, 25))
                if done <= self.today and self.chance(0.75):
                    learning.action_record_progress(
                        action=action,
                        status=ActionStatus.COMPLETED,
                        actor=self.officer,
                        evidence="Briefing notes and attendance list",
                        completed_on=max(made, done),
                    )
                elif made <= self.today:
                    learning.action_record_progress(
                        action=action,
                        status=ActionStatus.IN_PROGRESS,
                        actor=self.officer,
                        progress="Started; waiting for the team meeting",
                    )


def demo_report_period() -> Any:
    """The demo's last year: the last whole financial year (April to March) before today,
    which a two-year demo covers completely."""
    from harken.reports.periods import Period, financial_year_of

    fy = financial_year_of(today()) - 1
    return Period(dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31))


def build_demo(*, seed: int = 1, years: int = 2, scale: float = 1.0) -> DemoSummary:
    """Make the demo users and records in one transaction; returns what was made."""
    started = time.perf_counter()
    summary = DemoSummary()
    with transaction.atomic():
        builder = DemoBuilder(seed=seed, years=years, scale=scale)
        summary.users = builder.make_users()
        builder.build()
    now = today()
    # Counted by the database, not by loading every row.
    summary.kinds = Counter(
        dict(Case.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    )
    summary.stages = Counter(
        dict(Stage.objects.values_list("number").annotate(n=Count("pk")).order_by())
    )
    summary.open_cases = Case.objects.filter(status=Status.OPEN).count()
    summary.overdue = Case.objects.filter(status=Status.OPEN, next_due_on__lt=now).count()
    summary.seconds = time.perf_counter() - started
    return summary
