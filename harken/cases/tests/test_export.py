"""Exporting cases in the import format: `harken export-cases FILE`, and the round trip."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from openpyxl import load_workbook

from harken.cases import services
from harken.cases.demo import build_demo
from harken.cases.models import Case, Kind, Stage

from .test_import import GOOD_ROWS, write_csv

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def export(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("export_cases", str(path), *args, stdout=out)
    return out.getvalue()


def import_(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_cases", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@contextmanager
def undone() -> Iterator[None]:
    """Roll back whatever is made inside: afterwards the database is as clean as before."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def legacy(case: Case) -> str:
    """The reference a row is exported under: a progressed complaint's is its contact's, the
    one the contact was given (which the complaint carries)."""
    source = case.progressed_from or case
    return source.external_reference or source.previous_reference or source.reference


def clocks() -> dict[tuple[str, int], tuple]:
    """Each stage's clock answers, by the row's legacy reference and the stage number."""
    return {
        (legacy(s.case), s.number): (
            s.received_on,
            s.due_on,
            s.concluded_on,
            s.within_timescale,
            s.working_days_taken,
        )
        for s in Stage.objects.select_related("case__progressed_from")
    }


def make_history(tmp_path: Path) -> None:
    """Demo casework (real IO, IP and panel) plus the imported history of test_import."""
    build_demo(seed=4, years=1, scale=0.15)
    import_(write_csv(tmp_path / "history.csv", GOOD_ROWS), "--actor", "officer")
    assert Stage.objects.filter(number=3).exists()


def test_export_then_import_round_trips(tmp_path, officer):
    """Export, start again empty, import: a second export is the same file, and every stage's
    clock gives the same answers."""
    first = tmp_path / "first.csv"
    with undone():
        make_history(tmp_path)
        before = clocks()
        # Restricted cases too: a complete copy (the demo has one).
        assert "Exported" in export(first, "--include-restricted")
    assert not Case.objects.exists()
    out = import_(first, "--actor", officer.username)
    assert "skipped 0" in out
    second = tmp_path / "second.csv"
    export(second, "--include-restricted")
    assert second.read_text(encoding="utf-8-sig") == first.read_text(encoding="utf-8-sig")
    assert clocks() == before


def test_xlsx_round_trips_too(tmp_path, officer):
    as_csv, as_xlsx = tmp_path / "all.csv", tmp_path / "all.xlsx"
    with undone():
        make_history(tmp_path)
        export(as_csv)
        export(as_xlsx)
    sheet = load_workbook(as_xlsx).worksheets[0]
    assert sheet["A1"].value == "legacy_reference"
    assert isinstance(sheet["E2"].value, dt.datetime)  # received_on: a real date cell
    import_(as_xlsx, "--actor", officer.username)
    again = tmp_path / "again.csv"
    export(again)
    assert again.read_text(encoding="utf-8-sig") == as_csv.read_text(encoding="utf-8-sig")


def test_period_filter_keeps_a_progressed_complaint_with_its_contact(tmp_path, officer):
    """A contact progressed to a complaint is one row, found by either date."""
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 3, 28),
        summary="Worker unavailable",
    )
    services.contact_progress(
        case=contact,
        on=D(2024, 4, 3),
        actor=officer,
        procedure_code="children-statutory",
        elements=[services.ElementInput(summary="No calls back")],
    )
    services.case_create(
        actor=officer,
        kind=Kind.COMPLIMENT,
        channel="email",
        received_on=D(2024, 5, 1),
        summary="Thanks",
    )
    path = tmp_path / "april.csv"
    assert "Exported 1 case(s)" in export(path, "--from", "2024-04-01", "--to", "2024-04-30")
    with path.open(encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["kind"], row["contact_outcome"], row["received_on"]) == (
        "contact",
        "progressed",
        "2024-03-28",
    )
    assert (row["procedure"], row["contact_closed_on"], row["element1_summary"]) == (
        "children-statutory",
        "2024-04-03",
        "No calls back",
    )


def test_text_a_spreadsheet_would_run_is_kept_as_text(tmp_path, officer):
    """A summary starting "=" is escaped in CSV, text in XLSX, and imports back unchanged."""
    as_csv, as_xlsx = tmp_path / "x.csv", tmp_path / "x.xlsx"
    with undone():
        services.case_create(
            actor=officer,
            kind=Kind.ENQUIRY,
            channel="web",
            received_on=D(2024, 5, 1),
            summary='=HYPERLINK("http://x","y")',
        )
        export(as_csv)
        export(as_xlsx)
    assert "'=HYPERLINK" in as_csv.read_text(encoding="utf-8-sig")
    assert load_workbook(as_xlsx).worksheets[0]["F2"].data_type == "s"
    for path in (as_csv, as_xlsx):
        with undone():
            import_(path)
            assert Case.objects.get().summary == '=HYPERLINK("http://x","y")'


def test_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="--from must be a date"):
        export(tmp_path / "x.csv", "--from", "1/2/2024")
    with pytest.raises(CommandError, match="on or before"):
        export(tmp_path / "x.csv", "--from", "2024-02-01", "--to", "2024-01-01")
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        export(tmp_path / "x.json")


def test_a_complainants_care_flags_are_exported(tmp_path, officer):
    """The export writes what the report reads from a complainant, so it round-trips."""
    from harken.cases.models import PartyRole, Relationship

    services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 6, 3),
        summary="Moving placement",
        people=[
            services.PersonInput(
                role=PartyRole.COMPLAINANT,
                relationship=Relationship.CHILD,
                details={
                    "first_name": "Kai",
                    "last_name": "Young",
                    "date_of_birth": D(2009, 2, 1),
                    "looked_after": True,
                    "care_leaver": False,
                },
            )
        ],
    )
    path = tmp_path / "out.csv"
    export(path)
    with path.open(encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle))
    assert (
        row["complainant_date_of_birth"],
        row["complainant_looked_after"],
        row["complainant_care_leaver"],
    ) == ("2009-02-01", "yes", "no")
