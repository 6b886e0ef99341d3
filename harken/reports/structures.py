"""What a report is, as plain data: ordered tables of figures with their definitions.

The metric selectors build a `Report`; every renderer (HTML, JSON, CSV, Excel, Word, PDF) only
reads one. Suppression for the published edition returns a new `Report` whose hidden cells
hold `SUPPRESSED`, so every format shows the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

SCHEMA = "harken.report/1"
SUPPRESSION_SYMBOL = "*"
NOT_APPLICABLE = "N/A"

ColumnKind = Literal["count", "percent", "average", "money", "change", "text"]


class _Suppressed:
    """A figure hidden in the published edition."""

    _instance: _Suppressed | None = None

    def __new__(cls) -> _Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __bool__(self) -> bool:
        return False


SUPPRESSED = _Suppressed()

# A cell's value: a count, a percentage or average (Decimal), money in pounds (Decimal),
# a signed change (int), text, None where the figure does not apply, or SUPPRESSED.
Value = int | Decimal | str | None | _Suppressed
CellRef = tuple[str, str]  # (row id, column id)


def as_int(value: Value) -> int:
    """A count cell's value as an int (0 where there is none)."""
    return value if isinstance(value, int) else 0


def percent(part: int, whole: int, places: int = 0) -> Decimal | None:
    """`part` as a percentage of `whole`, rounded half up (7.5% → 8%); None when whole is 0."""
    if not whole:
        return None
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(exponent, rounding=ROUND_HALF_UP)


def average(total: int | None, count: int, places: int = 1) -> Decimal | None:
    if not count or total is None:
        return None
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(total) / Decimal(count)).quantize(exponent, rounding=ROUND_HALF_UP)


def money(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass
class Column:
    id: str
    label: str
    kind: ColumnKind = "count"
    # A heading over several columns, e.g. "Social care" over its quarters.
    group: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "kind": self.kind, "group": self.group}


@dataclass
class Row:
    id: str
    label: str
    values: dict[str, Value]
    total: bool = False
    # How this row's figures read where they differ from their columns' (a row of
    # percentages in a table of counts).
    kind: ColumnKind | None = None

    def get(self, column: str) -> Value:
        return self.values.get(column)


@dataclass
class Sum:
    """`total` is the sum of `parts`: the reader can use it to work out a hidden part."""

    parts: list[CellRef]
    total: CellRef


@dataclass
class Chart:
    """Which figures a table's chart shows; `charts.py` turns it into a Vega-Lite spec.

    kind "bar": one bar per row (from `columns[0]`); "grouped"/"stacked": rows along the
    axis, one colour per column.
    """

    kind: Literal["bar", "grouped", "stacked"]
    rows: list[str]
    columns: list[str]
    title: str = ""
    value_label: str = "Number"
    # "row": rows along the axis (default); "column": columns along the axis, rows as colours.
    axis: Literal["row", "column"] = "row"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "columns": self.columns,
            "title": self.title,
            "value_label": self.value_label,
            "axis": self.axis,
        }


@dataclass
class Table:
    id: str
    section: str
    title: str
    definition: str
    columns: list[Column]
    rows: list[Row]
    sums: list[Sum] = field(default_factory=list)
    # A derived cell (percentage, average, change) and the cells it is worked out from.
    derived: dict[CellRef, list[CellRef]] = field(default_factory=dict)
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)
    number: int = 0
    # Columns of free text that may identify someone: left out of the published edition.
    private_columns: list[str] = field(default_factory=list)

    def column(self, column_id: str) -> Column:
        for column in self.columns:
            if column.id == column_id:
                return column
        raise KeyError(column_id)

    def row(self, row_id: str) -> Row:
        for row in self.rows:
            if row.id == row_id:
                return row
        raise KeyError(row_id)

    def value(self, row_id: str, column_id: str) -> Value:
        return self.row(row_id).get(column_id)

    def kind(self, row: Row, column: Column) -> ColumnKind:
        """How a cell reads: its row's kind where the row has one, else its column's."""
        return row.kind or column.kind

    def cells(self) -> list[tuple[Row, Column, Value]]:
        return [(row, column, row.get(column.id)) for row in self.rows for column in self.columns]

    @property
    def column_groups(self) -> list[tuple[str, int]]:
        """Consecutive column groups and their widths, for a two-row table heading."""
        groups: list[tuple[str, int]] = []
        for column in self.columns:
            if groups and groups[-1][0] == column.group:
                groups[-1] = (column.group, groups[-1][1] + 1)
            else:
                groups.append((column.group, 1))
        return groups

    @property
    def has_column_groups(self) -> bool:
        return any(c.group for c in self.columns)


@dataclass
class Example:
    """An anonymised example the officer wrote for a section (never copied from a record)."""

    section: str
    heading: str
    text: str
    case_reference: str = ""
    id: int | None = None


@dataclass
class Report:
    title: str
    period: Any  # periods.Period (kept loose so the structures have no Django import)
    comparison: Any
    quarters: list[Any]
    tables: list[Table]
    generated_at: dt.datetime
    edition: Literal["internal", "published"] = "internal"
    suppression_threshold: int | None = None
    council: str = ""
    text: dict[str, str] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    # Sections that were left out and why (e.g. the registers are not installed).
    omitted: list[str] = field(default_factory=list)
    edition_id: int | None = None
    published_at: dt.datetime | None = None

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    @property
    def published(self) -> bool:
        return self.edition == "published"

    def sections(self) -> list[tuple[str, list[Table], list[Example]]]:
        """Tables grouped by section in report order, with the section's examples."""
        from .definitions import SECTIONS

        out = []
        for key, _title in SECTIONS:
            tables = [t for t in self.tables if t.section == key]
            examples = [e for e in self.examples if e.section == key]
            if tables or examples:
                out.append((key, tables, examples))
        return out

    def with_edition(self, **changes: Any) -> Report:
        return replace(self, **changes)


def format_value(value: Value, kind: ColumnKind) -> str:
    """A figure as people read it: 1,234; 37.0%; £3,224; +8; N/A; * when suppressed."""
    if isinstance(value, _Suppressed):
        return SUPPRESSION_SYMBOL
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, str):
        return value
    if kind == "percent":
        return f"{value}%"
    if kind == "money":
        amount = Decimal(value)
        if amount == amount.to_integral_value():
            return f"£{amount:,.0f}"
        return f"£{amount:,.2f}"
    if kind == "change":
        return f"+{value:,}" if value > 0 else (f"\u2212{abs(value):,}" if value < 0 else "0")
    if kind == "average":
        return f"{value:,}"
    return f"{value:,}"


def json_value(value: Value) -> int | float | str | None:
    if value is SUPPRESSED or value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value  # type: ignore[return-value]
