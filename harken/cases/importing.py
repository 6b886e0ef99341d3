"""Bring a council's spreadsheet history into Harken: one row per case, through the services.

The format is described for users in docs/import-format.md. Every row is replayed through the
same services the staff pages use, with its historic dates, so the procedure's rules check the
history too (a stage 2 request without a stage 1 response is refused, as it would be today).

All or nothing: every row runs inside one transaction, each in its own savepoint so one bad
row does not hide the errors of the next; if any row fails, everything is rolled back and
every error is reported as "line N: <column>: <reason>".
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from harken import access
from harken.accounts.models import Role, Team, User
from harken.core import text as core_text
from harken.core.audit import events_dated
from harken.core.dates import format_date, today
from harken.core.errors import ApplicationError
from harken.core.spreadsheets import FORMULA_STARTS  # exports put a "'" before these
from harken.procedures.definitions import ProcedureDef

from . import services
from .models import (
    REPRESENTATION_KINDS,
    AppointmentRole,
    Case,
    Channel,
    ContactOutcome,
    Kind,
    Outcome,
    PartyRole,
    Relationship,
    Theme,
)

# --- The format -----------------------------------------------------------------------------

CASE_COLUMNS: tuple[str, ...] = (
    "legacy_reference",
    "kind",
    "procedure",
    "channel",
    "received_on",
    "summary",
    "details",
    "teams",
    "themes",
    "grounds_arose_on",
    "late_complaint_reason",
    "praised_worker",
    "restricted",
    "ombudsman_involved",
    "complainant_first_name",
    "complainant_last_name",
    "complainant_relationship",
    "complainant_date_of_birth",
    "complainant_looked_after",
    "complainant_care_leaver",
    "child_first_name",
    "child_last_name",
    "child_date_of_birth",
    "child_looked_after",
    "child_care_leaver",
    "contact_outcome",
    "contact_closed_on",
    "responded_on",
    "passed_on_on",
    "stage1_acknowledged_on",
    "stage1_deferred_reason",
    "stage1_clock_started_on",
    "stage1_extended_to",
    "stage1_extension_reason",
    "stage1_extension_agreed_on",
    "stage1_response_on",
    "stage2_requested_on",
    "stage2_late_reason",
    "stage2_acknowledged_on",
    "stage2_statement_agreed_on",
    "stage2_io_appointed_on",
    "stage2_ip_appointed_on",
    "stage2_extended_to",
    "stage2_extension_reason",
    "stage2_extension_agreed_on",
    "stage2_response_on",
    "stage3_requested_on",
    "stage3_late_reason",
    "stage3_acknowledged_on",
    "panel_appointed_on",
    "panel_met_on",
    "panel_report_on",
    "council_response_on",
    "withdrawn_on",
    "withdrawal_reason",
    "discontinued_on",
    "discontinuance_reason",
    # Written by the export (a person on the case is under a restriction of processing, UK
    # GDPR art. 18: ADR 0150); read by no one on import.
    "processing_restricted",
)
REQUIRED_COLUMNS = ("legacy_reference", "kind", "channel", "received_on", "summary")
ELEMENT_FIELDS = ("summary", "theme", "team", "stage1_outcome", "stage2_outcome", "stage3_outcome")
ELEMENT_COLUMN = re.compile(r"^element(\d+)_(summary|theme|team|stage([123])_outcome)$")
STAGE_NUMBERS = (1, 2, 3)
# Columns that belong to each stage; any of them filled in means the stage happened.
STAGE_COLUMNS: dict[int, tuple[str, ...]] = {
    1: (
        "stage1_acknowledged_on",
        "stage1_deferred_reason",
        "stage1_clock_started_on",
        "stage1_extended_to",
        "stage1_extension_reason",
        "stage1_extension_agreed_on",
        "stage1_response_on",
    ),
    2: (
        "stage2_requested_on",
        "stage2_late_reason",
        "stage2_acknowledged_on",
        "stage2_statement_agreed_on",
        "stage2_io_appointed_on",
        "stage2_ip_appointed_on",
        "stage2_extended_to",
        "stage2_extension_reason",
        "stage2_extension_agreed_on",
        "stage2_response_on",
    ),
    3: (
        "stage3_requested_on",
        "stage3_late_reason",
        "stage3_acknowledged_on",
        "panel_appointed_on",
        "panel_met_on",
        "panel_report_on",
        "council_response_on",
    ),
}
RESPONSE_COLUMN = {1: "stage1_response_on", 2: "stage2_response_on", 3: "council_response_on"}
SEPARATOR = ";"
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0", ""}

# Accounts that stand in for the people the file does not name. None can sign in.
IMPORT_USERNAME = "harken-import"
PLACEHOLDERS: dict[str, tuple[str, str, str, bool]] = {
    # username: (role, first name, last name, employed by the council)
    "import-io": (Role.INVESTIGATING_OFFICER, "Imported", "Investigating Officer", False),
    "import-ip": (Role.INDEPENDENT_PERSON, "Imported", "Independent Person", False),
    "import-panel-1": (Role.PANEL_MEMBER, "Imported", "Panel chair", False),
    "import-panel-2": (Role.PANEL_MEMBER, "Imported", "Panel member", False),
    "import-panel-3": (Role.PANEL_MEMBER, "Imported", "Panel member (2)", False),
    "import-responder": (Role.MANAGER, "Imported", "Stage 2 responder", True),
}

Value = str | dt.date


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, not UTF-8, no header…)."""


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(f"{column}: {message}")
        self.column = column
        self.message = message


