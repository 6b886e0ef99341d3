"""The PDF's layout, read back page by page: no section heading left alone at the foot of a
page, landscape pages only for the tables that need them, and no chart label cut short."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest
from django.template.loader import render_to_string
from weasyprint import HTML

from harken.reports import charts
from harken.reports.definitions import SECTIONS
from harken.reports.present import WIDE_COLUMNS, present
from harken.reports.renderers import render
from harken.reports.renderers.as_pdf import write_pdf

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
]


@pytest.fixture
def pages(seed_report, tmp_path):
    """Each page's text lines and whether it is landscape."""
    path = tmp_path / "report.pdf"
    path.write_bytes(render(seed_report, "pdf")[0])
    text = subprocess.run(  # noqa: S603  # our own file, a fixed tool
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    info = subprocess.run(  # noqa: S603
        [shutil.which("pdfinfo") or "pdfinfo", "-f", "1", "-l", "999", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sizes = [
        float(w) > float(h)
        for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    ]
    texts = text.split("\f")[: len(sizes)]
    return [
        ([line.strip() for line in page.splitlines() if line.strip()], landscape)
        for page, landscape in zip(texts, sizes, strict=True)
    ]


def test_no_section_heading_is_left_alone_at_the_foot_of_a_page(seed_report, pages):
    """Each section's heading is on the page of its first table, just above it; no page ends
    with a section heading or a table's caption."""
    titles = dict(SECTIONS)
    headings = set(titles.values())
    checked = 0
    for key, tables, _examples in seed_report.sections():
        if not tables:
            continue
        caption = f"Table {tables[0].number}:"
        assert any(
            lines[i] == titles[key] and lines[i + 1].startswith(caption)
            for lines, _ in pages
            for i in range(len(lines) - 1)
        ), titles[key]
        checked += 1
    assert checked >= 5
    for lines, _ in pages:
        body = [line for line in lines if not line.startswith("Page ") and "edition" not in line]
        assert body
        assert body[-1] not in headings, body[-1]
        assert not re.match(r"Table \d+:", body[-1]), body[-1]


def test_landscape_pages_only_for_the_tables_that_need_them(seed_report, pages):
    wide = {t.number for t in seed_report.tables if len(t.columns) > WIDE_COLUMNS}
    assert wide  # the quarterly table by stage and procedure
    for lines, landscape in pages:
        numbers = {int(m.group(1)) for line in lines if (m := re.match(r"Table (\d+):", line))}
        if landscape:
            assert numbers <= wide, numbers - wide
        else:
            assert not numbers & wide, numbers & wide


def test_no_chart_label_is_cut_short(seed_report):
    """Every category's and series' label shows whole in its chart (none ends in "…")."""
    checked = 0
    for table in seed_report.tables:
        svg = charts.svg(table)
        if svg is None or table.chart is None:
            continue
        assert "…" not in svg, table.id
        for row_id in table.chart.rows:
            label = table.row(row_id).label
            assert html.escape(label, quote=False) in svg, (table.id, label)
            checked += 1
    assert checked > 20


def test_the_pdf_is_weasyprints_own_without_its_unused_pseudo_element_styles(seed_report):
    """Leaving WeasyPrint's list-marker and footnote styles out of the report (it has neither)
    changes nothing in the PDF, byte for byte (ADR 0297): a list or a footnote added to the
    template would show here."""
    page = render_to_string("reports/pdf.html", present(seed_report))
    default = HTML(string=page, base_url="/").write_pdf(pdf_variant="pdf/ua-1")
    assert write_pdf(page) == default
