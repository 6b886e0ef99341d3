"""Importing a council's spreadsheet history: `harken import-cases FILE`."""

from __future__ import annotations

import csv
import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from harken.accounts.models import User
from harken.cases.importing import CASE_COLUMNS, ELEMENT_FIELDS, import_file
from harken.cases.models import (
    AppointmentRole,
    Case,
    ContactOutcome,
    Kind,
    Outcome,
    PartyRole,
    Status,
    TimelineEvent,
)

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def write_csv(path: Path, rows: list[dict[str, str]], *, bom: bool = False) -> Path:
    header = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _call(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_cases", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def stage1_complaint(**extra: str) -> dict[str, str]:
    """A children's stage 1 complaint received 1 March 2024 (due 15 March, 29 at most)."""
    return {
        "legacy_reference": "OLD-1",
        "kind": "complaint",
        "procedure": "children-statutory",
        "channel": "phone",
        "received_on": "2024-03-01",
        "summary": "Missed visits",
        "teams": "assessment teams",
        "themes": "Communication; Speed of service or delays",
        "complainant_first_name": "Jo",
        "complainant_last_name": "Bloggs",
        "complainant_relationship": "Parent",
        "child_first_name": "Sam",
        "child_last_name": "Bloggs",
        "child_date_of_birth": "12/05/2012",
        "child_looked_after": "yes",
        "stage1_acknowledged_on": "2024-03-04",
        "element1_summary": "Social worker missed two visits",
        "element1_theme": "Communication",
        "element1_team": "Assessment Teams",
        "element2_summary": "No reply to e-mails",
        **extra,
    }


GOOD_ROWS: list[dict[str, str]] = [
    stage1_complaint(
        stage1_extended_to="2024-03-28",
        stage1_extension_reason="Complex",
        stage1_extension_agreed_on="2024-03-12",
        stage1_response_on="2024-03-27",
        element1_stage1_outcome="upheld",
        element2_stage1_outcome="Not upheld",
    ),
    stage1_complaint(
        legacy_reference="OLD-2",
        received_on="01/03/2024",
        stage1_response_on="18/03/2024",
        element1_stage1_outcome="not_upheld",
        element2_stage1_outcome="partially upheld",
    ),
    {
        "legacy_reference": "OLD-3",
        "kind": "complaint",
        "channel": "letter",
        "received_on": "2024-01-08",
        "summary": "Unhappy with the care plan",
        "teams": "Child Protection Teams",
        "themes": "Disagreement with decision or case planning",
        "stage1_response_on": "2024-01-19",
        "stage2_requested_on": "2024-01-29",
        "stage2_statement_agreed_on": "2024-02-05",
        "stage2_io_appointed_on": "2024-02-06",
        "stage2_response_on": "2024-03-01",
        "stage3_requested_on": "2024-03-11",
        "panel_appointed_on": "2024-03-20",
        "panel_met_on": "2024-04-22",
        "panel_report_on": "2024-04-26",
        "council_response_on": "2024-05-17",
        "ombudsman_involved": "yes",
        "element1_summary": "The plan ignores the father",
        "element1_stage1_outcome": "not upheld",
        "element1_stage2_outcome": "partially upheld",
        "element1_stage3_outcome": "upheld",
    },
    {
        "legacy_reference": "OLD-4",
        "kind": "complaint",
        "channel": "email",
        "received_on": "2024-05-01",
        "summary": "EHCP late",
        "teams": "SEND Team",
        "themes": "SEND issues",
        "stage1_acknowledged_on": "2024-05-02",
        "stage1_response_on": "2024-05-10",
        "stage2_requested_on": "2024-05-20",
        "stage2_response_on": "2024-06-03",
        "element1_summary": "Plan issued late",
        "element1_stage1_outcome": "not_upheld",
        "element1_stage2_outcome": "upheld",
    },
    {
        "legacy_reference": "OLD-5",
        "kind": "Initial contact",
        "channel": "phone",
        "received_on": "2024-04-02",
        "summary": "Family time cancelled",
        "teams": "Family Time Team",
        "contact_outcome": "resolved",
        "contact_closed_on": "2024-04-04",
    },
    {
        "legacy_reference": "OLD-6",
        "kind": "contact",
        "channel": "web",
        "received_on": "2024-04-02",
        "summary": "No social worker allocated",
        "teams": "Assessment Teams",
        "contact_outcome": "progressed",
        "contact_closed_on": "2024-04-05",
        "stage1_acknowledged_on": "2024-04-08",
        "element1_summary": "No allocated worker for 3 months",
    },
    {
        "legacy_reference": "OLD-7",
        "kind": "compliment",
        "channel": "email",
        "received_on": "2024-02-14",
        "summary": "Thanks to the fostering team",
        "teams": "Fostering Team",
        "praised_worker": "A. Worker",
        "passed_on_on": "2024-02-15",
    },
    {
        "legacy_reference": "OLD-8",
        "kind": "enquiry",
        "channel": "letter",
        "received_on": "2024-02-01",
        "summary": "How do I complain?",
        "responded_on": "2024-02-02",
    },
    {
        "legacy_reference": "OLD-9",
        "kind": "complaint",
        "channel": "in person",
        "received_on": "2024-06-03",
        "summary": "Transport",
        "teams": "Education - Transport",
        "procedure": "corporate-legacy",
        "withdrawn_on": "2024-06-10",
        "withdrawal_reason": "Sorted out by the school",
        "element1_summary": "Bus did not come",
    },
]


def test_good_csv_creates_cases_stages_and_outcomes(tmp_path):
    """Each row becomes a case, replayed through the services with its historic dates."""
    path = write_csv(tmp_path / "history.csv", GOOD_ROWS, bom=True)
    out = _call(path)
    assert "Imported 9 case(s); skipped 0 already imported." in out
    assert Case.objects.filter(external_reference__startswith="OLD-").count() == 9

    first = Case.objects.get(external_reference="OLD-1")
    assert first.reference.startswith(f"{settings.HARKEN_REFERENCE_PREFIX}-2024-")
    assert first.status == Status.CLOSED
    assert sorted(t.name for t in first.themes.all()) == [
        "Communication",
        "Speed of service or delays",
    ]
    s1 = first.stages.get(number=1)
    assert (s1.original_due_on, s1.due_on) == (D(2024, 3, 15), D(2024, 3, 28))
    assert s1.within_timescale is True
    assert s1.working_days_taken == 18
    assert s1.extensions.get().complainant_told_on == D(2024, 3, 12)
    assert [(o.element.number, o.outcome) for o in s1.outcomes.order_by("element__number")] == [
        (1, Outcome.UPHELD),
        (2, Outcome.NOT_UPHELD),
    ]
    child = first.parties.get(role=PartyRole.CHILD).person
    assert (child.date_of_birth, child.looked_after) == (D(2012, 5, 12), True)

    late = Case.objects.get(external_reference="OLD-2").stages.get(number=1)
    assert (late.within_timescale, late.working_days_taken) == (False, 11)


def test_imported_history_is_on_the_timeline_on_the_days_it_happened(tmp_path):
    """Received 1 March, acknowledged 4 March, answered later: the timeline shows those
    days (London time), not the day of the import (28 June 2024)."""
    _call(write_csv(tmp_path / "history.csv", GOOD_ROWS))
    case = Case.objects.get(external_reference="OLD-1")
    days = {event.verb: timezone.localtime(event.at).date() for event in case.events.order_by("id")}
    stage = case.stages.get(number=1)
    assert days["created"] == D(2024, 3, 1)
    assert days["acknowledged"] == D(2024, 3, 4)
    assert days["responded"] == stage.response_sent_on
    assert D(2024, 6, 28) not in days.values()


def test_stage2_and_3_history_uses_placeholder_appointees(tmp_path):
    """A historic stage 2 and 3 names no one: accounts that cannot sign in stand in."""
    _call(write_csv(tmp_path / "history.csv", GOOD_ROWS))
    case = Case.objects.get(external_reference="OLD-3")
    s2, s3 = case.stages.get(number=2), case.stages.get(number=3)
    assert s2.io_appointed_on == D(2024, 2, 6)
    assert s2.ip_appointed_on == D(2024, 2, 5)  # not in the file: the statement date
    assert s2.within_timescale is True
    assert s3.within_timescale is True
    assert s3.appointments.filter(role=AppointmentRole.PANEL_CHAIR).count() == 1
    assert s3.outcomes.get().outcome == Outcome.UPHELD
    assert case.ombudsman_involved is True
    assert not User.objects.filter(username__startswith="import-", is_active=True).exists()
    corporate = Case.objects.get(external_reference="OLD-4").stages.get(number=2)
    assert corporate.responder is not None
    assert corporate.responder.username == "import-responder"  # the Code: someone else


def test_contacts_compliments_and_representations(tmp_path):
    result = import_file(write_csv(tmp_path / "history.csv", GOOD_ROWS))
    resolved = Case.objects.get(external_reference="OLD-5")
    assert (resolved.kind, resolved.contact_outcome) == (Kind.CONTACT, ContactOutcome.RESOLVED)
    contact = Case.objects.get(external_reference="OLD-6")
    complaint = contact.progressed_to
    # The complaint carries the contact's reference, and the import reports it.
    assert complaint.reference == contact.previous_reference
    assert (7, "OLD-6", complaint.reference) in result.imported
    assert complaint.stages.get().acknowledged_on == D(2024, 4, 8)
    assert complaint.status == Status.OPEN
    assert complaint.elements.get().summary == "No allocated worker for 3 months"
    assert Case.objects.get(external_reference="OLD-7").passed_on_on == D(2024, 2, 15)
    assert Case.objects.get(external_reference="OLD-8").responded_on == D(2024, 2, 2)
    withdrawn = Case.objects.get(external_reference="OLD-9")
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.procedure_version is not None
    assert withdrawn.procedure_version.procedure.code == "corporate-legacy"


def test_good_xlsx_with_date_cells(tmp_path, officer):
    """The first sheet of an XLSX file, with real date cells, imports the same way."""
    book = Workbook()
    sheet = book.active
    rows = GOOD_ROWS[:2]
    header = list(dict.fromkeys(k for row in rows for k in row))
    sheet.append([h.upper().replace("_", " ") if h == "summary" else h for h in header])
    for row in rows:
        values: list[str | dt.datetime | None] = []
        for name in header:
            value = row.get(name, "")
            if name.endswith("_on") and value and "-" in value:
                values.append(dt.datetime.fromisoformat(value))
            else:
                values.append(value or None)
        sheet.append(values)
    book.create_sheet("Ignored").append(["nothing"])
    path = tmp_path / "history.xlsx"
    book.save(path)
    out = _call(path, "--actor", officer.username)
    assert "Imported 2 case(s)" in out
    s1 = Case.objects.get(external_reference="OLD-1").stages.get(number=1)
    assert s1.within_timescale is True
    assert TimelineEvent.objects.filter(case=s1.case, actor=officer).exists()


BAD_ROWS: list[dict[str, str]] = [
    stage1_complaint(legacy_reference="B-1", teams="Assessment Teams; Narnia Team"),
    stage1_complaint(legacy_reference="B-2", received_on="31/02/2024"),
    stage1_complaint(legacy_reference="B-3", stage2_requested_on="2024-03-20"),
    stage1_complaint(
        legacy_reference="B-4", stage1_extended_to="2024-04-03", stage1_extension_reason="Complex"
    ),
    stage1_complaint(legacy_reference="B-5", summary=""),
    stage1_complaint(
        legacy_reference="B-6", stage1_response_on="2024-03-08", element1_stage1_outcome="upheld"
    ),
    stage1_complaint(legacy_reference="B-7"),  # good, but nothing is imported
]


def test_bad_rows_import_nothing_and_name_every_error_with_its_line(tmp_path):
    """Any failing row rolls back the whole file; each error says line, column and reason."""
    path = write_csv(tmp_path / "bad.csv", BAD_ROWS)
    with pytest.raises(CommandError, match="Nothing was imported: 6 error"):
        _call(path)
    assert not Case.objects.exists()
    result = import_file(path)
    assert result.errors == [
        "line 2: teams: There is no team called 'Narnia Team'.",
        "line 3: received_on: '31/02/2024' is not a date: use YYYY-MM-DD or DD/MM/YYYY.",
        "line 4: stage2_requested_on: Stage 1 has no response yet, so stage 2 cannot be requested.",
        "line 5: stage1_extended_to: Stage 1 can be extended to 20 working days at most: "
        "2 April 2024.",
        "line 6: summary: Give a summary.",
        "line 7: element2_stage1_outcome: Give the outcome: stage1_response_on says stage 1 "
        "was concluded.",
    ]
    assert not Case.objects.exists()


def test_header_problems_are_reported_on_line_1(tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [{"legacy_reference": "X", "kind": "complaint", "recieved_on": "2024-01-01"}],
    )
    assert import_file(path).errors == [
        "line 1: recieved_on: Unknown column (see docs/import-format.md).",
        "line 1: channel: The file needs this column.",
        "line 1: received_on: The file needs this column.",
        "line 1: summary: The file needs this column.",
    ]


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            {
                "kind": "compliment",
                "procedure": "",
                "stage1_acknowledged_on": "",
                "element1_summary": "",
                "element1_theme": "",
                "element1_team": "",
                "element2_summary": "",
                "stage1_response_on": "2024-03-01",
            },
            "stage1_response_on: Only a complaint, or an initial contact progressed to one, has "
            "stages.",
        ),
        (
            {"received_on": "2024-07-01"},
            "received_on: The date received must be today or in the past.",
        ),
        ({"channel": "pigeon"}, "channel: 'pigeon' is not a channel"),
        (
            {
                "stage1_response_on": "2024-03-08",
                "element1_stage1_outcome": "upheld",
                "element2_stage1_outcome": "upheld",
                "stage2_requested_on": "2024-03-11",
                "stage2_response_on": "2024-04-30",
                "element1_stage2_outcome": "upheld",
                "element2_stage2_outcome": "upheld",
            },
            "stage2_response_on: Record the agreed statement of complaint before the adjudication.",
        ),
        ({"restricted": "yes"}, "restricted: Name the person importing with --actor"),
        ({"withdrawn_on": "2024-03-05"}, "withdrawal_reason: Enter the reason."),
    ],
)
def test_each_rule_is_reported_against_its_column(tmp_path, row, error):
    path = write_csv(tmp_path / "one.csv", [stage1_complaint(**row)])
    errors = import_file(path).errors
    assert len(errors) == 1
    assert errors[0].startswith(f"line 2: {error}")


