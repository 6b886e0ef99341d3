"""`harken report`: every format, to a file or standard output."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_json_to_standard_output(capsysbinary):
    call_command("report", "--from", "2023-04-01", "--to", "2023-09-30", "--format", "json")
    data = json.loads(capsysbinary.readouterr().out)
    assert data["schema"] == "harken.report/1"
    assert data["period"]["from"] == "2023-04-01"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx"])
def test_files(tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    call_command(
        "report", "--preset", "h1-2023", "--format", fmt, "--published", "--output", str(out)
    )
    assert out.stat().st_size > 100
    if fmt == "csv":
        assert "index.csv" in zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist()


def test_default_file_name_for_pdf(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("report", "--from", "2023-04-01", "--to", "2023-06-30", "--format", "pdf")
    name = "complaints-report-2023-04-01-to-2023-06-30-internal.pdf"
    assert (tmp_path / name).read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--from", "2023-04-01"],
        ["--from", "2023-13-01", "--to", "2023-06-30"],
        ["--from", "2023-06-30", "--to", "2023-04-01"],
        ["--preset", "fy-xx"],
    ],
)
def test_mistakes(args):
    with pytest.raises(CommandError):
        call_command("report", *args)
