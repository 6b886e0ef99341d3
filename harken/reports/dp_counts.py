"""Data-protection complaints counted for the ICO's return (Data Protection Act 2018 s164B).

s164B lets the Secretary of State require a controller to tell the Information Commissioner
how many complaints under s164A it received in given periods. These are those counts and
what a council will be asked beside them, for any period, by financial quarter: received,
acknowledged within the 30 days of s164A(3) or later, outcomes sent and what they were.

Plain data, so the staff page, its CSV, the JSON (schema "harken.data-protection-counts/1"),
the API and `harken data-protection-counts` agree by construction. Nothing here names a
person or a case: aggregate figures only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harken.cases.models import ElementOutcome, Outcome, Stage
from harken.core.dates import format_date, today
from harken.core.spreadsheets import csv_cell
from harken.procedures.definitions import ProcedureKind

from .periods import Period

SCHEMA = "harken.data-protection-counts/1"
TOTAL = "total"

# A complaint's outcome is its points' most favourable to the complainant: one point upheld
# makes the complaint upheld.
OUTCOME_ORDER: tuple[tuple[str, str], ...] = (
    (Outcome.UPHELD, "Upheld"),
    (Outcome.PARTIALLY_UPHELD, "Partially upheld"),
    (Outcome.NOT_UPHELD, "Not upheld"),
    (Outcome.UNABLE_TO_DETERMINE, "Unable to determine"),
    (Outcome.WITHDRAWN, "Withdrawn"),
)
NO_OUTCOME = "none"

ROWS: tuple[tuple[str, str, str], ...] = (
    # (id, label, how it is counted)
    ("received", "Complaints received", "Received in the period."),
    (
        "acknowledged_in_time",
        "Acknowledged within 30 days",
        "Of those received in the period: acknowledged (or sent the outcome) on or before the "
        "30-day date.",
    ),
    (
        "acknowledged_late",
        "Acknowledged after 30 days",
        "Of those received in the period: acknowledged after the 30-day date.",
    ),
    (
        "not_acknowledged_overdue",
        "Not acknowledged, 30 days passed",
        "Of those received in the period: not acknowledged, the 30-day date before the day "
        "the figures were made, and not withdrawn or discontinued.",
    ),
    (
        "not_acknowledged_in_time_left",
        "Not acknowledged yet, still in time",
        "Of those received in the period: not acknowledged, the 30-day date not yet passed.",
    ),
    ("outcomes_sent", "Outcomes sent", "Outcome sent in the period."),
    *(
        (f"outcome_{key}", f"Outcome: {label.lower()}", f"Outcome sent in the period: {label}.")
        for key, label in OUTCOME_ORDER
    ),
    (
        f"outcome_{NO_OUTCOME}",
        "Outcome: no finding recorded",
        "Outcome sent in the period with no finding recorded on any point.",
    ),
    (
        "average_days_to_outcome",
        "Average days from receipt to outcome",
        "Calendar days, over the outcomes sent in the period.",
    ),
    (
        "ended_early",
        "Withdrawn or discontinued",
        "Withdrawn or discontinued in the period before an outcome.",
    ),
    (
        "open_at_end",
        "Open at the end of the period",
        "Received by the last day, with no outcome and not ended by then.",
    ),
)


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class _Row:
    received_on: dt.date
    acknowledged_on: dt.date | None
    acknowledgement_due_on: dt.date | None
    concluded_on: dt.date | None
    ended_early_on: dt.date | None
    outcome: str | None


def _stages(period: Period) -> list[_Row]:
    """Every data-protection complaint that matters to the period: two statements."""
    stages = list(
        Stage.objects.filter(
            number=1,
            case__procedure_version__procedure__kind=ProcedureKind.DATA_PROTECTION.value,
            received_on__lte=period.end,
        )
        .exclude(concluded_on__lt=period.start)
        .exclude(ended_early_on__lt=period.start)
        .values(
            "pk",
            "received_on",
            "acknowledged_on",
            "acknowledgement_due_on",
            "concluded_on",
            "ended_early_on",
        )
    )
    concluded = [s["pk"] for s in stages if s["concluded_on"] is not None]
    found: dict[int, set[str]] = {}
    for stage_id, outcome in ElementOutcome.objects.filter(stage_id__in=concluded).values_list(
        "stage_id", "outcome"
    ):
        found.setdefault(stage_id, set()).add(outcome)
    return [
        _Row(
            received_on=s["received_on"],
            acknowledged_on=s["acknowledged_on"],
            acknowledgement_due_on=s["acknowledgement_due_on"],
            concluded_on=s["concluded_on"],
            ended_early_on=s["ended_early_on"],
            outcome=_outcome(found.get(s["pk"], set())) if s["concluded_on"] else None,
        )
        for s in stages
    ]


def _outcome(outcomes: set[str]) -> str:
    return next((key for key, _ in OUTCOME_ORDER if key in outcomes), NO_OUTCOME)


def _acknowledged(r: _Row) -> dt.date | None:
    """When the complainant was told it was received: the acknowledgement, or the outcome
    where that came first (the ICO: an outcome within the 30 days needs no separate
    acknowledgement)."""
    if r.acknowledged_on and r.concluded_on:
        return min(r.acknowledged_on, r.concluded_on)
    return r.acknowledged_on or r.concluded_on


def _within(day: dt.date | None, column: Column) -> bool:
    return day is not None and column.start <= day <= column.end


def _figures(rows: Iterable[_Row], column: Column, on: dt.date) -> dict[str, int | float | None]:
    rows = list(rows)
    received = [r for r in rows if _within(r.received_on, column)]
    concluded = [r for r in rows if _within(r.concluded_on, column)]

    def in_time(r: _Row) -> bool:
        done = _acknowledged(r)
        return done is not None and (
            r.acknowledgement_due_on is None or done <= r.acknowledgement_due_on
        )

    def unacknowledged(r: _Row) -> bool:
        return _acknowledged(r) is None and r.ended_early_on is None

    days = [(r.concluded_on - r.received_on).days for r in concluded if r.concluded_on]
    figures: dict[str, int | float | None] = {
        "received": len(received),
        "acknowledged_in_time": sum(1 for r in received if in_time(r)),
        "acknowledged_late": sum(
            1 for r in received if _acknowledged(r) is not None and not in_time(r)
        ),
        "not_acknowledged_overdue": sum(
            1
            for r in received
            if unacknowledged(r)
            and r.acknowledgement_due_on is not None
            and r.acknowledgement_due_on < on
        ),
        "not_acknowledged_in_time_left": sum(
            1
            for r in received
            if unacknowledged(r)
            and (r.acknowledgement_due_on is None or r.acknowledgement_due_on >= on)
        ),
        "outcomes_sent": len(concluded),
        **{
            f"outcome_{key}": sum(1 for r in concluded if r.outcome == key)
            for key in (*(k for k, _ in OUTCOME_ORDER), NO_OUTCOME)
        },
        "average_days_to_outcome": round(sum(days) / len(days), 1) if days else None,
        "ended_early": sum(
            1 for r in rows if _within(r.ended_early_on, column) and r.concluded_on is None
        ),
        "open_at_end": sum(
            1
            for r in rows
            if r.received_on <= column.end
            and (r.concluded_on is None or r.concluded_on > column.end)
            and (r.ended_early_on is None or r.ended_early_on > column.end)
        ),
    }
    return figures


def columns(period: Period) -> list[Column]:
    quarters = [Column(q.id, q.label, q.start, q.end) for q in period.quarters()]
    total = Column(TOTAL, "Whole period", period.start, period.end)
    return [*quarters, total] if len(quarters) > 1 else [total]


def data_protection_counts(*, period: Period, on: dt.date | None = None) -> dict[str, Any]:
    """The counts for `period`, by financial quarter and in total, as plain data. `on`: the
    day the figures are made (today), which decides whether an unacknowledged complaint's
    30 days have passed."""
    on = on or today()
    rows = _stages(period)
    cols = columns(period)
    values = {c.id: _figures(rows, c, on) for c in cols}
    return {
        "schema": SCHEMA,
        "period": period.to_dict(),
        "made_on": on.isoformat(),
        "columns": [
            {"id": c.id, "label": c.label, "from": c.start.isoformat(), "to": c.end.isoformat()}
            for c in cols
        ],
        "rows": [
            {
                "id": row_id,
                "label": label,
                "definition": definition,
                "values": {c.id: values[c.id][row_id] for c in cols},
            }
            for row_id, label, definition in ROWS
        ],
    }


def title(counts: dict[str, Any]) -> str:
    period = counts["period"]
    start, end = dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])
    return f"Data protection complaints, {format_date(start)} to {format_date(end)}"


def as_json(counts: dict[str, Any]) -> bytes:
    return json.dumps(counts, indent=2, ensure_ascii=False).encode()


def as_csv(counts: dict[str, Any]) -> bytes:
    """One row a figure, one column a quarter and the whole period."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows = [
        [title(counts)],
        ["Figure", *(c["label"] for c in counts["columns"])],
        *(
            [row["label"], *("" if v is None else v for v in row["values"].values())]
            for row in counts["rows"]
        ),
    ]
    # Text as text, as in every spreadsheet Harken writes (harken/core/spreadsheets.py).
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    # A leading byte-order mark so Excel reads the apostrophes and dashes as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def file_name(counts: dict[str, Any], extension: str) -> str:
    period = counts["period"]
    return f"data-protection-complaints-{period['from']}-to-{period['to']}.{extension}"