def test_an_extension_agreed_late_is_refused_row_by_row(tmp_path):
    """A stage 1 answered late and 'extended' after its due date is refused on its own line,
    against the column that says when the complainant was told; nothing is imported."""
    late = stage1_complaint(
        legacy_reference="LATE-1",
        stage1_extended_to="2024-03-28",
        stage1_extension_reason="Complex",
        stage1_extension_agreed_on="2024-03-22",
        stage1_response_on="2024-03-27",
        element1_stage1_outcome="upheld",
        element2_stage1_outcome="not_upheld",
    )
    after_response = {
        **late,
        "legacy_reference": "LATE-2",
        "stage1_extension_agreed_on": "2024-03-14",
        "stage1_response_on": "2024-03-13",
    }
    path = write_csv(tmp_path / "late.csv", [GOOD_ROWS[0], late, after_response])
    result = import_file(path)
    assert result.errors == [
        "line 3: stage1_extension_agreed_on: The complainant was told on 22 March 2024, after "
        "the response was due (15 March 2024): an extension must be agreed before the date it "
        "extends.",
        "line 4: stage1_response_on: The response is dated 13 March 2024, before the extension "
        "agreed on 14 March 2024: an extension is agreed before the response.",
    ]
    assert not Case.objects.exists()


def test_an_extension_with_no_agreed_date_cannot_rescue_a_late_response(tmp_path):
    """With no stage1_extension_agreed_on the extension is taken as agreed on the original
    due date; but a response after that date needs the real date, or it could make a late
    stage look on time."""
    extended = stage1_complaint(
        stage1_extended_to="2024-03-28",
        stage1_extension_reason="Complex",
        element1_stage1_outcome="upheld",
        element2_stage1_outcome="not_upheld",
    )
    in_time = {**extended, "stage1_response_on": "2024-03-14"}
    late = {**extended, "legacy_reference": "OLD-2", "stage1_response_on": "2024-03-27"}
    path = write_csv(tmp_path / "no-date.csv", [in_time, late])
    assert import_file(path).errors == [
        "line 3: stage1_extension_agreed_on: Give the date the complainant was told of the "
        "extension: the response came after the original due date (15 March 2024), so the "
        "extension counts only if it was agreed by then."
    ]