@dataclass
class ImportResult:
    imported: list[tuple[int, str, str]] = field(default_factory=list)  # line, legacy, reference
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # already imported
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading the file -----------------------------------------------------------------------


def _header_name(value: Any) -> str:
    name = "".join(ch for ch in str(value or "") if not core_text.is_control(ch))
    return name.strip().lower().replace(" ", "_")


def _cell(value: Any) -> Value:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unescape(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value.strip()


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[Value]]]]:
    """The header and the data rows with their line numbers (the header is line 1)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportFileError(f"{path.name}: give a .csv or .xlsx file.")
    if not path.exists():
        raise ImportFileError(f"There is no file {path}.")
    if suffix == ".csv":
        rows: list[list[Value]] = _read_csv(path)
    else:
        rows = _read_xlsx(path)
    if not rows:
        raise ImportFileError(f"{path.name} is empty: the first line must name the columns.")
    header = [_header_name(h) for h in rows[0]]
    numbered = [
        (number, row) for number, row in enumerate(rows[1:], start=2) if any(v != "" for v in row)
    ]
    return header, numbered


def _decode(path: Path, raw: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte order mark), or UTF-16 as Excel's
    "Unicode text" saves it (a byte order mark, or the zero bytes of UTF-16 text without
    one); anything else is refused by name rather than read as something it is not."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(raw) >= 4 and raw[1::2].count(0) * 2 > len(raw) // 2:
        encoding = "utf-16-le"
    elif len(raw) >= 4 and raw[0::2].count(0) * 2 > len(raw) // 2:
        encoding = "utf-16-be"
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{path.name} is not UTF-8 text: save it as 'CSV UTF-8' and try again."
        ) from None


def _read_csv(path: Path) -> list[list[Value]]:
    reader = csv.reader(io.StringIO(_decode(path, path.read_bytes()), newline=""), strict=True)
    rows: list[list[Value]] = []
    try:
        for row in reader:
            rows.append([_unescape(c) for c in row])
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            # A quote opened and never closed would otherwise swallow every line after it.
            raise ImportFileError(
                f'{path.name}: the quote (") opened on line {len(rows) + 1} is never closed, '
                "so the rest of the file would be read as one cell. Close the quote and try "
                "again."
            ) from None
        raise ImportFileError(
            f"{path.name}: line {reader.line_num} is not readable CSV: {exc}."
        ) from None
    return rows


def _read_xlsx(path: Path) -> list[list[Value]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(f"{path.name} is not a readable XLSX file: {exc}.") from None
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


# --- Reading one row ------------------------------------------------------------------------


def _choices(choices: type[models.TextChoices]) -> dict[str, str]:
    """Each value and label, lower case, with spaces or underscores, to its value."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        for key in (str(value), str(label)):
            key = key.lower()
            lookup[key] = str(value)
            lookup[key.replace("_", " ")] = str(value)
            lookup[key.replace(" ", "_")] = str(value)
    return lookup


KINDS = _choices(Kind)
KINDS["initial contact"] = Kind.CONTACT
CHANNELS = _choices(Channel)
RELATIONSHIPS = _choices(Relationship)
CONTACT_OUTCOMES = _choices(ContactOutcome)
OUTCOMES = _choices(Outcome)


@dataclass(frozen=True)
class Lookups:
    teams: dict[str, Team]
    themes: dict[str, Theme]
    procedures: set[str]

    @classmethod
    def load(cls) -> Lookups:
        from harken.procedures.models import Procedure

        return cls(
            teams={t.name.lower(): t for t in Team.objects.all()},
            themes={t.name.lower(): t for t in Theme.objects.all()},
            procedures=set(Procedure.objects.filter(active=True).values_list("code", flat=True)),
        )


