"""Last year's comparison is worked out from the period chosen: whatever valid period is
chosen, its comparison never stops the report (page, downloads, saved report, API)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from harken.reports.periods import Period
from harken.reports.renderers import FORMATS

pytestmark = pytest.mark.django_db

# The first period that may be chosen (its year before is before the earliest), and the
# longest (its year before is a day longer: 29 February 2024 becomes 28 February 2023).
PERIODS = [("2000-01-01", "2000-12-31"), ("2000-04-01", "2001-03-31"), ("2024-02-29", "2026-02-28")]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_comparison_of_any_period_is_shown(sign_in, officer, start, end):
    client = sign_in(officer)
    response = client.get(f"/staff/reports/report/?from={start}&to={end}")
    assert response.status_code == 200
    last = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end)).previous_year()
    assert last.dates_label in response.content.decode()


@pytest.mark.parametrize(("start", "end"), PERIODS)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_downloads_of_any_period_are_made(sign_in, officer, start, end, fmt):
    response = sign_in(officer).get(f"/staff/reports/report/download/{fmt}/?from={start}&to={end}")
    assert response.status_code == 200
    assert response.content


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_api_report_of_any_period_has_its_comparison(officer, start, end):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.get(f"/api/v1/reports/?from={start}&to={end}")
    assert response.status_code == 200
    last = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end)).previous_year()
    assert response.json()["comparison_period"]["from"] == last.start.isoformat()


def test_a_saved_report_of_the_first_period_opens(sign_in, officer):
    client = sign_in(officer)
    response = client.post(
        "/staff/reports/saved/",
        {"start": "2000-01-01", "end": "2000-12-31", "title": "Complaints in 2000"},
    )
    assert response.status_code == 302, response.context.get("period_error")
    assert client.get(response["Location"]).status_code == 200
