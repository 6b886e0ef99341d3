"""The text of a stored document, where it can be extracted: PDF (PyMuPDF), Word (.docx,
python-docx) and plain text. Anything else (images, old .doc) gives no text."""

from __future__ import annotations

import io
import logging

logger = logging.getLogger(__name__)

MAX_TEXT = 2_000_000  # characters kept per document


def extract_text(data: bytes, content_type: str, filename: str) -> str:
    name = filename.lower()
    try:
        if content_type == "application/pdf" or name.endswith(".pdf"):
            from .redaction import pdf_text

            return pdf_text(data)[:MAX_TEXT]
        if name.endswith(".docx") or "wordprocessingml" in content_type:
            import docx

            document = docx.Document(io.BytesIO(data))
            return "\n".join(p.text for p in document.paragraphs)[:MAX_TEXT]
        if content_type.startswith("text/") or name.endswith((".txt", ".csv")):
            return data.decode("utf-8", errors="replace")[:MAX_TEXT]
    except Exception as exc:  # a damaged file gives no text, never a failed search
        logger.warning("Could not extract a document's text: %s", type(exc).__name__)
    return ""
