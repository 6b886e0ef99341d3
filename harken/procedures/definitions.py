"""Procedures as data: the stages of a complaints procedure and the clock of each.

A procedure version's definition is stored as JSON (`ProcedureVersion.definition`) and read
into these frozen dataclasses. Nothing here knows about the database, so each rule can be
tested alone.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class ProcedureKind(StrEnum):
    STATUTORY_CHILDREN = "statutory_children"
    STATUTORY_ADULTS = "statutory_adults"
    CORPORATE = "corporate"
    # Complaints to the council as controller about its handling of personal data (Data
    # Protection Act 2018 s164A, from 19 June 2026); then the Information Commissioner.
    DATA_PROTECTION = "data_protection"


# Procedures set by law: their clocks count the council's closure days as working days.
STATUTORY_KINDS = frozenset(
    {
        ProcedureKind.STATUTORY_CHILDREN,
        ProcedureKind.STATUTORY_ADULTS,
        ProcedureKind.DATA_PROTECTION,
    }
)


class DayUnit(StrEnum):
    """How a stage counts its acknowledgement days."""

    WORKING = "working_days"
    # Calendar days from the day after receipt, the due date moved on to the next working day
    # if it is not one (s164A(3) DPA 2018 as the ICO reads it).
    CALENDAR = "calendar_days"


class Milestone(StrEnum):
    """Dates a stage records. `received` is the receipt (stage 1) or the request (stages 2+)."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    STATEMENT_AGREED = "statement_agreed"
    IO_APPOINTED = "io_appointed"
    IP_APPOINTED = "ip_appointed"
    PANEL_APPOINTED = "panel_appointed"
    RESPONSE_SENT = "response_sent"
    PANEL_MET = "panel_met"
    PANEL_REPORT_SENT = "panel_report_sent"
    COUNCIL_RESPONSE_SENT = "council_response_sent"


MILESTONE_LABELS: dict[Milestone, str] = {
    Milestone.RECEIVED: "received",
    Milestone.ACKNOWLEDGED: "acknowledged",
    Milestone.STATEMENT_AGREED: "statement of complaint agreed",
    Milestone.IO_APPOINTED: "Investigating Officer appointed",
    Milestone.IP_APPOINTED: "Independent Person appointed",
    Milestone.PANEL_APPOINTED: "review panel appointed",
    Milestone.RESPONSE_SENT: "response sent",
    Milestone.PANEL_MET: "review panel met",
    Milestone.PANEL_REPORT_SENT: "panel report sent",
    Milestone.COUNCIL_RESPONSE_SENT: "council's response sent",
}


class ClockStart(StrEnum):
    """What starts a stage's response clock."""

    RECEIPT = "receipt"  # the day the complaint (stage 1) or the request (later stages) came in
    ACKNOWLEDGEMENT = "acknowledgement"
    STATEMENT_AGREED = "statement_agreed"


CLOCK_START_MILESTONE: dict[ClockStart, Milestone] = {
    ClockStart.RECEIPT: Milestone.RECEIVED,
    ClockStart.ACKNOWLEDGEMENT: Milestone.ACKNOWLEDGED,
    ClockStart.STATEMENT_AGREED: Milestone.STATEMENT_AGREED,
}


# Who may record a stage's response: account roles (harken.accounts.models.Role values).
FEEDBACK_TEAM: tuple[str, ...] = ("feedback_officer", "administrator")
RESPONDER_NAMES: dict[str, str] = {
    "feedback_officer": "a feedback officer",
    "administrator": "an administrator",
    "manager": "a manager",
}


class DefinitionError(ValueError):
    """A procedure definition that cannot work."""


@dataclass(frozen=True)
class StepDef:
    """A timed step inside a stage, each starting from the previous one (the stage 3 panel)."""

    key: str
    label: str
    starts_at: Milestone
    ends_at: Milestone
    working_days: int


