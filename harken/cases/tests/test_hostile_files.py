"""Files that fail badly: `harken import-cases` with a NUL, another encoding or a quote left
open says exactly what is wrong and imports nothing; `harken export-cases` writes records
holding control characters or formulas without stopping, as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from harken.cases.models import Case
from harken.cases.tests.factories import complaint

pytestmark = pytest.mark.django_db

HEADER = "legacy_reference,kind,channel,received_on,summary"
ROW = "L-1,compliment,phone,2024-03-01,Thank you"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def _import(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_cases", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(path: Path) -> str:
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_cases", str(path), stdout=StringIO(), stderr=err)
    assert Case.objects.count() == 0
    return f"{exc.value}\n{err.getvalue()}"


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("L-1,compliment,phone,2024-03-01,Thank\x00 you", "summary"),
        ("L\x00-1,compliment,phone,2024-03-01,Thank you", "legacy_reference"),
        ("L-1,compliment,phone,2024-03-01,Thank \x1b[31myou", "summary"),
    ],
)
def test_a_nul_or_control_character_in_a_cell_is_an_error_on_its_line(tmp_path, line, column):
    path = tmp_path / "cases.csv"
    path.write_bytes(f"{HEADER}\n{line}\n".encode())
    message = _refused(path)
    assert f"line 2: {column}: The cell must not contain control characters" in message
    assert "\x00" not in message
    assert "\x1b" not in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_read(tmp_path, encoding):
    """Excel's "Unicode text" is UTF-16, with or without a byte order mark: it is read as
    the words it holds, not as text with a zero byte between every letter."""
    path = tmp_path / "cases.csv"
    path.write_bytes(f"{HEADER}\r\nL-1,compliment,phone,2024-03-01,Diolch ŵ\r\n".encode(encoding))
    out, _ = _import(path)
    assert "Imported 1 case(s)" in out
    assert Case.objects.get().summary == "Diolch ŵ"


def test_a_file_in_another_encoding_is_refused_by_name(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(f"{HEADER}\n{ROW} caf\xe9\n".encode("latin-1"))
    assert "is not UTF-8 text" in _refused(path)


def test_a_quote_left_open_is_an_error_not_a_swallowed_file(tmp_path):
    """A quote never closed used to swallow every later row into one cell, silently."""
    path = tmp_path / "cases.csv"
    path.write_text(
        f'{HEADER}\nL-1,compliment,phone,2024-03-01,"Thank you\n'
        "L-2,compliment,phone,2024-03-02,Second\n"
        "L-3,compliment,phone,2024-03-03,Third\n"
    )
    message = _refused(path)
    assert 'the quote (") opened on line 2 is never closed' in message


def test_a_stray_quote_is_an_error_with_its_line(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(f'{HEADER}\n{ROW}\nL-2,compliment,phone,2024-03-02,"Sec"ond\n')
    assert "line 3 is not readable CSV" in _refused(path)


@pytest.fixture
def hostile_case(officer):
    """A record from before the rules: control characters, and text that looks like a
    formula, as the old public form and staff pages let through."""
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    Case.objects.filter(pk=case.pk).update(
        summary='=HYPERLINK("http://evil.example")\x01', details="Bad\x02 \x1b[2J day\x0b"
    )
    return case


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_writes_records_holding_control_characters(tmp_path, hostile_case, suffix):
    path = tmp_path / f"cases{suffix}"
    call_command("export_cases", str(path), stdout=StringIO())
    if suffix == ".xlsx":
        sheet = load_workbook(path).worksheets[0]
        header = [c.value for c in sheet[1]]
        row = {header[i]: c for i, c in enumerate(sheet[2])}
        assert row["summary"].value == '=HYPERLINK("http://evil.example")'
        assert row["summary"].data_type == "s"
        assert row["details"].value == "Bad [2J day"
    else:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert rows[0]["summary"] == '\'=HYPERLINK("http://evil.example")'
        assert rows[0]["details"] == "Bad [2J day"


def test_an_export_of_such_records_imports_again(tmp_path, hostile_case):
    path = tmp_path / "cases.csv"
    call_command("export_cases", str(path), stdout=StringIO())
    Case.objects.all().delete()
    out, _ = _import(path)
    assert "Imported 1 case(s)" in out
    assert Case.objects.get().summary == '=HYPERLINK("http://evil.example")'


# --- Any file at all ----------------------------------------------------------------------------

GOOD = {
    "legacy_reference": "L-1",
    "kind": "complaint",
    "procedure": "children-statutory",
    "channel": "phone",
    "received_on": "2024-03-01",
    "summary": "Late reply",
    "teams": "SEND Team",
    "complainant_first_name": "Dana",
    "complainant_last_name": "Jones",
    "complainant_relationship": "parent",
    "element1_summary": "No call back",
}
COLUMNS = [
    *GOOD,
    "details",
    "child_first_name",
    "child_date_of_birth",
    "stage1_acknowledged_on",
    "stage1_response_on",
    "element1_stage1_outcome",
    "withdrawn_on",
    "withdrawal_reason",
]


def _hostile_file():
    from hypothesis import strategies as st

    from harken.core.tests.strategies import HOSTILE_TEXT

    row = st.fixed_dictionaries(
        {},
        optional={c: st.one_of(st.just(GOOD.get(c, "")), HOSTILE_TEXT) for c in COLUMNS},
    ).map(lambda changed: {**GOOD, **changed})
    return st.tuples(
        st.lists(row, min_size=1, max_size=3),
        st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le"]),
        # What spreadsheets and editors do to files: a quote left open, a NUL, a cut.
        st.sampled_from(["", '"', "\x00", "cut", '"a"b']),
    )


def _write(path: Path, rows, encoding: str, damage: str) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    body = out.getvalue()
    if damage == "cut":
        body = body[: len(body) * 2 // 3]
    elif damage:
        body = body.replace(",", f",{damage}", 1)
    path.write_bytes(body.encode(encoding, errors="surrogatepass"))


def test_any_file_is_imported_or_refused_with_its_reasons(tmp_path):
    """Whatever the cells hold, however the file is damaged: either the rows are imported
    (and hold no control character) or nothing is and the command says why, line by line;
    never another kind of failure."""
    from hypothesis import HealthCheck, given, settings

    from harken.core import text

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(_hostile_file())
    def attempt(made):
        rows, encoding, damage = made
        path = tmp_path / "cases.csv"
        _write(path, rows, encoding, damage)
        try:
            _import(path)
        except CommandError as exc:
            reason = str(exc)
        else:
            reason = ""
        if reason:
            assert Case.objects.filter(external_reference__startswith="L-").count() == 0
            return
        for case in Case.objects.all():
            for value in (case.summary, case.details, case.external_reference):
                assert not text.problem(value), repr(value)
        Case.objects.all().delete()

    attempt()