def test_points_take_the_case_theme_and_a_point_with_none_is_refused(tmp_path):
    """A point with no theme column takes the case's first theme; where the case has none
    either, the response is refused against that point's theme column, row by row."""
    themed = stage1_complaint(
        themes="Communication",
        element1_theme="",
        stage1_response_on="2024-03-14",
        element1_stage1_outcome="upheld",
        element2_stage1_outcome="not_upheld",
    )
    bare = {**themed, "legacy_reference": "OLD-2", "themes": "", "element1_theme": "Privacy"}
    path = write_csv(tmp_path / "themes.csv", [themed, bare])
    assert import_file(path).errors == [
        "line 3: element2_theme: Give point 2 a theme before concluding stage 1: the report "
        "counts every point under its theme."
    ]
    result = import_file(write_csv(tmp_path / "one.csv", [themed]))
    assert result.ok
    case = Case.objects.get(external_reference="OLD-1")
    assert [str(e.theme) for e in case.elements.order_by("number")] == [
        "Communication",
        "Communication",
    ]


def test_a_looked_after_child_complainant_is_imported_as_such(tmp_path):
    """The report reads a child complainant's looked-after flag from the person: the import
    carries it (and care leaving and the date of birth), so the report counts them."""
    from harken.reports.metrics import build_report
    from harken.reports.periods import Period

    rows = [
        stage1_complaint(
            legacy_reference=f"LAC-{n}",
            complainant_relationship="child",
            complainant_date_of_birth="04/05/2008",
            complainant_looked_after="yes",
            complainant_care_leaver="yes" if n == 0 else "no",
            child_first_name="",
            child_last_name="",
            child_date_of_birth="",
            child_looked_after="",
        )
        for n in range(3)
    ]
    result = import_file(write_csv(tmp_path / "lac.csv", rows))
    assert result.ok, result.errors
    person = Case.objects.get(external_reference="LAC-0").parties.get().person
    assert (person.looked_after, person.care_leaver, person.date_of_birth) == (
        True,
        True,
        D(2008, 5, 4),
    )
    report = build_report(Period(D(2024, 1, 1), D(2024, 3, 31)))
    assert report.table("complainant-type").value("child-la", "total") == 3