@dataclass(frozen=True)
class StageDef:
    number: int
    name: str
    clock_starts: ClockStart = ClockStart.RECEIPT
    acknowledge_days: int | None = None
    # What acknowledge_days counts: working days, or calendar days (a data-protection complaint).
    acknowledge_unit: DayUnit = DayUnit.WORKING
    # Working days from the clock start to the response; None where the procedure sets none.
    response_days: int | None = None
    # The latest an extension may move the response to, in working days from the clock start.
    max_response_days: int | None = None
    # Adult social care: the "relevant period" after which delay must be explained.
    relevant_period_months: int | None = None
    # Working days after this stage's response within which the next stage may be asked for.
    escalation_window_days: int | None = None
    response_label: str = "response"
    concluding_milestone: Milestone = Milestone.RESPONSE_SENT
    milestones: tuple[Milestone, ...] = (
        Milestone.RECEIVED,
        Milestone.ACKNOWLEDGED,
        Milestone.RESPONSE_SENT,
    )
    steps: tuple[StepDef, ...] = ()
    requires_investigating_officer: bool = False
    requires_independent_person: bool = False
    panel_size: int = 0
    # LGSCO Code: stage 2 must be answered by someone other than the stage 1 responder.
    different_responder: bool = False
    description: str = ""
    # The roles that record this stage's response (and agree its extensions, and write its
    # response and extension letters); None: the feedback team and managers, or only the
    # feedback team for a stage of chained steps (a review panel's council response).
    recorded_by: tuple[str, ...] | None = None

    @property
    def responders(self) -> tuple[str, ...]:
        if self.recorded_by is not None:
            return self.recorded_by
        return FEEDBACK_TEAM if self.steps else (*FEEDBACK_TEAM, "manager")

    @property
    def responders_text(self) -> str:
        """ "a feedback officer, an administrator or a manager" """
        names = [RESPONDER_NAMES[r] for r in self.responders]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"

    @property
    def extendable(self) -> bool:
        return (
            self.response_days is not None
            and self.max_response_days is not None
            and self.max_response_days > self.response_days
        )


