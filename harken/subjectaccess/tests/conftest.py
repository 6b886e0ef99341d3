"""Subject access test helpers: the clock frozen, files in a temp folder, PDFs naming people."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

NOW = dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    return settings.MEDIA_ROOT


def pdf_naming(*lines: str) -> bytes:
    """A one-page PDF with these lines of real text."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(lines):
        page.insert_text((72, 100 + 20 * i), line, fontsize=11)
    data = doc.tobytes()
    doc.close()
    return bytes(data)


def pdf_upload(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_naming(*lines), content_type="application/pdf")


def pdftotext(data: bytes) -> str:
    """The text poppler's pdftotext reads from a PDF (not the library that redacted it)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(data)
        return subprocess.run(  # noqa: S603
            ["/usr/bin/pdftotext", "-layout", str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
