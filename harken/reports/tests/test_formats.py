"""Every format renders, and every format shows the same figures: JSON, CSV, Excel, Word and
the PDF's text (pdftotext) are read back cell by cell against the report."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from harken.reports import suppression
from harken.reports.renderers import render
from harken.reports.renderers.as_csv import csv_value, file_name
from harken.reports.renderers.as_xlsx import sheet_name
from harken.reports.structures import (
    NOT_APPLICABLE,
    SCHEMA,
    SUPPRESSED,
    SUPPRESSION_SYMBOL,
    format_value,
    json_value,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["internal", "published"])
def report(request, seed_report):
    return seed_report if request.param == "internal" else suppression.published(seed_report, 5)


def formatted(table):
    return [
        [format_value(r.get(c.id), table.kind(r, c)) for c in table.columns] for r in table.rows
    ]


def test_json_agrees(report):
    data = json.loads(render(report, "json")[0])
    assert data["schema"] == SCHEMA
    assert data["edition"] == report.edition
    assert [t["id"] for t in data["tables"]] == [t.id for t in report.tables]
    for table, got in zip(report.tables, data["tables"], strict=True):
        for row, got_row in zip(table.rows, got["rows"], strict=True):
            assert got_row["values"] == {c.id: json_value(row.get(c.id)) for c in table.columns}
            assert got_row["suppressed"] == [
                c.id for c in table.columns if row.get(c.id) is SUPPRESSED
            ]
    if report.published:
        assert data["suppression"] == {"threshold": 5, "symbol": "*"}
        assert any(r["suppressed"] for t in data["tables"] for r in t["rows"])


def test_csv_agrees(report):
    archive = zipfile.ZipFile(io.BytesIO(render(report, "csv")[0]))
    assert "index.csv" in archive.namelist()
    for table in report.tables:
        lines = list(csv.reader(io.StringIO(archive.read(file_name(table)).decode())))
        body = lines[-len(table.rows) :]
        for row, line in zip(table.rows, body, strict=True):
            assert line == [row.label, *(csv_value(row.get(c.id)) for c in table.columns)]


def test_excel_has_a_sheet_per_table_that_agrees(report):
    book = load_workbook(io.BytesIO(render(report, "xlsx")[0]))
    assert book.sheetnames == ["Contents", *(sheet_name(t) for t in report.tables)]
    for table in report.tables:
        sheet = book[sheet_name(table)]
        rows = list(sheet.iter_rows(values_only=True))
        body = [r for r in rows if r and r[0] in {row.label for row in table.rows}]
        assert len(body) == len(table.rows), table.id
        for row, line in zip(table.rows, body, strict=True):
            for column, got in zip(table.columns, line[1:], strict=False):
                value = row.get(column.id)
                if value is SUPPRESSED:
                    assert got == SUPPRESSION_SYMBOL
                elif value is None:
                    assert got == NOT_APPLICABLE
                elif isinstance(value, Decimal):
                    assert got == pytest.approx(float(value))
                else:
                    assert (got if got is not None else "") == value, (table.id, row.id, column.id)


def test_word_agrees(report):
    document = Document(io.BytesIO(render(report, "docx")[0]))
    tables = document.tables
    assert len(tables) == len(report.tables)
    for table, grid in zip(report.tables, tables, strict=True):
        body = grid.rows[-len(table.rows) :]
        for row, cells, got in zip(table.rows, formatted(table), body, strict=True):
            texts = [c.text for c in got.cells]
            assert texts == [row.label, *cells], table.id
    assert len(document.inline_shapes) >= 10  # the charts


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_pdf_text_agrees_and_is_tagged_a4(report, tmp_path):
    body = render(report, "pdf")[0]
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")
    assert pdftotext
    assert pdfinfo
    text = subprocess.run(  # noqa: S603  # our own file, a fixed tool
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(  # noqa: S603
        [pdfinfo, str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "(A4)" in info
    assert "Page 1 of" in text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for table in report.tables:
        start = next(i for i, line in enumerate(lines) if line.startswith(f"Table {table.number}:"))
        segment = lines[start:]
        free_text = any(c.kind == "text" for c in table.columns)
        for cells in formatted(table):
            if free_text:  # wrapped text: check the figures only
                assert cells[-1] in segment, (table.id, cells)
                continue
            assert any(segment[i : i + len(cells)] == cells for i in range(len(segment))), (
                table.id,
                cells,
            )
    if report.published:
        assert "HK-20" not in text


def test_seed_figures_read_the_same_in_every_format(seed_report):
    """Spot check in words: the headline figures of seed 004 in the PDF and Word file."""
    document = Document(io.BytesIO(render(seed_report, "docx")[0]))
    words = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    for figure in ("88", "105", "27", "+29", "71%", "43%", "33.0", "59.1", "£3,224", "£8,920"):
        assert figure in words
