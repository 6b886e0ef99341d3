"""Report files built by the task worker: the report page's "Build the report", the progress
page, the download (the requester's alone, audited), a failure shown with its retry, and the
same through the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from harken.cases.models import Outcome
from harken.cases.tests.factories import complaint, respond_all
from harken.core.models import AuditEvent, EventType
from harken.reports import selectors
from harken.reports.models import BuildStatus, ReportBuild
from harken.reports.periods import Period
from harken.reports.renderers import render

pytestmark = pytest.mark.django_db

D = dt.date
PERIOD = Period(D(2024, 4, 1), D(2024, 6, 30))
REPORT = "/staff/reports/report/?from=2024-04-01&to=2024-06-30"
FORM = {"from": "2024-04-01", "to": "2024-06-30", "edition": "internal"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cases(officer):
    for day, team in ((2, "SEND Team"), (3, "SEND Team"), (4, "Assessment Teams")):
        case = complaint(actor=officer, received_on=D(2024, 4, day), team=team)
        respond_all(case, on=D(2024, 4, 16), actor=officer, outcome=Outcome.UPHELD)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a client's method and run what it queued after commit (the task), as a request
    does outside a test's transaction."""

    def _run(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return _run


def _direct(user, fmt: str, edition: str = "internal") -> bytes:
    report = selectors.report_for_period(user=user, period=PERIOD, edition=edition)
    return render(report, fmt)[0]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_report_page_offers_to_build_the_pdf_and_word_files(sign_in, officer, cases):
    page = sign_in(officer).get(REPORT).content.decode()
    assert "Build the report as PDF" in page
    assert "Build the report as Word" in page
    assert 'action="/staff/reports/builds/"' in page


@pytest.mark.parametrize("fmt", ["pdf", "docx", "json"])
def test_a_built_file_is_the_direct_render_and_its_download_is_audited(
    sign_in, officer, cases, fmt, run
):
    client = sign_in(officer)
    response = run(client.post, "/staff/reports/builds/", {**FORM, "fmt": fmt})
    build = ReportBuild.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/reports/builds/{build.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Your report is ready" in page
    assert f"/staff/reports/builds/{build.pk}/download/" in page
    download = client.get(f"/staff/reports/builds/{build.pk}/download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert build.file_name in download["Content-Disposition"]
    assert _body(download) == _direct(officer, fmt)
    events = list(AuditEvent.objects.order_by("id").values_list("event_type", "actor"))
    assert events == [
        (EventType.REPORT_BUILD_REQUESTED, officer.pk),
        (EventType.REPORT_BUILD_DOWNLOADED, officer.pk),
    ]


def test_the_published_edition_is_built_as_published(sign_in, report_viewer, cases, run):
    client = sign_in(report_viewer)
    run(client.post, "/staff/reports/builds/", {**FORM, "edition": "published", "fmt": "json"})
    build = ReportBuild.objects.get()
    body = _body(client.get(f"/staff/reports/builds/{build.pk}/download/"))
    assert body == _direct(report_viewer, "json", "published")
    assert body != _direct(report_viewer, "json", "internal")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_is_shown_until_the_worker_has_built_it(settings, sign_in, officer, cases, run):
    """With a real queue the page says it is waiting and offers "Check again" (no script
    needed); the worker builds it; the page then offers the download."""
    settings.TASKS = DATABASE_TASKS
    client = sign_in(officer)
    location = run(client.post, "/staff/reports/builds/", {**FORM, "fmt": "pdf"})["Location"]
    page = client.get(location).content.decode()
    assert "Waiting for the task worker" in page
    assert "Check again" in page
    assert "Your report is ready" not in page
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page = client.get(location).content.decode()
    assert "Your report is ready" in page
    assert "Check again" not in page


def test_a_running_build_says_which_step(sign_in, officer):
    build = ReportBuild.objects.create(
        requested_by=officer,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        fmt="pdf",
        status=BuildStatus.RUNNING,
        step="Drawing the charts and pages",
    )
    page = sign_in(officer).get(f"/staff/reports/builds/{build.pk}/").content.decode()
    assert "Step 2 of 2: Drawing the charts and pages." in page
    assert "Check again" in page
    assert sign_in(officer).get(f"/staff/reports/builds/{build.pk}/download/").status_code == 404


def test_a_failed_build_is_shown_as_failed_and_can_be_tried_again(
    sign_in, officer, cases, monkeypatch, run
):
    from harken.reports.renderers import FORMATS

    client = sign_in(officer)
    real = FORMATS["pdf"]

    def broken(report):
        raise RuntimeError("the fonts are missing")

    monkeypatch.setitem(FORMATS, "pdf", real.__class__(**{**real.__dict__, "render": broken}))
    location = run(client.post, "/staff/reports/builds/", {**FORM, "fmt": "pdf"})["Location"]
    build = ReportBuild.objects.get()
    assert build.status == BuildStatus.FAILED
    assert not build.storage_name
    page = client.get(location).content.decode()
    assert "The report could not be built" in page
    assert "Something went wrong while building the report." in page
    assert "fonts" not in page
    assert "Try again" in page
    assert client.get(f"{location}download/").status_code == 404

    monkeypatch.setitem(FORMATS, "pdf", real)
    response = run(client.post, f"{location}retry/")
    assert response["Location"] == location
    build.refresh_from_db()
    assert build.status == BuildStatus.BUILT
    assert "Your report is ready" in client.get(location).content.decode()
    assert _body(client.get(f"{location}download/")) == _direct(officer, "pdf")


def test_only_a_failed_build_is_tried_again(sign_in, officer, cases, run):
    client = sign_in(officer)
    location = run(client.post, "/staff/reports/builds/", {**FORM, "fmt": "json"})["Location"]
    page = run(client.post, f"{location}retry/", follow=True).content.decode()
    assert "Only a build that failed can be tried again." in page


@pytest.mark.parametrize("who", ["io_user", "ip_user"])
def test_roles_without_reports_may_not_build(request, sign_in, officer, who, cases, run):
    run(sign_in(officer).post, "/staff/reports/builds/", {**FORM, "fmt": "json"})
    build = ReportBuild.objects.get()
    client = sign_in(request.getfixturevalue(who))
    assert run(client.post, "/staff/reports/builds/", {**FORM, "fmt": "pdf"}).status_code == 403
    for url in ("", "download/"):
        assert client.get(f"/staff/reports/builds/{build.pk}/{url}").status_code == 403
    assert ReportBuild.objects.count() == 1


def test_someone_elses_build_is_not_found(sign_in, officer, report_viewer, cases, run):
    """A build is made as its requester sees the report (an officer's internal edition names
    cases): nobody else may follow or download it."""
    run(sign_in(officer).post, "/staff/reports/builds/", {**FORM, "fmt": "json"})
    build = ReportBuild.objects.get()
    client = sign_in(report_viewer)
    for url in ("", "download/"):
        assert client.get(f"/staff/reports/builds/{build.pk}/{url}").status_code == 404
    assert run(client.post, f"/staff/reports/builds/{build.pk}/retry/").status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.REPORT_BUILD_DOWNLOADED).exists()


def test_a_bad_format_or_period_is_explained(sign_in, officer, run):
    client = sign_in(officer)
    response = run(client.post, "/staff/reports/builds/", {**FORM, "fmt": "exe"})
    assert response.status_code == 400
    assert "Choose the file&#x27;s format" in response.content.decode()
    response = run(
        client.post, "/staff/reports/builds/", {**FORM, "to": "2024-01-01", "fmt": "pdf"}
    )
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in (response.content.decode())
    assert not ReportBuild.objects.exists()


# --- The API ------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_builds_reports_and_downloads_them(officer, cases, run):
    client = api(officer)
    response = run(
        client.post,
        "/api/v1/reports/builds/",
        {"format": "pdf", "preset": "q1-2024"},
        format="json",
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] in ("queued", "built")
    assert response["Location"] == body["status_url"]
    assert body["from"] == "2024-04-01"
    assert body["to"] == "2024-06-30"
    status = client.get(body["status_url"]).json()
    assert status["status"] == "built"
    assert status["size"] > 0
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert _body(download) == _direct(officer, "pdf")


def test_api_build_of_a_saved_report(officer, cases, run):
    from harken.reports import services

    saved = services.edition_create(actor=officer, start=PERIOD.start, end=PERIOD.end)
    client = api(officer)
    body = run(
        client.post, "/api/v1/reports/builds/", {"format": "json", "saved": saved.pk}, format="json"
    ).json()
    assert body["saved"] == saved.pk
    body = client.get(body["status_url"]).json()
    data = _body(client.get(body["download_url"]))
    report = selectors.report_for_edition(user=officer, saved=saved)
    assert data == render(report, "json")[0]


def test_api_refusals(officer, report_viewer, io_user, cases, run):
    client = api(officer)
    response = run(client.post, "/api/v1/reports/builds/", {"format": "exe", **FORM}, format="json")
    assert response.status_code == 400
    assert "format" in str(response.json())
    response = run(
        client.post, "/api/v1/reports/builds/", {"format": "pdf", "from": "x"}, format="json"
    )
    assert response.status_code == 400
    body = run(
        client.post, "/api/v1/reports/builds/", {"format": "json", **FORM}, format="json"
    ).json()
    body = client.get(body["status_url"]).json()
    assert api(io_user).get(body["status_url"]).status_code == 403
    assert run(api(io_user).post, "/api/v1/reports/builds/", FORM, format="json").status_code == 403
    assert api(report_viewer).get(body["status_url"]).status_code == 404
    assert api(report_viewer).get(body["download_url"]).status_code == 404
    assert APIClient().get(body["status_url"]).status_code in (401, 403)


def test_api_failed_build_and_retry(officer, cases, monkeypatch, run):
    from harken.reports.renderers import FORMATS

    real = FORMATS["json"]

    def broken(report):
        raise RuntimeError("boom")

    monkeypatch.setitem(FORMATS, "json", real.__class__(**{**real.__dict__, "render": broken}))
    client = api(officer)
    body = run(
        client.post, "/api/v1/reports/builds/", {"format": "json", **FORM}, format="json"
    ).json()
    body = client.get(body["status_url"]).json()
    assert body["status"] == "failed"
    assert body["error"] == "Something went wrong while building the report."
    assert body["download_url"] is None
    monkeypatch.setitem(FORMATS, "json", real)
    assert run(client.post, body["retry_url"]).status_code == 202
    retried = client.get(body["status_url"]).json()
    assert retried["status"] == "built"
    assert run(client.post, body["retry_url"]).status_code == 400
    assert _body(client.get(retried["download_url"])) == _direct(officer, "json")
