"""The report's children's homes sections: figures from the records, last year beside them,
small numbers hidden in the published edition, and every format carrying them."""

from __future__ import annotations

import pytest

from harken.homes import services
from harken.homes.models import Triage
from harken.reports.metrics import build_report
from harken.reports.periods import Period
from harken.reports.renderers import FORMATS
from harken.reports.structures import SUPPRESSED
from harken.reports.suppression import published

from .factories import D, drop_in, home, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(officer, manager, assessment_team):
    oak = home(officer, opened_on=D(2022, 1, 1))
    elm = home(officer, name="Elm House", ofsted_urn="SC654321", opened_on=D(2022, 1, 1))
    # Last year (April to May 2023): Oak visited both months, Elm in April only.
    visit(officer, oak, visited_on=D(2023, 4, 3), sent_to_ofsted_on=D(2023, 4, 30))
    visit(officer, oak, visited_on=D(2023, 5, 3), sent_to_ofsted_on=D(2023, 5, 30))
    visit(officer, elm, visited_on=D(2023, 4, 3), sent_to_ofsted_on=D(2023, 4, 30))
    # This year: Oak in April (report late) and May; Elm not at all.
    v = visit(officer, oak, visited_on=D(2024, 4, 2), sent_to_ofsted_on=D(2024, 6, 3))
    visit(officer, oak, visited_on=D(2024, 5, 7), sent_to_ofsted_on=D(2024, 5, 20))
    services.visit_recommendation_add(
        visit=v,
        text="Fix the fence.",
        owner=manager,
        due_on=D(2024, 5, 20),
        team=assessment_team,
        actor=officer,
    )
    services.issue_record(
        actor=officer,
        visit=v,
        summary="Night staffing is thin.",
        triage=Triage.SAFEGUARDING,
        referred_to="front_door",
        referred_on=D(2024, 4, 3),
    )
    d = drop_in(officer, oak, held_on=D(2024, 5, 9), young_people=6)
    services.issue_record(
        actor=officer,
        drop_in=d,
        summary="Wants an advocate.",
        triage=Triage.ADVOCACY,
        child_first_name="Sam",
        advocacy_provider="independent",
    )
    services.issue_record(
        actor=officer, drop_in=d, summary="Wifi is slow.", triage=Triage.NO_ACTION
    )
    return oak, elm


def _report():
    return build_report(Period(D(2024, 4, 1), D(2024, 5, 31)))


def test_visits_due_made_and_late_per_home_with_last_year(work):
    oak, elm = work
    table = {t.id: t for t in _report().tables}["home-visits"]
    assert table.row(f"home-{oak.pk}").values == {
        "due": 2,
        "made": 2,
        "missed": 0,
        "visits": 2,
        "late": 1,
        "made_ly": 2,
        "missed_ly": 0,
    }
    assert table.row(f"home-{elm.pk}").values == {
        "due": 2,
        "made": 0,
        "missed": 2,
        "visits": 0,
        "late": 0,
        "made_ly": 1,
        "missed_ly": 1,
    }
    assert table.row("total").values["missed"] == 2


def test_concerns_raised_and_what_became_of_them(work):
    tables = {t.id: t for t in _report().tables}
    issues = tables["issues-raised"]
    assert issues.value("safeguarding", "visits") == 1
    assert issues.value("advocacy", "drop_ins") == 1
    assert issues.value("no_action", "drop_ins") == 1
    assert issues.value("total", "total") == 3
    assert tables["drop-ins"].value("young-people", "total") == 6
    advocacy = tables["advocacy-direct-work"]
    assert advocacy.value("drop-ins", "total") == 1
    assert advocacy.value("independent", "total") == 1
    recs = tables["visit-recommendations"]
    assert recs.value("made", "total") == 1
    assert recs.value("overdue", "total") == 1


def test_the_learning_table_keeps_counting_complaints_only(work):
    table = {t.id: t for t in _report().tables}["recommendations"]
    assert table.value("made", "total") == 0


def test_small_numbers_are_hidden_in_the_published_edition(work):
    table = {t.id: t for t in published(_report()).tables}["issues-raised"]
    assert table.value("safeguarding", "visits") is SUPPRESSED
    assert table.value("total", "total") is SUPPRESSED


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_carries_the_homes_sections(work, fmt):
    content = FORMATS[fmt].render(_report())
    assert len(content) > 100
    if fmt == "json":
        assert "Regulation 44 visits due, made and late, by home" in content.decode()