class RowReader:
    """One row's cells, read by column; each problem is collected, not raised."""

    def __init__(self, line: int, cells: Mapping[str, Value]):
        self.line = line
        self.cells = cells
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        # Messages quote the cell: without its control characters, which a terminal runs.
        message = "".join(ch for ch in message if not core_text.is_control(ch))
        self.errors.append(RowError(column, message))

    def filled(self, column: str) -> bool:
        return self.cells.get(column, "") != ""

    def text(self, column: str, *, required: str = "", max_length: int | None = None) -> str:
        value = self.cells.get(column, "")
        text = value.isoformat() if isinstance(value, dt.date) else value.strip()
        found = core_text.problem(text)
        if found:
            # Reported once; the rest of the row is read without it, so nothing else trips.
            self.error(column, core_text.message("The cell", found) + ".")
            text = "".join(ch for ch in text if not core_text.is_control(ch))
        if required and not text:
            self.error(column, required)
        if max_length and len(text) > max_length:
            self.error(column, f"Use at most {max_length} characters (this has {len(text)}).")
        return text

    def date(self, column: str, *, required: str = "") -> dt.date | None:
        value = self.cells.get(column, "")
        if isinstance(value, dt.date):
            return value
        if not value:
            if required:
                self.error(column, required)
            return None
        text = value.split(" ")[0].split("T")[0]  # "2024-03-01 00:00:00" from a spreadsheet
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
        self.error(column, f"'{value}' is not a date: use YYYY-MM-DD or DD/MM/YYYY.")
        return None

    def boolean(self, column: str) -> bool:
        text = self.text(column).lower()
        if text in TRUE_WORDS:
            return True
        if text not in FALSE_WORDS:
            self.error(column, f"'{text}' is not yes or no.")
        return False

    def choice(
        self, column: str, lookup: Mapping[str, str], what: str, *, required: str = ""
    ) -> str:
        text = self.text(column, required=required)
        if not text:
            return ""
        value = lookup.get(text.lower())
        if value is None:
            allowed = ", ".join(sorted({v for v in lookup.values()}))
            self.error(column, f"'{text}' is not {what}: use one of {allowed}.")
            return ""
        return value

    def named(self, column: str, lookup: Mapping[str, Any], what: str) -> list[Any]:
        found = []
        for name in self.text(column).split(SEPARATOR):
            name = name.strip()
            if not name:
                continue
            item = lookup.get(name.lower())
            if item is None:
                self.error(column, f"There is no {what} called '{name}'.")
            elif item not in found:
                found.append(item)
        return found

    def one_named(self, column: str, lookup: Mapping[str, Any], what: str) -> Any:
        items = self.named(column, lookup, what)
        if len(items) > 1:
            self.error(column, f"Give one {what}, not several.")
        return items[0] if items else None


# --- The plan for one row -------------------------------------------------------------------


@dataclass
class StagePlan:
    number: int
    requested_on: dt.date | None = None
    late_reason: str = ""
    acknowledged_on: dt.date | None = None
    deferred_reason: str = ""
    clock_started_on: dt.date | None = None
    statement_agreed_on: dt.date | None = None
    io_appointed_on: dt.date | None = None
    ip_appointed_on: dt.date | None = None
    panel_appointed_on: dt.date | None = None
    extended_to: dt.date | None = None
    extension_reason: str = ""
    extension_agreed_on: dt.date | None = None
    panel_met_on: dt.date | None = None
    panel_report_on: dt.date | None = None
    response_on: dt.date | None = None

    def col(self, name: str) -> str:
        if self.number == 3 and name in ("response_on",):
            return "council_response_on"
        return f"stage{self.number}_{name}"


@dataclass
class ElementPlan:
    column_prefix: str
    summary: str
    theme: Theme | None
    team: Team | None
    outcomes: dict[int, str]  # stage number: outcome


@dataclass
class RowPlan:
    line: int
    legacy_reference: str
    kind: str
    procedure: str
    channel: str
    received_on: dt.date | None
    summary: str
    details: str
    teams: list[Team]
    themes: list[Theme]
    grounds_arose_on: dt.date | None
    late_complaint_reason: str
    praised_worker: str
    restricted: bool
    ombudsman_involved: bool
    people: list[services.PersonInput]
    contact_outcome: str
    contact_closed_on: dt.date | None
    responded_on: dt.date | None
    passed_on_on: dt.date | None
    stages: list[StagePlan]
    elements: list[ElementPlan]
    withdrawn_on: dt.date | None
    withdrawal_reason: str
    discontinued_on: dt.date | None
    discontinuance_reason: str

    @property
    def has_complaint(self) -> bool:
        return self.kind == Kind.COMPLAINT or self.contact_outcome == ContactOutcome.PROGRESSED


