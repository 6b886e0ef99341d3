"""The staff report pages: who sees them, choosing a period, both editions, downloads,
saved reports with the team's text and examples, publishing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.cases.models import Outcome, TimelineEvent
from harken.cases.tests.factories import complaint, respond_all
from harken.reports.models import ReportEdition, ReportExample
from harken.reports.renderers import FORMATS

pytestmark = pytest.mark.django_db

D = dt.date
REPORT = "/staff/reports/report/?from=2024-04-01&to=2024-06-30"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def cases(officer):
    made = []
    for day, team in ((2, "SEND Team"), (3, "SEND Team"), (4, "Assessment Teams")):
        case = complaint(actor=officer, received_on=D(2024, 4, day), team=team)
        respond_all(case, on=D(2024, 4, 16), actor=officer, outcome=Outcome.UPHELD)
        made.append(case)
    return made


@pytest.mark.parametrize("who", ["report_viewer", "officer", "manager", "admin_user"])
def test_report_roles_see_the_report_pages(request, sign_in, who, cases):
    client = sign_in(request.getfixturevalue(who))
    for url in ("/staff/reports/", REPORT, "/staff/reports/definitions/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert b"Stage 1 complaints by team" in client.get(REPORT).content


@pytest.mark.parametrize("who", ["io_user", "ip_user"])
def test_investigators_are_refused(request, sign_in, who):
    client = sign_in(request.getfixturevalue(who))
    for url in (
        "/staff/reports/",
        REPORT,
        "/staff/reports/report/download/pdf/?from=2024-04-01&to=2024-06-30",
    ):
        assert client.get(url).status_code == 403


def test_panel_member_refused_and_anonymous_sent_to_sign_in(client, sign_in, panel_users):
    response = client.get("/staff/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/")
    assert sign_in(panel_users[0]).get(REPORT).status_code == 403


def test_choosing_a_preset_or_dates_opens_the_report(sign_in, report_viewer):
    client = sign_in(report_viewer)
    response = client.get("/staff/reports/", {"period": "q1-2024"})
    assert response.status_code == 302
    assert response["Location"] == REPORT
    response = client.get(
        "/staff/reports/",
        {
            "period": "custom",
            "start_0": "1",
            "start_1": "4",
            "start_2": "2024",
            "end_0": "30",
            "end_1": "6",
            "end_2": "2024",
        },
    )
    assert response["Location"] == REPORT


def test_period_mistakes_are_explained(sign_in, report_viewer):
    client = sign_in(report_viewer)
    response = client.get("/staff/reports/", {"period": "custom"})
    assert response.status_code == 200
    assert "Enter the first day of the period" in response.content.decode()
    response = client.get(
        "/staff/reports/",
        {
            "period": "custom",
            "start_0": "1",
            "start_1": "4",
            "start_2": "2024",
            "end_0": "1",
            "end_1": "3",
            "end_2": "2024",
        },
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()
    response = client.get("/staff/reports/report/?from=nonsense")
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    response = client.get("/staff/reports/report/?from=9998-01-01&to=9999-12-31")
    assert response.status_code == 400
    assert "The end date must be on or before 31 December 2199" in response.content.decode()


def test_published_edition_hides_small_numbers(sign_in, report_viewer, cases):
    client = sign_in(report_viewer)
    internal = client.get(REPORT).content.decode()
    published = client.get(REPORT + "&edition=published").content.decode()
    assert "Internal edition: every figure is shown" in internal
    assert "a number from 1 to 5" in published
    assert ">*<" in published
    assert ">3<" in internal


def test_report_page_queries_do_not_grow_with_cases(sign_in, officer, report_viewer):
    client = sign_in(report_viewer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(REPORT).status_code == 200
        return len(ctx.captured_queries)

    complaint(actor=officer, received_on=D(2024, 4, 2))
    few = queries()
    for day in range(3, 20):
        case = complaint(actor=officer, received_on=D(2024, 4, day), team="SEND Team")
        respond_all(case, on=D(2024, 5, 2), actor=officer)
    assert queries() == few


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_download(sign_in, report_viewer, cases, fmt):
    client = sign_in(report_viewer)
    response = client.get(
        f"/staff/reports/report/download/{fmt}/?from=2024-04-01&to=2024-06-30&edition=published"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == FORMATS[fmt].content_type
    assert "published" in response["Content-Disposition"]
    assert len(response.content) > 100


def test_unknown_format_is_404(sign_in, report_viewer):
    response = sign_in(report_viewer).get(
        "/staff/reports/report/download/odt/?from=2024-04-01&to=2024-06-30"
    )
    assert response.status_code == 404


def _save(client) -> ReportEdition:
    response = client.post(
        "/staff/reports/saved/",
        {"start": "2024-04-01", "end": "2024-06-30", "title": "Quarter 1 report"},
    )
    assert response.status_code == 302
    return ReportEdition.objects.get()


def test_saved_report_with_text_examples_and_publishing(sign_in, officer, cases):
    client = sign_in(officer)
    saved = _save(client)
    page = client.get(f"/staff/reports/saved/{saved.pk}/")
    assert page.status_code == 200
    assert "Quarter 1 report" in page.content.decode()

    response = client.post(
        f"/staff/reports/saved/{saved.pk}/edit/",
        {
            "title": "Quarter 1 report",
            "highlights": "We answered faster.",
            "learning": "",
            "considerations": "Improve timeliness.",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/staff/reports/saved/{saved.pk}/examples/new/",
        {
            "section": "stage1",
            "heading": "",
            "text": "A parent was unhappy about a meeting.",
            "case_reference": cases[0].reference,
        },
    )
    assert response.status_code == 302
    example = ReportExample.objects.get()
    assert example.case == cases[0]
    assert TimelineEvent.objects.filter(case=cases[0], verb="report_example").exists()

    internal = client.get(f"/staff/reports/saved/{saved.pk}/").content.decode()
    published = client.get(f"/staff/reports/saved/{saved.pk}/?edition=published").content.decode()
    for page in (internal, published):
        assert "We answered faster." in page
        assert "A parent was unhappy about a meeting." in page
        assert "Improve timeliness." in page
    assert cases[0].reference in internal
    assert cases[0].reference not in published

    # Publishing fixes the figures: a later complaint does not change them...
    client.post(f"/staff/reports/saved/{saved.pk}/publish/", {"action": "publish"})
    saved.refresh_from_db()
    assert saved.is_published
    assert saved.snapshot
    complaint(actor=officer, received_on=D(2024, 5, 20))
    frozen = client.get(f"/staff/reports/saved/{saved.pk}/download/json/").json()
    received = {t["id"]: t for t in frozen["tables"]}["feedback-received"]["rows"]
    assert {r["id"]: r["values"]["total"] for r in received}["stage1"] == 3
    assert frozen["text"]["highlights"] == "We answered faster."
    # ...and a published report cannot be changed until publication is withdrawn.
    response = client.post(
        f"/staff/reports/saved/{saved.pk}/edit/",
        {"title": "Changed", "highlights": "", "learning": "", "considerations": ""},
    )
    assert response.status_code == 400
    assert "withdraw publication" in response.content.decode()
    client.post(f"/staff/reports/saved/{saved.pk}/publish/", {"action": "withdraw"})
    live = client.get(f"/staff/reports/saved/{saved.pk}/download/json/").json()
    received = {t["id"]: t for t in live["tables"]}["feedback-received"]["rows"]
    assert {r["id"]: r["values"]["total"] for r in received}["stage1"] == 4


def test_example_mistakes_are_shown_by_the_field(sign_in, officer):
    client = sign_in(officer)
    saved = _save(client)
    response = client.post(
        f"/staff/reports/saved/{saved.pk}/examples/new/",
        {"section": "", "text": " ", "case_reference": "HK-1999-00001"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the section the example goes in" in page
    assert "Enter the example as it should appear" in page
    response = client.post(
        f"/staff/reports/saved/{saved.pk}/examples/new/",
        {"section": "stage1", "text": "Text", "case_reference": "HK-1999-00001"},
    )
    assert "There is no case HK-1999-00001 you can see." in response.content.decode()
    assert not ReportExample.objects.exists()


def test_example_change_and_remove(sign_in, officer):
    client = sign_in(officer)
    saved = _save(client)
    client.post(
        f"/staff/reports/saved/{saved.pk}/examples/new/", {"section": "stage1", "text": "One"}
    )
    example = ReportExample.objects.get()
    url = f"/staff/reports/saved/{saved.pk}/examples/{example.pk}/"
    assert client.get(url).status_code == 200
    client.post(url, {"section": "stage2", "text": "Two"})
    example.refresh_from_db()
    assert (example.section, example.text) == ("stage2", "Two")
    assert client.get(url + "remove/").status_code == 200
    client.post(url + "remove/")
    assert not ReportExample.objects.exists()


def test_only_officers_and_administrators_change_reports(sign_in, officer, manager, report_viewer):
    saved = _save(sign_in(officer))
    for user in (manager, report_viewer):
        client = sign_in(user)
        assert client.get(f"/staff/reports/saved/{saved.pk}/").status_code == 200
        assert client.get(f"/staff/reports/saved/{saved.pk}/edit/").status_code == 403
        assert client.post(f"/staff/reports/saved/{saved.pk}/publish/").status_code == 403
        assert (
            client.post(
                "/staff/reports/saved/", {"start": "2024-04-01", "end": "2024-06-30"}
            ).status_code
            == 403
        )


def test_rows_about_single_cases_are_for_those_who_see_every_case(
    sign_in, officer, manager, report_viewer, cases
):
    """A payment's case and reason are in the internal edition for feedback officers only;
    managers and report viewers get the figures, and nobody sees a restricted case's
    reference among the examples unless they may see the case."""
    from decimal import Decimal

    from harken.cases import services as case_services
    from harken.registers import services as register_services

    register_services.payment_create(
        actor=officer,
        amount=Decimal("250.00"),
        paid_on=D(2024, 5, 1),
        reason="Apology to Jane Doe for the missed visits",
        case=cases[0],
    )
    for who, sees in ((officer, True), (manager, False), (report_viewer, False)):
        page = sign_in(who).get(REPORT).content.decode()
        assert "Payment 1" in page, who
        assert ("Apology to Jane Doe" in page) is sees, who
        assert (cases[0].reference in page) is sees, who
    saved = ReportEdition.objects.create(
        title="Q1", period_start=D(2024, 4, 1), period_end=D(2024, 6, 30), created_by=officer
    )
    ReportExample.objects.create(
        edition=saved, section="learning", heading="Visits", text="We changed", case=cases[2]
    )
    case_services.case_restrict(case=cases[2], restricted=True, people=[officer], actor=officer)
    other = sign_in(manager).get(f"/staff/reports/saved/{saved.pk}/").content.decode()
    assert "We changed" in other
    assert cases[2].reference not in other
