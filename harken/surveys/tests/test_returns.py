"""Importing other survey returns: every row or none, each problem named by line and column,
from the staff page and the command alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .. import returns
from ..models import Comment, Response, ReturnBatch, SurveyEvent

pytestmark = pytest.mark.django_db

GOOD = (
    "received_on,satisfaction,comment,theme\n"
    "2026-07-03,5,,\n"
    "04/07/2026,2,Nobody rang me back,Communication\n"
    "2026-07-05,,My son was scared of the worker,\n"
)


def _file(tmp_path: Path, text: str, name: str = "returns.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_imports_every_row_and_comment(tmp_path, officer):
    result = returns.returns_import(
        path=_file(tmp_path, GOOD), name="Parents' survey Q2", actor=officer
    )
    assert result.ok
    assert (result.rows, result.comments) == (3, 2)
    assert Response.objects.filter(batch=result.batch).count() == 3
    theme = Comment.objects.get(text="Nobody rang me back").theme
    assert theme is not None
    assert theme.name == "Communication"
    assert SurveyEvent.objects.filter(verb=SurveyEvent.Verb.RETURNS_IMPORTED).count() == 1


def test_malformed_file_names_each_problem_and_saves_nothing(tmp_path, officer):
    text = (
        "received_on,satisfaction,comment,theme\n"
        "2026-07-03,5,,\n"
        "yesterday,9,Fine,Nonsense\n"
        "2026-07-05,,,\n"
    )
    result = returns.returns_import(path=_file(tmp_path, text), name="Q2", actor=officer)
    assert result.errors == [
        "line 3: received_on: 'yesterday' is not a date: use YYYY-MM-DD or DD/MM/YYYY.",
        "line 3: satisfaction: '9' is not a number from 1 to 5.",
        "line 3: theme: There is no theme 'Nonsense'.",
        "line 4: satisfaction: Give a satisfaction from 1 to 5, a comment, or both.",
    ]
    assert not ReturnBatch.objects.exists()
    assert not Response.objects.exists()


def test_a_column_that_could_identify_someone_is_refused(tmp_path, officer):
    result = returns.returns_import(
        path=_file(tmp_path, "received_on,satisfaction,parent_name\n2026-07-01,4,Jo Bloggs\n"),
        name="Q2",
        actor=officer,
    )
    assert "unknown column(s) parent_name" in result.errors[0]
    assert not Response.objects.exists()


def test_manager_may_not_import(tmp_path, manager):
    from harken.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        returns.returns_import(path=_file(tmp_path, GOOD), name="Q2", actor=manager)


def test_command_imports_and_refuses_alike(tmp_path, capsys):
    call_command("import_survey_returns", str(_file(tmp_path, GOOD)), name="Parents' survey")
    assert "Imported 3 return(s) with 2 comment(s) to triage." in capsys.readouterr().out
    bad = _file(tmp_path, "received_on,satisfaction\n2026-07-01,0\n", "bad.csv")
    with pytest.raises(CommandError, match="Nothing was imported: 1 error"):
        call_command("import_survey_returns", str(bad), name="Parents' survey")
    assert "line 2: satisfaction: '0' is not a number from 1 to 5." in capsys.readouterr().err
    assert Response.objects.count() == 3


def test_xlsx_is_read_too(tmp_path, officer):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["received_on", "satisfaction", "comment"])
    sheet.append([dt.date(2026, 7, 1), 4, "Helpful"])
    path = tmp_path / "returns.xlsx"
    book.save(path)
    result = returns.returns_import(path=path, name="Q2", actor=officer)
    assert result.ok
    assert Response.objects.get().satisfaction == 4
