"""Importing data-protection complaints (procedure `data-protection`): their 30-day
acknowledgement date as the staff pages give it, and the same refusals."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken.cases.importing import import_file
from harken.cases.models import Case

from .test_import import write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def row(**extra: str) -> dict[str, str]:
    return {
        "legacy_reference": "DP-1",
        "kind": "complaint",
        "procedure": "data-protection",
        "channel": "email",
        "received_on": "2026-07-06",
        "summary": "Address shared with ex-partner",
        "complainant_first_name": "Rhian",
        "complainant_last_name": "Evans",
        "element1_summary": "Address disclosed",
        "stage1_acknowledged_on": "2026-07-08",
        **extra,
    }


def test_imported_with_its_30_day_acknowledgement_date(tmp_path):
    result = import_file(write_csv(tmp_path / "dp.csv", [row()]))
    assert result.ok, result.errors
    stage = Case.objects.get(external_reference="DP-1").stages.get()
    assert stage.acknowledgement_due_on == dt.date(2026, 8, 5)
    assert stage.acknowledged_on == dt.date(2026, 7, 8)


def test_an_extension_is_refused_as_on_the_staff_pages(tmp_path):
    """The procedure sets no response date to extend."""
    result = import_file(
        write_csv(
            tmp_path / "dp.csv",
            [
                row(
                    stage1_extended_to="2026-08-30",
                    stage1_extension_reason="Complex",
                    stage1_extension_agreed_on="2026-07-20",
                )
            ],
        )
    )
    assert not result.ok
    assert result.errors == [
        "line 2: stage1_extended_to: Stage 1 of this procedure cannot be extended."
    ]
    assert Case.objects.count() == 0