@dataclass(frozen=True)
class ProcedureDef:
    code: str
    name: str
    kind: ProcedureKind
    stages: tuple[StageDef, ...]
    # Time limit to complain, in months from the grounds arising; None for no limit.
    time_limit_months: int | None = 12
    description: str = ""
    ombudsman: str = "Local Government and Social Care Ombudsman"
    # Where the complainant goes after the procedure, as letters give it.
    ombudsman_website: str = "https://www.lgo.org.uk"
    ombudsman_phone: str = "0300 061 0614"
    regulations: tuple[str, ...] = field(default_factory=tuple)
    # The council's closure days are not working days for this procedure's clocks. Only a
    # non-statutory procedure may say so: reg 2 (2006) and the 2009 Regulations count them.
    skip_closure_days: bool = False

    def stage(self, number: int) -> StageDef:
        for stage in self.stages:
            if stage.number == number:
                return stage
        raise DefinitionError(f"{self.name} has no stage {number}.")

    def has_stage(self, number: int) -> bool:
        return any(stage.number == number for stage in self.stages)

    @property
    def last_stage(self) -> int:
        return self.stages[-1].number

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcedureDef:
        try:
            stages = tuple(_stage_from_dict(s) for s in data["stages"])
            definition = cls(
                code=str(data["code"]),
                name=str(data["name"]),
                kind=ProcedureKind(data["kind"]),
                stages=stages,
                time_limit_months=data.get("time_limit_months"),
                description=str(data.get("description", "")),
                ombudsman=str(data.get("ombudsman", cls.ombudsman)),
                ombudsman_website=str(data.get("ombudsman_website", cls.ombudsman_website)),
                ombudsman_phone=str(data.get("ombudsman_phone", cls.ombudsman_phone)),
                regulations=tuple(data.get("regulations", ())),
                skip_closure_days=data.get("skip_closure_days", False),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DefinitionError(f"The procedure definition is not valid: {exc}") from exc
        validate(definition)
        return definition


def _stage_from_dict(data: dict[str, Any]) -> StageDef:
    values = dict(data)
    values["clock_starts"] = ClockStart(values.get("clock_starts", ClockStart.RECEIPT))
    values["acknowledge_unit"] = DayUnit(values.get("acknowledge_unit", DayUnit.WORKING))
    values["concluding_milestone"] = Milestone(
        values.get("concluding_milestone", Milestone.RESPONSE_SENT)
    )
    values["milestones"] = tuple(Milestone(m) for m in values.get("milestones", ()))
    values["steps"] = tuple(
        StepDef(
            key=str(s["key"]),
            label=str(s["label"]),
            starts_at=Milestone(s["starts_at"]),
            ends_at=Milestone(s["ends_at"]),
            working_days=int(s["working_days"]),
        )
        for s in values.get("steps", ())
    )
    if values.get("recorded_by") is not None:
        values["recorded_by"] = tuple(str(r) for r in values["recorded_by"])
    return StageDef(**values)


# Longest a clock may run: far beyond any statutory timescale, short of dates the calendar
# cannot hold.
MAX_DAYS = 500
MAX_MONTHS = 60
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def validate(definition: ProcedureDef) -> None:
    """Refuse definitions whose clocks cannot be computed."""
    if not CODE.match(definition.code):
        raise DefinitionError(
            "The code must be 1 to 40 lower-case letters, digits and hyphens, e.g. "
            "children-statutory."
        )
    if not definition.name.strip() or len(definition.name) > 200:
        raise DefinitionError("The name must be 1 to 200 characters.")
    limit = definition.time_limit_months
    if limit is not None and (
        not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_MONTHS
    ):
        raise DefinitionError(
            f"time_limit_months must be a whole number from 1 to {MAX_MONTHS}, or left out."
        )
    if not isinstance(definition.skip_closure_days, bool):
        raise DefinitionError("skip_closure_days must be true or false.")
    if definition.skip_closure_days and definition.kind in STATUTORY_KINDS:
        raise DefinitionError(
            "A statutory procedure counts the council's closure days as working days (the "
            "law's working day leaves out only weekends and bank holidays): "
            "skip_closure_days may be true only for a corporate procedure."
        )
    if not definition.stages:
        raise DefinitionError("A procedure needs at least one stage.")
    numbers = [s.number for s in definition.stages]
    if numbers != list(range(1, len(numbers) + 1)):
        raise DefinitionError("Stages must be numbered 1, 2, 3… in order.")
    for stage in definition.stages:
        _validate_stage(stage)


def _validate_stage(stage: StageDef) -> None:
    _validate_numbers(stage)
    _validate_milestones(stage)
    if stage.recorded_by is not None and (
        not stage.recorded_by or set(stage.recorded_by) - set(RESPONDER_NAMES)
    ):
        raise DefinitionError(
            f"Stage {stage.number}: recorded_by lists who records its response, from "
            f"{', '.join(RESPONDER_NAMES)}."
        )
    if stage.panel_size not in (0, 3):
        raise DefinitionError(f"Stage {stage.number}: a review panel has three members.")


def _validate_numbers(stage: StageDef) -> None:
    where = f"Stage {stage.number}"
    for name in (
        "acknowledge_days",
        "response_days",
        "max_response_days",
        "escalation_window_days",
        "relevant_period_months",
    ):
        value = getattr(stage, name)
        most = MAX_MONTHS if name.endswith("_months") else MAX_DAYS
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most
        ):
            raise DefinitionError(f"{where}: {name} must be a whole number from 1 to {most}.")
    if stage.max_response_days is not None:
        if stage.response_days is None:
            raise DefinitionError(f"{where}: a longest extension needs a response time.")
        if stage.max_response_days < stage.response_days:
            raise DefinitionError(f"{where}: the longest extension is shorter than the response.")


def _validate_milestones(stage: StageDef) -> None:
    where = f"Stage {stage.number}"
    if stage.concluding_milestone not in stage.milestones:
        raise DefinitionError(f"{where}: it must record the milestone that concludes it.")
    if CLOCK_START_MILESTONE[stage.clock_starts] not in stage.milestones:
        raise DefinitionError(f"{where}: it must record the milestone that starts its clock.")
    previous = Milestone.RECEIVED
    for step in stage.steps:
        if not 1 <= step.working_days <= MAX_DAYS:
            raise DefinitionError(
                f"{where}: step {step.key} needs from 1 to {MAX_DAYS} working days."
            )
        if step.starts_at != previous or step.ends_at not in stage.milestones:
            raise DefinitionError(f"{where}: steps must follow on from one another.")
        previous = step.ends_at
    if stage.steps and stage.steps[-1].ends_at != stage.concluding_milestone:
        raise DefinitionError(f"{where}: the last step must end the stage.")


