"""Seed 004's situation (April-September 2023, against April-September 2022), built through
the services with the clock frozen on 20 October 2023, so the report can be checked against
every figure of its tables.

Where seed 004's own figures do not add up, the records here are consistent and the tests say
which figure differs:
- initial contacts: Q2 shows 57 received, 41 resolved and 15 progressed (57 ≠ 56) and a total
  of 78 resolved (36 + 41 = 77). Here one Q2 contact is still open, so 41 and 77 are resolved
  (77 of 105 is the seed's 73%; 27 of 105 is 26%, not 27%).
- stage 1 element outcomes: 59 elements, 41 not upheld, 12 upheld, 5 partially upheld (58);
  here the 59th is "unable to determine".

Use `build()` in a test (time is frozen inside it) or from a shell for a demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine
from django.apps import apps

from harken.accounts.models import Role, Team, User
from harken.accounts.tests.factories import make_user
from harken.cases import services
from harken.cases.models import (
    AppointmentRole,
    Case,
    Kind,
    Outcome,
    PartyRole,
    Relationship,
    Theme,
)
from harken.workdays.rules import add_working_days, working_days_between

D = dt.date
FROZEN = dt.datetime(2023, 10, 20, 12, 0, tzinfo=dt.UTC)
PERIOD = (D(2023, 4, 1), D(2023, 9, 30))
LAST_YEAR = (D(2022, 4, 1), D(2022, 9, 30))

SC = "children-statutory"
CORP = "corporate-legacy"

CM = "Case management (actions, inaction or decisions)"
SEND = "SEND issues"
INFO = "Information held"
COMM = "Communication"
SWC = "Social worker conduct"
TRANSPORT = "Transport"

NU = Outcome.NOT_UPHELD
U = Outcome.UPHELD
PU = Outcome.PARTIALLY_UPHELD
UTD = Outcome.UNABLE_TO_DETERMINE


@dataclass
class Spec:
    """One complaint's life. Days are working days; None leaves the stage open."""

    key: str
    team: str
    procedure: str
    received: dt.date
    elements: list[tuple[str, str | None]]  # (theme, stage 1 outcome)
    s1_days: int | None = None
    s1_extend: int | None = None
    contact_on: dt.date | None = None  # an initial contact progressed on `received`
    s2_on: dt.date | None = None
    s2_late: str = ""
    s2_statement: dt.date | None = None  # children's stage 2: the agreed statement
    s2_added: list[str] = field(default_factory=list)
    s2_outcomes: list[str] | None = None
    s2_days: int | None = None
    s2_extend: int | None = None
    s3_on: dt.date | None = None
    s3_late: str = ""
    s3_met: dt.date | None = None
    s3_report: dt.date | None = None
    s3_response: dt.date | None = None
    withdrawn_on: dt.date | None = None
    relationship: str = Relationship.PARENT
    child_looked_after: bool = False