def _person(r: RowReader, prefix: str, role: str) -> services.PersonInput | None:
    details: dict[str, Any] = {
        "first_name": r.text(f"{prefix}_first_name", max_length=100),
        "last_name": r.text(f"{prefix}_last_name", max_length=100),
    }
    relationship = ""
    if prefix == "complainant":
        relationship = r.choice("complainant_relationship", RELATIONSHIPS, "a relationship")
    # What the report reads from a person: a child complainant is as looked after as a child
    # the complaint is about.
    details["date_of_birth"] = r.date(f"{prefix}_date_of_birth")
    details["looked_after"] = r.boolean(f"{prefix}_looked_after")
    details["care_leaver"] = r.boolean(f"{prefix}_care_leaver")
    if not any(r.filled(c) for c in r.cells if c.startswith(f"{prefix}_")):
        return None
    if not (details["first_name"] or details["last_name"]):
        r.error(
            f"{prefix}_last_name",
            f"Give the {prefix}'s name (or leave every {prefix}_ column empty).",
        )
    return services.PersonInput(role=role, relationship=relationship, details=details)


def _elements(r: RowReader, numbers: Sequence[int], lookups: Lookups) -> list[ElementPlan]:
    plans = []
    for number in numbers:
        prefix = f"element{number}"
        summary = r.text(f"{prefix}_summary", max_length=500)
        theme = r.one_named(f"{prefix}_theme", lookups.themes, "theme")
        team = r.one_named(f"{prefix}_team", lookups.teams, "team")
        outcomes = {
            stage: value
            for stage in STAGE_NUMBERS
            if (value := r.choice(f"{prefix}_stage{stage}_outcome", OUTCOMES, "an outcome"))
        }
        if not (summary or theme or team or outcomes):
            continue
        if not summary:
            r.error(f"{prefix}_summary", "Say what this point of complaint is.")
        plans.append(ElementPlan(prefix, summary, theme, team, outcomes))
    return plans


def _stage(r: RowReader, number: int) -> StagePlan | None:
    if not any(r.filled(c) for c in STAGE_COLUMNS[number]):
        return None
    s = StagePlan(number=number)
    if number > 1:
        s.requested_on = r.date(
            s.col("requested_on"),
            required=(
                f"Give the date stage {number} was requested (other stage {number} columns are "
                "filled in)."
            ),
        )
        s.late_reason = r.text(s.col("late_reason"))
    s.acknowledged_on = r.date(s.col("acknowledged_on"))
    if number == 1:
        s.deferred_reason = r.text("stage1_deferred_reason", max_length=300)
        s.clock_started_on = r.date("stage1_clock_started_on")
        if s.clock_started_on and not s.deferred_reason:
            r.error(
                "stage1_deferred_reason",
                "Give the reason the clock was deferred, since it started late.",
            )
    if number == 2:
        s.statement_agreed_on = r.date("stage2_statement_agreed_on")
        s.io_appointed_on = r.date("stage2_io_appointed_on")
        s.ip_appointed_on = r.date("stage2_ip_appointed_on")
    if number in (1, 2):
        s.extended_to = r.date(s.col("extended_to"))
        s.extension_reason = r.text(s.col("extension_reason"))
        s.extension_agreed_on = r.date(s.col("extension_agreed_on"))
        if s.extended_to and not s.extension_reason:
            r.error(s.col("extension_reason"), "Give the reason for the extension.")
    if number == 3:
        s.panel_appointed_on = r.date("panel_appointed_on")
        s.panel_met_on = r.date("panel_met_on")
        s.panel_report_on = r.date("panel_report_on")
    s.response_on = r.date(RESPONSE_COLUMN[number])
    return s


def _check_outcomes(r: RowReader, plan: RowPlan) -> None:
    responded = {s.number for s in plan.stages if s.response_on}
    for number in responded:
        if not plan.elements:
            r.error(
                "element1_summary",
                f"Give at least one point of complaint (element) with its stage {number} outcome.",
            )
        for element in plan.elements:
            if number not in element.outcomes:
                r.error(
                    f"{element.column_prefix}_stage{number}_outcome",
                    f"Give the outcome: {RESPONSE_COLUMN[number]} says stage {number} "
                    "was concluded.",
                )
    for element in plan.elements:
        for number in element.outcomes:
            if number not in responded:
                r.error(
                    f"{element.column_prefix}_stage{number}_outcome",
                    f"An outcome needs the date stage {number} was concluded in "
                    f"{RESPONSE_COLUMN[number]}.",
                )