# --- The four procedures Harken ships ---------------------------------------------------

_STAGE1_MILESTONES = (Milestone.RECEIVED, Milestone.ACKNOWLEDGED, Milestone.RESPONSE_SENT)

CHILDREN_STATUTORY = ProcedureDef(
    code="children-statutory",
    name="Children's social care (statutory)",
    kind=ProcedureKind.STATUTORY_CHILDREN,
    time_limit_months=12,
    description=(
        "Children Act 1989 Representations Procedure (England) Regulations 2006 and "
        "'Getting the Best from Complaints' (2006): local resolution, investigation, "
        "review panel, then the Ombudsman."
    ),
    regulations=("Children Act 1989 s26", "SI 2006/1738"),
    stages=(
        StageDef(
            number=1,
            name="Local resolution",
            clock_starts=ClockStart.RECEIPT,
            acknowledge_days=3,
            response_days=10,
            max_response_days=20,
            escalation_window_days=20,
            milestones=_STAGE1_MILESTONES,
            description="Response within 10 working days of receipt; may extend to 20 at most.",
        ),
        StageDef(
            number=2,
            name="Investigation",
            clock_starts=ClockStart.STATEMENT_AGREED,
            acknowledge_days=3,
            response_days=25,
            max_response_days=65,
            escalation_window_days=20,
            response_label="adjudication",
            milestones=(
                Milestone.RECEIVED,
                Milestone.ACKNOWLEDGED,
                Milestone.STATEMENT_AGREED,
                Milestone.IO_APPOINTED,
                Milestone.IP_APPOINTED,
                Milestone.RESPONSE_SENT,
            ),
            requires_investigating_officer=True,
            requires_independent_person=True,
            description=(
                "Investigating Officer and Independent Person; the adjudication within 25 "
                "working days of the agreed statement of complaint, 65 at most."
            ),
        ),
        StageDef(
            number=3,
            name="Review panel",
            clock_starts=ClockStart.RECEIPT,
            acknowledge_days=3,
            response_label="council's response",
            concluding_milestone=Milestone.COUNCIL_RESPONSE_SENT,
            milestones=(
                Milestone.RECEIVED,
                Milestone.ACKNOWLEDGED,
                Milestone.PANEL_APPOINTED,
                Milestone.PANEL_MET,
                Milestone.PANEL_REPORT_SENT,
                Milestone.COUNCIL_RESPONSE_SENT,
            ),
            steps=(
                StepDef(
                    "panel_meeting", "Panel meets", Milestone.RECEIVED, Milestone.PANEL_MET, 30
                ),
                StepDef(
                    "panel_report",
                    "Panel report sent",
                    Milestone.PANEL_MET,
                    Milestone.PANEL_REPORT_SENT,
                    5,
                ),
                StepDef(
                    "council_response",
                    "Council's response sent",
                    Milestone.PANEL_REPORT_SENT,
                    Milestone.COUNCIL_RESPONSE_SENT,
                    15,
                ),
            ),
            panel_size=3,
            description=(
                "Three independent people meet within 30 working days of the request; report "
                "within 5 working days; the council responds within 15 working days of it."
            ),
        ),
    ),
)

ADULTS_STATUTORY = ProcedureDef(
    code="adults-statutory",
    name="Adult social care (statutory)",
    kind=ProcedureKind.STATUTORY_ADULTS,
    time_limit_months=12,
    description=(
        "Local Authority Social Services and NHS Complaints (England) Regulations 2009: one "
        "stage, then the Ombudsman. Delay beyond six months must be explained."
    ),
    regulations=("SI 2009/309",),
    stages=(
        StageDef(
            number=1,
            name="Local resolution",
            acknowledge_days=3,
            relevant_period_months=6,
            milestones=_STAGE1_MILESTONES,
            description="Acknowledge within 3 working days; respond within the 6-month "
            "relevant period.",
        ),
    ),
)

