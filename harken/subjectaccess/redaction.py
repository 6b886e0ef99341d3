"""Finding what to propose for redaction, and removing it for real.

Records are rendered to PDF from their text *after* the accepted redactions are taken out,
so the text is never in the file. Original PDFs are redacted with PyMuPDF's
`apply_redactions`, which deletes the text (and the image pixels) under each redaction, not
a box drawn over it; each result is read back and refused if any redacted text remains.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

REDACTED = "[redacted {code}]"

# A pattern per kind of third-party detail. Phone numbers start 0 or +44; an NHS number is
# ten digits in 3-3-4 (not starting 0, so not a phone number); NI numbers and postcodes are
# in capitals, as written on forms.
PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"(?<![\w+])(?:\+44\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"),
    "nhs_number": re.compile(r"(?<!\d)[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?!\d)"),
    "ni_number": re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"),
    "postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"),
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def pattern_matches(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every pattern match in `text`, phones before NHS numbers so a
    phone number is not proposed twice."""
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            found.append((kind, match.group(0).strip()))
    return found


def count(text: str, needle: str) -> int:
    return len(re.findall(re.escape(needle), text, flags=re.IGNORECASE))


def redact_text(text: str, redactions: Iterable[tuple[str, str]]) -> str:
    """`text` with each (needle, reason code) replaced, longest first (a full name before a
    part of it), case-insensitively."""
    for needle, code in sorted(redactions, key=lambda r: -len(r[0])):
        if needle:
            text = re.sub(re.escape(needle), REDACTED.format(code=code), text, flags=re.IGNORECASE)
    return text


class RedactionFailed(Exception):
    """Redacted text could still be read from a PDF: it must not be released."""


def pdf_text(data: bytes) -> str:
    import pymupdf

    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return "\n".join(page.get_text() for page in doc)


def redact_pdf(data: bytes, redactions: Iterable[tuple[str, str]]) -> tuple[bytes, int]:
    """The PDF with every occurrence of each needle removed (text and what is drawn under
    it), a black box and the reason code in its place; and how many areas were removed.
    Raises RedactionFailed if a needle can still be read afterwards (e.g. text split oddly
    across lines)."""
    import pymupdf

    redactions = [(n, c) for n, c in redactions if n.strip()]
    areas = 0
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            # Search only for what the page's text holds: a search per needle per page cost
            # 0.1 s a page with 50 needles (bench/sar_bundle.py).
            text = _norm(page.get_text())
            for needle, code in redactions:
                if _norm(needle) not in text:
                    continue
                for rect in page.search_for(needle):
                    page.add_redact_annot(rect, text=code, fill=(0, 0, 0), text_color=(1, 1, 1))
                    areas += 1
            page.apply_redactions()
        out = io.BytesIO()
        doc.save(out, garbage=4, deflate=True)
    result = out.getvalue()
    remaining = _norm(pdf_text(result))
    for needle, _code in redactions:
        if _norm(needle) in remaining:
            raise RedactionFailed(needle)
    return result, areas


def pdf_pages(data: bytes) -> int:
    import pymupdf

    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return int(doc.page_count)
