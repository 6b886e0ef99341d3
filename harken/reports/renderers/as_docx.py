"""Word: an editable document for committee papers, with the same tables and charts."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..present import PresentedSection, PresentedTable, present
from ..structures import Report


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _set_cell(cell, text: str, *, bold: bool = False, right: bool = False, size: float = 9) -> None:  # type: ignore[no-untyped-def]
    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _orientation(document, landscape: bool) -> None:  # type: ignore[no-untyped-def]
    current = document.sections[-1]
    if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = Mm(210), Mm(297)
    section.page_width, section.page_height = (height, width) if landscape else (width, height)


def _table(document, presented: PresentedTable) -> None:  # type: ignore[no-untyped-def]
    table = presented.table
    size = 8 if presented.wide else 9
    header_rows = 2 if presented.heading_groups else 1
    grid = document.add_table(rows=header_rows + len(presented.rows), cols=1 + len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    if presented.heading_groups:
        at = 1
        for group, width in presented.heading_groups:
            cell = grid.cell(0, at)
            if width > 1:
                cell = cell.merge(grid.cell(0, at + width - 1))
            _set_cell(cell, group, bold=True, size=size)
            at += width
        _repeat_header(grid.rows[0])
    heading = grid.rows[header_rows - 1]
    _set_cell(heading.cells[0], "", bold=True, size=size)
    for i, column in enumerate(table.columns, start=1):
        _set_cell(heading.cells[i], column.label, bold=True, right=True, size=size)
    _repeat_header(heading)
    for r, row in enumerate(presented.rows, start=header_rows):
        cells = grid.rows[r].cells
        _set_cell(cells[0], row.label, bold=row.total, size=size)
        for i, cell in enumerate(row.cells, start=1):
            _set_cell(cells[i], cell.text, bold=row.total, right=True, size=size)


def _chart(document, presented: PresentedTable) -> None:  # type: ignore[no-untyped-def]
    from .. import charts

    image = charts.png(presented.table)
    if not image:
        return
    run = document.add_paragraph().add_run()
    shape = run.add_picture(io.BytesIO(image), width=Mm(110))
    shape._inline.docPr.set("descr", presented.chart_alt)
    shape._inline.docPr.set("title", presented.title)


def _paragraphs(document, text: str) -> None:  # type: ignore[no-untyped-def]
    for paragraph in text.split("\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())


def _small(document, text: str) -> None:  # type: ignore[no-untyped-def]
    run = document.add_paragraph().add_run(text)
    run.font.size = Pt(9)


def _section(document, part: PresentedSection) -> None:  # type: ignore[no-untyped-def]
    document.add_heading(part.title, level=1)
    for presented in part.tables:
        _orientation(document, presented.wide)
        document.add_heading(presented.caption, level=2)
        run = document.add_paragraph().add_run(presented.table.definition)
        run.italic = True
        run.font.size = Pt(9)
        _table(document, presented)
        for note in presented.table.notes:
            _small(document, note)
        _chart(document, presented)
    _orientation(document, False)
    for example in part.examples:
        document.add_heading(example.heading or "Example", level=3)
        _paragraphs(document, example.text)


def render_docx(report: Report) -> bytes:
    from .. import charts

    context = present(report, with_charts=False)
    charts.prefetch(report.tables, kind="png")
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Mm(20))
    document.core_properties.title = report.title
    document.core_properties.author = report.council
    document.add_heading(report.title, level=0)
    document.add_paragraph(
        f"{report.council}. {report.period.dates_label}, compared with "
        f"{report.comparison.dates_label}."
    )
    document.add_paragraph(
        context["symbol_note"]
        if report.published
        else "Internal edition: every figure is shown. Do not publish."
    )
    if context["highlights"]["text"]:
        document.add_heading(context["highlights"]["title"], level=1)
        _paragraphs(document, context["highlights"]["text"])
    for part in context["sections"]:
        _section(document, part)
    for text in context["closing_text"]:
        document.add_heading(text["title"], level=1)
        _paragraphs(document, text["text"])
    for note in report.omitted:
        _small(document, note)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