def test_same_legacy_reference_twice_in_a_file_is_an_error(tmp_path):
    path = write_csv(tmp_path / "dup.csv", [stage1_complaint(), stage1_complaint()])
    assert import_file(path).errors == [
        "line 3: legacy_reference: 'OLD-1' is also on line 2: each case once."
    ]


def test_importing_the_same_file_twice_adds_nothing(tmp_path):
    """Rows whose legacy_reference is already in Harken are skipped as already imported."""
    path = write_csv(tmp_path / "history.csv", GOOD_ROWS)
    _call(path)
    count, events = Case.objects.count(), TimelineEvent.objects.count()
    out = _call(path)
    assert "Imported 0 case(s); skipped 9 already imported." in out
    assert re.search(r"line 2: OLD-1: already imported as HK-2024-\d{5}, skipped", out)
    assert (Case.objects.count(), TimelineEvent.objects.count()) == (count, events)


def test_dry_run_checks_and_saves_nothing(tmp_path):
    out = _call(write_csv(tmp_path / "history.csv", GOOD_ROWS), "--dry-run")
    assert "Would import 9 case(s)" in out
    assert not Case.objects.exists()


def test_actor_must_be_allowed_to_record_cases(tmp_path, report_viewer):
    path = write_csv(tmp_path / "history.csv", GOOD_ROWS[:1])
    with pytest.raises(CommandError, match="cannot record cases"):
        _call(path, "--actor", report_viewer.username)
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        _call(path, "--actor", "nobody")


