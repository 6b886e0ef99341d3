"""Write cases in the import format (docs/import-format.md), so export then import round-trips.

One row per case. An initial contact progressed to a complaint is one row: the contact's
columns, with the complaint's stages and elements beside them, as the importer expects.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from django.db.models import Prefetch, Q, QuerySet

from harken import access
from harken.accounts.models import Role, User
from harken.core.audit import record_reads
from harken.core.spreadsheets import csv_text, set_xlsx_cell

from .importing import (
    CASE_COLUMNS,
    ELEMENT_FIELDS,
    SEPARATOR,
    ImportFileError,
)
from .models import (
    REPRESENTATION_KINDS,
    Case,
    CaseParty,
    ContactOutcome,
    Element,
    ElementOutcome,
    Kind,
    PartyRole,
    Stage,
)

Cell = str | dt.date | None


def _complaint_queryset() -> QuerySet[Case]:
    return Case.objects.select_related("procedure_version__procedure").prefetch_related(
        Prefetch("stages", queryset=Stage.objects.prefetch_related("extensions")),
        Prefetch(
            "elements",
            queryset=Element.objects.select_related("theme", "team").prefetch_related(
                Prefetch("outcomes", queryset=ElementOutcome.objects.select_related("stage"))
            ),
        ),
    )


EXPORT_USERNAME = "harken-export"


def resolve_reader(username: str | None) -> User:
    """Whose export it is: the reads are theirs, and only the cases they may see go in.
    Without a name, a 'harken-export' account (a feedback officer who cannot sign in and is
    named on no restricted case)."""
    if not username:
        user, created = User.objects.get_or_create(
            username=EXPORT_USERNAME,
            defaults={
                "role": Role.FEEDBACK_OFFICER,
                "first_name": "Data",
                "last_name": "export",
                "job_title": "Records exported to a file",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user
    named = User.objects.filter(username=username, is_active=True).first()
    if named is None:
        raise ImportFileError(f"There is no active user '{username}'.")
    return named


def exportable(user: User | None, *, include_restricted: bool = False) -> QuerySet[Case]:
    """The cases `user` may see; with `include_restricted` (someone who sees every case, for
    a complete copy), restricted ones too. Without a user, all."""
    if user is None:
        return Case.objects.all()
    if include_restricted:
        if not user.sees_all_cases:
            raise ImportFileError(
                f"{user.username} does not see every case: only a feedback officer or an "
                "administrator can export restricted cases too."
            )
        return Case.objects.all()
    return access.visible_cases(user)


def cases_to_export(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    user: User | None = None,
    include_restricted: bool = False,
) -> list[Case]:
    """Cases received in the period that `user` may see (all, without a user), oldest first;
    progressed complaints ride on their contact."""
    period = Q()
    if date_from:
        period &= Q(received_on__gte=date_from)
    if date_to:
        period &= Q(received_on__lte=date_to)
    cases = exportable(user, include_restricted=include_restricted)
    in_period = cases.filter(period)
    # A complaint in the period whose contact came before it still needs its contact's row.
    contacts = in_period.filter(progressed_from__isnull=False).values("progressed_from")
    rows = (
        cases.filter((period & Q(progressed_from__isnull=True)) | Q(pk__in=contacts))
        .prefetch_related(
            "teams",
            "themes",
            Prefetch("parties", queryset=CaseParty.objects.select_related("person").order_by("id")),
        )
        .order_by("received_on", "id")
    )
    return list(rows)


def _names(items: Iterable[Any]) -> str:
    return f"{SEPARATOR} ".join(sorted(str(i) for i in items))


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _party(case: Case, role: str) -> CaseParty | None:
    return next((p for p in case.parties.all() if p.role == role), None)


def _people(case: Case) -> dict[str, Cell]:
    values: dict[str, Cell] = {}
    complainant = _party(case, PartyRole.COMPLAINANT)
    if complainant:
        values.update(
            complainant_first_name=complainant.person.first_name,
            complainant_last_name=complainant.person.last_name,
            complainant_relationship=complainant.relationship,
            complainant_date_of_birth=complainant.person.date_of_birth,
            complainant_looked_after=_yes(complainant.person.looked_after),
            complainant_care_leaver=_yes(complainant.person.care_leaver),
        )
    child = _party(case, PartyRole.CHILD)
    if child:
        values.update(
            child_first_name=child.person.first_name,
            child_last_name=child.person.last_name,
            child_date_of_birth=child.person.date_of_birth,
            child_looked_after=_yes(child.person.looked_after),
            child_care_leaver=_yes(child.person.care_leaver),
        )
    return values


def _stage_values(stage: Stage) -> dict[str, Cell]:
    n = stage.number
    values: dict[str, Cell] = {}
    if n > 1:
        values[f"stage{n}_requested_on"] = stage.received_on
        values[f"stage{n}_late_reason"] = stage.late_request_reason
    values[f"stage{n}_acknowledged_on"] = stage.acknowledged_on
    extension = max(stage.extensions.all(), key=lambda e: e.new_due_on, default=None)
    if extension and n in (1, 2):
        values.update(
            {
                f"stage{n}_extended_to": extension.new_due_on,
                f"stage{n}_extension_reason": extension.reason,
                f"stage{n}_extension_agreed_on": extension.complainant_told_on,
            }
        )
    if n == 1:
        values.update(
            stage1_deferred_reason=stage.paused_reason,
            stage1_clock_started_on=stage.clock_override_on,
            stage1_response_on=stage.response_sent_on,
        )
    elif n == 2:
        values.update(
            stage2_statement_agreed_on=stage.statement_agreed_on,
            stage2_io_appointed_on=stage.io_appointed_on,
            stage2_ip_appointed_on=stage.ip_appointed_on,
            stage2_response_on=stage.response_sent_on,
        )
    elif n == 3:
        values.update(
            panel_appointed_on=stage.panel_appointed_on,
            panel_met_on=stage.panel_met_on,
            panel_report_on=stage.panel_report_sent_on,
            council_response_on=stage.council_response_sent_on,
        )
    return values


def _complaint(complaint: Case) -> tuple[dict[str, Cell], list[dict[str, Cell]]]:
    values: dict[str, Cell] = {}
    if complaint.procedure_version is not None:
        values["procedure"] = complaint.procedure_version.procedure.code
    for stage in complaint.stages.all():
        values.update(_stage_values(stage))
    elements = []
    for element in complaint.elements.all():
        item: dict[str, Cell] = {
            "summary": element.summary,
            "theme": element.theme.name if element.theme else "",
            "team": element.team.name if element.team else "",
        }
        for outcome in element.outcomes.all():
            item[f"stage{outcome.stage.number}_outcome"] = outcome.outcome
        elements.append(item)
    return values, elements


def _ending(case: Case) -> dict[str, Cell]:
    return {
        "ombudsman_involved": _yes(case.ombudsman_involved),
        "withdrawn_on": case.withdrawn_on,
        "withdrawal_reason": case.withdrawal_reason,
        "discontinued_on": case.discontinued_on,
        "discontinuance_reason": case.discontinuance_reason,
    }


def case_row(case: Case, complaint: Case | None) -> tuple[dict[str, Cell], list[dict[str, Cell]]]:
    """The row's columns, and its elements; `complaint` is the case itself or the one a
    contact became."""
    values: dict[str, Cell] = {
        # The reference the person was given (a progressed contact passed it to its complaint).
        "legacy_reference": case.external_reference or case.previous_reference or case.reference,
        "kind": case.kind,
        "channel": case.channel,
        "received_on": case.received_on,
        "summary": case.summary,
        "details": case.details,
        "teams": _names(case.teams.all()),
        "themes": _names(case.themes.all()),
        "grounds_arose_on": case.grounds_arose_on,
        "late_complaint_reason": case.late_complaint_reason,
        "praised_worker": case.praised_worker,
        "restricted": _yes(case.restricted),
        "contact_outcome": case.contact_outcome,
        **_people(case),
    }
    if case.kind == Kind.CONTACT and case.contact_outcome:
        values["contact_closed_on"] = case.responded_on
    elif case.kind == Kind.COMPLIMENT:
        values["passed_on_on"] = case.passed_on_on
    elif case.kind in REPRESENTATION_KINDS:
        values["responded_on"] = case.responded_on
    elements: list[dict[str, Cell]] = []
    if complaint is not None:
        stage_values, elements = _complaint(complaint)
        values.update(stage_values)
    values.update(_ending(complaint or case))
    return values, elements


def export_table(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    user: User | None = None,
    include_restricted: bool = False,
) -> tuple[list[str], list[list[Cell]]]:
    """The header and rows of the export; with a `user`, only their cases, and each case
    written (a progressed complaint with its contact) is a read of theirs."""
    cases = cases_to_export(
        date_from=date_from, date_to=date_to, user=user, include_restricted=include_restricted
    )
    complaint_ids = [c.pk for c in cases if c.kind == Kind.COMPLAINT]
    became = _complaint_queryset().filter(
        progressed_from__in=[c.pk for c in cases if c.contact_outcome == ContactOutcome.PROGRESSED]
    )
    if user is not None:
        # A complaint restricted after its contact was progressed stays out too.
        became = became.filter(
            pk__in=exportable(user, include_restricted=include_restricted).values("pk")
        )
    progressed = {c.progressed_from_id: c for c in became}
    complaints = {c.pk: c for c in _complaint_queryset().filter(pk__in=complaint_ids)}
    from harken.subjectaccess import rules

    restricted = rules.restricted_case_ids(
        [c.pk for c in cases] + [c.pk for c in progressed.values()]
    )
    built = []
    for case in cases:
        complaint = complaints.get(case.pk) or progressed.get(case.pk)
        values, elements = case_row(case, complaint)
        if case.pk in restricted or (complaint is not None and complaint.pk in restricted):
            values["processing_restricted"] = "yes"
        built.append((values, elements))
    if user is not None:
        written = [c.pk for c in cases] + [c.pk for c in progressed.values()]
        record_reads(cases=written, user=user, via="export")
    width = max([1, *(len(elements) for _, elements in built)])
    header = list(CASE_COLUMNS) + [
        f"element{i}_{f}" for i in range(1, width + 1) for f in ELEMENT_FIELDS
    ]
    rows = []
    for values, elements in built:
        row = [values.get(c) for c in CASE_COLUMNS]
        for i in range(width):
            item = elements[i] if i < len(elements) else {}
            row += [item.get(f) for f in ELEMENT_FIELDS]
        rows.append(row)
    return header, rows


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_table(path: Path, header: list[str], rows: list[list[Cell]]) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # With a byte order mark, so Excel reads the file as UTF-8.
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([csv_text(_text(v)) for v in row])
    elif suffix == ".xlsx":
        _write_xlsx(path, header, rows)
    else:
        raise ImportFileError(f"{path.name}: give a .csv or .xlsx file name.")


def _write_xlsx(path: Path, header: list[str], rows: list[list[Cell]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  # a new workbook always has one sheet
    sheet.title = "Cases"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            if value in ("", None):
                continue
            cell = sheet.cell(row=number, column=column)
            set_xlsx_cell(cell, value)  # text stays text: never a formula
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    book.save(path)


class Exported(NamedTuple):
    rows: int
    processing_restricted: int  # rows marked: a person on the case is under restriction


def export_cases(
    path: Path,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    user: User | None = None,
    include_restricted: bool = False,
) -> Exported:
    """Write the cases received in the period that `user` may see to `path` (.csv or .xlsx);
    returns the rows, and how many are marked `processing_restricted`. The reads are logged
    in the same transaction as the file is made."""
    header, rows = export_table(
        date_from=date_from, date_to=date_to, user=user, include_restricted=include_restricted
    )
    write_table(path, header, rows)
    column = header.index("processing_restricted")
    return Exported(len(rows), sum(1 for row in rows if row[column] == "yes"))
