"""Importing other survey returns (the quarterly parents' survey) from CSV or XLSX: every row
or none, each problem named by its line and column, like `import-cases` (whose file reading
this shares). The format is in docs/surveys.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from harken import access
from harken.access import Perm
from harken.cases.importing import ImportFileError, RowReader, read_table
from harken.cases.models import Case, Theme
from harken.core.dates import today
from harken.core.errors import AccessDenied

from .models import Comment, Response, ReturnBatch, SurveyEvent

if TYPE_CHECKING:
    from harken.accounts.models import User

__all__ = ["COLUMNS", "ImportFileError", "ReturnsResult", "returns_import"]

# (column, required, what it holds); nothing else is accepted, so a column of names or
# addresses is refused rather than kept.
COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("received_on", True, "the date the return was received (YYYY-MM-DD or DD/MM/YYYY)"),
    ("satisfaction", False, "how satisfied, from 1 (very dissatisfied) to 5 (very satisfied)"),
    ("comment", False, "the respondent's own words, to triage"),
    ("theme", False, "the comment's theme: one of the themes the cases use"),
    ("case_reference", False, "the case the return is about, where the survey names one"),
)
KNOWN = {name for name, _, _ in COLUMNS}
MAX_COMMENT = 5000


@dataclass
class ReturnsResult:
    rows: int = 0
    comments: int = 0
    errors: list[str] = field(default_factory=list)
    batch: ReturnBatch | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_header(header: list[str]) -> list[str]:
    errors = []
    unknown = [h for h in header if h and h not in KNOWN]
    if unknown:
        errors.append(
            "line 1: unknown column(s) "
            + ", ".join(unknown)
            + ": use only "
            + ", ".join(name for name, _, _ in COLUMNS)
            + " (a survey return keeps nothing that identifies the person)."
        )
    for name, required, _ in COLUMNS:
        if required and name not in header:
            errors.append(f"line 1: the column {name} is missing.")
    if "satisfaction" not in header and "comment" not in header:
        errors.append("line 1: give a satisfaction column, a comment column, or both.")
    return errors


@dataclass
class _Row:
    received_on: dt.date
    satisfaction: int | None
    comment: str
    theme: Theme | None
    case: Case | None


def _read_row(
    r: RowReader, themes: dict[str, Theme], on: dt.date, result: ReturnsResult
) -> _Row | None:
    """One row's return, or None with its problems added to `result`."""
    received = r.date("received_on", required="Enter the date the return was received.")
    if received is not None and received > on:
        r.error("received_on", "The date received must be today or in the past.")
    satisfaction = None
    raw = r.text("satisfaction")
    if raw:
        if raw.isdigit() and 1 <= int(raw) <= 5:
            satisfaction = int(raw)
        else:
            r.error("satisfaction", f"'{raw}' is not a number from 1 to 5.")
    comment = r.text("comment", max_length=MAX_COMMENT)
    if not raw and not comment:
        r.error("satisfaction", "Give a satisfaction from 1 to 5, a comment, or both.")
    theme = None
    theme_name = r.text("theme")
    if theme_name:
        theme = themes.get(theme_name.lower())
        if theme is None:
            r.error("theme", f"There is no theme '{theme_name}'.")
        elif not comment:
            r.error("theme", "A theme is for a comment: this row has none.")
    case = None
    reference = r.text("case_reference")
    if reference:
        case = Case.objects.filter(reference__iexact=reference).first()
        if case is None:
            r.error("case_reference", f"There is no case {reference}.")
    if r.errors or received is None:
        result.errors += [f"line {r.line}: {e.column}: {e.message}" for e in r.errors]
        return None
    return _Row(received, satisfaction, comment, theme, case)


def returns_import(
    *, path: Path, name: str, actor: User | None, dry_run: bool = False
) -> ReturnsResult:
    """Import every row of `path` as one batch of returns, or nothing. Each comment becomes
    an item to triage. `actor` None: the server's command line."""
    if actor is not None and not access.may(actor, Perm.SURVEYS_IMPORT):
        raise AccessDenied("You are not allowed to import survey returns.")
    result = ReturnsResult(dry_run=dry_run)
    name = name.strip()
    if not name:
        result.errors.append("Name the survey these returns are from.")
        return result
    header, rows = read_table(path)
    result.errors += _check_header(header)
    if result.errors:
        return result
    if not rows:
        result.errors.append(f"{path.name} has no returns below its first line.")
        return result
    themes = {t.name.lower(): t for t in Theme.objects.all()}
    on = today()
    with transaction.atomic():
        batch = ReturnBatch.objects.create(
            name=name[:200], file_name=path.name[:200], created_by=actor, modified_by=actor
        )
        for line, values in rows:
            cells = {h: values[i] if i < len(values) else "" for i, h in enumerate(header) if h}
            row = _read_row(RowReader(line, cells), themes, on, result)
            if row is None:
                continue
            response = Response.objects.create(
                batch=batch, received_on=row.received_on, satisfaction=row.satisfaction
            )
            result.rows += 1
            if row.comment:
                Comment.objects.create(
                    response=response,
                    text=row.comment,
                    theme=row.theme,
                    case=row.case,
                    created_by=actor,
                )
                result.comments += 1
        if result.errors or dry_run:
            transaction.set_rollback(True)
            return result
        batch.rows = result.rows
        batch.save(update_fields=["rows"])
        SurveyEvent.objects.create(
            verb=SurveyEvent.Verb.RETURNS_IMPORTED,
            actor=actor,
            description=f"{result.rows} returns of '{batch.name}' imported from {batch.file_name},"
            f" {result.comments} comments to triage",
            batch=batch,
        )
        result.batch = batch
    return result