def test_file_that_is_not_utf8_or_not_a_spreadsheet(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("legacy_reference,summary\nA,Café\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        _call(latin)
    with pytest.raises(CommandError, match=r"give a \.csv or \.xlsx file"):
        _call(tmp_path / "notes.txt")


def test_documentation_describes_every_column():
    """docs/import-format.md names every column the importer reads."""
    doc = (Path(settings.BASE_DIR) / "docs" / "import-format.md").read_text()
    for column in [*CASE_COLUMNS, *(f"elementN_{f}" for f in ELEMENT_FIELDS)]:
        assert f"`{column}`" in doc, column


def test_the_documented_example_imports(tmp_path):
    """The example in docs/import-format.md is a file that imports."""
    doc = (Path(settings.BASE_DIR) / "docs" / "import-format.md").read_text()
    example = re.search(r"```csv\n(.*?)```", doc, re.DOTALL)
    assert example is not None
    path = tmp_path / "example.csv"
    path.write_text(example.group(1), encoding="utf-8")
    assert "Imported 3 case(s)" in _call(path)
    s1 = Case.objects.get(external_reference="CF-2023-118").stages.get()
    assert s1.within_timescale is True


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_leaves_the_tables_vacuumed_and_analysed(tmp_path):
    """The first user after a large import finds the planner's statistics already true:
    PostgreSQL's VACUUM (ANALYZE), SQLite's ANALYZE, on every table the import wrote."""
    from django.db import connection

    from harken.cases.maintenance import case_tables

    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC)):
        _call(write_csv(tmp_path / "history.csv", GOOD_ROWS))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL "
                "AND last_analyze IS NOT NULL"
            )
        else:
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        done = {row[0] for row in cursor.fetchall()}
    assert {"cases_case", "cases_stage", "cases_case_teams", "cases_openteamcase"} <= set(
        case_tables()
    )
    # A table with rows gets statistics (SQLite keeps none for an empty table).
    assert {"cases_case", "cases_stage", "cases_caseparty", "cases_person"} <= done


def test_a_dry_run_leaves_the_statistics_alone(tmp_path, monkeypatch):
    from harken.cases.management.commands import import_cases

    calls: list[object] = []
    monkeypatch.setattr(import_cases, "refresh_statistics", lambda: calls.append(1))
    _call(write_csv(tmp_path / "history.csv", GOOD_ROWS), "--dry-run")
    assert calls == []
