"""PDF: tagged (PDF/UA-1), A4, page numbers, the same tables and charts as the page."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.template.loader import render_to_string

from ..present import present
from ..structures import Report

# WeasyPrint's own style sheet styles six pseudo-elements of *every* element (list markers,
# footnote and note calls): six more computed styles for each of the report's 2,000 cells and
# rows, an eighth of WeasyPrint's time. The report has no list item and no footnote, so they
# are left out of it; the PDF is the same, byte for byte (ADR 0297, and its test).
UNUSED_PSEUDO_ELEMENTS = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback)\s*\{"
)


@lru_cache(maxsize=1)
def _user_agent_sheet() -> Any:
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    kept = "\n".join(line for line in UA.splitlines() if not UNUSED_PSEUDO_ELEMENTS.match(line))
    # Its counter styles are WeasyPrint's own already (`_ua_counter_style`): read into a
    # throwaway set, not defined twice.
    return CSS(string=kept, counter_style=CounterStyle())


@lru_cache(maxsize=1)
def _document_class() -> Any:
    from weasyprint import HTML

    class ReportHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [_user_agent_sheet(), *super()._ua_stylesheets(forms)[1:]]

    return ReportHTML


def write_pdf(html: str) -> bytes:
    return bytes(_document_class()(string=html, base_url="/").write_pdf(pdf_variant="pdf/ua-1"))


def render_pdf(report: Report) -> bytes:
    return write_pdf(render_to_string("reports/pdf.html", present(report)))
