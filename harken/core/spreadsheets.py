"""Text as Harken writes it into every spreadsheet (CSV and XLSX): never a live formula,
never a character the format cannot hold.

Text in Harken comes from the public and from staff: a payment reason typed as
"=HYPERLINK(...)" must reach a spreadsheet as those characters, not as a formula that runs
when a manager opens the file. Numbers are not text and are written as numbers.

- CSV: text starting with a formula character (= + - @, tab, carriage return) gets a "'"
  in front, as spreadsheet programs expect; `harken import-cases` takes it off again.
- XLSX: text is stored as text, so "=..." stays text.
- Both: the control characters XML 1.0 cannot hold (which openpyxl refuses, stopping the
  whole file, and which the import refuses) are left out. Harken refuses them as they are
  typed (`harken.core.text`); this keeps older records from stopping an export.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 (and so XLSX) cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_text(value: str) -> str:
    """Text for a CSV cell: a "'" before a formula character, so it is never run."""
    value = NOT_IN_XML.sub("", value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_cell(value: Any) -> Any:
    """Any value for a CSV cell: text escaped, everything else as it is."""
    return csv_text(value) if isinstance(value, str) else value


def xlsx_text(value: str) -> str:
    """Text an XLSX cell can hold."""
    return NOT_IN_XML.sub("", value)


def set_xlsx_cell(cell: Any, value: Any) -> None:
    """Put `value` in an openpyxl cell: text as text (never a formula), others as they are."""
    if isinstance(value, str):
        cell.value = xlsx_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
