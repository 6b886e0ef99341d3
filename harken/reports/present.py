"""A report laid out for reading: sections, headings, formatted cells and chart images.

The HTML page, the PDF and the Word file all read this, so they show the same text.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from . import charts
from .definitions import SECTION_TITLES, TEXT_SECTIONS
from .structures import SUPPRESSED, Example, Report, Table, format_value

WIDE_COLUMNS = 6
MANY_COLUMNS = 6


@dataclass
class Cell:
    text: str
    numeric: bool = True
    hidden: bool = False


@dataclass
class PresentedRow:
    label: str
    total: bool
    cells: list[Cell]


@dataclass
class PresentedTable:
    table: Table
    heading_groups: list[tuple[str, int]]
    rows: list[PresentedRow]
    chart_svg: str | None = None
    chart_alt: str = ""

    @property
    def id(self) -> str:
        return self.table.id

    @property
    def number(self) -> int:
        return self.table.number

    @property
    def title(self) -> str:
        return self.table.title

    @property
    def caption(self) -> str:
        return f"Table {self.table.number}: {self.table.title}"

    @property
    def columns(self) -> list[Any]:
        return self.table.columns

    @property
    def wide(self) -> bool:
        return len(self.table.columns) > WIDE_COLUMNS

    @property
    def many(self) -> bool:
        """Six columns on a portrait page (more go landscape): the row labels get a quarter of
        the width, not two fifths, so each figure's heading has room (ADR 0122)."""
        return MANY_COLUMNS <= len(self.table.columns) <= WIDE_COLUMNS

    @property
    def chart_uri(self) -> str:
        if not self.chart_svg:
            return ""
        encoded = base64.b64encode(self.chart_svg.encode()).decode()
        return f"data:image/svg+xml;base64,{encoded}"

    @property
    def has_hidden(self) -> bool:
        return any(cell.hidden for row in self.rows for cell in row.cells)


@dataclass
class PresentedSection:
    id: str
    title: str
    tables: list[PresentedTable]
    examples: list[Example] = field(default_factory=list)


def present_table(table: Table, *, with_chart: bool = True) -> PresentedTable:
    rows = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = row.get(column.id)
            cells.append(
                Cell(
                    format_value(value, table.kind(row, column)),
                    numeric=table.kind(row, column) != "text",
                    hidden=value is SUPPRESSED,
                )
            )
        rows.append(PresentedRow(row.label, row.total, cells))
    presented = PresentedTable(
        table=table,
        heading_groups=table.column_groups if table.has_column_groups else [],
        rows=rows,
    )
    if with_chart and table.chart is not None:
        presented.chart_svg = charts.svg(table)
        presented.chart_alt = charts.alt_text(table)
    return presented


def present(report: Report, *, with_charts: bool = True) -> dict[str, Any]:
    """The context the report templates use."""
    if with_charts:
        charts.prefetch(report.tables)
    sections = []
    for key, tables, examples in report.sections():
        sections.append(
            PresentedSection(
                id=key,
                title=SECTION_TITLES[key],
                tables=[present_table(t, with_chart=with_charts) for t in tables],
                examples=examples,
            )
        )
    text = [
        {"id": name, "title": title, "text": report.text.get(name, "")}
        for name, title, _hint in TEXT_SECTIONS
    ]
    return {
        "report": report,
        "sections": sections,
        "highlights": text[0],
        "closing_text": [t for t in text[1:] if t["text"]],
        "has_text": any(t["text"] for t in text),
        "symbol_note": (
            f"* a number from 1 to {report.suppression_threshold}, or a number hidden so "
            "that another cannot be worked out from a total."
            if report.published
            else ""
        ),
    }
