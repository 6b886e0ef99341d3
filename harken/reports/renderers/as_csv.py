"""CSV: a zip with one file per table and an index of the tables and their definitions."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

from harken.core.spreadsheets import csv_text

from ..structures import NOT_APPLICABLE, SUPPRESSED, SUPPRESSION_SYMBOL, Report, Table, Value


def csv_value(value: Value) -> str:
    """Figures as plain numbers (no £ or %); * hidden; N/A where a figure does not apply;
    text (a payment's reason) never as a formula."""
    if value is SUPPRESSED:
        return SUPPRESSION_SYMBOL
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def file_name(table: Table) -> str:
    return f"{table.number:02d}-{table.id}.csv"


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    if table.has_column_groups:
        writer.writerow(["", *(csv_text(c.group) for c in table.columns)])
    writer.writerow(["", *(csv_text(c.label) for c in table.columns)])
    for row in table.rows:
        writer.writerow([csv_text(row.label), *(csv_value(row.get(c.id)) for c in table.columns)])
    return out.getvalue()


def render_csv(report: Report) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        index = io.StringIO()
        writer = csv.writer(index)
        writer.writerow(["file", "table", "title", "definition"])
        for table in report.tables:
            writer.writerow(
                [file_name(table), table.number, csv_text(table.title), csv_text(table.definition)]
            )
            archive.writestr(file_name(table), table_csv(table))
        writer.writerow([])
        writer.writerow(["report", csv_text(report.title)])
        writer.writerow(["period", report.period.dates_label])
        writer.writerow(["compared with", report.comparison.dates_label])
        writer.writerow(["edition", report.edition])
        if report.published:
            writer.writerow(
                [
                    "suppression",
                    f"{SUPPRESSION_SYMBOL}: a number from 1 to {report.suppression_threshold}, "
                    "or a number hidden so that another cannot be worked out",
                ]
            )
        archive.writestr("index.csv", index.getvalue())
    return buffer.getvalue()
