"""Excel: a contents sheet, then one sheet per table, figures as numbers."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from harken.core.spreadsheets import set_xlsx_cell, xlsx_text

from ..structures import NOT_APPLICABLE, SUPPRESSED, SUPPRESSION_SYMBOL, Report, Table, Value

FORMATS = {
    "percent": '0"%"',
    "average": "0.0",
    "money": '"£"#,##0.00',
    "change": "+#,##0;\u2212#,##0;0",
    "count": "#,##0",
}


def sheet_name(table: Table) -> str:
    name = f"{table.number} {table.title}"
    for char in "[]:*?/\\":
        name = name.replace(char, "")
    return xlsx_text(name)[:31]


def _write_value(cell, value: Value, kind: str) -> None:  # type: ignore[no-untyped-def]
    """A figure as a number Excel can add up; * and N/A as text."""
    if value is SUPPRESSED or value is None:
        cell.value = SUPPRESSION_SYMBOL if value is SUPPRESSED else NOT_APPLICABLE
        cell.alignment = Alignment(horizontal="right")
        return
    set_xlsx_cell(cell, float(value) if isinstance(value, Decimal) else value)
    cell.number_format = FORMATS.get(kind, "General")


def _write_table(ws, table: Table) -> None:  # type: ignore[no-untyped-def]
    bold = Font(bold=True)
    set_xlsx_cell(ws["A1"], f"Table {table.number}: {table.title}")
    ws["A1"].font = Font(bold=True, size=13)
    set_xlsx_cell(ws["A2"], table.definition)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(
        start_row=2, start_column=1, end_row=2, end_column=max(2, len(table.columns) + 1)
    )
    ws.row_dimensions[2].height = 60
    row_number = 4
    if table.has_column_groups:
        for i, column in enumerate(table.columns, start=2):
            cell = ws.cell(row=row_number, column=i)
            set_xlsx_cell(cell, column.group)
            cell.font = bold
        row_number += 1
    for i, column in enumerate(table.columns, start=2):
        cell = ws.cell(row=row_number, column=i)
        set_xlsx_cell(cell, column.label)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True)
    header_row = row_number
    for row in table.rows:
        row_number += 1
        label = ws.cell(row=row_number, column=1)
        set_xlsx_cell(label, row.label)
        if row.total:
            label.font = bold
        for i, column in enumerate(table.columns, start=2):
            cell = ws.cell(row=row_number, column=i)
            _write_value(cell, row.get(column.id), table.kind(row, column))
            if row.total:
                cell.font = bold
    for note in table.notes:
        row_number += 2
        set_xlsx_cell(ws.cell(row=row_number, column=1), note)
    ws.column_dimensions["A"].width = 48
    for i in range(2, len(table.columns) + 2):
        ws.column_dimensions[get_column_letter(i)].width = 14
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)


def render_xlsx(report: Report) -> bytes:
    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    set_xlsx_cell(contents["A1"], report.title)
    contents["A1"].font = Font(bold=True, size=14)
    set_xlsx_cell(contents["A2"], f"{report.council}. Period: {report.period.dates_label}.")
    contents["A3"] = f"Compared with {report.comparison.dates_label}."
    contents["A4"] = (
        f"Published edition: {SUPPRESSION_SYMBOL} is a number from 1 to "
        f"{report.suppression_threshold}, or a number hidden so that another cannot be "
        "worked out from a total."
        if report.published
        else "Internal edition: every figure is shown. Do not publish."
    )
    contents["A6"], contents["B6"], contents["C6"] = "Sheet", "Table", "How it is counted"
    for cell in (contents["A6"], contents["B6"], contents["C6"]):
        cell.font = Font(bold=True)
    for i, table in enumerate(report.tables, start=7):
        set_xlsx_cell(contents.cell(row=i, column=1), sheet_name(table))
        set_xlsx_cell(contents.cell(row=i, column=2), table.title)
        definition = contents.cell(row=i, column=3)
        set_xlsx_cell(definition, table.definition)
        definition.alignment = Alignment(wrap_text=True, vertical="top")
        _write_table(wb.create_sheet(sheet_name(table)), table)
    contents.column_dimensions["A"].width = 32
    contents.column_dimensions["B"].width = 45
    contents.column_dimensions["C"].width = 100
    wb.properties.title = report.title
    wb.properties.creator = report.council
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