def _check_kind_columns(r: RowReader, plan: RowPlan) -> None:
    """Columns that only mean something for some kinds of record."""
    only: list[tuple[str, bool, str]] = [
        ("procedure", plan.has_complaint, "Only a complaint follows a procedure."),
        ("contact_outcome", plan.kind == Kind.CONTACT, "Only an initial contact has one."),
        ("contact_closed_on", plan.kind == Kind.CONTACT, "Only an initial contact has one."),
        (
            "responded_on",
            plan.kind in REPRESENTATION_KINDS,
            "Only an enquiry, comment or suggestion is answered this way.",
        ),
        ("passed_on_on", plan.kind == Kind.COMPLIMENT, "Only a compliment is passed on."),
        ("praised_worker", plan.kind == Kind.COMPLIMENT, "Only a compliment praises a worker."),
    ]
    for column, allowed, message in only:
        if r.filled(column) and not allowed:
            r.error(column, message)
    if not plan.has_complaint:
        for number in STAGE_NUMBERS:
            for column in STAGE_COLUMNS[number]:
                if r.filled(column):
                    r.error(
                        column,
                        "Only a complaint, or an initial contact progressed to one, has stages.",
                    )
        if plan.elements:
            r.error(
                f"{plan.elements[0].column_prefix}_summary",
                "Only a complaint has points of complaint (elements).",
            )
    if plan.contact_outcome and not plan.contact_closed_on:
        r.error("contact_closed_on", "Give the date the contact was resolved or progressed.")
    if plan.contact_closed_on and not plan.contact_outcome:
        r.error("contact_outcome", "Say whether the contact was resolved or progressed.")


def plan_row(r: RowReader, lookups: Lookups, element_numbers: Sequence[int]) -> RowPlan:
    """Read and check one row; problems are collected in `r.errors`."""
    kind = r.choice("kind", KINDS, "a kind of record", required="Say what kind of record it is.")
    procedure = r.text("procedure").lower()
    if procedure and procedure not in lookups.procedures:
        r.error(
            "procedure",
            f"There is no procedure '{procedure}': use one of "
            f"{', '.join(sorted(lookups.procedures))}.",
        )
    plan = RowPlan(
        line=r.line,
        legacy_reference=r.text(
            "legacy_reference", required="Give the old system's reference.", max_length=60
        ),
        kind=kind,
        procedure=procedure,
        channel=r.choice("channel", CHANNELS, "a channel", required="Say how it was received."),
        received_on=r.date("received_on", required="Give the date it was received."),
        summary=r.text("summary", required="Give a summary.", max_length=200),
        details=r.text("details", max_length=20000),
        teams=r.named("teams", lookups.teams, "team"),
        themes=r.named("themes", lookups.themes, "theme"),
        grounds_arose_on=r.date("grounds_arose_on"),
        late_complaint_reason=r.text("late_complaint_reason"),
        praised_worker=r.text("praised_worker", max_length=200),
        restricted=r.boolean("restricted"),
        ombudsman_involved=r.boolean("ombudsman_involved"),
        people=[
            p
            for p in (
                _person(r, "complainant", PartyRole.COMPLAINANT),
                _person(r, "child", PartyRole.CHILD),
            )
            if p
        ],
        contact_outcome=r.choice("contact_outcome", CONTACT_OUTCOMES, "a contact outcome"),
        contact_closed_on=r.date("contact_closed_on"),
        responded_on=r.date("responded_on"),
        passed_on_on=r.date("passed_on_on"),
        stages=[s for n in STAGE_NUMBERS if (s := _stage(r, n))],
        elements=_elements(r, element_numbers, lookups),
        withdrawn_on=r.date("withdrawn_on"),
        withdrawal_reason=r.text("withdrawal_reason"),
        discontinued_on=r.date("discontinued_on"),
        discontinuance_reason=r.text("discontinuance_reason"),
    )
    if kind:
        _check_kind_columns(r, plan)
    if plan.has_complaint:
        _check_outcomes(r, plan)
    if plan.withdrawn_on and plan.discontinued_on:
        r.error("discontinued_on", "A case is either withdrawn or discontinued, not both.")
    return plan


# --- Replaying a row through the services ---------------------------------------------------


@contextmanager
def _column(
    column: str, fields: Mapping[str, str] | None = None, *, on: dt.date | None = None
) -> Iterator[None]:
    """Report a service's refusal against the column whose value it refused; the timeline
    events of the step are dated `on`, the day it happened."""
    try:
        with events_dated(on):
            yield
    except ApplicationError as exc:
        named = [fields[f] for f in exc.field_errors if fields and f in fields]
        raise RowError(named[0] if named else column, exc.message) from exc


