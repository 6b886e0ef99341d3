"""Every download format renders the same `Report`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..structures import Report
from .as_csv import render_csv
from .as_docx import render_docx
from .as_json import render_json
from .as_pdf import render_pdf
from .as_xlsx import render_xlsx


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    extension: str
    content_type: str
    render: Callable[[Report], bytes]


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("pdf", "PDF", "pdf", "application/pdf", render_pdf),
        Format(
            "docx",
            "Word",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            render_docx,
        ),
        Format(
            "xlsx",
            "Excel",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            render_xlsx,
        ),
        Format("csv", "CSV (zip of tables)", "zip", "application/zip", render_csv),
        Format("json", "JSON", "json", "application/json", render_json),
    )
}


def file_name(report: Report, fmt: Format) -> str:
    edition = "published" if report.published else "internal"
    return (
        f"complaints-report-{report.period.start.isoformat()}-to-"
        f"{report.period.end.isoformat()}-{edition}.{fmt.extension}"
    )


def render(report: Report, key: str) -> tuple[bytes, Format]:
    fmt = FORMATS[key]
    return fmt.render(report), fmt
