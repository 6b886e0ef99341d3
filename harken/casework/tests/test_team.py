"""The team view: open work per person and per team, and what is overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases import services
from harken.casework.selectors import team_workload

from .conftest import queries_for

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def work(officer, manager, make_complaint):
    overdue = make_complaint(received_on=D(2024, 6, 3))  # Assessment, acknowledgement overdue
    services.case_assign(case=overdue, user=manager, actor=officer)
    make_complaint(received_on=D(2024, 6, 27))  # Assessment, unassigned, on track
    send = make_complaint(received_on=D(2024, 6, 3), team="SEND Team")
    services.case_assign(case=send, user=officer, actor=officer)
    return overdue, send


def test_counts_per_person_and_team(officer, work):
    workload = team_workload(user=officer)
    by_person = {row["assigned_to"]: row for row in workload.people}
    assert by_person[work[0].assigned_to_id]["n_open"] == 1
    assert by_person[work[0].assigned_to_id]["n_overdue"] == 1
    assert by_person[None]["n_open"] == 1
    assert by_person[None]["n_overdue"] == 0
    by_team = {row["teams__name"]: row for row in workload.teams}
    assert by_team["Assessment Teams"]["n_open"] == 2
    assert by_team["Assessment Teams"]["n_overdue"] == 1
    assert by_team["Assessment Teams"]["n_unassigned"] == 1
    assert by_team["SEND Team"]["n_overdue"] == 1
    assert workload.totals["n_open"] == 3
    assert workload.totals["n_overdue"] == 2


def test_manager_sees_only_their_teams(manager, sign_in, work):
    workload = team_workload(user=manager)
    assert [row["teams__name"] for row in workload.teams] == ["Assessment Teams"]
    assert workload.totals["n_open"] == 2
    html = sign_in(manager).get("/staff/team/").content.decode()
    assert "SEND Team" not in html
    assert "Assessment Teams" in html


def test_page_links_to_the_caseload(officer, sign_in, work):
    html = sign_in(officer).get("/staff/team/").content.decode()
    assert f"/staff/?assigned={work[0].assigned_to_id}&amp;overdue=on" in html
    assert "Nobody (not assigned)" in html


def test_query_count_does_not_grow_with_rows(officer, manager, sign_in, work, make_complaint):
    client = sign_in(officer)
    first = queries_for(client, "/staff/team/")
    for day in (4, 5, 6, 7):
        case = make_complaint(received_on=D(2024, 6, day), team="Fostering Team")
        services.case_assign(case=case, user=officer, actor=officer)
    assert queries_for(client, "/staff/team/") == first
    assert first <= 10