CREATE_FIELDS = {
    "kind": "kind",
    "channel": "channel",
    "received_on": "received_on",
    "summary": "summary",
    "procedure": "procedure",
    "grounds_arose_on": "grounds_arose_on",
    "late_complaint_reason": "late_complaint_reason",
    "external_reference": "legacy_reference",
    "elements": "element1_summary",
    "first_name": "complainant_first_name",
    "last_name": "complainant_last_name",
    "relationship": "complainant_relationship",
    "date_of_birth": "child_date_of_birth",
}


class Importer:
    def __init__(self, actor: User, *, named_actor: bool):
        self.actor = actor
        self.named_actor = named_actor

    def placeholder(self, username: str) -> User:
        # Not cached: a row that fails rolls back the account it made with it.
        return placeholder_user(username)

    def run(self, plan: RowPlan) -> Case:
        if plan.restricted and not self.named_actor:
            raise RowError(
                "restricted",
                "Name the person importing with --actor: a restricted "
                "case is seen only by the people named on it.",
            )
        if plan.received_on is None:  # already reported by plan_row
            raise RowError("received_on", "Give the date it was received.")
        complaint_now = plan.kind == Kind.COMPLAINT
        with _column("kind", CREATE_FIELDS, on=plan.received_on):
            case = services.case_create(
                actor=self.actor,
                kind=plan.kind,
                channel=plan.channel,
                received_on=plan.received_on,
                summary=plan.summary,
                details=plan.details,
                teams=plan.teams,
                themes=plan.themes,
                procedure_code=(plan.procedure or None) if complaint_now else None,
                people=plan.people,
                elements=self._element_inputs(plan) if complaint_now else (),
                restricted=plan.restricted,
                grounds_arose_on=plan.grounds_arose_on,
                late_complaint_reason=plan.late_complaint_reason,
                praised_worker=plan.praised_worker,
                external_reference=plan.legacy_reference,
            )
        target = self._close_non_complaint(case, plan)
        if target.kind == Kind.COMPLAINT:
            for stage in plan.stages:
                self._stage(target, stage, plan)
        if plan.ombudsman_involved:
            with _column("ombudsman_involved"):
                services.ombudsman_flag(case=target, involved=True, actor=self.actor)
        if plan.withdrawn_on:
            with _column("withdrawn_on", {"reason": "withdrawal_reason"}, on=plan.withdrawn_on):
                services.case_withdraw(
                    case=target,
                    on=plan.withdrawn_on,
                    reason=plan.withdrawal_reason,
                    actor=self.actor,
                )
        if plan.discontinued_on:
            with _column(
                "discontinued_on", {"reason": "discontinuance_reason"}, on=plan.discontinued_on
            ):
                services.case_discontinue(
                    case=target,
                    on=plan.discontinued_on,
                    reason=plan.discontinuance_reason,
                    actor=self.actor,
                )
        # A progressed contact's row is reported by the complaint, which carries the
        # reference the contact was given.
        return target

    @staticmethod
    def _element_inputs(plan: RowPlan) -> list[services.ElementInput]:
        return [
            services.ElementInput(summary=e.summary, theme=e.theme, team=e.team)
            for e in plan.elements
        ]

    def _close_non_complaint(self, case: Case, plan: RowPlan) -> Case:
        """Resolve, progress, answer or pass on; returns the complaint a contact became."""
        actor = self.actor
        if plan.contact_outcome == ContactOutcome.RESOLVED and plan.contact_closed_on:
            with _column("contact_closed_on", on=plan.contact_closed_on):
                services.contact_resolve(case=case, on=plan.contact_closed_on, actor=actor)
        elif plan.contact_outcome == ContactOutcome.PROGRESSED and plan.contact_closed_on:
            with _column("contact_closed_on", CREATE_FIELDS, on=plan.contact_closed_on):
                return services.contact_progress(
                    case=case,
                    on=plan.contact_closed_on,
                    actor=actor,
                    procedure_code=plan.procedure or None,
                    elements=self._element_inputs(plan),
                )
        elif plan.responded_on:
            with _column("responded_on", on=plan.responded_on):
                services.representation_respond(case=case, on=plan.responded_on, actor=actor)
        elif plan.passed_on_on:
            with _column("passed_on_on", on=plan.passed_on_on):
                services.compliment_pass_on(case=case, on=plan.passed_on_on, actor=actor)
        return case

    def _stage(self, case: Case, s: StagePlan, plan: RowPlan) -> None:
        actor = self.actor
        if s.number > 1:
            if s.requested_on is None:  # already reported by plan_row
                raise RowError(s.col("requested_on"), "Give the date it was requested.")
            with _column(
                s.col("requested_on"), {"late_reason": s.col("late_reason")}, on=s.requested_on
            ):
                services.complaint_escalate(
                    case=case, requested_on=s.requested_on, actor=actor, late_reason=s.late_reason
                )
        if s.acknowledged_on:
            with _column(s.col("acknowledged_on"), on=s.acknowledged_on):
                services.stage_acknowledge(case=case, on=s.acknowledged_on, actor=actor)
        if s.deferred_reason:
            with _column("stage1_deferred_reason", on=s.acknowledged_on):
                services.stage_pause(case=case, reason=s.deferred_reason, actor=actor)
        if s.clock_started_on:
            with _column("stage1_clock_started_on", on=s.clock_started_on):
                services.stage_resume(case=case, on=s.clock_started_on, actor=actor)
        if s.statement_agreed_on:
            with _column("stage2_statement_agreed_on", on=s.statement_agreed_on):
                services.statement_agree(case=case, on=s.statement_agreed_on, actor=actor)
        self._appointments(case, s)
        if s.extended_to:
            self._extend(case, s, s.extended_to)
        if s.panel_met_on:
            with _column("panel_met_on", on=s.panel_met_on):
                services.panel_met(case=case, on=s.panel_met_on, actor=actor)
        if s.panel_report_on:
            with _column("panel_report_on", on=s.panel_report_on):
                services.panel_report(case=case, on=s.panel_report_on, actor=actor)
        if s.response_on:
            self._respond(case, s, plan, s.response_on)

    def _appointments(self, case: Case, s: StagePlan) -> None:
        """The file names no one: placeholder accounts stand in for the IO, IP and panel."""
        spec = _spec(case).stage(s.number)
        default = s.statement_agreed_on or s.requested_on
        wanted: list[tuple[str, str, str, dt.date | None]] = []
        if s.number == 2:
            concluded = s.response_on is not None
            io_on = s.io_appointed_on or (
                default if concluded and spec.requires_investigating_officer else None
            )
            ip_on = s.ip_appointed_on or (
                default if concluded and spec.requires_independent_person else None
            )
            wanted += [
                (
                    "stage2_io_appointed_on",
                    "import-io",
                    AppointmentRole.INVESTIGATING_OFFICER,
                    io_on,
                ),
                ("stage2_ip_appointed_on", "import-ip", AppointmentRole.INDEPENDENT_PERSON, ip_on),
            ]
        if s.number == 3:
            panel_on = s.panel_appointed_on or (s.requested_on if s.panel_met_on else None)
            wanted += [
                ("panel_appointed_on", "import-panel-1", AppointmentRole.PANEL_CHAIR, panel_on),
                ("panel_appointed_on", "import-panel-2", AppointmentRole.PANEL_MEMBER, panel_on),
                ("panel_appointed_on", "import-panel-3", AppointmentRole.PANEL_MEMBER, panel_on),
            ]
        for column, username, role, on in wanted:
            if on is None:
                continue
            with _column(column, on=on):
                services.appointment_make(
                    case=case, user=self.placeholder(username), role=role, on=on, actor=self.actor
                )

    def _extend(self, case: Case, s: StagePlan, new_due_on: dt.date) -> None:
        told = s.extension_agreed_on
        if told is None:
            # Not in the file: taken as the day the original response was due (or the
            # response, if sooner); only the real date will do once the response came later.
            stage = case.stages.get(number=s.number)
            due = stage.due_on or stage.received_on
            if s.response_on is not None and s.response_on > due:
                raise RowError(
                    s.col("extension_agreed_on"),
                    "Give the date the complainant was told of the extension: the response "
                    f"came after the original due date ({format_date(due)}), so the extension "
                    "counts only if it was agreed by then.",
                )
            told = min(due, s.response_on or due, today())
        with _column(
            s.col("extended_to"),
            {
                "reason": s.col("extension_reason"),
                "complainant_told_on": s.col("extension_agreed_on"),
            },
            on=told,
        ):
            services.stage_extend(
                case=case,
                new_due_on=new_due_on,
                reason=s.extension_reason,
                complainant_told_on=told,
                actor=self.actor,
            )

    def _respond(self, case: Case, s: StagePlan, plan: RowPlan, on: dt.date) -> None:
        by_number = {e.number: e.pk for e in case.elements.all()}
        outcomes = {
            by_number[i]: e.outcomes[s.number]
            for i, e in enumerate(plan.elements, start=1)
            if s.number in e.outcomes
        }
        column = RESPONSE_COLUMN[s.number]
        fields = {
            "outcomes": f"{plan.elements[0].column_prefix}_stage{s.number}_outcome"
            if plan.elements
            else "element1_summary"
        }
        # A point with no theme is refused against the first such point's theme column.
        untold = [e.number for e in case.elements.all() if e.theme_id is None]
        if untold and untold[0] <= len(plan.elements):
            fields["themes"] = f"{plan.elements[untold[0] - 1].column_prefix}_theme"
        spec = _spec(case).stage(s.number)
        with _column(column, fields, on=on):
            if spec.steps:
                services.council_response(case=case, on=on, outcomes=outcomes, actor=self.actor)
                return
            responder = None
            if spec.different_responder:
                # The rule is that stage 2 is answered by someone else; the file names no one.
                responder = self.placeholder("import-responder")
            services.stage_respond(
                case=case, on=on, outcomes=outcomes, actor=self.actor, responder=responder
            )


