"""The compliance rule: a visit each month a home is open; the report with Ofsted by the end of
the month after the visit. Today is 28 June 2024."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.homes import selectors
from harken.homes.selectors import MADE, MISSED, NOT_DUE, NOT_YET

from .factories import D, home, visit

pytestmark = pytest.mark.django_db


def _statuses(row):
    return {m.month: m.status for m in row.months}


def test_each_month_open_is_due_a_visit(officer):
    h = home(officer, opened_on=D(2024, 2, 20))
    visit(officer, h, visited_on=D(2024, 3, 5))
    visit(officer, h, visited_on=D(2024, 5, 31))
    [row] = selectors.compliance(first=D(2024, 1, 1), last=D(2024, 7, 31))
    assert _statuses(row) == {
        D(2024, 1, 1): NOT_DUE,  # not open yet
        D(2024, 2, 1): MISSED,  # open from the 20th: due, and no visit
        D(2024, 3, 1): MADE,
        D(2024, 4, 1): MISSED,
        D(2024, 5, 1): MADE,
        D(2024, 6, 1): NOT_YET,  # the month is still running
        D(2024, 7, 1): NOT_DUE,  # to come
    }
    assert (row.due, row.made, row.missed) == (5, 2, 2)


def test_a_closed_home_is_not_due_after_the_month_it_closed(officer):
    h = home(officer, opened_on=D(2023, 1, 1), closed_on=D(2024, 3, 10))
    [row] = selectors.compliance(first=D(2024, 3, 1), last=D(2024, 4, 30), homes=[h])
    assert _statuses(row) == {D(2024, 3, 1): MISSED, D(2024, 4, 1): NOT_DUE}


def test_the_report_is_late_after_the_end_of_the_month_after_the_visit(officer):
    h = home(officer)
    assert selectors.ofsted_due(D(2024, 1, 31)) == D(2024, 2, 29)
    visit(officer, h, visited_on=D(2024, 3, 4), sent_to_ofsted_on=D(2024, 4, 30))  # in time
    visit(officer, h, visited_on=D(2024, 4, 2), sent_to_ofsted_on=D(2024, 6, 1))  # late
    visit(officer, h, visited_on=D(2024, 4, 20))  # not sent, and 31 May has passed
    visit(officer, h, visited_on=D(2024, 5, 20))  # not sent, due by 30 June: not late yet
    [row] = selectors.compliance(first=D(2024, 3, 1), last=D(2024, 5, 31), homes=[h])
    assert [m.reports_late for m in row.months] == [0, 2, 0]


def test_the_start_page_flags(officer):
    h = home(officer, opened_on=D(2024, 4, 1))
    other = home(officer, name="Elm House", ofsted_urn="SC654321", opened_on=D(2024, 1, 1))
    visit(officer, h, visited_on=D(2024, 4, 10))  # report not sent: overdue since 1 June
    visit(officer, h, visited_on=D(2024, 6, 3))
    found = selectors.flags()
    assert (h, D(2024, 5, 1)) in found.missed
    assert [m for hh, m in found.missed if hh == other] == [
        D(2024, 5, 1),
        D(2024, 4, 1),
        D(2024, 3, 1),
        D(2024, 2, 1),
        D(2024, 1, 1),
    ]
    assert found.not_yet == [other]
    assert [v.visited_on for v in found.reports_overdue] == [D(2024, 4, 10)]


def test_the_flags_cost_the_same_whatever_the_history(officer):
    """Three queries: the homes, the year's visits, the reports overdue."""
    h = home(officer, opened_on=D(2010, 1, 1))
    for year in range(2011, 2024):
        visit(officer, h, visited_on=D(year, 3, 1))
    with CaptureQueriesContext(connection) as queries:
        selectors.flags()
    assert len(queries) == 3


def test_the_command_gives_visits_made_against_due_per_home_and_month(officer):
    h = home(officer, opened_on=D(2024, 4, 1))
    visit(officer, h, visited_on=D(2024, 4, 10))
    out = StringIO()
    call_command("homes_compliance", "--from", "2024-04", "--to", "2024-06", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "home,ofsted_urn,month,due,visits,status,reports_late"
    assert lines[1:] == [
        "Oak Lodge,SC123456,2024-04,yes,1,made,1",
        "Oak Lodge,SC123456,2024-05,yes,0,missed,0",
        "Oak Lodge,SC123456,2024-06,yes,0,not_yet,0",
    ]
    out = StringIO()
    call_command(
        "homes_compliance", "--from", "2024-04", "--to", "2024-04", "--format", "json", stdout=out
    )
    assert json.loads(out.getvalue())[0]["status"] == "made"


def test_the_command_refuses_a_month_it_cannot_read(officer):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("homes_compliance", "--from", "April")