CORPORATE_LGSCO = ProcedureDef(
    code="corporate-lgsco-2024",
    name="Corporate (LGSCO Complaint Handling Code 2024)",
    kind=ProcedureKind.CORPORATE,
    time_limit_months=12,
    description=(
        "The Local Government and Social Care Ombudsman's Complaint Handling Code, applied "
        "from 1 April 2026. Ombudsman details are given at every extension and response."
    ),
    stages=(
        StageDef(
            number=1,
            name="Stage 1",
            clock_starts=ClockStart.ACKNOWLEDGEMENT,
            acknowledge_days=5,
            response_days=10,
            max_response_days=20,
            milestones=_STAGE1_MILESTONES,
            description="Acknowledge within 5 working days; respond within 10 working days of "
            "the acknowledgement, extended by 10 at most.",
        ),
        StageDef(
            number=2,
            name="Stage 2",
            clock_starts=ClockStart.ACKNOWLEDGEMENT,
            acknowledge_days=5,
            response_days=20,
            max_response_days=40,
            different_responder=True,
            milestones=_STAGE1_MILESTONES,
            description="Acknowledge within 5 working days; respond within 20 working days of "
            "the acknowledgement, extended by 20 at most, by someone other than at stage 1.",
        ),
    ),
)

CORPORATE_LEGACY = ProcedureDef(
    code="corporate-legacy",
    name="Corporate (two-stage, 10 and 25 working days)",
    kind=ProcedureKind.CORPORATE,
    time_limit_months=12,
    description="The older two-stage corporate procedure: 10 working days at stage 1 and 25 at "
    "stage 2, each extendable for complex cases.",
    stages=(
        StageDef(
            number=1,
            name="Stage 1",
            acknowledge_days=3,
            response_days=10,
            max_response_days=20,
            escalation_window_days=20,
            milestones=_STAGE1_MILESTONES,
        ),
        StageDef(
            number=2,
            name="Stage 2",
            acknowledge_days=3,
            response_days=25,
            max_response_days=50,
            milestones=(
                Milestone.RECEIVED,
                Milestone.ACKNOWLEDGED,
                Milestone.IO_APPOINTED,
                Milestone.RESPONSE_SENT,
            ),
            requires_investigating_officer=True,
        ),
    ),
)

DATA_PROTECTION = ProcedureDef(
    code="data-protection",
    name="Data protection complaints (Data Protection Act 2018 s164A)",
    kind=ProcedureKind.DATA_PROTECTION,
    # s164A sets no time limit to complain.
    time_limit_months=None,
    description=(
        "Complaints about how the council handled the complainant's own personal data (an "
        "infringement of the UK GDPR or Part 3 of the Data Protection Act 2018), from 19 June "
        "2026. Acknowledge within 30 days (s164A(3)); without undue delay make enquiries, keep "
        "the complainant told of progress and tell them the outcome (s164A(4)-(5)); the outcome "
        "gives the right to complain to the Information Commissioner."
    ),
    ombudsman="Information Commissioner's Office",
    ombudsman_website="https://ico.org.uk/make-a-complaint/",
    ombudsman_phone="0303 123 1113",
    regulations=(
        "Data Protection Act 2018 s164A",
        "Data Protection Act 2018 s164B",
        "Data (Use and Access) Act 2025 s103",
    ),
    stages=(
        StageDef(
            number=1,
            name="Investigation and outcome",
            # "within the period of 30 days beginning when the complaint is received"
            # (s164A(3)): calendar days, counted as the ICO does from the day after receipt.
            acknowledge_days=30,
            acknowledge_unit=DayUnit.CALENDAR,
            # "without undue delay" (s164A(4)): the Act sets no number of days.
            response_days=None,
            response_label="outcome",
            milestones=_STAGE1_MILESTONES,
            recorded_by=FEEDBACK_TEAM,
            description="Acknowledge within 30 days of receipt; make enquiries, keep the "
            "complainant told of progress and send the outcome without undue delay, with the "
            "right to complain to the Information Commissioner.",
        ),
    ),
)

SHIPPED: tuple[ProcedureDef, ...] = (
    CHILDREN_STATUTORY,
    ADULTS_STATUTORY,
    CORPORATE_LGSCO,
    CORPORATE_LEGACY,
    DATA_PROTECTION,
)