def _spec(case: Case) -> ProcedureDef:
    if case.procedure_version is None:
        raise ApplicationError("This record is not a complaint under a procedure.")
    return case.procedure_version.spec


# --- Accounts -------------------------------------------------------------------------------


def placeholder_user(username: str) -> User:
    """An account that stands in for someone the file does not name; it cannot sign in."""
    role, first, last, employed = PLACEHOLDERS[username]
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "first_name": first,
            "last_name": last,
            "employed_by_council": employed,
            "is_active": False,
            "job_title": "Stands in for a person not named in imported records",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def resolve_actor(username: str | None) -> tuple[User, bool]:
    """The person recorded as doing the import, and whether they were named."""
    if not username:
        user, created = User.objects.get_or_create(
            username=IMPORT_USERNAME,
            defaults={
                "role": Role.FEEDBACK_OFFICER,
                "first_name": "Data",
                "last_name": "import",
                "job_title": "Records imported from a file",
            },
        )
        if created:
            # Active, because the services act only for active users; it cannot sign in.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user, False
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise ImportFileError(f"There is no user '{username}'.") from None
    if not access.may(user, access.Perm.CASE_MANAGE):
        raise ImportFileError(
            f"{username} cannot record cases: the importer must be an active feedback officer "
            "or administrator."
        )
    return user, True


