"""PDF: tagged (PDF/UA-1), A4, page numbers, the same tables and charts as the page."""

from __future__ import annotations

from django.template.loader import render_to_string

from ..present import present
from ..structures import Report


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf.html", present(report))
    document = HTML(string=html, base_url="/")
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