def _e(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return list(items)


def _open(*themes: str) -> list[tuple[str, str | None]]:
    return [(t, None) for t in themes]


# Stage 1 complaints received April-September 2023, each progressed from an initial contact.
THIS_PERIOD: list[Spec] = [
    # Q1 (April-June): social care 5, corporate 7.
    Spec(
        "S1",
        "SEND Team",
        CORP,
        D(2023, 4, 5),
        _e((SEND, NU), (SEND, U), (COMM, NU)),
        8,
        contact_on=D(2023, 4, 3),
        s2_on=D(2023, 5, 2),
        s2_added=[SEND, COMM, INFO],
        s2_outcomes=[NU, NU, NU, U, UTD, NU],
        s2_days=37,
    ),
    Spec(
        "S2",
        "SEND Team",
        CORP,
        D(2023, 4, 12),
        _e((SEND, NU), (SEND, NU), (INFO, U)),
        9,
        contact_on=D(2023, 4, 11),
        s2_on=D(2023, 5, 10),
        s2_added=[COMM, SEND, CM],
        s2_outcomes=[NU, NU, NU, U, PU, NU],
        s2_days=37,
    ),
    Spec(
        "E1",
        "Early Help",
        CORP,
        D(2023, 4, 17),
        _e((CM, NU), (COMM, NU), (INFO, NU)),
        10,
        contact_on=D(2023, 4, 14),
        s2_on=D(2023, 5, 15),
        s2_added=[COMM, SEND, CM],
        s2_outcomes=[NU, NU, NU, U, PU, NU],
        s2_days=36,
        s2_extend=30,
    ),
    Spec(
        "A1",
        "Assessment Teams",
        SC,
        D(2023, 4, 19),
        _e((CM, NU), (CM, U), (COMM, NU)),
        10,
        contact_on=D(2023, 4, 18),
    ),
    Spec(
        "C1",
        "Child Protection Teams",
        SC,
        D(2023, 4, 25),
        _e((CM, NU), (SWC, U), (COMM, NU)),
        7,
        contact_on=D(2023, 4, 24),
    ),
    Spec(
        "I1",
        "Independent Reviewing Team (ICRT)",
        SC,
        D(2023, 5, 3),
        _e((CM, NU), (INFO, NU)),
        10,
        contact_on=D(2023, 5, 2),
        relationship=Relationship.FOSTER_CARER,
        child_looked_after=True,
    ),
    Spec(
        "S3",
        "SEND Team",
        CORP,
        D(2023, 5, 10),
        _e((SEND, NU), (SEND, U), (SEND, NU)),
        10,
        contact_on=D(2023, 5, 9),
    ),
    Spec(
        "D1",
        "Adoption Team",
        CORP,
        D(2023, 5, 16),
        _e((CM, NU), (INFO, U), (COMM, PU)),
        14,
        contact_on=D(2023, 5, 15),
    ),
    Spec(
        "A2",
        "Assessment Teams",
        SC,
        D(2023, 6, 15),
        _e((CM, NU), (CM, NU), (INFO, U)),
        16,
        contact_on=D(2023, 6, 13),
        s2_on=D(2023, 7, 20),
        s2_statement=D(2023, 7, 27),
    ),
    Spec(
        "C2",
        "Child Protection Teams",
        SC,
        D(2023, 6, 21),
        _e((CM, NU), (COMM, NU)),
        13,
        s1_extend=15,
        contact_on=D(2023, 6, 19),
        s2_on=D(2023, 7, 24),
        relationship=Relationship.PROFESSIONAL,
    ),
    Spec(
        "S4",
        "SEND Team",
        CORP,
        D(2023, 6, 22),
        _e((SEND, U), (SEND, NU), (COMM, PU)),
        15,
        contact_on=D(2023, 6, 20),
        s2_on=D(2023, 7, 27),
    ),
    Spec(
        "S5",
        "SEND Team",
        CORP,
        D(2023, 6, 26),
        _e((SEND, NU), (SEND, NU)),
        9,
        contact_on=D(2023, 6, 23),
        s2_on=D(2023, 7, 21),
    ),
    # Q2 (July-September): social care 9, corporate 6.
    Spec(
        "CC1",
        "Connected Carers Team",
        SC,
        D(2023, 7, 4),
        _e((COMM, U), (CM, NU), (INFO, NU)),
        10,
        contact_on=D(2023, 7, 3),
        s2_on=D(2023, 8, 1),
        relationship=Relationship.CARER,
    ),
    Spec(
        "CWD1",
        "Children with Disabilities Team",
        SC,
        D(2023, 7, 6),
        _e((COMM, NU), (CM, NU), (CM, U)),
        9,
        contact_on=D(2023, 7, 5),
        s2_on=D(2023, 8, 3),
        child_looked_after=True,
    ),
    Spec(
        "PermX",
        "Permanence Teams",
        SC,
        D(2023, 7, 11),
        _e((INFO, PU), (CM, NU), (COMM, NU)),
        10,
        contact_on=D(2023, 7, 10),
        s2_on=D(2023, 8, 8),
    ),
    Spec(
        "T1",
        "Education - Transport",
        CORP,
        D(2023, 7, 13),
        _e((TRANSPORT, NU), (TRANSPORT, NU), (COMM, UTD)),
        14,
        contact_on=D(2023, 7, 12),
        s2_on=D(2023, 8, 14),
    ),
    Spec(
        "S6",
        "SEND Team",
        CORP,
        D(2023, 7, 18),
        _e((SEND, NU), (SEND, NU), (COMM, NU)),
        10,
        contact_on=D(2023, 7, 17),
        s2_on=D(2023, 8, 15),
    ),
    Spec(
        "A3",
        "Assessment Teams",
        SC,
        D(2023, 7, 25),
        _e((CM, NU), (CM, PU)),
        8,
        contact_on=D(2023, 7, 24),
    ),
    Spec(
        "C3",
        "Child Protection Teams",
        SC,
        D(2023, 8, 2),
        _e((CM, NU), (CM, NU), (COMM, NU)),
        18,
        contact_on=D(2023, 8, 1),
    ),
    Spec("A4", "Assessment Teams", SC, D(2023, 9, 5), _open(CM, COMM), contact_on=D(2023, 9, 4)),
    # Received in the period, concluded in the next (5 October 2023), within its extension.
    Spec(
        "A5",
        "Assessment Teams",
        SC,
        D(2023, 9, 7),
        _e((CM, NU), (INFO, NU)),
        20,
        s1_extend=20,
        contact_on=D(2023, 9, 6),
    ),
    Spec(
        "C4",
        "Child Protection Teams",
        SC,
        D(2023, 9, 12),
        _open(CM, SWC),
        contact_on=D(2023, 9, 11),
        child_looked_after=True,
    ),
    Spec("D2", "Adoption Team", SC, D(2023, 9, 14), _open(CM, COMM), contact_on=D(2023, 9, 13)),
    Spec("S7", "SEND Team", CORP, D(2023, 9, 15), _open(SEND, SEND), contact_on=D(2023, 9, 14)),
    Spec("S8", "SEND Team", CORP, D(2023, 9, 19), _open(SEND, COMM), contact_on=D(2023, 9, 18)),
    Spec(
        "S9",
        "SEND Team",
        CORP,
        D(2023, 9, 21),
        _open(SEND, INFO),
        contact_on=D(2023, 9, 20),
        relationship=Relationship.ADVOCATE,
    ),
    Spec(
        "S10",
        "SEND Team",
        CORP,
        D(2023, 9, 25),
        _open(SEND, SEND),
        contact_on=D(2023, 9, 22),
        withdrawn_on=D(2023, 9, 28),
    ),
]

# Complaints received before the period that reach later stages in it.
EARLIER: list[Spec] = [
    # Stage 1 concluded in April (within its extension), stage 2 requested in Q1.
    Spec(
        "NS",
        "Next Steps Team",
        SC,
        D(2023, 3, 13),
        _e((COMM, NU), (INFO, NU), (COMM, U)),
        17,
        s1_extend=20,
        s2_on=D(2023, 4, 20),
        s2_statement=D(2023, 4, 27),
    ),
    Spec(
        "SENDsc1",
        "SEND Team",
        SC,
        D(2023, 2, 13),
        _e((COMM, NU), (SEND, NU)),
        19,
        s1_extend=20,
        s2_on=D(2023, 4, 3),
    ),
    # Stage 1 concluded on 30 June, out of timescale; stage 2 requested in Q2.
    Spec(
        "SENDsc2",
        "SEND Team",
        SC,
        D(2023, 3, 20),
        _e((SEND, NU), (SEND, U), (SEND, PU)),
        69,
        s2_on=D(2023, 7, 14),
    ),  # 69 working days: 30 June 2023
    # Stage 2 requested before the period and concluded in it, within timescale.
    Spec(
        "P1",
        "Child Protection Teams",
        SC,
        D(2022, 12, 1),
        _e((CM, NU), (SWC, NU), (COMM, NU), (CM, NU), (SWC, NU)),
        10,
        s2_on=D(2023, 1, 9),
        s2_statement=D(2023, 3, 20),
        s2_outcomes=[NU, U, NU, NU, NU],
        s2_days=20,
    ),
    Spec(
        "P2",
        "Fostering Team",
        SC,
        D(2022, 12, 5),
        _e((CM, NU), (CM, NU), (CM, NU), (COMM, NU), (COMM, NU), (COMM, NU)),
        10,
        s2_on=D(2023, 1, 10),
        s2_statement=D(2023, 3, 15),
        s2_outcomes=[NU, NU, NU, NU, NU, UTD],
        s2_days=24,
    ),
    Spec(
        "P3",
        "Children's Homes",
        SC,
        D(2022, 11, 14),
        _e((CM, NU), (CM, NU), (COMM, NU), (COMM, NU), (INFO, NU), (SWC, NU)),
        10,
        s2_on=D(2022, 12, 5),
        s2_statement=D(2023, 3, 1),
        s2_outcomes=[NU, NU, PU, NU, UTD, NU],
        s2_days=40,
        s2_extend=45,
    ),
    # Corporate stage 2 requested before the period, concluded in it out of timescale.
    Spec(
        "CorpPre",
        "SEND Team",
        CORP,
        D(2023, 1, 30),
        _e((SEND, NU), (SEND, NU), (COMM, NU), (SEND, NU), (INFO, NU)),
        10,
        s2_on=D(2023, 3, 1),
        s2_outcomes=[NU, U, NU, PU, NU],
        s2_days=37,
    ),
    # Review panels requested in Q1: one concluded in time, one requested late and open.
    Spec(
        "S3a",
        "Child Protection Teams",
        SC,
        D(2022, 10, 3),
        _e((CM, NU), (COMM, NU)),
        10,
        s2_on=D(2022, 10, 24),
        s2_statement=D(2022, 12, 12),
        s2_outcomes=[NU, NU],
        s2_days=63,
        s2_extend=65,
        s3_on=D(2023, 4, 12),
        s3_met=D(2023, 5, 19),
        s3_report=D(2023, 5, 25),
        s3_response=D(2023, 6, 12),
    ),
    Spec(
        "S3b",
        "Adoption Team",
        SC,
        D(2022, 10, 10),
        _e((CM, NU), (INFO, NU)),
        10,
        s2_on=D(2022, 10, 31),
        s2_statement=D(2022, 12, 19),
        s2_outcomes=[NU, NU],
        s2_days=60,
        s2_extend=65,
        s3_on=D(2023, 5, 2),
        s3_late="The complainant was in hospital when the adjudication arrived.",
        s3_met=D(2023, 6, 20),
    ),
]

# April-September 2022: 10 stage 1 complaints progressed from contacts (social care 6,
# corporate 4), 5 stage 2 requests (social care 2, corporate 3), 7 stage 2s concluded in
# 55, 58, 60, 62, 59, 60 and 60 working days (59.1 on average).
LAST_YEAR_SPECS: list[Spec] = [
    Spec(
        "LA1",
        "Assessment Teams",
        SC,
        D(2022, 4, 20),
        _e((CM, NU), (COMM, NU)),
        8,
        contact_on=D(2022, 4, 19),
    ),
    Spec(
        "LA2",
        "Child Protection Teams",
        SC,
        D(2022, 5, 11),
        _e((CM, NU), (COMM, U)),
        9,
        contact_on=D(2022, 5, 10),
    ),
    Spec(
        "LA3",
        "Fostering Team",
        SC,
        D(2022, 6, 8),
        _e((CM, NU), (INFO, NU)),
        10,
        contact_on=D(2022, 6, 7),
    ),
    Spec(
        "LA4",
        "Assessment Teams",
        SC,
        D(2022, 7, 13),
        _e((CM, U), (COMM, NU)),
        15,
        contact_on=D(2022, 7, 12),
    ),
    Spec(
        "LA5",
        "Children's Homes",
        SC,
        D(2022, 8, 10),
        _e((CM, NU), (COMM, NU)),
        10,
        contact_on=D(2022, 8, 9),
    ),
    Spec(
        "LA6",
        "Permanence Teams",
        SC,
        D(2022, 9, 7),
        _e((CM, PU), (COMM, NU)),
        7,
        contact_on=D(2022, 9, 6),
    ),
    Spec(
        "LC1",
        "SEND Team",
        CORP,
        D(2022, 4, 27),
        _e((SEND, NU), (SEND, NU)),
        10,
        contact_on=D(2022, 4, 26),
        s2_on=D(2022, 6, 6),
        s2_outcomes=[NU, U],
        s2_days=95,
    ),
    Spec(
        "LC2",
        "SEND Team",
        CORP,
        D(2022, 6, 1),
        _e((SEND, NU), (COMM, NU)),
        12,
        contact_on=D(2022, 5, 31),
        s2_on=D(2022, 7, 8),
        s2_outcomes=[NU, NU],
        s2_days=70,
    ),
    Spec(
        "LC3",
        "Early Help",
        CORP,
        D(2022, 7, 6),
        _e((CM, NU), (COMM, NU)),
        9,
        contact_on=D(2022, 7, 5),
        s2_on=D(2022, 8, 8),
        s2_outcomes=[NU, NU],
        s2_days=50,
        s2_extend=50,
    ),
    Spec(
        "LC4",
        "Education - Transport",
        CORP,
        D(2022, 8, 17),
        _e((TRANSPORT, NU), (COMM, NU)),
        16,
        contact_on=D(2022, 8, 16),
    ),
    # Stage 2s concluded April-September 2022.
    *[
        Spec(
            key,
            "Child Protection Teams",
            SC,
            s1,
            _e((CM, NU), (COMM, NU)),
            10,
            s2_on=s2,
            s2_statement=statement,
            s2_outcomes=[NU, NU],
            s2_days=days,
            s2_extend=65,
        )
        for key, s1, s2, statement, days in (
            ("L1", D(2021, 11, 1), D(2021, 11, 29), D(2022, 1, 17), 55),
            ("L2", D(2021, 11, 8), D(2021, 12, 6), D(2022, 1, 24), 58),
            ("L3", D(2021, 11, 15), D(2021, 12, 13), D(2022, 2, 1), 60),
            ("L4", D(2021, 11, 22), D(2021, 12, 20), D(2022, 2, 7), 62),
            ("L7", D(2021, 11, 29), D(2022, 1, 4), D(2022, 2, 14), 60),
            ("L5", D(2022, 2, 21), D(2022, 4, 4), D(2022, 4, 11), 59),
            ("L6", D(2022, 2, 28), D(2022, 4, 11), D(2022, 4, 19), 60),
        )
    ],
]

COMPLIMENT_TEAMS = (
    "Business Support",
    "Permanence Teams",
    "Child Protection Teams",
    "Fostering Team",
    "Assessment Teams",
    "Early Help",
    "Children's Homes",
    "Next Steps Team",
    "Children with Disabilities Team",
    "Independent Reviewing Team (ICRT)",
    "Customer Feedback Team",
    "Finance",
)


@dataclass
class Seed:
    officer: User
    io: User
    ip: User
    panel: list[User]
    complaints: dict[str, Case] = field(default_factory=dict)


def _users() -> tuple[User, User, User, list[User]]:
    def get(username: str, role: str, employed: bool = True) -> User:
        existing = User.objects.filter(username=username).first()
        return existing or make_user(username, role, employed_by_council=employed)

    return (
        get("seed_officer", Role.FEEDBACK_OFFICER),
        get("seed_io", Role.INVESTIGATING_OFFICER, False),
        get("seed_ip", Role.INDEPENDENT_PERSON, False),
        [get(f"seed_panel{i}", Role.PANEL_MEMBER, False) for i in range(1, 4)],
    )


def _people(spec: Spec, n: int) -> list[services.PersonInput]:
    people = [
        services.PersonInput(
            role=PartyRole.COMPLAINANT,
            relationship=spec.relationship,
            details={"first_name": "Complainant", "last_name": f"{spec.key}-{n}"},
        )
    ]
    people.append(
        services.PersonInput(
            role=PartyRole.CHILD,
            relationship=Relationship.CHILD,
            details={
                "first_name": "Child",
                "last_name": f"{spec.key}-{n}",
                "looked_after": spec.child_looked_after,
            },
        )
    )
    return people


class _Builder:
    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self.teams = {t.name: t for t in Team.objects.all()}
        self.themes = {t.name: t for t in Theme.objects.all()}
        self.n = 0

    @property
    def actor(self) -> User:
        return self.seed.officer

    def simple(self, kind: str, on: dt.date, team: str, *, resolve: bool = False) -> Case:
        self.n += 1
        case = services.case_create(
            actor=self.actor,
            kind=kind,
            channel="phone",
            received_on=on,
            summary=f"{kind} {self.n}",
            teams=[self.teams[team]],
        )
        if resolve:
            services.contact_resolve(case=case, on=add_working_days(on, 2), actor=self.actor)
        return case

    def contacts(self, received: list[dt.date]) -> None:
        for on in received:
            self.simple(Kind.CONTACT, on, "Customer Feedback Team", resolve=True)

    def complaint(self, spec: Spec) -> Case:
        self.n += 1
        team = self.teams[spec.team]
        elements = [
            services.ElementInput(summary=f"Point {i}", theme=self.themes[theme], team=team)
            for i, (theme, _o) in enumerate(spec.elements, start=1)
        ]
        if spec.contact_on:
            contact = services.case_create(
                actor=self.actor,
                kind=Kind.CONTACT,
                channel="phone",
                received_on=spec.contact_on,
                summary=f"Contact about {spec.team}",
                teams=[team],
                themes=[self.themes[spec.elements[0][0]]],
                people=_people(spec, self.n),
            )
            case = services.contact_progress(
                case=contact,
                on=spec.received,
                actor=self.actor,
                procedure_code=spec.procedure,
                elements=elements,
            )
        else:
            case = services.case_create(
                actor=self.actor,
                kind=Kind.COMPLAINT,
                channel="email",
                received_on=spec.received,
                summary=f"Complaint about {spec.team}",
                teams=[team],
                themes=[self.themes[spec.elements[0][0]]],
                procedure_code=spec.procedure,
                people=_people(spec, self.n),
                elements=elements,
            )
        self.seed.complaints[spec.key] = case
        self._stage1(case, spec)
        if spec.s2_on:
            self._stage2(case, spec)
        if spec.s3_on:
            self._stage3(case, spec)
        if spec.withdrawn_on:
            services.case_withdraw(
                case=case, on=spec.withdrawn_on, reason="No longer wanted", actor=self.actor
            )
        return case

    def _outcomes(self, case: Case, outcomes: list[str]) -> dict[int, str]:
        elements = list(case.elements.order_by("number"))
        assert len(elements) == len(outcomes), (case.reference, len(elements), outcomes)
        return {e.pk: o for e, o in zip(elements, outcomes, strict=True)}

    def _extend(self, case: Case, start: dt.date, days: int, received: dt.date) -> None:
        services.stage_extend(
            case=case,
            new_due_on=add_working_days(start, days),
            reason="Complex complaint: more time agreed",
            complainant_told_on=add_working_days(received, 1),
            actor=self.actor,
        )

    def _stage1(self, case: Case, spec: Spec) -> None:
        if spec.s1_days is None:
            return
        if spec.s1_extend:
            self._extend(case, spec.received, spec.s1_extend, spec.received)
        services.stage_respond(
            case=case,
            on=add_working_days(spec.received, spec.s1_days),
            outcomes=self._outcomes(case, [o or NU for _t, o in spec.elements]),
            actor=self.actor,
        )

    def _stage2(self, case: Case, spec: Spec) -> None:
        assert spec.s2_on is not None
        services.complaint_escalate(
            case=case, requested_on=spec.s2_on, actor=self.actor, late_reason=spec.s2_late
        )
        for theme in spec.s2_added:
            services.element_add(
                case=case,
                item=services.ElementInput(
                    summary="Added at stage 2",
                    theme=self.themes[theme],
                    team=self.teams[spec.team],
                ),
                actor=self.actor,
            )
        start = spec.s2_on
        if spec.procedure == SC:
            start = spec.s2_statement or add_working_days(spec.s2_on, 5)
            services.statement_agree(case=case, on=start, actor=self.actor)
            services.appointment_make(
                case=case,
                user=self.seed.ip,
                role=AppointmentRole.INDEPENDENT_PERSON,
                on=spec.s2_on,
                actor=self.actor,
            )
        services.appointment_make(
            case=case,
            user=self.seed.io,
            role=AppointmentRole.INVESTIGATING_OFFICER,
            on=spec.s2_on,
            actor=self.actor,
        )
        if spec.s2_extend:
            self._extend(case, start, spec.s2_extend, spec.s2_on)
        if spec.s2_outcomes is not None:
            assert spec.s2_days is not None
            services.stage_respond(
                case=case,
                on=add_working_days(start, spec.s2_days),
                outcomes=self._outcomes(case, spec.s2_outcomes),
                actor=self.actor,
            )

    def _stage3(self, case: Case, spec: Spec) -> None:
        assert spec.s3_on is not None
        services.complaint_escalate(
            case=case, requested_on=spec.s3_on, actor=self.actor, late_reason=spec.s3_late
        )
        appointed = add_working_days(spec.s3_on, 3)
        for i, user in enumerate(self.seed.panel):
            services.appointment_make(
                case=case,
                user=user,
                role=AppointmentRole.PANEL_CHAIR if i == 0 else AppointmentRole.PANEL_MEMBER,
                on=appointed,
                actor=self.actor,
            )
        if spec.s3_met:
            services.panel_met(case=case, on=spec.s3_met, actor=self.actor)
        if spec.s3_report:
            services.panel_report(case=case, on=spec.s3_report, actor=self.actor)
        if spec.s3_response:
            services.council_response(
                case=case,
                on=spec.s3_response,
                outcomes=self._outcomes(case, [NU] * case.elements.count()),
                actor=self.actor,
            )


def _spread(start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """`count` working days spread evenly between `start` and `end`."""
    days = working_days_between(start, end)
    return [add_working_days(start, (i * days) // max(count, 1)) for i in range(count)]


def build(officer: User | None = None) -> Seed:
    """Record seed 004's six months (and the same months of 2022) through the services."""
    with time_machine.travel(FROZEN, tick=False):
        o, io, ip, panel = _users()
        seed = Seed(officer=officer or o, io=io, ip=ip, panel=panel)
        b = _Builder(seed)
        for spec in [*LAST_YEAR_SPECS, *EARLIER, *THIS_PERIOD]:
            b.complaint(spec)
        # Initial contacts resolved informally (progressed ones come with their complaints):
        # Q1 48 received (36 resolved), Q2 57 (41 resolved, one still open).
        b.contacts(_spread(D(2023, 4, 3), D(2023, 6, 28), 36))
        b.contacts(_spread(D(2023, 7, 3), D(2023, 9, 27), 41))
        b.simple(Kind.CONTACT, D(2023, 9, 28), "Customer Feedback Team")
        # Last year: 70 contacts, 10 progressed.
        b.contacts(_spread(D(2022, 4, 4), D(2022, 6, 29), 27))
        b.contacts(_spread(D(2022, 7, 4), D(2022, 9, 28), 33))
        # Compliments: 88 this period (40 + 48), 74 last year (35 + 39).
        for start, end, count in (
            (D(2023, 4, 3), D(2023, 6, 29), 40),
            (D(2023, 7, 3), D(2023, 9, 29), 48),
            (D(2022, 4, 4), D(2022, 6, 29), 35),
            (D(2022, 7, 4), D(2022, 9, 29), 39),
        ):
            for i, on in enumerate(_spread(start, end, count)):
                b.simple(Kind.COMPLIMENT, on, COMPLIMENT_TEAMS[i % len(COMPLIMENT_TEAMS)])
        # Enquiries: 3 + 2 this period, 4 last year.
        for on in (
            D(2023, 4, 20),
            D(2023, 5, 22),
            D(2023, 6, 12),
            D(2023, 8, 7),
            D(2023, 9, 6),
            D(2022, 5, 4),
            D(2022, 6, 15),
            D(2022, 7, 20),
            D(2022, 9, 14),
        ):
            b.simple(Kind.ENQUIRY, on, "Customer Feedback Team")
        if apps.is_installed("harken.registers"):
            _registers(seed)
        if apps.is_installed("harken.learning"):
            _learning(seed)
        return seed


def _registers(seed: Seed) -> None:
    """Ombudsman 5 (2 upheld, 1 closed after initial enquiries, 2 in progress); investigation
    costs £3,224 (£4,058 last year); compensation £8,920 (£1,300 + £7,620); 3 persistent-contact
    letters; and a few advocacy referrals and subject access requests."""
    from harken.registers import services as r
    from harken.registers.models import AdvocacyProvider, CostRole, OmbudsmanDecision, PaymentKind

    actor, c = seed.officer, seed.complaints
    upheld = r.ombudsman_case_create(
        actor=actor,
        ombudsman_reference="23 001 001",
        enquiry_received_on=D(2023, 5, 10),
        case=c["CorpPre"],
        decision=OmbudsmanDecision.UPHELD,
        decision_on=D(2023, 8, 15),
        injustice=True,
    )
    r.ombudsman_case_create(
        actor=actor,
        ombudsman_reference="23 001 002",
        enquiry_received_on=D(2023, 4, 24),
        case=c["S3a"],
        decision=OmbudsmanDecision.UPHELD,
        decision_on=D(2023, 9, 1),
        injustice=False,
    )
    r.ombudsman_case_create(
        actor=actor,
        ombudsman_reference="23 001 003",
        enquiry_received_on=D(2023, 6, 5),
        person_details={"first_name": "Complainant", "last_name": "Ombudsman-3"},
        summary="School transport",
        decision=OmbudsmanDecision.CLOSED_AFTER_INITIAL_ENQUIRIES,
        decision_on=D(2023, 6, 20),
    )
    for ref, on, key in (("23 001 004", D(2023, 7, 18), "P2"), ("23 001 005", D(2023, 9, 4), "P1")):
        r.ombudsman_case_create(
            actor=actor, ombudsman_reference=ref, enquiry_received_on=on, case=c[key]
        )
    r.ombudsman_case_create(
        actor=actor,
        ombudsman_reference="22 001 001",
        enquiry_received_on=D(2022, 7, 1),
        case=c["L1"],
        decision=OmbudsmanDecision.NOT_UPHELD,
        decision_on=D(2022, 9, 20),
    )
    r.payment_create(
        actor=actor,
        amount=Decimal("1300.00"),
        paid_on=D(2023, 9, 12),
        ombudsman_case=upheld,
        reason="Delay in issuing an amended EHC plan and unsuitable provision",
        recommended_by_ombudsman=True,
    )
    r.payment_create(
        actor=actor,
        amount=Decimal("7620.00"),
        paid_on=D(2023, 8, 30),
        case=c["S1"],
        kind=PaymentKind.FINANCIAL_REMEDY,
        reason="Parental preference for a school not consulted: legal costs refunded",
    )
    for key, role, amount, on in (
        ("P1", CostRole.INVESTIGATING_OFFICER, "2000.00", D(2023, 4, 28)),
        ("P3", CostRole.INDEPENDENT_PERSON, "1224.00", D(2023, 5, 5)),
        ("L3", CostRole.INVESTIGATING_OFFICER, "2658.00", D(2022, 5, 10)),
        ("L4", CostRole.INDEPENDENT_PERSON, "1400.00", D(2022, 5, 20)),
    ):
        r.cost_create(
            case=c[key],
            actor=actor,
            role=role,
            amount=Decimal(amount),
            incurred_on=on,
            stage_number=2,
        )
    for i, on in enumerate((D(2023, 5, 3), D(2023, 7, 11), D(2023, 9, 5)), start=1):
        r.restriction_create(
            actor=actor,
            decision_on=on,
            letter_issued_on=on,
            reason="Repeated calls about matters already answered",
            restrictions="One call a week to the named officer",
            person_details={"first_name": "Complainant", "last_name": f"Persistent-{i}"},
        )
    for i, (on, provider) in enumerate(
        (
            (D(2023, 5, 15), AdvocacyProvider.IN_HOUSE),
            (D(2023, 7, 4), AdvocacyProvider.IN_HOUSE),
            (D(2023, 8, 21), AdvocacyProvider.INDEPENDENT),
            (D(2022, 6, 1), AdvocacyProvider.IN_HOUSE),
        ),
        start=1,
    ):
        r.advocacy_referral_create(
            actor=actor,
            referred_on=on,
            provider=provider,
            child_details={"first_name": "Child", "last_name": f"Advocacy-{i}"},
        )
    for i, (received, sent) in enumerate(
        (
            (D(2023, 4, 11), D(2023, 5, 5)),
            (D(2023, 6, 1), D(2023, 6, 28)),
            (D(2023, 7, 3), D(2023, 8, 15)),
            (D(2023, 9, 18), None),
        ),
        start=1,
    ):
        sar = r.sar_create(
            actor=actor,
            received_on=received,
            identity_verified_on=received,
            requester_details={"first_name": "Requester", "last_name": f"SAR-{i}"},
        )
        if sent:
            r.sar_update(sar=sar, actor=actor, sent_on=sent)


def _learning(seed: Seed) -> None:
    """Four recommendations from stage 2 investigations: two implemented, two still open."""
    from harken.learning import services as learning
    from harken.learning.models import ActionStatus, Decision, Source

    actor, c = seed.officer, seed.complaints
    for key, made, done in (
        ("P1", D(2023, 4, 20), D(2023, 6, 30)),
        ("S1", D(2023, 6, 27), D(2023, 8, 31)),
        ("S2", D(2023, 7, 4), None),
        ("E1", D(2023, 7, 6), None),
    ):
        case = c[key]
        recommendation = learning.recommendation_create(
            case=case,
            source=Source.STAGE2,
            made_on=made,
            actor=actor,
            text="Remind staff to meet parents early",
            team=case.teams.first(),
            decision=Decision.ACCEPTED,
            decided_on=made,
        )
        action = learning.action_create(
            recommendation=recommendation,
            description="Briefing for the team",
            owner=actor,
            due_on=add_working_days(made, 40),
            actor=actor,
        )
        if done:
            learning.action_record_progress(
                action=action,
                status=ActionStatus.COMPLETED,
                actor=actor,
                evidence="Briefing notes",
                completed_on=done,
            )
