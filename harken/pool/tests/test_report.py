"""The report's section on independent people: appointments by role, from and for partner
councils, fees; last year's column; suppression; in every format; the cost figures unchanged
(each fee is an investigation cost, counted once)."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from harken.reports import suppression
from harken.reports.metrics import build_report
from harken.reports.periods import Period
from harken.reports.renderers import render
from harken.reports.structures import SUPPRESSED

from .. import services
from ..models import FeeBasis, Organisation, Sharing
from .conftest import D, make_entry, to_stage2

pytestmark = pytest.mark.django_db
THIS = Period(D(2024, 4, 1), D(2025, 3, 31))


@pytest.fixture
def report(officer):
    with time_machine.travel("2025-04-10 10:00 +0100", tick=False):
        own = make_entry(officer, name="Olga Own")
        partner = make_entry(
            officer,
            name="Gail Gateshead",
            organisation_kind=Organisation.OTHER_COUNCIL,
            organisation="Gateshead Council",
            sharing=Sharing.FROM_PARTNER,
            partner_council="Gateshead Council",
        )
        lent = make_entry(
            officer, name="Len Lent", sharing=Sharing.TO_PARTNER, partner_council="South Tyneside"
        )
        # Last year: one appointment at a fixed fee.
        services.pool_appoint(
            case=to_stage2(officer),
            pool_entry=own,
            role="ip",
            on=D(2024, 2, 6),
            fee_basis=FeeBasis.FIXED,
            actor=officer,
        )
        # This year: seven IP appointments, six of the partner's person.
        for n in range(7):
            case = _stage2_in(officer, 2024 + (n > 3), 5 + n if n <= 3 else n - 3)
            services.pool_appoint(
                case=case,
                pool_entry=partner if n else own,
                role="ip",
                on=case.stages.get(number=2).received_on,
                fee_basis=FeeBasis.DAYS,
                days="2",
                actor=officer,
            )
        services.partner_appointment_record(
            entry=lent, actor=officer, role="ip", appointed_on=D(2024, 9, 1)
        )
        return build_report(THIS)


def _stage2_in(officer, year, month):
    from harken.cases import services as case_services
    from harken.cases.tests.factories import complaint, respond_all

    case = complaint(actor=officer, received_on=D(year, month, 1))
    respond_all(case, on=D(year, month, 8), actor=officer)
    case_services.complaint_escalate(case=case, requested_on=D(year, month, 12), actor=officer)
    case_services.statement_agree(case=case, on=D(year, month, 13), actor=officer)
    return case


def _table(report, table_id):
    return next(t for t in report.tables if t.id == table_id)


def test_appointments_by_role_from_and_for_partners_with_last_year(report):
    table = _table(report, "independent-people")
    assert table.section == "pool"
    assert table.row("ip").values == {"total": 7, "ly": 1}
    assert table.row("io").values == {"total": 0, "ly": 0}
    assert table.row("total").values == {"total": 7, "ly": 1}
    assert table.row("from-partners").values == {"total": 6, "ly": 0}
    assert table.row("for-partners").values == {"total": 1, "ly": 0}


def test_fees_by_role_and_already_in_the_cost_of_investigating(report):
    fees = _table(report, "independent-people-fees")
    assert fees.row("ip").values == {"total": Decimal("4900.00"), "ly": Decimal("600.00")}
    assert fees.row("total").values["total"] == Decimal("4900.00")
    costs = _table(report, "costs")
    assert costs.row("total").values["total"] == Decimal("4900.00")  # counted once, not twice
    assert costs.row("total").values["ly"] == Decimal("600.00")


def test_published_edition_hides_small_counts(report):
    published = suppression.published(report, 5)
    table = _table(published, "independent-people")
    assert table.row("ip").values["total"] == 7
    assert table.row("ip").values["ly"] is SUPPRESSED
    assert table.row("for-partners").values["total"] is SUPPRESSED


@pytest.mark.parametrize("fmt", ["html", "json", "xlsx", "docx", "csv", "pdf"])
def test_every_format_has_the_section(report, fmt, client, sign_in, officer):
    if fmt == "html":
        with time_machine.travel("2025-04-10 10:00 +0100", tick=False):
            response = sign_in(officer).get("/staff/reports/report/?from=2024-04-01&to=2025-03-31")
        text = response.content.decode()
        assert "Independent people appointed" in text
        assert "Appointments from the pool" in text
        assert "Fees of independent people" in text
        return
    body, _ = render(report, fmt)
    if fmt == "json":
        data = json.loads(body)
        ids = [t["id"] for t in data["tables"]]
        assert "independent-people" in ids
        assert "independent-people-fees" in ids
    elif fmt == "xlsx":
        book = load_workbook(io.BytesIO(body))
        text = " ".join(
            str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row
        )
        assert "Appointments from the pool" in text
        assert "Of those, people provided by partner councils" in text
    elif fmt == "docx":
        document = Document(io.BytesIO(body))
        text = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert "Appointments from the pool" in text
    elif fmt == "csv":
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        assert any("independent-people" in n for n in names)
    else:
        assert body.startswith(b"%PDF")
        import shutil
        import subprocess

        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            pytest.skip("no pdftotext")
        text = subprocess.run(  # noqa: S603 (a fixed program, our own PDF)
            [pdftotext, "-", "-"], input=body, capture_output=True, check=True
        ).stdout.decode()
        assert "Independent people" in text
        assert "Appointments from the pool" in text
