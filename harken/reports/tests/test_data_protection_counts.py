"""The data-protection complaint counts for the ICO (DPA 2018 s164B): the figures, and the
same figures on the staff page, its CSV and JSON, the API and the command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from harken.cases import services as case_services
from harken.cases.models import Outcome
from harken.cases.tests.factories import complaint, respond_all
from harken.reports import dp_counts
from harken.reports.periods import Period

pytestmark = pytest.mark.django_db
D = dt.date
DP = "data-protection"
PAGE = "/staff/reports/data-protection/"
QUERY = {"from": "2024-04-01", "to": "2024-09-30"}


@pytest.fixture(autouse=True)
def _frozen():
    # 10 October 2024: the first half of 2024/25 is over.
    with time_machine.travel(dt.datetime(2024, 10, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def cases(officer):
    """Q1 (April to June): three received; one acknowledged in time and upheld on one of its
    two points, one acknowledged late (3 April + 30 days = 3 May; acknowledged 7 May) and not
    upheld in Q2, one never acknowledged. Q2: one acknowledged in time and still open, one
    whose outcome came within its 30 days with no separate acknowledgement, one received on
    1 September and not acknowledged by 1 October. Outside: one received in October, and a
    children's complaint."""
    a = complaint(actor=officer, received_on=D(2024, 4, 2), procedure_code=DP)
    case_services.stage_acknowledge(case=a, on=D(2024, 4, 10), actor=officer)
    first, second = a.elements.all()
    case_services.stage_respond(
        case=a,
        on=D(2024, 5, 2),
        actor=officer,
        outcomes={first.pk: Outcome.NOT_UPHELD, second.pk: Outcome.UPHELD},
    )
    b = complaint(actor=officer, received_on=D(2024, 4, 3), procedure_code=DP)
    case_services.stage_acknowledge(case=b, on=D(2024, 5, 7), actor=officer)
    respond_all(b, on=D(2024, 7, 15), actor=officer, outcome=Outcome.NOT_UPHELD)
    complaint(actor=officer, received_on=D(2024, 6, 3), procedure_code=DP)
    d = complaint(actor=officer, received_on=D(2024, 7, 1), procedure_code=DP)
    case_services.stage_acknowledge(case=d, on=D(2024, 7, 2), actor=officer)
    e = complaint(actor=officer, received_on=D(2024, 7, 8), procedure_code=DP)
    respond_all(e, on=D(2024, 7, 30), actor=officer, outcome=Outcome.PARTIALLY_UPHELD)
    complaint(actor=officer, received_on=D(2024, 9, 1), procedure_code=DP)
    complaint(actor=officer, received_on=D(2024, 10, 1), procedure_code=DP)
    complaint(actor=officer, received_on=D(2024, 4, 2))


def _values(counts, row_id):
    return next(r["values"] for r in counts["rows"] if r["id"] == row_id)


def test_the_counts_by_quarter(cases):
    counts = dp_counts.data_protection_counts(period=Period(D(2024, 4, 1), D(2024, 9, 30)))
    assert counts["schema"] == "harken.data-protection-counts/1"
    assert [c["id"] for c in counts["columns"]] == ["q1", "q2", "total"]
    expect = {
        "received": {"q1": 3, "q2": 3, "total": 6},
        "acknowledged_in_time": {"q1": 1, "q2": 2, "total": 3},
        "acknowledged_late": {"q1": 1, "q2": 0, "total": 1},
        "not_acknowledged_overdue": {"q1": 1, "q2": 1, "total": 2},
        "not_acknowledged_in_time_left": {"q1": 0, "q2": 0, "total": 0},
        "outcomes_sent": {"q1": 1, "q2": 2, "total": 3},
        "outcome_upheld": {"q1": 1, "q2": 0, "total": 1},
        "outcome_partially_upheld": {"q1": 0, "q2": 1, "total": 1},
        "outcome_not_upheld": {"q1": 0, "q2": 1, "total": 1},
        # 2 April to 2 May: 30 days; 3 April to 15 July: 103; 8 to 30 July: 22.
        "average_days_to_outcome": {"q1": 30.0, "q2": 62.5, "total": 51.7},
        "open_at_end": {"q1": 2, "q2": 3, "total": 3},
    }
    for row_id, values in expect.items():
        assert _values(counts, row_id) == values, row_id