# --- The whole file -------------------------------------------------------------------------


def _check_header(header: Sequence[str]) -> tuple[list[int], list[str]]:
    """The element numbers the file has, and the problems with its header line."""
    errors: list[str] = []
    numbers: set[int] = set()
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name in seen:
            errors.append(f"line 1: {name}: The column appears more than once.")
        seen.add(name)
        match = ELEMENT_COLUMN.match(name)
        if match:
            numbers.add(int(match.group(1)))
        elif name not in CASE_COLUMNS:
            errors.append(f"line 1: {name}: Unknown column (see docs/import-format.md).")
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(f"line 1: {name}: The file needs this column.")
    return sorted(numbers), errors


def import_file(
    path: Path, *, actor_username: str | None = None, dry_run: bool = False
) -> ImportResult:
    """Import every row or none; `dry_run` checks everything and then rolls back."""
    header, rows = read_table(path)
    element_numbers, header_errors = _check_header(header)
    result = ImportResult(dry_run=dry_run, errors=header_errors)
    if header_errors:
        return result
    lookups = Lookups.load()
    with transaction.atomic():
        actor, named = resolve_actor(actor_username)
        importer = Importer(actor, named_actor=named)
        first_line: dict[str, int] = {}
        for line, values in rows:
            cells = {
                name: values[i] if i < len(values) else "" for i, name in enumerate(header) if name
            }
            _import_one(
                importer, RowReader(line, cells), lookups, element_numbers, first_line, result
            )
        if result.errors or dry_run:
            transaction.set_rollback(True)
    return result


def _import_one(
    importer: Importer,
    r: RowReader,
    lookups: Lookups,
    element_numbers: Sequence[int],
    first_line: dict[str, int],
    result: ImportResult,
) -> None:
    plan = plan_row(r, lookups, element_numbers)
    legacy = plan.legacy_reference
    if legacy:
        if legacy in first_line:
            r.error(
                "legacy_reference",
                f"'{legacy}' is also on line {first_line[legacy]}: each case once.",
            )
        else:
            first_line[legacy] = r.line
            existing = Case.objects.filter(external_reference=legacy).first()
            if existing is not None:
                result.skipped.append((r.line, legacy, existing.reference))
                return
    if not r.errors:
        try:
            with transaction.atomic():
                case = importer.run(plan)
        except RowError as exc:
            r.errors.append(exc)
        else:
            result.imported.append((r.line, legacy, case.reference))
    result.errors += [f"line {r.line}: {e.column}: {e.message}" for e in r.errors]