def test_a_complaint_not_yet_due_is_still_in_time(officer):
    complaint(actor=officer, received_on=D(2024, 10, 1), procedure_code=DP)
    counts = dp_counts.data_protection_counts(period=Period(D(2024, 10, 1), D(2024, 10, 31)))
    assert _values(counts, "not_acknowledged_in_time_left") == {"total": 1}
    assert _values(counts, "not_acknowledged_overdue") == {"total": 0}


@pytest.mark.parametrize("who", ["report_viewer", "officer", "manager", "admin_user"])
def test_report_roles_see_the_page_and_downloads(request, sign_in, who, cases):
    client = sign_in(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 200
    page = client.get(PAGE, QUERY)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Data protection complaints, 1 April 2024 to 30 September 2024" in html
    assert "Acknowledged within 30 days" in html
    assert "Made on 10 October 2024" in html
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"{PAGE}download/csv/", QUERY).content.decode("utf-8-sig"))
        )
    )
    assert rows[1][0] == "Figure"
    assert ["Complaints received", "3", "3", "6"] in rows
    data = json.loads(client.get(f"{PAGE}download/json/", QUERY).content)
    assert _values(data, "received") == {"q1": 3, "q2": 3, "total": 6}


def test_choosing_a_preset_shows_its_counts(sign_in, officer, cases):
    client = sign_in(officer)
    response = client.get(PAGE, {"period": "h1-2024"})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?from=2024-04-01&to=2024-09-30"


def test_bad_dates_are_a_message_not_an_error(sign_in, officer):
    client = sign_in(officer)
    response = client.get(PAGE, {"from": "2024-09-30", "to": "2024-04-01"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert client.get(f"{PAGE}download/csv/", {"from": "x", "to": "y"}).status_code == 400
    assert client.get(f"{PAGE}download/xlsx/", QUERY).status_code == 404
    response = client.get(PAGE, {"period": "custom"})
    assert "Enter the first day of the period" in response.content.decode()


@pytest.mark.parametrize("who", ["io_user", "ip_user"])
def test_investigators_are_refused(request, sign_in, who):
    client = sign_in(request.getfixturevalue(who))
    assert client.get(PAGE, QUERY).status_code == 403
    assert client.get(f"{PAGE}download/csv/", QUERY).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PAGE, QUERY)
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]


def test_the_api_gives_the_same_counts(report_viewer, io_user, cases):
    client = APIClient()
    client.force_authenticate(report_viewer)
    url = "/api/v1/reports/data-protection-complaints/"
    data = client.get(url, QUERY).json()
    assert data == dp_counts.data_protection_counts(period=Period(D(2024, 4, 1), D(2024, 9, 30)))
    assert client.get(url, {"preset": "h1-2024"}).json() == data
    bad = client.get(url, {"from": "1 April", "to": "2024-09-30"})
    assert bad.status_code == 400
    assert "from" in json.dumps(bad.json())
    refused = APIClient()
    refused.force_authenticate(io_user)
    assert refused.get(url, QUERY).status_code == 403
    assert APIClient().get(url, QUERY).status_code == 401


def test_the_command_gives_the_same_counts(cases, capsysbinary, tmp_path):
    call_command("data_protection_counts", "--preset", "h1-2024")
    data = json.loads(capsysbinary.readouterr().out)
    assert _values(data, "received") == {"q1": 3, "q2": 3, "total": 6}
    out = tmp_path / "dp.csv"
    call_command(
        "data_protection_counts",
        "--from",
        "2024-04-01",
        "--to",
        "2024-09-30",
        "--format",
        "csv",
        "--output",
        str(out),
    )
    assert "Complaints received,3,3,6" in out.read_text(encoding="utf-8-sig")


def test_the_command_refuses_bad_dates():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("data_protection_counts", "--from", "April", "--to", "2024-09-30")
    with pytest.raises(CommandError, match="Give --from and --to"):
        call_command("data_protection_counts")


def test_the_complaints_report_counts_them_with_the_corporate_complaints(officer):
    """Not social care; counted under corporate so the report's "all" column agrees with
    its other tables, which count every stage 1."""
    from harken.reports.metrics import build_report

    complaint(actor=officer, received_on=D(2024, 4, 2), procedure_code=DP)
    report = build_report(Period(D(2024, 4, 1), D(2024, 6, 30)))
    table = report.table("complaints-received")
    assert table.value("stage1", "corp-total") == 1
    assert table.value("stage1", "sc-total") == 0
    assert table.value("stage1", "all-total") == 1
